"""Function Compute 3.0 layers: versions created from a zip, read, listed and deleted, and
the import paths a function's `layers` (version ARNs) add to its invocations.

A version number only grows, even after deletes, as in FC. Deleting a version a function
still names is allowed (FC keeps the function's copy); the emulator keeps the unpacked
files until no function names it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import threading
import time
from pathlib import Path
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from genesys_emulators.core import CloudError, ServiceApp
from genesys_emulators.core.functions import FunctionCode

LAYERS = "/2023-03-30/layers"
LAYER_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
ARN = re.compile(r"^acs:fc:([^:]+):([^:]+):layers/([^/]+)/versions/(\d+)$")
LAYER_RULES = (
    Rule(LAYERS, methods=["GET"], endpoint="list_layers"),
    Rule(f"{LAYERS}/<layer>/versions", methods=["POST"], endpoint="create_layer_version"),
    Rule(f"{LAYERS}/<layer>/versions", methods=["GET"], endpoint="list_layer_versions"),
    Rule(f"{LAYERS}/<layer>/versions/<int:version>", methods=["GET"], endpoint="get_layer_version"),
    Rule(
        f"{LAYERS}/<layer>/versions/<int:version>",
        methods=["DELETE"],
        endpoint="delete_layer_version",
    ),
)


def _layer_not_found(name: str, version: int | str) -> CloudError:
    return CloudError(404, "LayerNotFound", f"layer '{name}' version {version} does not exist")


class LayersMixin:
    """Layer endpoints of `FunctionCompute`; it provides region, account, lock and functions."""

    region: str
    account: str
    lock: threading.RLock
    layers: dict[str, dict[int, dict[str, Any]]]
    layer_codes: dict[str, FunctionCode]
    layer_next_version: dict[str, int]

    def _init_layers(self) -> None:
        self.layers, self.layer_codes, self.layer_next_version = {}, {}, {}

    def _layer_version(self, name: str, version: int) -> dict[str, Any]:
        found = self.layers.get(name, {}).get(version)
        if found is None:
            raise _layer_not_found(name, version)
        return found

    def create_layer_version(self, request: Request, layer: str) -> Any:
        if not LAYER_NAME.match(layer):
            raise CloudError(400, "InvalidArgument", f"layerName '{layer}' is not valid")
        body = ServiceApp.json_body(request)
        encoded = (body.get("code") or {}).get("zipFile", "")
        if not encoded:
            raise CloudError(400, "InvalidArgument", "code is required")
        try:
            archive = base64.b64decode(encoded, validate=True)
            code = FunctionCode(archive)
        except (binascii.Error, ValueError, Exception) as exc:
            raise CloudError(
                400, "InvalidArgument", f"code.zipFile is not a base64 zip archive: {exc}"
            ) from None
        with self.lock:
            version = self.layer_next_version.get(layer, 1)
            self.layer_next_version[layer] = version + 1
            arn = f"acs:fc:{self.region}:{self.account}:layers/{layer}/versions/{version}"
            record = {
                "layerName": layer,
                "version": version,
                "layerVersionArn": arn,
                "description": body.get("description", ""),
                "compatibleRuntime": list(body.get("compatibleRuntime") or []),
                "license": body.get("license", ""),
                "acl": "0",
                "codeSize": len(archive),
                "codeChecksum": str(int(hashlib.sha256(archive).hexdigest()[:15], 16)),
                "createTime": _now(),
                "code": {"repositoryType": "OSS", "location": f"layers/{layer}/{version}.zip"},
            }
            self.layers.setdefault(layer, {})[version] = record
            self.layer_codes[arn] = code
        return record

    def get_layer_version(self, request: Request, layer: str, version: int) -> Any:
        with self.lock:
            return self._layer_version(layer, version)

    def list_layer_versions(self, request: Request, layer: str) -> Any:
        start = int(request.args.get("startVersion") or 1)
        limit = int(request.args.get("limit") or 20)
        with self.lock:
            versions = sorted(v for v in self.layers.get(layer, {}) if v >= start)
            chosen = [self.layers[layer][v] for v in versions[:limit]]
        answer: dict[str, Any] = {"layers": chosen}
        if len(versions) > limit:
            answer["nextVersion"] = versions[limit]
        return answer

    def list_layers(self, request: Request) -> Any:
        """The newest version of each layer, as FC lists them."""
        prefix = request.args.get("prefix", "")
        limit = int(request.args.get("limit") or 20)
        start = request.args.get("nextToken", "")
        with self.lock:
            names = sorted(
                n for n, vs in self.layers.items() if vs and n.startswith(prefix) and n >= start
            )
            chosen = [self.layers[n][max(self.layers[n])] for n in names[:limit]]
        answer: dict[str, Any] = {"layers": chosen}
        if len(names) > limit:
            answer["nextToken"] = names[limit]
        return answer

    def delete_layer_version(self, request: Request, layer: str, version: int) -> Response:
        with self.lock:
            record = self._layer_version(layer, version)
            del self.layers[layer][version]
            if not self.layers[layer]:
                del self.layers[layer]
            self._release_layer_code(record["layerVersionArn"])
        return Response(status=204)

    def release_layers(self, layers: list[dict[str, Any]]) -> None:
        """After a function drops or changes its layers: free deleted versions' files."""
        with self.lock:
            for layer in layers:
                self._release_layer_code(layer["arn"])

    def _release_layer_code(self, arn: str) -> None:
        """Drops a deleted version's files unless a function still names it."""
        if self._layer_exists(arn) or self._layer_in_use(arn):
            return
        code = self.layer_codes.pop(arn, None)
        if code:
            code.close()

    def _layer_in_use(self, arn: str) -> bool:
        functions: dict[str, dict[str, Any]] = getattr(self, "functions", {})
        return any(arn == x["arn"] for f in functions.values() for x in f.get("layers", []))

    def _layer_exists(self, arn: str) -> bool:
        match = ARN.match(arn)
        return match is not None and int(match.group(4)) in self.layers.get(match.group(3), {})

    def function_layers(self, arns: list[str]) -> list[dict[str, Any]]:
        """A function's `layers` as FC answers them; each must name an existing version."""
        answer = []
        for arn in arns:
            match = ARN.match(str(arn))
            if not match:
                raise CloudError(
                    400, "InvalidArgument", f"layer '{arn}' is not a layer version ARN"
                )
            if not self._layer_exists(arn):
                raise _layer_not_found(match.group(3), match.group(4))
            version = self.layers[match.group(3)][int(match.group(4))]
            answer.append({"arn": arn, "size": version["codeSize"]})
        return answer

    def layer_import_paths(self, layers: list[dict[str, Any]], runtime: str) -> list[Path]:
        """Each layer's `python/` (or `nodejs/node_modules`) dir and its root, in order."""
        paths: list[Path] = []
        sub = "nodejs/node_modules" if runtime.startswith("nodejs") else "python"
        with self.lock:
            for layer in layers:
                code = self.layer_codes.get(layer["arn"])
                if code is not None:
                    paths += [code.directory / sub, code.directory]
        return paths


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
