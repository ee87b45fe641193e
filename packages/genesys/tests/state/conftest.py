"""Fixtures for the state tests: records, a local state directory, and a real gRPC
StateStore (an in-process servicer backed by a dict, served on a Unix socket)."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent import futures
from pathlib import Path

import grpc
import pytest
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys.state import Intent, LocalBackend, ResourceRecord


def record(n: int, **changes: object) -> ResourceRecord:
    fields: dict[str, object] = {
        "address": f"compute.vm{n}",
        "kind": "instance",
        "provider": "local",
        "id": f"i-{n:05d}",
        "attributes": {"name": f"vm{n}", "size": "small", "password": f"secret-{n}"},
        "private": bytes([n % 256, 0, 255]),
        "dependencies": ["network.main"],
        "sensitive": ["password"],
        "idempotency_token": f"tok-{n}",
    }
    fields.update(changes)
    return ResourceRecord(**fields)  # type: ignore[arg-type]


def intent(n: int, operation: str = "create") -> Intent:
    return Intent(f"compute.vm{n}", "instance", "local", operation, f"tok-{n}")


@pytest.fixture
def make_record() -> Callable[..., ResourceRecord]:
    return record


@pytest.fixture
def make_intent() -> Callable[..., Intent]:
    return intent


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / ".genesys" / "state" / "default"


@pytest.fixture
def backend(state_dir: Path) -> LocalBackend:
    return LocalBackend(state_dir)


class DictStateStore(provider_pb2_grpc.StateStoreServicer):
    """StateStore semantics from provider.proto over a dict: CAS on versions, a lock."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], list[tuple[str, bytes]]] = {}  # history, newest last
        self.deleted: set[tuple[str, str]] = set()
        self.locks: dict[str, provider_pb2.LockInfo] = {}
        self.writes = 0
        self._mutex = threading.Lock()
        self._counter = 0

    def _current(self, workspace: str, key: str) -> tuple[str, bytes] | None:
        if (workspace, key) in self.deleted or (workspace, key) not in self.objects:
            return None
        return self.objects[(workspace, key)][-1]

    def ReadState(self, request, context):
        with self._mutex:
            ws = request.location.workspace
            found = self._current(ws, request.key)
            if request.version:
                found = next(
                    (v for v in self.objects.get((ws, request.key), []) if v[0] == request.version),
                    None,
                )
        if found is None:
            context.abort(grpc.StatusCode.NOT_FOUND, f"no object {request.key}")
        assert found is not None  # abort raised
        return provider_pb2.StateObject(key=request.key, data=found[1], version=found[0])

    def WriteState(self, request, context):
        with self._mutex:
            ws = request.location.workspace
            found = self._current(ws, request.key)
            current = found[0] if found else ""
            if request.expected_version != current:
                context.abort(
                    grpc.StatusCode.FAILED_PRECONDITION,
                    f"version is {current or 'none'}, not {request.expected_version or 'none'}",
                )
            self._counter += 1
            version = f"v{self._counter}"
            self.objects.setdefault((ws, request.key), []).append((version, request.data))
            self.deleted.discard((ws, request.key))
            self.writes += 1
        return provider_pb2.WriteStateResponse(version=version)

    def DeleteState(self, request, context):
        with self._mutex:
            ws = request.location.workspace
            if self._current(ws, request.key) is None:
                context.abort(grpc.StatusCode.NOT_FOUND, f"no object {request.key}")
            self.deleted.add((ws, request.key))
        return provider_pb2.DeleteStateResponse()

    def ListStateKeys(self, request, context):
        with self._mutex:
            ws = request.location.workspace
            items = [
                (key, self._current(w, key))
                for (w, key) in self.objects
                if w == ws and key.startswith(request.prefix)
            ]
        for key, found in sorted(items):
            if found is not None:
                yield provider_pb2.StateKey(key=key, version=found[0], size=len(found[1]))

    def Lock(self, request, context):
        with self._mutex:
            holder = self.locks.get(request.location.workspace)
            if holder is not None:
                return provider_pb2.LockResponse(acquired=False, holder=holder)
            self.locks[request.location.workspace] = request.info
        return provider_pb2.LockResponse(acquired=True)

    def Unlock(self, request, context):
        with self._mutex:
            holder = self.locks.get(request.location.workspace)
            if holder is None:
                context.abort(grpc.StatusCode.FAILED_PRECONDITION, "not locked")
            assert holder is not None  # abort raised
            if holder.id != request.lock_id and not request.force:
                context.abort(
                    grpc.StatusCode.FAILED_PRECONDITION,
                    f"locked by {holder.who} with lock ID {holder.id}",
                )
            del self.locks[request.location.workspace]
        return provider_pb2.UnlockResponse()

    def ListStateVersions(self, request, context):
        with self._mutex:
            history = list(self.objects.get((request.location.workspace, request.key), []))
        for version, data in reversed(history):
            yield provider_pb2.StateVersion(version=version, size=len(data))


class StoreServer:
    def __init__(self, store: DictStateStore, channel: grpc.Channel) -> None:
        self.store = store
        self.channel = channel

    def stub(self) -> provider_pb2_grpc.StateStoreStub:
        return provider_pb2_grpc.StateStoreStub(self.channel)


@pytest.fixture
def store_server() -> Iterator[StoreServer]:
    socket_dir = tempfile.mkdtemp(prefix="gst-", dir="/tmp")  # Unix socket paths are short
    address = f"unix:{socket_dir}/store.sock"
    store = DictStateStore()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    provider_pb2_grpc.add_StateStoreServicer_to_server(store, server)
    server.add_insecure_port(address)
    server.start()
    channel = grpc.insecure_channel(address)
    try:
        yield StoreServer(store, channel)
    finally:
        channel.close()
        server.stop(None).wait()
        shutil.rmtree(socket_dir, ignore_errors=True)


def location(workspace: str = "default") -> provider_pb2.StateLocation:
    return provider_pb2.StateLocation(backend="dictstore", workspace=workspace)


@pytest.fixture
def remote_backend(store_server: StoreServer):
    from genesys.state import RemoteBackend

    return RemoteBackend(store_server.stub(), location())
