"""The cos state backend over real gRPC: CAS writes, past versions, prefix, a lock that never
waits, take-over, and the bucket made on first use with the APPID suffix COS names need."""

from __future__ import annotations

from typing import Any

import pytest
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.testing import InProcessConnection
from google.protobuf import struct_pb2

from .conftest import Sdk


def location(bucket: str, **extra: Any) -> provider_pb2.StateLocation:
    config = struct_pb2.Struct()
    config.update({"bucket": bucket, **extra})
    return provider_pb2.StateLocation(backend="cos", config=config, workspace="default")


def write(conn: InProcessConnection, where: Any, key: str, data: bytes, expected: str) -> str:
    request = provider_pb2.WriteStateRequest(
        location=where, key=key, data=data, expected_version=expected
    )
    return str(conn.state_store.WriteState(request).version)


def test_compare_and_swap_and_versions(conn: InProcessConnection, sdk: Sdk, suffix: str) -> None:
    where = location(f"state-{suffix}")  # no APPID: the backend adds it
    first = write(conn, where, "snapshot.json", b"one", "")
    with pytest.raises(errors.FailedPrecondition):
        write(conn, where, "snapshot.json", b"again", "")  # must not exist
    second = write(conn, where, "snapshot.json", b"two", first)
    with pytest.raises(errors.FailedPrecondition):
        write(conn, where, "snapshot.json", b"stale", first)
    read = conn.state_store.ReadState(
        provider_pb2.ReadStateRequest(location=where, key="snapshot.json")
    )
    assert (read.data, read.version) == (b"two", second)
    past = conn.state_store.ReadState(
        provider_pb2.ReadStateRequest(location=where, key="snapshot.json", version=first)
    )
    assert past.data == b"one"
    versions = list(
        conn.state_store.ListStateVersions(
            provider_pb2.ListStateVersionsRequest(location=where, key="snapshot.json")
        )
    )
    assert [v.version for v in versions] == [second, first]  # newest first
    bucket = f"state-{suffix}-{sdk.ready['account']}"
    cos = sdk.cos()
    assert cos.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert cos.get_bucket_encryption(Bucket=bucket)["Rule"]
    head = cos.head_object(Bucket=bucket, Key="genesys/default/snapshot.json")
    assert head["x-cos-server-side-encryption"] == "AES256"


def test_prefix_keys_and_delete(conn: InProcessConnection, suffix: str) -> None:
    where = location(f"prefixed-{suffix}", prefix="teams/web")
    write(conn, where, "snapshot.json", b"s", "")
    write(conn, where, "journal/0001", b"j", "")
    keys = conn.state_store.ListStateKeys(provider_pb2.ListStateKeysRequest(location=where))
    assert sorted(k.key for k in keys) == ["journal/0001", "snapshot.json"]
    journal = conn.state_store.ListStateKeys(
        provider_pb2.ListStateKeysRequest(location=where, prefix="journal/")
    )
    assert [k.key for k in journal] == ["journal/0001"]
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


def test_lock_never_waits_and_take_over_is_atomic(conn: InProcessConnection, suffix: str) -> None:
    where = location(f"locks-{suffix}")
    first = conn.state_store.Lock(
        provider_pb2.LockRequest(
            location=where, info=provider_pb2.LockInfo(id="run-1", operation="apply")
        )
    )
    assert first.acquired
    second = conn.state_store.Lock(
        provider_pb2.LockRequest(
            location=where, info=provider_pb2.LockInfo(id="run-2", operation="plan")
        )
    )
    assert not second.acquired and second.holder.id == "run-1"
    with pytest.raises(errors.FailedPrecondition):
        conn.state_store.Unlock(provider_pb2.UnlockRequest(location=where, lock_id="run-2"))
    stale = conn.state_store.Lock(
        provider_pb2.LockRequest(
            location=where, info=provider_pb2.LockInfo(id="run-3"), replace_lock_id="someone-else"
        )
    )
    assert not stale.acquired and stale.holder.id == "run-1"
    taken = conn.state_store.Lock(
        provider_pb2.LockRequest(
            location=where, info=provider_pb2.LockInfo(id="run-3"), replace_lock_id="run-1"
        )
    )
    assert taken.acquired
    conn.state_store.Unlock(provider_pb2.UnlockRequest(location=where, lock_id="run-3"))
    again = conn.state_store.Lock(
        provider_pb2.LockRequest(location=where, info=provider_pb2.LockInfo(id="run-4"))
    )
    assert again.acquired
    keys = conn.state_store.ListStateKeys(provider_pb2.ListStateKeysRequest(location=where))
    assert [k.key for k in keys] == []  # the lock object is not a state key
