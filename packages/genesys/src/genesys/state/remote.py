"""A backend served by a plugin's `StateStore` gRPC service (s3, gcs, azureblob, ...).

Objects map one-to-one onto the service's keyed objects. A journal is a series of segment
objects "<journal key>/<number>", one per append, each created with "must not exist" so two
writers can never interleave; reading a journal concatenates its segments in order. gRPC
errors are mapped to StateError here, at the boundary.
"""

from __future__ import annotations

import contextlib
import threading
import time
from datetime import timezone
from typing import Any

import grpc
from genesys.errors import StateError
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys.state.records import LockInfo
from google.protobuf.timestamp_pb2 import Timestamp

SEGMENT_DIGITS = 10
APPEND_ATTEMPTS = 3
RETRY_DELAY_SECONDS = 0.2
_TRANSIENT = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


class _Transient(StateError):
    """The store could not be reached; the call may or may not have taken effect."""


class _Conflict(StateError):
    """A compare-and-swap precondition failed."""

    def __init__(self, message: str, details: str) -> None:
        super().__init__(message)
        self.details = details


class RemoteBackend:
    def __init__(
        self,
        stub: provider_pb2_grpc.StateStoreStub,
        location: provider_pb2.StateLocation,
        *,
        timeout: float = 60.0,
    ) -> None:
        self._stub = stub
        self._location = location
        self._timeout = timeout
        self._next_segment: dict[str, int] = {}
        self._segments_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RemoteBackend({self._location.backend!r}, workspace={self._workspace!r})"

    @property
    def _workspace(self) -> str:
        return self._location.workspace or "default"

    def describe(self, key: str) -> str:
        return f"{key!r} in the {self._location.backend} state (workspace {self._workspace})"

    # ------------------------------------------------------------ objects

    def read_object(self, key: str) -> tuple[bytes, str] | None:
        request = provider_pb2.ReadStateRequest(location=self._location, key=key)
        try:
            response = self._call(self._stub.ReadState, request, f"reading {key}")
        except _NotFound:
            return None
        return bytes(response.data), response.version

    def write_object(self, key: str, data: bytes, expected_version: str | None) -> str:
        request = provider_pb2.WriteStateRequest(
            location=self._location, key=key, data=data, expected_version=expected_version or ""
        )
        response = self._call(self._stub.WriteState, request, f"writing {key}")
        return str(response.version)

    def delete_object(self, key: str) -> None:
        request = provider_pb2.DeleteStateRequest(location=self._location, key=key)
        with contextlib.suppress(_NotFound):
            self._call(self._stub.DeleteState, request, f"deleting {key}")

    def list_keys(self, prefix: str) -> list[str]:
        request = provider_pb2.ListStateKeysRequest(location=self._location, prefix=prefix)
        stream = self._call(self._stub.ListStateKeys, request, f"listing {prefix}*")
        try:
            return sorted(item.key for item in stream)
        except grpc.RpcError as err:
            raise _map_error(err, self._location.backend, f"listing {prefix}*") from None

    # ------------------------------------------------------------ journals

    def append(self, key: str, data: bytes) -> None:
        with self._segments_lock:
            number = self._next_segment.get(key)
            if number is None:
                number = _next_number(self._segment_keys(key))
            self._next_segment[key] = number + 1
        segment = f"{key}/{number:0{SEGMENT_DIGITS}d}"
        for attempt in range(APPEND_ATTEMPTS):
            try:
                self.write_object(segment, data, None)
                return
            except _Transient:
                if attempt + 1 == APPEND_ATTEMPTS:
                    raise
                time.sleep(RETRY_DELAY_SECONDS * (attempt + 1))
            except _Conflict:
                # A retried write may have landed before the connection dropped.
                existing = self.read_object(segment)
                if attempt > 0 and existing is not None and existing[0] == data:
                    return
                raise

    def read_journal(self, key: str) -> bytes | None:
        segments = self._segment_keys(key)
        if not segments:
            return None
        parts = []
        for segment in segments:
            found = self.read_object(segment)
            if found is None:
                raise StateError(f"state journal segment {self.describe(segment)} vanished")
            parts.append(found[0])
        with self._segments_lock:
            self._next_segment[key] = _next_number(segments)
        return b"".join(parts)

    def delete_journal(self, key: str) -> None:
        for segment in self._segment_keys(key):
            self.delete_object(segment)
        with self._segments_lock:
            self._next_segment.pop(key, None)

    def release(self) -> None:
        with self._segments_lock:
            self._next_segment.clear()

    def _segment_keys(self, key: str) -> list[str]:
        return [k for k in self.list_keys(f"{key}/") if k.rpartition("/")[2].isdigit()]

    # ------------------------------------------------------------ lock

    def lock(self, info: LockInfo) -> LockInfo | None:
        request = provider_pb2.LockRequest(location=self._location, info=lock_to_proto(info))
        response = self._call(self._stub.Lock, request, "taking the lock")
        return None if response.acquired else lock_from_proto(response.holder)

    def take_over(self, gone: LockInfo, info: LockInfo) -> LockInfo | None:
        request = provider_pb2.LockRequest(
            location=self._location, info=lock_to_proto(info), replace_lock_id=gone.id
        )
        response = self._call(self._stub.Lock, request, "taking over the lock")
        return None if response.acquired else lock_from_proto(response.holder)

    def unlock(self, lock_id: str, force: bool = False) -> None:
        request = provider_pb2.UnlockRequest(location=self._location, lock_id=lock_id, force=force)
        try:
            self._call(self._stub.Unlock, request, "releasing the lock")
        except _Conflict as err:
            raise StateError(
                f"{self._location.backend} state store: lock {lock_id} was not released "
                f"({err.details})"
            ) from None

    # ------------------------------------------------------------ data keys

    def generate_data_key(self, key_id: str, context: dict[str, str]) -> tuple[bytes, bytes, str]:
        request = provider_pb2.GenerateDataKeyRequest(
            location=self._location, key_id=key_id, context=context
        )
        made = self._call(self._stub.GenerateDataKey, request, f"making a data key ({key_id})")
        return bytes(made.plaintext), bytes(made.wrapped), str(made.key_id)

    def decrypt_data_key(self, key_id: str, wrapped: bytes, context: dict[str, str]) -> bytes:
        request = provider_pb2.DecryptDataKeyRequest(
            location=self._location, key_id=key_id, wrapped=wrapped, context=context
        )
        what = f"unwrapping the state's data key ({key_id or 'KMS'})"
        return bytes(self._call(self._stub.DecryptDataKey, request, what).plaintext)

    # ------------------------------------------------------------ calls

    def _call(self, method: Any, request: Any, what: str) -> Any:
        try:
            return method(request, timeout=self._timeout)
        except grpc.RpcError as err:
            raise _map_error(err, self._location.backend, what) from None


