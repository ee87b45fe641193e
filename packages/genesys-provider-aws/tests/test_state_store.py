"""The s3 state backend: CAS by S3 conditional writes, locks (DynamoDB or S3 object), versions."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk import errors
from google.protobuf import struct_pb2


def _location(bucket: str, **extra: Any) -> provider_pb2.StateLocation:
    config = struct_pb2.Struct()
    config.update({"bucket": bucket, **extra})
    return provider_pb2.StateLocation(backend="s3", config=config, workspace="default")


def _write(conn: Any, where: Any, data: bytes, expected: str, key: str = "state.json") -> str:
    request = provider_pb2.WriteStateRequest(
        location=where, key=key, data=data, expected_version=expected
    )
    return str(conn.state_store.WriteState(request).version)


def test_compare_and_swap_and_versions(conn: Any, aws: Any, suffix: str) -> None:
    where = _location(f"state-{suffix}")
    first = _write(conn, where, b"serial 1", "")
    s3 = aws("s3")
    assert (
        s3.get_bucket_versioning(Bucket=f"state-{suffix}")["Status"] == "Enabled"
    )  # made on first use
    stored = s3.get_object(Bucket=f"state-{suffix}", Key="genesys/default/state.json")[
        "Body"
    ].read()
    assert stored == b"serial 1"
    with pytest.raises(errors.FailedPrecondition):
        _write(conn, where, b"other", "")  # must-not-exist, but it does
    second = _write(conn, where, b"serial 2", first)
    with pytest.raises(errors.FailedPrecondition):
        _write(conn, where, b"stale", first)  # someone wrote since `first`
    current = conn.state_store.ReadState(
        provider_pb2.ReadStateRequest(location=where, key="state.json")
    )
    assert (current.data, current.version) == (b"serial 2", second)
    versions = list(
        conn.state_store.ListStateVersions(
            provider_pb2.ListStateVersionsRequest(location=where, key="state.json")
        )
    )
    assert [v.version for v in versions] == [second, first]  # newest first
    old = conn.state_store.ReadState(
        provider_pb2.ReadStateRequest(location=where, key="state.json", version=first)
    )
    assert old.data == b"serial 1"


def test_concurrent_writers_one_wins(conn: Any, suffix: str) -> None:
    where = _location(f"race-{suffix}")
    base = _write(conn, where, b"base", "")

    def attempt(n: int) -> str:
        try:
            return _write(conn, where, f"writer {n}".encode(), base)
        except errors.FailedPrecondition:
            return ""

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(attempt, range(8)))
    assert sum(1 for o in outcomes if o) >= 1
    final = conn.state_store.ReadState(
        provider_pb2.ReadStateRequest(location=where, key="state.json")
    )
    assert final.version in [o for o in outcomes if o]


@pytest.mark.parametrize("word", ["prefix", "key"])
def test_config_prefix_places_the_objects(conn: Any, aws: Any, suffix: str, word: str) -> None:
    # `prefix` is what the config's state block calls it; `key` stays accepted.
    where = _location(f"prefix-{word}-{suffix}", **{word: "/team/app/"})
    _write(conn, where, b"s", "", key="snapshot.json")
    listed = aws("s3").list_objects_v2(Bucket=f"prefix-{word}-{suffix}")["Contents"]
    assert [o["Key"] for o in listed] == ["team/app/snapshot.json"]


def test_keys_prefix_delete_and_not_found(conn: Any, aws: Any, suffix: str) -> None:
    where = _location(f"keys-{suffix}", key="team/app")
    _write(conn, where, b"s", "", key="snapshot")
    _write(conn, where, b"j", "", key="journal/0001")
    keys = list(conn.state_store.ListStateKeys(provider_pb2.ListStateKeysRequest(location=where)))
    assert sorted(k.key for k in keys) == ["journal/0001", "snapshot"]
    assert (
        aws("s3").head_object(Bucket=f"keys-{suffix}", Key="team/app/snapshot")["ContentLength"]
        == 1
    )
    conn.state_store.DeleteState(
        provider_pb2.DeleteStateRequest(location=where, key="journal/0001")
    )
    with pytest.raises(errors.NotFound):
        conn.state_store.DeleteState(
            provider_pb2.DeleteStateRequest(location=where, key="journal/0001")
        )
    with pytest.raises(errors.NotFound):
        conn.state_store.ReadState(
            provider_pb2.ReadStateRequest(location=where, key="journal/0001")
        )
    missing = _location(f"never-{suffix}", create_bucket=False)
    with pytest.raises(errors.FailedPrecondition):
        _write(conn, missing, b"x", "")


@pytest.mark.parametrize("lock_table", ["", "genesys-locks"])
def test_lock_contention(conn: Any, aws: Any, suffix: str, lock_table: str) -> None:
    extra = {"lock_table": lock_table} if lock_table else {}
    where = _location(f"lock-{suffix}", **extra)
    alice = provider_pb2.LockInfo(id="alice-1", operation="apply", who="alice@host", pid=1)
    bob = provider_pb2.LockInfo(id="bob-1", operation="plan", who="bob@host", pid=2)

    def lock(info: Any) -> Any:
        return conn.state_store.Lock(provider_pb2.LockRequest(location=where, info=info))

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lock, [alice, bob]))
    winners = [o for o in outcomes if o.acquired]
    assert len(winners) == 1
    winner = winners[0].holder
    loser = next(o for o in outcomes if not o.acquired)
    assert loser.holder.id == winner.id and loser.holder.who == winner.who
    other = "bob-1" if winner.id == "alice-1" else "alice-1"
    with pytest.raises(errors.FailedPrecondition):
        conn.state_store.Unlock(provider_pb2.UnlockRequest(location=where, lock_id=other))
    conn.state_store.Unlock(provider_pb2.UnlockRequest(location=where, lock_id=winner.id))
    assert lock(bob).acquired
    conn.state_store.Unlock(
        provider_pb2.UnlockRequest(location=where, lock_id="whoever", force=True)
    )
    assert lock(alice).acquired
    if lock_table:
        item = aws("dynamodb").get_item(
            TableName=lock_table,
            Key={"LockID": {"S": f"lock-{suffix}/genesys/default/.genesys.lock"}},
        )
        assert item["Item"]["HolderId"]["S"] == "alice-1"
    conn.state_store.Unlock(provider_pb2.UnlockRequest(location=where, lock_id="alice-1"))
