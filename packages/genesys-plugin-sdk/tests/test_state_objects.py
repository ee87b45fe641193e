"""ObjectStateStore over a versioned in-memory bucket (the 'cloud'), over real gRPC, with real
threads racing for the lock."""

from __future__ import annotations

import datetime
import itertools
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import Plugin, errors
from genesys_plugin_sdk.cloud_errors import CloudError, ErrorTable, ErrorTranslator
from genesys_plugin_sdk.state_objects import (
    ObjectInfo,
    ObjectStateStore,
    StateBucket,
    StoredObject,
    state_bucket,
)
from genesys_plugin_sdk.testing import serve_in_process
from google.protobuf import json_format, struct_pb2


class BucketGone(Exception):
    pass


class VersionedBucket:
    """Object storage with generations and conditional writes, like GCS (atomic per call)."""

    def __init__(self) -> None:
        self.history: dict[str, list[tuple[str, bytes, datetime.datetime]]] = {}
        self.current: dict[str, str] = {}
        self.counter = itertools.count(1)
        self.lock = threading.Lock()
        self.broken = False

    def get(self, key: str, version: str = "") -> StoredObject | None:
        if self.broken:
            raise BucketGone()
        with self.lock:
            wanted = version or self.current.get(key)
            for generation, data, _ in self.history.get(key, []):
                if generation == wanted:
                    return StoredObject(data, generation)
            return None

    def put(self, key: str, data: bytes, expected_version: str) -> str | None:
        with self.lock:
            if self.current.get(key, "") != expected_version:
                return None
            generation = str(next(self.counter))
            stamp = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
            self.history.setdefault(key, []).append((generation, data, stamp))
            self.current[key] = generation
            return generation

    def delete(self, key: str, expected_version: str = "") -> bool:
        with self.lock:
            current = self.current.get(key)
            if current is None or (expected_version and expected_version != current):
                return False
            del self.current[key]
            return True

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        with self.lock:
            items = sorted(self.current.items())
        for key, generation in items:
            if key.startswith(prefix):
                yield ObjectInfo(key=key, version=generation, size=1)

    def versions(self, key: str) -> Iterator[ObjectInfo]:
        with self.lock:
            found = list(self.history.get(key, []))
        for generation, data, stamp in reversed(found):
            yield ObjectInfo(key=key, version=generation, size=len(data), modified=stamp)


class Store(ObjectStateStore):
    backends = ("memory",)
    provider = "test"

    def __init__(self, bucket: VersionedBucket) -> None:
        super().__init__(
            translate=ErrorTranslator(
                ErrorTable(codes={"Gone": errors.Unavailable}),
                lambda exc: CloudError(code="Gone") if isinstance(exc, BucketGone) else None,
            )
        )
        self.bucket = bucket
        self.opened: list[StateBucket] = []

    def objects(self, bucket: StateBucket) -> VersionedBucket:
        self.opened.append(bucket)
        return self.bucket


def location(workspace: str = "default", **config: Any) -> provider_pb2.StateLocation:
    values = struct_pb2.Struct()
    values.update({"bucket": "b", **config})
    return provider_pb2.StateLocation(backend="memory", config=values, workspace=workspace)


@pytest.fixture
def served() -> Iterator[tuple[Any, VersionedBucket]]:
    bucket = VersionedBucket()
    plugin = Plugin(
        name="t",
        version="1",
        provider=provider_pb2_grpc.ProviderServicer(),
        state_store=Store(bucket),
    )
    with serve_in_process(plugin) as conn:
        yield conn.state_store, bucket


def test_compare_and_swap_reads_versions_and_listing(
    served: tuple[Any, VersionedBucket],
) -> None:
    store, bucket = served
    where = location()
    first = store.WriteState(provider_pb2.WriteStateRequest(location=where, key="s", data=b"1"))
    with pytest.raises(errors.FailedPrecondition, match="version mismatch"):
        store.WriteState(provider_pb2.WriteStateRequest(location=where, key="s", data=b"x"))
    second = store.WriteState(
        provider_pb2.WriteStateRequest(
            location=where, key="s", data=b"2", expected_version=first.version
        )
    )
    read = store.ReadState(provider_pb2.ReadStateRequest(location=where, key="s"))
    assert (read.data, read.version) == (b"2", second.version)
    old = store.ReadState(
        provider_pb2.ReadStateRequest(location=where, key="s", version=first.version)
    )
    assert old.data == b"1"
    versions = store.ListStateVersions(
        provider_pb2.ListStateVersionsRequest(location=where, key="s")
    )
    assert [v.version for v in versions] == [second.version, first.version]
    assert bucket.current == {"genesys/default/s": second.version}  # the layout's prefix
    store.Lock(provider_pb2.LockRequest(location=where, info=provider_pb2.LockInfo(id="L")))
    keys = store.ListStateKeys(provider_pb2.ListStateKeysRequest(location=where))
    assert [k.key for k in keys] == ["s"]  # the lock object is not state
    store.DeleteState(provider_pb2.DeleteStateRequest(location=where, key="s"))
    with pytest.raises(errors.NotFound):
        store.DeleteState(provider_pb2.DeleteStateRequest(location=where, key="s"))
    with pytest.raises(errors.NotFound):
        store.ReadState(provider_pb2.ReadStateRequest(location=where, key="s"))


