"""The `cos` state backend, served through the StateStore service.

Location config (the config's state block): `bucket` (required; the APPID suffix COS bucket
names carry is added when missing, so `genesys-state-${account_id}` and `genesys-state` both
work), `prefix` (default "genesys/<workspace>/"), `create_bucket` (default true: the bucket -
versioned, encrypted, private - is made on first use). Other keys (`backend`, `encrypt`, ...)
belong to the core, which encrypts the state itself with `encrypt: true`.

Compare-and-swap is a conditional PUT: `If-None-Match: *` (must not exist) or `If-Match:
<etag>` (must be unchanged); COS answers 412 PreconditionFailed and writes nothing otherwise.
A version string is "<etag>@<version id>": the etag drives CAS, the version id reads past
versions. The lock is the object `<prefix>.genesys.lock` written with `If-None-Match: *`: it
never waits; a held lock answers acquired=false with the holder's LockInfo.
"""

from __future__ import annotations

import datetime
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.cloud_errors import translate_errors
from google.protobuf import json_format

from genesys_provider_tencent.clients import PatientCos, TencentClients
from genesys_provider_tencent.errors import TRANSLATOR, error_code

LOCK_OBJECT = ".genesys.lock"
TRANSIENT = (
    "SlowDown",
    "InternalError",
    "ServiceUnavailable",
    "ClientNetworkError",
    "RequestTimeout",
)
RETRIES = 8
CONFLICTS = ("PreconditionFailed", "FileAlreadyExists")
GONE = ("NoSuchKey", "NoSuchVersion", "NoSuchBucket", "NoSuchResource")


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


def backend_of(clients: TencentClients, location: Any) -> Backend:
    if location.backend not in ("cos", ""):
        raise errors.InvalidArgument(
            f"the tencent provider serves the cos state backend, not {location.backend!r}",
            attribute_path="location.backend",
        )
    config = json_format.MessageToDict(location.config) if location.HasField("config") else {}
    bucket = str(config.get("bucket") or "")
    if not bucket:
        raise errors.InvalidArgument(
            "the cos state backend needs a bucket", attribute_path="state.bucket"
        )
    appid = clients.appid()
    if not bucket.endswith(f"-{appid}"):
        bucket = f"{bucket}-{appid}"
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


def _etag(version: str) -> str:
    return version.partition("@")[0]


