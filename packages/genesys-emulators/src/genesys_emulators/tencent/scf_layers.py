"""SCF layers (scf.tencentcloudapi.com, 2018-04-16), mixed into the SCF service.

A layer is a name with numbered, immutable versions, each a zip. Functions name layer
versions in `Layers: [{LayerName, LayerVersion}]` (each must exist); when a handler runs, the
layers' unpacked code is on its import path, as SCF mounts them under /opt. A version a
function still uses cannot be deleted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import zipfile

from genesys_emulators.core import Store
from genesys_emulators.core.functions import FunctionCode
from genesys_emulators.tencent.api import Record, error, invalid, now, page, required, tag_pairs

_LAYER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,62}[A-Za-z0-9]$")
_VIEW_KEYS = (
    "LayerName",
    "LayerVersion",
    "CompatibleRuntimes",
    "Description",
    "LicenseInfo",
    "AddTime",
    "Status",
    "Stamp",
    "Tags",
)


class LayerActions:
    """PublishLayerVersion, GetLayerVersion, ListLayerVersions, ListLayers, DeleteLayerVersion."""

    store: Store  # the SCF service's store (this class is mixed into it)

    def _layer(self, region: str, name: str) -> Record:
        layer = self.store.find("scf.layers", f"{region}/{name}")
        if layer is None:
            raise error("ResourceNotFound.Layer", f"The layer `{name}` does not exist.")
        return layer

    def _version(self, region: str, name: str, version: int) -> Record:
        found = self._layer(region, name)["versions"].get(int(version))
        if found is None:
            raise error(
                "ResourceNotFound.LayerVersion",
                f"Version {version} of the layer `{name}` does not exist.",
            )
        return found

    def PublishLayerVersion(self, body: Record, region: str) -> Record:
        name = required(body, "LayerName")
        if not _LAYER_NAME.match(name):
            raise invalid("LayerName", name, "1-64 letters, digits, - or _, starting with a letter")
        runtimes = required(body, "CompatibleRuntimes")
        zipped = required(required(body, "Content"), "ZipFile")
        try:
            raw = base64.b64decode(zipped, validate=True)
            code = FunctionCode(raw)
        except (binascii.Error, ValueError, zipfile.BadZipFile) as exc:
            raise error("InvalidParameterValue.ZipFile", f"Content.ZipFile: {exc}") from None
        with self.store.lock:
            layer = self.store.find("scf.layers", f"{region}/{name}") or {"versions": {}, "next": 1}
            version = layer["next"]
            layer["versions"][version] = {
                "LayerName": name,
                "LayerVersion": version,
                "CompatibleRuntimes": list(runtimes),
                "Description": body.get("Description", ""),
                "LicenseInfo": body.get("LicenseInfo", ""),
                "AddTime": now(),
                "Status": "Active",
                "Stamp": "",
                "Tags": tag_pairs(body.get("Tags"), "Key", "Value"),
                "CodeSha256": hashlib.sha256(raw).hexdigest(),
                "_code": code,
            }
            layer["next"] = version + 1
            self.store.put("scf.layers", f"{region}/{name}", layer)
        return {"LayerVersion": version}

    def GetLayerVersion(self, body: Record, region: str) -> Record:
        found = self._version(region, required(body, "LayerName"), required(body, "LayerVersion"))
        return {
            k: v for k, v in found.items() if not k.startswith("_") and k not in ("Stamp", "Tags")
        }

    def ListLayerVersions(self, body: Record, region: str) -> Record:
        layer = self._layer(region, required(body, "LayerName"))
        rows = [
            {k: v.get(k) for k in _VIEW_KEYS}
            for _, v in sorted(layer["versions"].items(), reverse=True)
        ]
        return {"LayerVersions": rows}

    def ListLayers(self, body: Record, region: str) -> Record:
        rows = []
        for key in sorted(k for k in self._keys() if k.startswith(f"{region}/")):
            versions = (self.store.find("scf.layers", key) or {}).get("versions")
            if versions:
                newest = versions[max(versions)]
                rows.append({k: newest.get(k) for k in _VIEW_KEYS})
        return {"Layers": page(rows, body), "TotalCount": len(rows)}

    def _keys(self) -> list[str]:
        with self.store.lock:
            return list(self.store.collection("scf.layers"))

    def DeleteLayerVersion(self, body: Record, region: str) -> Record:
        name, version = required(body, "LayerName"), int(required(body, "LayerVersion"))
        with self.store.lock:
            found = self._version(region, name, version)
            users = [
                f["FunctionName"]
                for f in self.store.values("scf.functions")
                if {"LayerName": name, "LayerVersion": version} in f.get("_layers", [])
            ]
            if users:
                raise error(
                    "ResourceInUse.LayerVersion",
                    f"Version {version} of `{name}` is used by {', '.join(users)}.",
                )
            del self._layer(region, name)["versions"][version]
        found["_code"].close()
        return {}

    def checked_layers(self, body: Record, region: str) -> list[Record]:
        """A function's Layers, each an existing version; [{LayerName, LayerVersion}]."""
        chosen = []
        for item in body.get("Layers") or []:
            name, version = required(item, "LayerName"), int(required(item, "LayerVersion"))
            self._version(region, name, version)
            chosen.append({"LayerName": name, "LayerVersion": version})
        return chosen

    def layer_paths(self, region: str, layers: list[Record]) -> list[str]:
        return [
            str(self._version(region, x["LayerName"], x["LayerVersion"])["_code"].directory)
            for x in layers
        ]