def test_exactly_one_of_many_racing_runs_takes_the_lock(
    served: tuple[Any, VersionedBucket],
) -> None:
    store, _ = served
    where = location()
    outcomes: dict[str, Any] = {}
    barrier = threading.Barrier(8, timeout=10)

    def take(run: str) -> None:
        barrier.wait()
        info = provider_pb2.LockInfo(id=run, who=f"{run}@host")
        outcomes[run] = store.Lock(provider_pb2.LockRequest(location=where, info=info))

    threads = [threading.Thread(target=take, args=(f"run-{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    winners = [run for run, answer in outcomes.items() if answer.acquired]
    assert len(winners) == 1
    assert all(a.holder.id == winners[0] for a in outcomes.values() if not a.acquired)


def test_take_over_replaces_only_the_named_holder_once(
    served: tuple[Any, VersionedBucket],
) -> None:
    store, _ = served
    where = location("staging", prefix="team/app")
    store.Lock(provider_pb2.LockRequest(location=where, info=provider_pb2.LockInfo(id="dead")))
    wrong = store.Lock(
        provider_pb2.LockRequest(
            location=where, info=provider_pb2.LockInfo(id="x"), replace_lock_id="someone-else"
        )
    )
    assert not wrong.acquired and wrong.holder.id == "dead"
    outcomes: list[bool] = []
    barrier = threading.Barrier(6, timeout=10)

    def take_over(run: str) -> None:
        barrier.wait()
        request = provider_pb2.LockRequest(
            location=where, info=provider_pb2.LockInfo(id=run), replace_lock_id="dead"
        )
        outcomes.append(store.Lock(request).acquired)

    threads = [threading.Thread(target=take_over, args=(f"r{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(outcomes) == [False] * 5 + [True]


def test_unlock_checks_the_holder_unless_forced(served: tuple[Any, VersionedBucket]) -> None:
    store, bucket = served
    where = location()
    store.Lock(
        provider_pb2.LockRequest(location=where, info=provider_pb2.LockInfo(id="A", who="a@h"))
    )
    with pytest.raises(errors.FailedPrecondition, match="held by A"):
        store.Unlock(provider_pb2.UnlockRequest(location=where, lock_id="B"))
    store.Unlock(provider_pb2.UnlockRequest(location=where, lock_id="B", force=True))
    assert "genesys/default/.genesys.lock" not in bucket.current
    store.Unlock(provider_pb2.UnlockRequest(location=where, lock_id="A"))  # free: no error
    again = store.Lock(provider_pb2.LockRequest(location=where, info=provider_pb2.LockInfo(id="C")))
    assert again.acquired


def test_location_errors_cloud_errors_and_key_service(served: tuple[Any, VersionedBucket]) -> None:
    store, bucket = served
    with pytest.raises(errors.InvalidArgument) as backend:
        store.ReadState(
            provider_pb2.ReadStateRequest(
                location=provider_pb2.StateLocation(backend="s3"), key="s"
            )
        )
    assert backend.value.attribute_path == "state.backend"
    with pytest.raises(errors.InvalidArgument) as no_bucket:
        store.ReadState(
            provider_pb2.ReadStateRequest(location=provider_pb2.StateLocation(), key="s")
        )
    assert no_bucket.value.attribute_path == "state.bucket"
    bucket.broken = True
    with pytest.raises(errors.Unavailable):
        store.ReadState(provider_pb2.ReadStateRequest(location=location(), key="s"))
    with pytest.raises(errors.Unimplemented, match="kms_key"):
        store.GenerateDataKey(provider_pb2.GenerateDataKeyRequest(location=location()))


def test_layout_of_prefixes_and_workspaces() -> None:
    assert state_bucket(location(), ["memory"], "t").prefix == "genesys/default/"
    assert state_bucket(location("dev"), ["memory"], "t").prefix == "genesys/dev/"
    assert state_bucket(location(prefix="/a/b/"), ["memory"], "t").prefix == "a/b/"
    assert state_bucket(location("dev", key="a"), ["memory"], "t").prefix == "a/env/dev/"
    made = state_bucket(location(create_bucket=False), ["memory"], "t")
    assert made.name == "b" and not made.create_bucket and made.lock_key.endswith(".genesys.lock")


# ------------------------------------------------------------ the lock opt-ins


class VanishingHolderBucket(VersionedBucket):
    """The holder's Unlock lands between a refused lock put and the read that follows it."""

    vanished = False

    def put(self, key: str, data: bytes, expected_version: str) -> str | None:
        written = super().put(key, data, expected_version)
        if written is None and key.endswith(".genesys.lock") and not self.vanished:
            self.vanished = True
            self.delete(key)
        return written


class LocalLikeStore(Store):
    take_over_free_lock = True
    unlock_needs_holder = True
    lock_attempts = 3


def serve_store(store: ObjectStateStore) -> Any:
    plugin = Plugin(
        name="t", version="1", provider=provider_pb2_grpc.ProviderServicer(), state_store=store
    )
    return serve_in_process(plugin)


def lock(store: Any, run: str, replace: str = "") -> Any:
    info = provider_pb2.LockInfo(id=run)
    return store.Lock(
        provider_pb2.LockRequest(location=location(), info=info, replace_lock_id=replace)
    )


def test_opt_in_take_over_of_a_free_lock_takes_it_once() -> None:
    with serve_store(Store(VersionedBucket())) as conn:  # default: refused, holder unknown
        refused = lock(conn.state_store, "r", replace="dead")
        assert not refused.acquired and refused.holder.id == "?"
    with serve_store(LocalLikeStore(VersionedBucket())) as conn:
        outcomes: list[bool] = []
        barrier = threading.Barrier(6, timeout=10)

        def take_over(run: str) -> None:
            barrier.wait()
            outcomes.append(lock(conn.state_store, run, replace="dead").acquired)

        threads = [threading.Thread(target=take_over, args=(f"r{n}",)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert sorted(outcomes) == [False] * 5 + [True]


def test_opt_in_unlock_of_a_free_lock_fails_unless_forced() -> None:
    with serve_store(LocalLikeStore(VersionedBucket())) as conn:
        unlock = provider_pb2.UnlockRequest(location=location(), lock_id="A")
        with pytest.raises(errors.FailedPrecondition, match="lock A is not held"):
            conn.state_store.Unlock(unlock)
        unlock.force = True
        conn.state_store.Unlock(unlock)


def test_opt_in_lock_attempts_retry_when_the_holder_vanished() -> None:
    with serve_store(Store(VanishingHolderBucket())) as conn:  # default: one attempt
        assert lock(conn.state_store, "A").acquired
        raced = lock(conn.state_store, "B")
        assert not raced.acquired and raced.holder.id == "?"
    with serve_store(LocalLikeStore(VanishingHolderBucket())) as conn:
        assert lock(conn.state_store, "A").acquired
        assert lock(conn.state_store, "B").acquired
        held = lock(conn.state_store, "C")
        assert not held.acquired and held.holder.id == "B"


class AccountContainerStore(Store):
    """A backend whose state block names an account and a container instead of a bucket."""

    def bucket_of(self, location: Any) -> StateBucket:
        config = json_format.MessageToDict(location.config)
        if not config.get("container"):
            raise errors.InvalidArgument("needs container", attribute_path="state.container")
        return StateBucket(name=f"{config['account']}/{config['container']}", prefix="p/")


def test_bucket_of_override_reads_another_state_block() -> None:
    cloud = VersionedBucket()
    with serve_store(AccountContainerStore(cloud)) as conn:
        config = struct_pb2.Struct()
        config.update({"account": "acct", "container": "c"})
        where = provider_pb2.StateLocation(backend="blob", config=config)
        written = conn.state_store.WriteState(
            provider_pb2.WriteStateRequest(location=where, key="s.json", data=b"x")
        )
        assert cloud.current == {"p/s.json": written.version}
        where.config.update({"container": ""})
        with pytest.raises(errors.InvalidArgument) as caught:
            conn.state_store.ReadState(provider_pb2.ReadStateRequest(location=where, key="s"))
        assert caught.value.attribute_path == "state.container"