class _NotFound(StateError):
    pass


def _next_number(segment_keys: list[str]) -> int:
    return int(segment_keys[-1].rpartition("/")[2]) + 1 if segment_keys else 1


def _map_error(err: grpc.RpcError, backend: str, what: str) -> StateError:
    code = err.code() if hasattr(err, "code") else grpc.StatusCode.UNKNOWN
    details = (err.details() if hasattr(err, "details") else "") or str(code)
    prefix = f"{backend} state store, {what}"
    if code == grpc.StatusCode.NOT_FOUND:
        return _NotFound(f"{prefix}: not found")
    if code == grpc.StatusCode.FAILED_PRECONDITION:
        return _Conflict(f"{prefix}: changed by someone else ({details})", details)
    if code in _TRANSIENT:
        return _Transient(f"{prefix}: the store is unreachable ({details})")
    if code in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED):
        return StateError(f"{prefix}: access denied ({details})")
    if code == grpc.StatusCode.UNIMPLEMENTED:
        return StateError(f"{prefix}: the {backend} backend's plugin does not offer this")
    return StateError(f"{prefix}: {details}")


def lock_to_proto(info: LockInfo) -> provider_pb2.LockInfo:
    created = Timestamp()
    created.FromDatetime(info.created.astimezone(timezone.utc))
    return provider_pb2.LockInfo(
        id=info.id,
        operation=info.operation,
        who=info.who,
        pid=info.pid,
        created=created,
        version=info.version,
    )


def lock_from_proto(message: provider_pb2.LockInfo) -> LockInfo:
    return LockInfo(
        id=message.id,
        operation=message.operation,
        who=message.who,
        pid=message.pid,
        created=message.created.ToDatetime(tzinfo=timezone.utc),
        version=message.version,
    )