def _version_id(version: str) -> str:
    etag, sep, version_id = version.partition("@")
    return version_id if sep else etag


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@translate_errors(TRANSLATOR)
class StateStoreServicer(provider_pb2_grpc.StateStoreServicer):
    def __init__(self, clients: TencentClients) -> None:
        self.clients = clients
        self._ready: set[str] = set()
        self._ready_lock = threading.Lock()

    def _cos(self) -> PatientCos:
        return PatientCos(self.clients.cos())

    def _backend(self, location: Any) -> Backend:
        return backend_of(self.clients, location)

    def _ensure(self, backend: Backend) -> None:
        """Creates the bucket on first use (versioned, encrypted, private) when allowed."""
        if backend.bucket in self._ready:
            return
        with self._ready_lock:
            if backend.bucket in self._ready:
                return
            cos = self._cos()
            try:
                cos.head_bucket(Bucket=backend.bucket)
            except Exception as exc:
                if error_code(exc) not in GONE:
                    raise
                if not backend.create_bucket:
                    raise errors.FailedPrecondition(
                        f"state bucket {backend.bucket} does not exist (create_bucket is false)"
                    ) from exc
                self._make_bucket(backend.bucket)
            self._ready.add(backend.bucket)

    def _make_bucket(self, bucket: str) -> None:
        cos = self._cos()
        try:
            cos.create_bucket(Bucket=bucket, ACL="private")
        except Exception as exc:
            if error_code(exc) != "BucketAlreadyOwnedByYou":  # another run made it first
                raise
        cos.put_bucket_versioning(Bucket=bucket, Status="Enabled")
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        cos.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rule": [rule]})

    # ------------------------------------------------------------ objects

    def ReadState(self, request: Any, context: Any) -> provider_pb2.StateObject:
        backend = self._backend(request.location)
        args: dict[str, Any] = {"Bucket": backend.bucket, "Key": backend.key(request.key)}
        if request.version:
            args["VersionId"] = _version_id(request.version)
        try:
            found = self._cos().get_object(**args)
        except Exception as exc:
            if error_code(exc) in GONE:
                raise errors.NotFound(f"state object {request.key} not found") from exc
            raise
        return provider_pb2.StateObject(
            key=request.key,
            data=found["Body"].get_raw_stream().read(),
            version=compose_version(found["ETag"], found.get("x-cos-version-id")),
        )

    def WriteState(self, request: Any, context: Any) -> provider_pb2.WriteStateResponse:
        backend = self._backend(request.location)
        self._ensure(backend)
        condition = (
            {"IfMatch": f'"{_etag(request.expected_version)}"'}
            if request.expected_version
            else {"IfNoneMatch": "*"}
        )
        try:
            written = self._cos().put_object(
                Bucket=backend.bucket,
                Key=backend.key(request.key),
                Body=request.data,
                ServerSideEncryption="AES256",
                **condition,
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
            version=compose_version(written["ETag"], written.get("x-cos-version-id"))
        )

    def DeleteState(self, request: Any, context: Any) -> provider_pb2.DeleteStateResponse:
        backend = self._backend(request.location)
        cos, key = self._cos(), backend.key(request.key)
        try:
            cos.head_object(Bucket=backend.bucket, Key=key)
        except Exception as exc:
            if error_code(exc) in GONE:
                raise errors.NotFound(f"state object {request.key} not found") from exc
            raise
        cos.delete_object(Bucket=backend.bucket, Key=key)
        return provider_pb2.DeleteStateResponse()

    def _versions(self, backend: Backend, prefix: str) -> Iterator[dict[str, Any]]:
        cos = self._cos()
        key_marker = version_marker = ""
        while True:
            try:
                page = cos.list_objects_versions(
                    Bucket=backend.bucket,
                    Prefix=prefix,
                    KeyMarker=key_marker,
                    VersionIdMarker=version_marker,
                )
            except Exception as exc:
                if error_code(exc) in GONE:
                    return
                raise
            yield from _as_list(page.get("Version"))
            if page.get("IsTruncated") != "true":
                return
            key_marker = page.get("NextKeyMarker", "")
            version_marker = page.get("NextVersionIdMarker", "")

    def ListStateKeys(self, request: Any, context: Any) -> Iterator[provider_pb2.StateKey]:
        backend = self._backend(request.location)
        for item in self._versions(backend, backend.key(request.prefix)):
            key = item["Key"][len(backend.prefix) :]
            if item.get("IsLatest") == "true" and key != LOCK_OBJECT:
                yield provider_pb2.StateKey(
                    key=key,
                    size=int(item.get("Size") or 0),
                    version=compose_version(item["ETag"], item.get("VersionId")),
                )

    def ListStateVersions(self, request: Any, context: Any) -> Iterator[provider_pb2.StateVersion]:
        backend = self._backend(request.location)
        full = backend.key(request.key)
        for item in self._versions(backend, full):  # COS lists a key's versions newest first
            if item["Key"] != full:
                continue
            out = provider_pb2.StateVersion(
                version=compose_version(item["ETag"], item.get("VersionId")),
                size=int(item.get("Size") or 0),
            )
            modified = datetime.datetime.strptime(item["LastModified"][:19], "%Y-%m-%dT%H:%M:%S")
            out.modified.FromDatetime(modified.replace(tzinfo=datetime.timezone.utc))
            yield out

    # ------------------------------------------------------------ lock

    def Lock(self, request: Any, context: Any) -> provider_pb2.LockResponse:
        backend = self._backend(request.location)
        self._ensure(backend)
        info = provider_pb2.LockInfo()
        info.CopyFrom(request.info)
        if not info.id:
            info.id = str(uuid.uuid4())
        if request.replace_lock_id:
            holder = self._take_over(backend, request.replace_lock_id, info)
        else:
            holder = self._lock(backend, info)
        if holder is None:
            return provider_pb2.LockResponse(acquired=True, holder=info)
        return provider_pb2.LockResponse(acquired=False, holder=holder)

    def _put_lock(self, backend: Backend, info: Any, **condition: str) -> bool:
        body = json_format.MessageToJson(info).encode()
        try:
            self._cos().put_object(
                Bucket=backend.bucket, Key=backend.lock_key, Body=body, **condition
            )
            return True
        except Exception as exc:
            if error_code(exc) not in CONFLICTS:
                raise
            return False

    def _lock(self, backend: Backend, info: Any) -> Any:
        """None when taken; else the holder's LockInfo (never waits)."""
        for _ in range(3):  # the holder may unlock between our refused put and our read
            if self._put_lock(backend, info, IfNoneMatch="*"):
                return None
            holder = self._holder(backend)
            if holder is not None:
                return holder[0]
        return provider_pb2.LockInfo(id="?")

    def _take_over(self, backend: Backend, gone: str, info: Any) -> Any:
        """A put conditional on the ETag of the gone holder's lock object: one run wins."""
        holder = self._holder(backend)
        if holder is None:
            return self._lock(backend, info)
        if holder[0].id != gone:
            return holder[0]
        if self._put_lock(backend, info, IfMatch=holder[1]):
            return None
        now = self._holder(backend)
        return now[0] if now is not None else provider_pb2.LockInfo(id="?")

    def _holder(self, backend: Backend) -> tuple[Any, str] | None:
        try:
            found = self._cos().get_object(Bucket=backend.bucket, Key=backend.lock_key)
        except Exception as exc:
            if error_code(exc) in GONE:
                return None
            raise
        info = json_format.Parse(
            found["Body"].get_raw_stream().read(),
            provider_pb2.LockInfo(),
            ignore_unknown_fields=True,
        )
        return info, str(found["ETag"])

    def Unlock(self, request: Any, context: Any) -> provider_pb2.UnlockResponse:
        backend = self._backend(request.location)
        holder = self._holder(backend)
        if holder is None:
            if request.force:
                return provider_pb2.UnlockResponse()
            raise errors.FailedPrecondition(f"lock {request.lock_id} is not held")
        if holder[0].id != request.lock_id and not request.force:
            raise errors.FailedPrecondition(
                f"lock {request.lock_id} is not held; {holder[0].id} holds it"
            )
        self._cos().delete_object(Bucket=backend.bucket, Key=backend.lock_key)
        return provider_pb2.UnlockResponse()
