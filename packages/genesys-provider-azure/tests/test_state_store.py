"""The azureblob state backend against Azurite, through the plugin's StateStore service:
etag compare-and-swap, a snapshot per write, a lock blob that never waits, take-over."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk import errors
from google.protobuf import struct_pb2


def _location(container: str, **extra: Any) -> provider_pb2.StateLocation:
    config = struct_pb2.Struct()
    config.update({"storage_account": "devstoreaccount1", "container": container, **extra})
    return provider_pb2.StateLocation(backend="azureblob", config=config, workspace="default")


def _write(conn: Any, where: Any, data: bytes, expected: str, key: str = "state.json") -> str:
    request = provider_pb2.WriteStateRequest(
        location=where, key=key, data=data, expected_version=expected
    )
    return str(conn.state_store.WriteState(request).version)


def _container() -> str:
    return f"state-{uuid.uuid4().hex[:12]}"


def test_compare_and_swap_snapshots_and_old_versions(conn: Any, ready: dict[str, Any]) -> None:
    from azure.storage.blob import BlobServiceClient

    name = _container()
    where = _location(name)
    first = _write(conn, where, b"serial 1", "")  # the container is made on first use
    settings = ready["settings"]
    blob = BlobServiceClient(
        settings["blob_endpoint"],
        credential={"account_name": settings["blob_account"], "account_key": settings["blob_key"]},
    )
    stored = blob.get_container_client(name).download_blob("genesys/default/state.json")
    assert stored.readall() == b"serial 1"
    with pytest.raises(errors.FailedPrecondition):
        _write(conn, where, b"other", "")  # must not exist, but does
    second = _write(conn, where, b"serial 2", first)
    with pytest.raises(errors.FailedPrecondition):
        _write(conn, where, b"stale", first)  # written since `first`
    current = conn.state_store.ReadState(
        provider_pb2.ReadStateRequest(location=where, key="state.json")
    )
    assert current.data == b"serial 2"
    versions = [
        v.version
        for v in conn.state_store.ListStateVersions(
            provider_pb2.ListStateVersionsRequest(location=where, key="state.json")
        )
    ]
    assert versions == [second, first]  # newest first
    old = conn.state_store.ReadState(
        provider_pb2.ReadStateRequest(location=where, key="state.json", version=first)
    )
    assert old.data == b"serial 1"
    keys = [
        k.key
        for k in conn.state_store.ListStateKeys(provider_pb2.ListStateKeysRequest(location=where))
    ]
    assert keys == ["state.json"]


def test_concurrent_writers_one_wins(conn: Any) -> None:
    where = _location(_container())
    base = _write(conn, where, b"base", "")

    def attempt(index: int) -> str:
        try:
            _write(conn, where, f"writer {index}".encode(), base)
            return "won"
        except errors.FailedPrecondition:
            return "lost"

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(attempt, range(6)))
    assert outcomes.count("won") == 1 and outcomes.count("lost") == 5


def test_lock_never_waits_names_its_holder_and_can_be_taken_over(conn: Any) -> None:
    where = _location(_container())
    me = provider_pb2.LockInfo(id="run-1", operation="apply", who="me@host")
    other = provider_pb2.LockInfo(id="run-2", operation="plan", who="you@host")
    store = conn.state_store
    assert store.Lock(provider_pb2.LockRequest(location=where, info=me)).acquired
    refused = store.Lock(provider_pb2.LockRequest(location=where, info=other))
    assert not refused.acquired and refused.holder.who == "me@host"
    with pytest.raises(errors.FailedPrecondition):
        store.Unlock(provider_pb2.UnlockRequest(location=where, lock_id="run-2"))
    taken = store.Lock(
        provider_pb2.LockRequest(location=where, info=other, replace_lock_id="run-1")
    )
    assert taken.acquired and taken.holder.id == "run-2"
    store.Unlock(provider_pb2.UnlockRequest(location=where, lock_id="run-2"))
    assert store.Lock(provider_pb2.LockRequest(location=where, info=me)).acquired


def test_missing_location_fields_are_named(conn: Any) -> None:
    config = struct_pb2.Struct()
    config.update({"container": "x"})
    where = provider_pb2.StateLocation(backend="azureblob", config=config)
    with pytest.raises(errors.InvalidArgument) as caught:
        conn.state_store.ReadState(provider_pb2.ReadStateRequest(location=where, key="k"))
    assert caught.value.attribute_path == "state.storage_account"
