"""A StateStore over any object storage with compare-and-swap writes (S3, GCS, OSS, COS, Blob).

Every cloud's state backend is the same design: objects under `<prefix>` in one bucket,
writes conditional on the object's current version (etag / generation), and the lock an
object `<prefix>.genesys.lock` holding the holder's LockInfo (JSON), created only if absent
and taken over only if unchanged. A plugin supplies the five object calls; this module does
the protocol:

    class GcsObjects:                                  # implements ObjectStore
        def get(self, key, version=""): ...            # -> StoredObject | None
        def put(self, key, data, expected_version): ... # -> new version | None (mismatch)
        def delete(self, key, expected_version=""): ... # -> False when absent / mismatch
        def list(self, prefix): ...                    # current objects, ObjectInfo each
        def versions(self, key): ...                   # ObjectInfo per version, newest first

    class StateStoreServicer(ObjectStateStore):
        backends = ("gcs",)
        def objects(self, bucket: StateBucket) -> ObjectStore:   # make the bucket if asked
            return GcsObjects(self.clients, bucket.name, create=bucket.create_bucket)

Layout (`state_bucket`): location config `bucket` (required), `prefix` (also `key`) and
`create_bucket` (default true); the prefix is `<prefix>/` for the default workspace and
`<prefix>/env/<workspace>/` for others, or `genesys/<workspace>/` without a prefix.
`expected_version` "" means "must not exist". GenerateDataKey / DecryptDataKey answer
UNIMPLEMENTED unless overridden (they belong to the cloud's key service).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from google.protobuf import json_format, timestamp_pb2

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.cloud_errors import Translate, guard

LOCK_OBJECT = ".genesys.lock"
STATE_RPCS = (
    "ReadState",
    "WriteState",
    "DeleteState",
    "ListStateKeys",
    "ListStateVersions",
    "Lock",
    "Unlock",
    "GenerateDataKey",
    "DecryptDataKey",
)


@dataclass(frozen=True)
class StoredObject:
    data: bytes
    version: str


@dataclass(frozen=True)
class ObjectInfo:
    key: str  # the full object key (prefix included)
    version: str
    size: int = 0
    modified: datetime.datetime | None = None


class ObjectStore(Protocol):
    def get(self, key: str, version: str = "") -> StoredObject | None: ...

    def put(self, key: str, data: bytes, expected_version: str) -> str | None: ...

    def delete(self, key: str, expected_version: str = "") -> bool: ...

    def list(self, prefix: str) -> Iterable[ObjectInfo]: ...

    def versions(self, key: str) -> Iterable[ObjectInfo]: ...


@dataclass(frozen=True)
class StateBucket:
    """Where a location's state lives: the bucket, the key prefix and the raw config."""

    name: str
    prefix: str
    create_bucket: bool = True
    config: dict[str, Any] = field(default_factory=dict)

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    @property
    def lock_key(self) -> str:
        return f"{self.prefix}{LOCK_OBJECT}"


def state_bucket(location: Any, backends: Iterable[str], provider: str) -> StateBucket:
    """The StateBucket of a StateLocation; InvalidArgument (state.<key>) when unusable."""
    served = tuple(backends)
    if location.backend not in (*served, ""):
        raise errors.InvalidArgument(
            f"the {provider} provider serves the {' / '.join(served)} state backend, "
            f"not {location.backend!r}",
            attribute_path="state.backend",
        )
    config = json_format.MessageToDict(location.config) if location.HasField("config") else {}
    name = str(config.get("bucket") or "")
    if not name:
        raise errors.InvalidArgument(
            f"the {served[0]} state backend needs a bucket", attribute_path="state.bucket"
        )
    workspace = location.workspace or "default"
    key = str(config.get("prefix") or config.get("key") or "").strip("/")
    if key:
        prefix = f"{key}/" if workspace == "default" else f"{key}/env/{workspace}/"
    else:
        prefix = f"genesys/{workspace}/"
    create = bool(config.get("create_bucket", True))
    return StateBucket(name=name, prefix=prefix, create_bucket=create, config=config)


def _timestamp(value: datetime.datetime | None) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    if value is not None:
        stamp.FromDatetime(value)
    return stamp


