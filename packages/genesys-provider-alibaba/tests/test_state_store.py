"""The oss state backend over real gRPC against the emulator: CAS writes, past versions,
prefixes, the bucket made on first write, a lock that never waits, take-over by exactly one
racer, and Unlock's holder checks."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.testing import InProcessConnection
from google.protobuf import struct_pb2


def location(bucket: str, **extra: Any) -> provider_pb2.StateLocation:
    config = struct_pb2.Struct()
    config.update({"bucket": bucket, **extra})
    return provider_pb2.StateLocation(backend="oss", config=config, workspace="default")


def write(conn: InProcessConnection, where: Any, key: str, data: bytes, expected: str) -> str:
    request = provider_pb2.WriteStateRequest(
        location=where, key=key, data=data, expected_version=expected
    )
    return str(conn.state_store.WriteState(request).version)


def lock(conn: InProcessConnection, where: Any, lock_id: str, replace: str = "") -> Any:
    info = provider_pb2.LockInfo(id=lock_id, operation="apply", who=f"{lock_id}@host")
    request = provider_pb2.LockRequest(location=where, info=info, replace_lock_id=replace)
    return conn.state_store.Lock(request)


def test_compare_and_swap_and_versions(
    conn: InProcessConnection, oss_bucket: Any, suffix: str
) -> None:
    where = location(f"state-{suffix}")
    with pytest.raises(errors.NotFound):  # reading makes no bucket
        conn.state_store.ReadState(provider_pb2.ReadStateRequest(location=where, key="s.json"))
    first = write(conn, where, "s.json", b"one", "")
    with pytest.raises(errors.FailedPrecondition):
        write(conn, where, "s.json", b"again", "")  # must not exist
    second = write(conn, where, "s.json", b"two", first)
    with pytest.raises(errors.FailedPrecondition):
        write(conn, where, "s.json", b"stale", first)
    read = conn.state_store.ReadState(provider_pb2.ReadStateRequest(location=where, key="s.json"))
    assert (read.data, read.version) == (b"two", second)
    past = conn.state_store.ReadState(
        provider_pb2.ReadStateRequest(location=where, key="s.json", version=first)
    )
    assert past.data == b"one"
    versions = conn.state_store.ListStateVersions(
        provider_pb2.ListStateVersionsRequest(location=where, key="s.json")
    )
    assert [v.version for v in versions] == [second, first]  # newest first
    bucket = oss_bucket(f"state-{suffix}")
    assert bucket.get_bucket_versioning().status == "Enabled"
    assert bucket.get_bucket_encryption().sse_algorithm == "AES256"
    assert bucket.get_object("genesys/default/s.json").read() == b"two"


def test_prefix_keys_and_delete(conn: InProcessConnection, suffix: str) -> None:
    where = location(f"prefixed-{suffix}", prefix="teams/web")
    write(conn, where, "snapshot.json", b"s", "")
    write(conn, where, "journal/0001", b"j", "")
    assert lock(conn, where, "holder").acquired  # the lock object is not a state key
    keys = conn.state_store.ListStateKeys(provider_pb2.ListStateKeysRequest(location=where))
    assert sorted(k.key for k in keys) == ["journal/0001", "snapshot.json"]
    delete = provider_pb2.DeleteStateRequest(location=where, key="journal/0001")
    conn.state_store.DeleteState(delete)
    with pytest.raises(errors.NotFound):
        conn.state_store.DeleteState(delete)
    keys = conn.state_store.ListStateKeys(provider_pb2.ListStateKeysRequest(location=where))
    assert [k.key for k in keys] == ["snapshot.json"]


def test_lock_never_waits_and_one_take_over_wins(
    conn: InProcessConnection, oss_bucket: Any, suffix: str
) -> None:
    where = location(f"locks-{suffix}", prefix="team")
    assert lock(conn, where, "first").acquired
    refused = lock(conn, where, "second")
    assert not refused.acquired and refused.holder.id == "first"
    assert oss_bucket(f"locks-{suffix}").object_exists("team/.genesys.lock")
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda i: lock(conn, where, f"racer-{i}", "first"), range(8)))
    winners = [a for a in answers if a.acquired]
    assert len(winners) == 1
    winner = next(f"racer-{i}" for i, a in enumerate(answers) if a.acquired)
    assert all(a.holder.id == winner for a in answers if not a.acquired)
    with pytest.raises(errors.FailedPrecondition):
        conn.state_store.Unlock(provider_pb2.UnlockRequest(location=where, lock_id="first"))
    conn.state_store.Unlock(provider_pb2.UnlockRequest(location=where, lock_id=winner))
    assert not oss_bucket(f"locks-{suffix}").object_exists("team/.genesys.lock")
    with pytest.raises(errors.FailedPrecondition):  # not held
        conn.state_store.Unlock(provider_pb2.UnlockRequest(location=where, lock_id=winner))
    conn.state_store.Unlock(provider_pb2.UnlockRequest(location=where, lock_id="x", force=True))
    assert lock(conn, where, "late", replace="gone").acquired  # a free lock is taken over


def test_a_backend_other_than_oss_is_refused(conn: InProcessConnection) -> None:
    where = location("any")
    where.backend = "s3"
    with pytest.raises(errors.InvalidArgument) as refused:
        conn.state_store.ReadState(provider_pb2.ReadStateRequest(location=where, key="s"))
    assert refused.value.attribute_path == "state.backend"
