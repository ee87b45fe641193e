"""StateManager over RemoteBackend: real gRPC to a StateStore servicer on a Unix socket."""

from __future__ import annotations

import os
import socket
import threading

import grpc
import pytest
from genesys.errors import StateError, StateLockedError
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys.state import RemoteBackend, StateManager, force_unlock


def fresh_backend(store_server, workspace: str = "default") -> RemoteBackend:
    location = provider_pb2.StateLocation(backend="dictstore", workspace=workspace)
    return RemoteBackend(store_server.stub(), location)


def test_changes_survive_a_crash_and_compact_on_close(
    store_server, make_record, make_intent
) -> None:
    backend = fresh_backend(store_server)
    manager = StateManager.open(backend)
    for n in range(5):
        manager.begin(make_intent(n))
        manager.commit(make_record(n))
    manager.begin(make_intent(99))
    assert manager.lock_info is not None
    force_unlock(fresh_backend(store_server), manager.lock_info.id)  # the run died

    with StateManager.open(fresh_backend(store_server)) as reloaded:
        assert reloaded.resources == {f"compute.vm{n}": make_record(n) for n in range(5)}
        assert list(reloaded.intents) == ["compute.vm99"]
        reloaded.clear_intent("compute.vm99")
    keys = fresh_backend(store_server).list_keys("")
    journals = [k for k in keys if k.startswith("journal.")]
    assert len(journals) == 1 and journals[0].endswith("/0000000001")  # a fresh journal
    assert "snapshot.json" in keys and any(k.startswith("backups/") for k in keys)
    with StateManager.open(fresh_backend(store_server), lock=False) as final:
        assert len(final.resources) == 5 and not final.intents


def test_a_locked_remote_state_names_its_holder(store_server, make_record) -> None:
    holder = StateManager.open(fresh_backend(store_server), operation="apply")
    assert holder.lock_info is not None
    with pytest.raises(StateLockedError) as refused:
        StateManager.open(fresh_backend(store_server), operation="plan")
    message = str(refused.value)
    assert f"pid {os.getpid()} on host {socket.gethostname()}" in message
    assert f"genesys force-unlock {holder.lock_info.id}" in message
    with pytest.raises(StateError, match=f"not released .*{holder.lock_info.id}"):
        force_unlock(fresh_backend(store_server), "wrong-id")
    holder.commit(make_record(1))
    holder.close()
    StateManager.open(fresh_backend(store_server)).close()


def test_workspaces_are_separate(store_server, make_record) -> None:
    with StateManager.open(fresh_backend(store_server, "staging")) as staging:
        staging.commit(make_record(1))
        with StateManager.open(fresh_backend(store_server, "prod")) as prod:  # not locked out
            assert prod.resources == {}


def test_concurrent_commits_become_few_segment_writes(store_server, make_record) -> None:
    manager = StateManager.open(fresh_backend(store_server))

    def worker(first: int) -> None:
        for n in range(first, first + 25):
            manager.commit(make_record(n))

    threads = [threading.Thread(target=worker, args=(i * 100,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats = manager.stats()
    manager.close()
    assert stats["journal_lines"] == 200
    assert stats["journal_appends"] < 200  # each append is one segment object
    with StateManager.open(fresh_backend(store_server), lock=False) as reloaded:
        assert len(reloaded.resources) == 200


def test_encrypted_remote_state(store_server, make_record) -> None:
    with StateManager.open(fresh_backend(store_server), passphrase="pw") as manager:
        manager.commit(make_record(1))
    stored = b"".join(
        data for history in store_server.store.objects.values() for _, data in history
    )
    assert b"secret-1" not in stored
    with StateManager.open(fresh_backend(store_server), passphrase="pw", lock=False) as manager:
        assert manager.resources["compute.vm1"].attributes["password"] == "secret-1"


def test_an_unreachable_store_is_a_clear_error(tmp_path) -> None:
    channel = grpc.insecure_channel(f"unix:{tmp_path}/nobody-listens.sock")
    try:
        backend = RemoteBackend(
            provider_pb2_grpc.StateStoreStub(channel),
            provider_pb2.StateLocation(backend="s3", workspace="default"),
            timeout=5,
        )
        with pytest.raises(StateError, match=r"s3 state store, taking the lock: .*unreachable"):
            StateManager.open(backend)
    finally:
        channel.close()