class ObjectStateStore(provider_pb2_grpc.StateStoreServicer):
    """The StateStore service over `objects(bucket)` (see the module docstring)."""

    backends: tuple[str, ...] = ()  # the backend names this plugin serves, e.g. ("gcs",)
    provider: str = "this"  # the provider's name, for messages
    # Opt-ins, off by default (the behaviour described above); on, they give the core's own
    # local backend's lock semantics:
    take_over_free_lock = False  # a take-over of a lock nobody holds takes it
    unlock_needs_holder = False  # Unlock of a lock nobody holds: FailedPrecondition unless forced
    # Lock tries again (up to this many times in all) when its put was refused but the holder
    # was gone by the time it read the lock, instead of answering "held by ?".
    lock_attempts = 1

    def __init__(self, translate: Translate | None = None) -> None:
        if translate is not None:  # instance attributes: what add_*_to_server reads
            for name in STATE_RPCS:
                setattr(self, name, guard(getattr(self, name), translate))

    def objects(self, bucket: StateBucket) -> ObjectStore:
        raise NotImplementedError("ObjectStateStore.objects must be overridden")

    def bucket_of(self, location: Any) -> StateBucket:
        """The StateBucket of a location. Override for a backend whose state block names its
        bucket otherwise (e.g. an account and a container); the default is `state_bucket`."""
        return state_bucket(location, self.backends, self.provider)

    def _open(self, location: Any) -> tuple[ObjectStore, StateBucket]:
        bucket = self.bucket_of(location)
        return self.objects(bucket), bucket

    def ReadState(self, request: Any, context: Any) -> provider_pb2.StateObject:
        store, bucket = self._open(request.location)
        found = store.get(bucket.key(request.key), request.version)
        if found is None:
            raise errors.NotFound(f"state object {request.key} not found")
        return provider_pb2.StateObject(key=request.key, data=found.data, version=found.version)

    def WriteState(self, request: Any, context: Any) -> provider_pb2.WriteStateResponse:
        store, bucket = self._open(request.location)
        version = store.put(bucket.key(request.key), request.data, request.expected_version)
        if version is None:
            raise errors.FailedPrecondition(
                f"state object {request.key} changed since it was read (version mismatch)"
            )
        return provider_pb2.WriteStateResponse(version=version)

    def DeleteState(self, request: Any, context: Any) -> provider_pb2.DeleteStateResponse:
        store, bucket = self._open(request.location)
        if not store.delete(bucket.key(request.key)):
            raise errors.NotFound(f"state object {request.key} not found")
        return provider_pb2.DeleteStateResponse()

    def ListStateKeys(self, request: Any, context: Any) -> Iterator[provider_pb2.StateKey]:
        store, bucket = self._open(request.location)
        for item in store.list(bucket.key(request.prefix)):
            key = item.key[len(bucket.prefix) :]
            if key != LOCK_OBJECT:
                yield provider_pb2.StateKey(key=key, version=item.version, size=item.size)

    def ListStateVersions(self, request: Any, context: Any) -> Iterator[provider_pb2.StateVersion]:
        store, bucket = self._open(request.location)
        for item in store.versions(bucket.key(request.key)):
            yield provider_pb2.StateVersion(
                version=item.version, modified=_timestamp(item.modified), size=item.size
            )

    # ------------------------------------------------------------ the lock

    @staticmethod
    def _holder(store: ObjectStore, bucket: StateBucket) -> tuple[Any, str]:
        """(the holder's LockInfo, the lock object's version), or (None, "") when free."""
        found = store.get(bucket.lock_key)
        if found is None:
            return None, ""
        try:
            info = json_format.Parse(found.data, provider_pb2.LockInfo())
        except json_format.ParseError:
            info = provider_pb2.LockInfo(id="?")  # unreadable: held by someone unknown
        return info, found.version

    def Lock(self, request: Any, context: Any) -> provider_pb2.LockResponse:
        store, bucket = self._open(request.location)
        body = json_format.MessageToJson(request.info).encode()
        holder = None
        for _ in range(max(1, self.lock_attempts)):
            if self._put_lock(store, bucket, body, request.replace_lock_id):
                return provider_pb2.LockResponse(acquired=True)
            holder, _ = self._holder(store, bucket)
            if holder is not None:
                break
        return provider_pb2.LockResponse(
            acquired=False, holder=holder or provider_pb2.LockInfo(id="?")
        )

    def _put_lock(self, store: ObjectStore, bucket: StateBucket, body: bytes, replace: str) -> bool:
        """True when the lock object now holds `body`: created if absent, or, for a take-over
        (`replace` = the gone holder's id), rewritten if that holder still holds it."""
        if not replace:
            return store.put(bucket.lock_key, body, "") is not None
        holder, version = self._holder(store, bucket)
        if holder is None and self.take_over_free_lock:
            return store.put(bucket.lock_key, body, "") is not None
        # Only the holder we were told is gone may be replaced, and only if unchanged.
        replaceable = holder is not None and holder.id == replace
        return replaceable and store.put(bucket.lock_key, body, version) is not None

    def Unlock(self, request: Any, context: Any) -> provider_pb2.UnlockResponse:
        store, bucket = self._open(request.location)
        holder, version = self._holder(store, bucket)
        if holder is None:
            if self.unlock_needs_holder and not request.force:
                raise errors.FailedPrecondition(f"lock {request.lock_id} is not held")
            return provider_pb2.UnlockResponse()
        if holder.id != request.lock_id and not request.force:
            raise errors.FailedPrecondition(
                f"the lock is held by {holder.id} ({holder.who}), not {request.lock_id}"
            )
        store.delete(bucket.lock_key, version)  # changed meanwhile: no longer ours to remove
        return provider_pb2.UnlockResponse()

    def GenerateDataKey(self, request: Any, context: Any) -> Any:
        raise errors.Unimplemented(
            f"state.kms_key is not offered by the {self.provider} provider; "
            "use GENESYS_STATE_PASSPHRASE for encrypt = true"
        )

    def DecryptDataKey(self, request: Any, context: Any) -> Any:
        raise errors.Unimplemented(f"state.kms_key is not offered by the {self.provider} provider")
