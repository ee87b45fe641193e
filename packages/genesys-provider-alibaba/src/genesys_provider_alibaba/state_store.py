"""The `oss` state backend, served through the StateStore service.

Location config (the config's state block): `bucket` (required), `prefix` (default
"genesys/<workspace>/"), `create_bucket` (default true: the bucket - versioned, AES256
encrypted, private - is made on first use). Other keys (`backend`, `encrypt`, ...) belong to
the core; `encrypt: true` is the core's client-side AES-256-GCM, so the objects hold
ciphertext.

Compare-and-swap uses OSS conditional writes: PutObject with `x-oss-forbid-overwrite: true`
(must not exist) or `If-Match: "<etag>"` (must be unchanged); OSS answers 409
FileAlreadyExists / 412 PreconditionFailed and writes nothing otherwise. A version string is
"<etag>@<version id>": the etag drives CAS, the version id reads past versions. The lock is
the object `<prefix>.genesys.lock`, written with `x-oss-forbid-overwrite`: taking it never
waits; a held lock answers acquired=false with its holder.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import errors
from google.protobuf import json_format

from genesys_provider_alibaba.clients import AlibabaClients
from genesys_provider_alibaba.errors import call_or_none, error_code, translate_errors

LOCK_OBJECT = ".genesys.lock"
STATE_ATTEMPTS = 12  # ~20 s of backoff before a throttled state write gives up
CONFLICTS = ("PreconditionFailed", "FileAlreadyExists")
MISSING = ("NoSuchKey", "NoSuchVersion", "NoSuchBucket")


@dataclass(frozen=True)
class Backend:
    bucket: str
    prefix: str
    create_bucket: bool

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    @property
    def lock_key(self) -> str:
        return f"{self.prefix}{LOCK_OBJECT}"


def backend_of(location: Any) -> Backend:
    if location.backend not in ("oss", ""):
        raise errors.InvalidArgument(
            f"the alibaba provider serves the oss state backend, not {location.backend!r}",
            attribute_path="location.backend",
        )
    config = json_format.MessageToDict(location.config) if location.HasField("config") else {}
    bucket = str(config.get("bucket") or "")
    if not bucket:
        raise errors.InvalidArgument(
            "the oss state backend needs a bucket", attribute_path="state.bucket"
        )
    workspace = location.workspace or "default"
    key = str(config.get("prefix") or "").strip("/")
    if key:
        prefix = f"{key}/" if workspace == "default" else f"{key}/env/{workspace}/"
    else:
        prefix = f"genesys/{workspace}/"
    return Backend(
        bucket=bucket, prefix=prefix, create_bucket=bool(config.get("create_bucket", True))
    )


def compose_version(etag: str, version_id: str | None) -> str:
    return f"{etag.strip(chr(34))}@{version_id or 'null'}"


@translate_errors
class StateStoreServicer(provider_pb2_grpc.StateStoreServicer):
    def __init__(self, clients: AlibabaClients) -> None:
        self.clients = clients
        self._ready: set[str] = set()
        self._lock = __import__("threading").Lock()

    def _bucket(self, backend: Backend) -> Any:
        # The core retries resource operations, not state writes: the store absorbs throttling.
        return self.clients.oss_bucket(backend.bucket, attempts=STATE_ATTEMPTS)

    def _ensure(self, backend: Backend) -> None:
        """The bucket, made on first use: versioned, encrypted, private."""
        if backend.bucket in self._ready or not backend.create_bucket:
            return
        from oss2 import BUCKET_ACL_PRIVATE, models

        with self._lock:
            bucket = self._bucket(backend)
            if call_or_none(bucket.get_bucket_info, "NoSuchBucket") is None:
                try:
                    bucket.create_bucket(BUCKET_ACL_PRIVATE)
                except Exception as exc:
                    if error_code(exc) not in ("BucketAlreadyExists", "BucketAlreadyOwnedByYou"):
                        raise
                bucket.put_bucket_versioning(models.BucketVersioningConfig("Enabled"))
                bucket.put_bucket_encryption(models.ServerSideEncryptionRule("AES256"))
            self._ready.add(backend.bucket)

    # ------------------------------------------------------------ objects

    def ReadState(self, request: Any, context: Any) -> provider_pb2.StateObject:
        backend = backend_of(request.location)
        params = (
            {"versionId": request.version.partition("@")[2] or request.version}
            if request.version
            else None
        )
        try:
            found = self._bucket(backend).get_object(backend.key(request.key), params=params)
        except Exception as exc:
            if error_code(exc) in MISSING:
                raise errors.NotFound(f"state object {request.key} not found") from exc
            raise
        return provider_pb2.StateObject(
            key=request.key, data=found.read(), version=compose_version(found.etag, found.versionid)
        )

    def WriteState(self, request: Any, context: Any) -> provider_pb2.WriteStateResponse:
        backend = backend_of(request.location)
        self._ensure(backend)
        headers = {"x-oss-server-side-encryption": "AES256"}
        if request.expected_version:
            headers["If-Match"] = f'"{request.expected_version.partition("@")[0]}"'
        else:
            headers["x-oss-forbid-overwrite"] = "true"
        try:
            written = self._bucket(backend).put_object(
                backend.key(request.key), request.data, headers=headers
            )
        except Exception as exc:
            if error_code(exc) in CONFLICTS:
                expected = request.expected_version or "absent"
                raise errors.FailedPrecondition(
                    f"state object {request.key} changed (expected version {expected})",
                    provider_code=error_code(exc),
                ) from exc
            raise
        return provider_pb2.WriteStateResponse(
            version=compose_version(written.etag, written.versionid)
        )

    def DeleteState(self, request: Any, context: Any) -> provider_pb2.DeleteStateResponse:
        backend = backend_of(request.location)
        bucket, key = self._bucket(backend), backend.key(request.key)
        if call_or_none(bucket.head_object, *MISSING, "404", key=key) is None:
            raise errors.NotFound(f"state object {request.key} not found")
        bucket.delete_object(key)
        return provider_pb2.DeleteStateResponse()

    def _versions(self, backend: Backend, prefix: str) -> list[Any]:
        bucket = self._bucket(backend)
        out = []
        key_marker = version_marker = ""
        try:
            while True:
                page = bucket.list_object_versions(
                    prefix=prefix, key_marker=key_marker, versionid_marker=version_marker
                )
                out += page.versions
                if not page.is_truncated:
                    return out
                key_marker, version_marker = page.next_key_marker, page.next_versionid_marker
        except Exception as exc:
            if error_code(exc) != "NoSuchBucket":
                raise
            return []

    def ListStateKeys(self, request: Any, context: Any) -> Iterator[provider_pb2.StateKey]:
        backend = backend_of(request.location)
        for item in self._versions(backend, backend.key(request.prefix)):
            key = item.key[len(backend.prefix) :]
            if item.is_latest and key != LOCK_OBJECT:
                yield provider_pb2.StateKey(
                    key=key, version=compose_version(item.etag, item.versionid), size=int(item.size)
                )

    def ListStateVersions(self, request: Any, context: Any) -> Iterator[provider_pb2.StateVersion]:
        backend = backend_of(request.location)
        full = backend.key(request.key)
        versions = [v for v in self._versions(backend, full) if v.key == full]
        for item in sorted(versions, key=lambda v: v.last_modified, reverse=True):
            out = provider_pb2.StateVersion(
                version=compose_version(item.etag, item.versionid), size=int(item.size)
            )
            out.modified.FromSeconds(int(item.last_modified))
            yield out

    def GenerateDataKey(self, request: Any, context: Any) -> Any:
        raise errors.Unimplemented(
            "the oss backend offers no key service: use encrypt: true with a passphrase"
        )

    def DecryptDataKey(self, request: Any, context: Any) -> Any:
        raise errors.Unimplemented("the oss backend offers no key service")

    # ------------------------------------------------------------ the lock

    def Lock(self, request: Any, context: Any) -> provider_pb2.LockResponse:
        backend = backend_of(request.location)
        self._ensure(backend)
        info = provider_pb2.LockInfo()
        info.CopyFrom(request.info)
        if not info.id:
            info.id = str(uuid.uuid4())
        holder = (
            self._take_over(backend, request.replace_lock_id, info)
            if request.replace_lock_id
            else self._take(backend, info)
        )
        if holder is None or holder.id == info.id:
            return provider_pb2.LockResponse(acquired=True, holder=info)
        return provider_pb2.LockResponse(acquired=False, holder=holder)

    def _put_lock(self, backend: Backend, info: Any, headers: dict[str, str]) -> bool:
        """True when written; False when the condition failed (someone holds it)."""
        try:
            self._bucket(backend).put_object(
                backend.lock_key, json_format.MessageToJson(info).encode(), headers=headers
            )
            return True
        except Exception as exc:
            if error_code(exc) not in CONFLICTS:
                raise
            return False

    def _take(self, backend: Backend, info: Any) -> Any:
        for _ in range(3):  # the holder may unlock between our failed put and our read
            if self._put_lock(backend, info, {"x-oss-forbid-overwrite": "true"}):
                return None
            holder = self._holder(backend)
            if holder is not None:
                return holder[0]
        return provider_pb2.LockInfo(id="?")

    def _take_over(self, backend: Backend, gone: str, info: Any) -> Any:
        """A put conditional on the ETag of the gone holder's lock object (If-Match)."""
        holder = self._holder(backend)
        if holder is None:
            return self._take(backend, info)
        if holder[0].id != gone:
            return holder[0]
        if self._put_lock(backend, info, {"If-Match": holder[1]}):
            return None
        now = self._holder(backend)
        return now[0] if now is not None else provider_pb2.LockInfo(id="?")

    def _holder(self, backend: Backend) -> tuple[Any, str] | None:
        found = call_or_none(self._bucket(backend).get_object, "NoSuchKey", key=backend.lock_key)
        if found is None:
            return None
        info = json_format.Parse(found.read(), provider_pb2.LockInfo(), ignore_unknown_fields=True)
        return info, f'"{found.etag}"'

    def Unlock(self, request: Any, context: Any) -> provider_pb2.UnlockResponse:
        backend = backend_of(request.location)
        holder = self._holder(backend)
        if holder is None:
            if request.force:
                return provider_pb2.UnlockResponse()
            raise errors.FailedPrecondition("the state is not locked")
        if holder[0].id != request.lock_id and not request.force:
            raise errors.FailedPrecondition(
                f"the state is locked by {holder[0].id}, not {request.lock_id}"
            )
        # OSS has no conditional delete: the holder was checked just before.
        self._bucket(backend).delete_object(backend.lock_key)
        return provider_pb2.UnlockResponse()
