"""The `gcs` state backend, served through the StateStore service.

Location config (the config's state block): `bucket` (required), `prefix` (default
"genesys/<workspace>/"), `create_bucket` (default true: the bucket - versioned, uniform
access, public access prevented - is made on first use). Other keys (`backend`, `encrypt`,
...) belong to the core.

Compare-and-swap uses GCS generation preconditions: a write carries ifGenerationMatch
(0 = must not exist); GCS answers 412 and writes nothing otherwise. A version is the object's
generation, which also reads past versions (the bucket keeps them). The lock is the object
`<prefix>.genesys.lock`, written with ifGenerationMatch=0: it never waits; a take-over
rewrites it with ifGenerationMatch=<the stale holder's generation>, so one run wins.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.cloud_errors import translate_errors
from google.protobuf import json_format, timestamp_pb2

from genesys_provider_gcp.clients import GcpClients
from genesys_provider_gcp.errors import TRANSLATOR

LOCK_OBJECT = ".genesys.lock"


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
    if location.backend not in ("gcs", ""):
        raise errors.InvalidArgument(
            f"the gcp provider serves the gcs state backend, not {location.backend!r}",
            attribute_path="state.backend",
        )
    config = json_format.MessageToDict(location.config) if location.HasField("config") else {}
    bucket = str(config.get("bucket") or "")
    if not bucket:
        raise errors.InvalidArgument(
            "the gcs state backend needs a bucket", attribute_path="state.bucket"
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


@contextlib.contextmanager
def _precondition(what: str) -> Iterator[None]:
    from google.api_core import exceptions

    try:
        yield
    except exceptions.PreconditionFailed:
        raise errors.FailedPrecondition(
            f"{what} changed since it was read (generation mismatch)"
        ) from None


def _timestamp(value: Any) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    if value is not None:
        stamp.FromDatetime(value)
    return stamp


@translate_errors(TRANSLATOR)
class StateStoreServicer(provider_pb2_grpc.StateStoreServicer):
    def __init__(self, clients: GcpClients) -> None:
        self.clients = clients
        self._ready: set[str] = set()
        self._lock = threading.Lock()

    def _bucket(self, backend: Backend) -> Any:
        gcs = self.clients.storage()
        bucket = gcs.bucket(backend.bucket)
        with self._lock:
            if backend.bucket in self._ready:
                return bucket
            from google.api_core import exceptions

            try:
                gcs.get_bucket(backend.bucket)
            except exceptions.NotFound:
                if not backend.create_bucket:
                    raise errors.FailedPrecondition(
                        f"state bucket {backend.bucket} does not exist (create_bucket is false)"
                    ) from None
                self._create(gcs, backend.bucket)
            self._ready.add(backend.bucket)
        return bucket

    def _create(self, gcs: Any, name: str) -> None:
        from google.api_core import exceptions

        bucket = gcs.bucket(name)
        bucket.versioning_enabled = True  # past state versions stay readable
        bucket.iam_configuration.uniform_bucket_level_access_enabled = True
        bucket.iam_configuration.public_access_prevention = "enforced"
        with contextlib.suppress(exceptions.Conflict):  # another run made it first
            gcs.create_bucket(bucket, location=self.clients.region)

    def ReadState(self, request: Any, context: Any) -> provider_pb2.StateObject:
        from google.api_core import exceptions

        backend = backend_of(request.location)
        generation = int(request.version) if request.version else None
        blob = self._bucket(backend).blob(backend.key(request.key), generation=generation)
        try:
            data = blob.download_as_bytes()
        except exceptions.NotFound:
            raise errors.NotFound(f"state object {request.key} not found") from None
        return provider_pb2.StateObject(key=request.key, data=data, version=str(blob.generation))

    def WriteState(self, request: Any, context: Any) -> provider_pb2.WriteStateResponse:
        backend = backend_of(request.location)
        blob = self._bucket(backend).blob(backend.key(request.key))
        expected = int(request.expected_version) if request.expected_version else 0
        with _precondition(f"state object {request.key}"):
            blob.upload_from_string(request.data, if_generation_match=expected)
        return provider_pb2.WriteStateResponse(version=str(blob.generation))

    def DeleteState(self, request: Any, context: Any) -> provider_pb2.DeleteStateResponse:
        from google.api_core import exceptions

        backend = backend_of(request.location)
        try:
            self._bucket(backend).blob(backend.key(request.key)).delete()
        except exceptions.NotFound:
            raise errors.NotFound(f"state object {request.key} not found") from None
        return provider_pb2.DeleteStateResponse()

    def ListStateKeys(self, request: Any, context: Any) -> Iterator[provider_pb2.StateKey]:
        backend = backend_of(request.location)
        bucket = self._bucket(backend)
        for blob in self.clients.storage().list_blobs(bucket, prefix=backend.key(request.prefix)):
            key = blob.name[len(backend.prefix) :]
            if key != LOCK_OBJECT:
                yield provider_pb2.StateKey(
                    key=key, version=str(blob.generation), size=blob.size or 0
                )

    def ListStateVersions(self, request: Any, context: Any) -> Iterator[provider_pb2.StateVersion]:
        backend = backend_of(request.location)
        name = backend.key(request.key)
        blobs = self.clients.storage().list_blobs(self._bucket(backend), prefix=name, versions=True)
        found = sorted(
            (b for b in blobs if b.name == name), key=lambda b: b.generation, reverse=True
        )
        for blob in found:
            yield provider_pb2.StateVersion(
                version=str(blob.generation), modified=_timestamp(blob.updated), size=blob.size or 0
            )

    # ------------------------------------------------------------ the lock

    def _holder(self, backend: Backend) -> tuple[Any, int]:
        """(the lock's LockInfo, its generation), or (None, 0) when nobody holds it."""
        from google.api_core import exceptions

        blob = self._bucket(backend).blob(backend.lock_key)
        try:
            raw = blob.download_as_bytes()
        except exceptions.NotFound:
            return None, 0
        try:
            info = json_format.Parse(raw, provider_pb2.LockInfo())
        except json_format.ParseError:
            info = provider_pb2.LockInfo(id="?")
        return info, int(blob.generation or 0)

    def _write_lock(self, backend: Backend, info: Any, generation: int) -> bool:
        from google.api_core import exceptions

        blob = self._bucket(backend).blob(backend.lock_key)
        try:
            blob.upload_from_string(
                json_format.MessageToJson(info).encode(), if_generation_match=generation
            )
        except exceptions.PreconditionFailed:
            return False
        return True

    def Lock(self, request: Any, context: Any) -> provider_pb2.LockResponse:
        backend = backend_of(request.location)
        info = request.info
        if request.replace_lock_id:
            holder, generation = self._holder(backend)
            if (
                holder is not None
                and holder.id == request.replace_lock_id
                and self._write_lock(backend, info, generation)
            ):
                return provider_pb2.LockResponse(acquired=True)
        elif self._write_lock(backend, info, 0):
            return provider_pb2.LockResponse(acquired=True)
        holder, _ = self._holder(backend)
        return provider_pb2.LockResponse(
            acquired=False, holder=holder or provider_pb2.LockInfo(id="?")
        )

    def Unlock(self, request: Any, context: Any) -> provider_pb2.UnlockResponse:
        from google.api_core import exceptions

        backend = backend_of(request.location)
        holder, generation = self._holder(backend)
        if holder is None:
            return provider_pb2.UnlockResponse()
        if holder.id != request.lock_id and not request.force:
            raise errors.FailedPrecondition(
                f"the lock is held by {holder.id} ({holder.who}), not {request.lock_id}"
            )
        blob = self._bucket(backend).blob(backend.lock_key)
        with contextlib.suppress(exceptions.NotFound, exceptions.PreconditionFailed):
            blob.delete(if_generation_match=generation)
        return provider_pb2.UnlockResponse()

    def GenerateDataKey(self, request: Any, context: Any) -> Any:
        raise errors.Unimplemented(
            "state.kms_key (Cloud KMS) is not offered by the gcp provider yet; "
            "use GENESYS_STATE_PASSPHRASE for encrypt = true"
        )

    def DecryptDataKey(self, request: Any, context: Any) -> Any:
        raise errors.Unimplemented(
            "state.kms_key (Cloud KMS) is not offered by the gcp provider yet"
        )
