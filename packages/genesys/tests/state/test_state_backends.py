"""The StateBackend contract, checked on LocalBackend (files) and RemoteBackend (real gRPC
to a StateStore servicer): compare-and-swap, journals, and the non-blocking lock."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from genesys.errors import StateError, StateLockedError
from genesys.state import LocalBackend, LockInfo, StateManager, force_unlock


@pytest.fixture(params=["local", "remote"])
def any_backend(request: pytest.FixtureRequest):
    if request.param == "local":
        return request.getfixturevalue("backend")
    return request.getfixturevalue("remote_backend")


def test_compare_and_swap_writes_only_on_the_expected_version(any_backend) -> None:
    first = any_backend.write_object("snapshot.json", b"one", None)
    with pytest.raises(StateError, match="someone else"):
        any_backend.write_object("snapshot.json", b"clobber", None)  # must not exist yet
    second = any_backend.write_object("snapshot.json", b"two", first)
    assert second != first
    with pytest.raises(StateError, match="someone else"):
        any_backend.write_object("snapshot.json", b"stale writer", first)
    assert any_backend.read_object("snapshot.json") == (b"two", second)


def test_reading_and_deleting_absent_objects(any_backend) -> None:
    assert any_backend.read_object("nothing") is None
    any_backend.delete_object("nothing")  # absent is fine
    any_backend.write_object("backups/a.json", b"a", None)
    any_backend.write_object("backups/b.json", b"b", None)
    any_backend.write_object("snapshot.json", b"s", None)
    assert any_backend.list_keys("backups/") == ["backups/a.json", "backups/b.json"]
    any_backend.delete_object("backups/a.json")
    assert any_backend.list_keys("backups/") == ["backups/b.json"]
    assert any_backend.read_object("backups/a.json") is None


def test_journals_append_in_order_and_delete(any_backend) -> None:
    key = "journal.00000000000000000007"
    any_backend.write_object("snapshot.json", b"{}", None)  # a journal follows a snapshot
    assert any_backend.read_journal(key) is None
    for chunk in (b"header\n", b"one\n", b"two\nthree\n"):
        any_backend.append(key, chunk)
    assert any_backend.read_journal(key) == b"header\none\ntwo\nthree\n"
    any_backend.delete_journal(key)
    assert any_backend.read_journal(key) is None
    any_backend.append(key, b"again\n")
    assert any_backend.read_journal(key) == b"again\n"


def test_lock_never_blocks_and_names_the_holder(any_backend) -> None:
    mine = LockInfo.new("apply")
    assert any_backend.lock(mine) is None
    holder = any_backend.lock(LockInfo.new("plan"))
    assert holder is not None
    assert (holder.id, holder.operation, holder.pid) == (mine.id, "apply", os.getpid())
    assert holder.who == mine.who
    assert abs((holder.created - mine.created).total_seconds()) < 1
    with pytest.raises(StateError):
        any_backend.unlock("not-the-id")
    any_backend.unlock(mine.id)
    with pytest.raises(StateError):
        any_backend.unlock(mine.id)  # no longer locked
    assert any_backend.lock(LockInfo.new("apply")) is None


def test_force_unlock_needs_the_holders_id(any_backend) -> None:
    held = LockInfo.new("apply")
    any_backend.lock(held)
    with pytest.raises(StateError):
        force_unlock(any_backend, "some-other-id")
    force_unlock(any_backend, held.id)
    assert any_backend.lock(LockInfo.new("apply")) is None


def test_local_files_are_private_and_no_temp_files_remain(backend: LocalBackend) -> None:
    backend.write_object("snapshot.json", b"{}", None)
    backend.append("journal.00000000000000000000", b"x\n")
    backend.lock(LockInfo.new("apply"))
    assert stat.S_IMODE(backend.directory.stat().st_mode) == 0o700
    for name in ("snapshot.json", "journal.00000000000000000000", ".lock"):
        assert stat.S_IMODE((backend.directory / name).stat().st_mode) == 0o600
    assert not [p for p in backend.directory.iterdir() if p.name.startswith(".tmp-")]
    lock = json.loads((backend.directory / ".lock").read_text())
    assert set(lock) == {"id", "operation", "who", "pid", "created", "version"}
    assert lock["who"].endswith("@" + socket.gethostname())


def test_invalid_keys_are_refused(backend: LocalBackend) -> None:
    for key in ("../escape", "a//b", "", "./x"):
        with pytest.raises(StateError, match="invalid"):
            backend.write_object(key, b"", None)


HOLD_LOCK = """
import sys
from genesys.state import LocalBackend, StateManager
manager = StateManager.open(LocalBackend(sys.argv[1]), operation="apply")
print(manager.lock_info.id, flush=True)
sys.stdin.readline()
manager.close()
"""


def test_a_second_process_is_refused_at_once_naming_the_holder(state_dir: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(state_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        lock_id = child.stdout.readline().strip()
        backend = LocalBackend(state_dir)
        started = datetime.now(timezone.utc)
        with pytest.raises(StateLockedError) as refused:
            StateManager.open(backend, operation="apply")
        assert (datetime.now(timezone.utc) - started).total_seconds() < 5  # no waiting
        message = str(refused.value)
        assert message.startswith("state is locked by apply (")
        assert f"pid {child.pid} on host {socket.gethostname()}" in message
        assert "since 20" in message and f"lock ID {lock_id}" in message
        assert f"If that run is gone: genesys force-unlock {lock_id}" in message
        # A read-only open (plan, state list) is not blocked by the lock.
        StateManager.open(backend, lock=False).close()

        # While the holder lives, force-unlock is the way out (and names the right ID).
        with pytest.raises(StateError):
            force_unlock(backend, "not-" + lock_id)
        child.kill()
        child.wait()
        # Its process is gone on this host: the next run takes the lock over by itself.
        StateManager.open(backend).close()
        assert backend.read_lock() is None
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()
