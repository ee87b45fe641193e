"""The gcs state backend served by the real plugin process, checked through google-cloud-storage."""

from __future__ import annotations

from typing import Any

import pytest
from genesys.provider.v1 import provider_pb2
from genesys_emulators.gcp.sdk import storage_client
from genesys_plugin_sdk import errors
from google.protobuf import struct_pb2


def location(bucket: str) -> provider_pb2.StateLocation:
    config = struct_pb2.Struct()
    config.update({"bucket": bucket, "encrypt": True})
    return provider_pb2.StateLocation(backend="gcs", config=config, workspace="default")


def test_bucket_made_on_first_use_and_compare_and_swap(conn: Any, ready: dict, suffix: str) -> None:
    where = location(f"state-{suffix}")
    store = conn.state_store
    first = store.WriteState(
        provider_pb2.WriteStateRequest(location=where, key="snapshot.json", data=b"v1")
    )
    gcs = storage_client(ready["sdk"]["storage"], ready["account"])
    bucket = gcs.get_bucket(f"state-{suffix}")
    assert bucket.versioning_enabled is True
    assert bucket.iam_configuration.public_access_prevention == "enforced"
    assert bucket.get_blob("genesys/default/snapshot.json").download_as_bytes() == b"v1"
    # Must-not-exist and stale-version writes are refused, nothing written.
    with pytest.raises(errors.FailedPrecondition):
        store.WriteState(
            provider_pb2.WriteStateRequest(location=where, key="snapshot.json", data=b"x")
        )
    second = store.WriteState(
        provider_pb2.WriteStateRequest(
            location=where, key="snapshot.json", data=b"v2", expected_version=first.version
        )
    )
    with pytest.raises(errors.FailedPrecondition):
        store.WriteState(
            provider_pb2.WriteStateRequest(
                location=where, key="snapshot.json", data=b"x", expected_version=first.version
            )
        )
    current = store.ReadState(provider_pb2.ReadStateRequest(location=where, key="snapshot.json"))
    assert (current.data, current.version) == (b"v2", second.version)
    versions = list(
        store.ListStateVersions(
            provider_pb2.ListStateVersionsRequest(location=where, key="snapshot.json")
        )
    )
    assert [v.version for v in versions] == [second.version, first.version]
    old = store.ReadState(
        provider_pb2.ReadStateRequest(location=where, key="snapshot.json", version=first.version)
    )
    assert old.data == b"v1"
    keys = [
        k.key
        for k in store.ListStateKeys(provider_pb2.ListStateKeysRequest(location=where, prefix=""))
    ]
    assert keys == ["snapshot.json"]
    with pytest.raises(errors.NotFound):
        store.ReadState(provider_pb2.ReadStateRequest(location=where, key="nothing.json"))


def test_lock_never_waits_names_its_holder_and_is_taken_over_once(conn: Any, suffix: str) -> None:
    where = location(f"lock-{suffix}")
    store = conn.state_store
    mine = provider_pb2.LockInfo(id="run-1", operation="apply", who="ann@host", pid=11)
    assert store.Lock(provider_pb2.LockRequest(location=where, info=mine)).acquired
    theirs = provider_pb2.LockInfo(id="run-2", operation="plan", who="bob@host", pid=22)
    refused = store.Lock(provider_pb2.LockRequest(location=where, info=theirs))
    assert not refused.acquired and refused.holder.who == "ann@host"
    with pytest.raises(errors.FailedPrecondition):
        store.Unlock(provider_pb2.UnlockRequest(location=where, lock_id="run-2"))
    # run-1 died: of two take-overs naming it, exactly one wins.
    taken = store.Lock(
        provider_pb2.LockRequest(location=where, info=theirs, replace_lock_id="run-1")
    )
    third = provider_pb2.LockInfo(id="run-3", who="cy@host")
    late = store.Lock(provider_pb2.LockRequest(location=where, info=third, replace_lock_id="run-1"))
    assert taken.acquired and not late.acquired and late.holder.id == "run-2"
    store.Unlock(provider_pb2.UnlockRequest(location=where, lock_id="run-2"))
    assert store.Lock(provider_pb2.LockRequest(location=where, info=third)).acquired
    store.Unlock(provider_pb2.UnlockRequest(location=where, lock_id="anyone", force=True))


def test_kms_key_is_refused_with_the_passphrase_named(conn: Any, suffix: str) -> None:
    request = provider_pb2.GenerateDataKeyRequest(location=location(f"kms-{suffix}"), key_id="k")
    with pytest.raises(errors.Unimplemented, match="GENESYS_STATE_PASSPHRASE"):
        conn.state_store.GenerateDataKey(request)
