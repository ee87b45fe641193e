"""`encrypt: true`: AES-256-GCM with lineage/serial/position bound in, so that nothing can
be read without the key and nothing old can be swapped in without failing loudly."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from genesys.errors import StateError
from genesys.state import LocalBackend, StateManager, derive_key, force_unlock

PASSPHRASE = "correct horse battery staple"


def all_state_bytes(directory: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file())


def crashed(manager: StateManager, backend: LocalBackend) -> None:
    assert manager.lock_info is not None
    force_unlock(backend, manager.lock_info.id)


def live_journal(directory: Path) -> Path:
    (journal,) = directory.glob("journal.*")
    return journal


def test_round_trip_with_nothing_readable_on_disk(backend, make_record, make_intent) -> None:
    with StateManager.open(backend, passphrase=PASSPHRASE) as manager:
        manager.commit(make_record(1))
        manager.set_outputs({"db_password": {"value": "hunter2", "sensitive": True}})
    manager = StateManager.open(backend, passphrase=PASSPHRASE)
    manager.begin(make_intent(2))
    manager.commit(make_record(2))
    crashed(manager, backend)  # leave entries in the (sealed) journal

    on_disk = all_state_bytes(backend.directory)
    for secret in (b"secret-1", b"secret-2", b"hunter2", b"compute.vm", b"i-0000"):
        assert secret not in on_disk
    header = json.loads((backend.directory / "snapshot.json").read_text())
    assert header["encryption"]["algorithm"] == "AES-256-GCM"
    assert header["encryption"]["kdf"]["name"] == "scrypt"
    assert header["lineage"] == manager.lineage and "resources" not in header

    with StateManager.open(backend, passphrase=PASSPHRASE.encode()) as reloaded:
        assert reloaded.resources == {"compute.vm1": make_record(1), "compute.vm2": make_record(2)}
        assert reloaded.outputs["db_password"]["value"] == "hunter2"
        assert reloaded.encrypted


def test_without_or_with_the_wrong_passphrase_nothing_loads(backend, make_record) -> None:
    with StateManager.open(backend, passphrase=PASSPHRASE) as manager:
        manager.commit(make_record(1))
    with pytest.raises(StateError, match="encrypted: set GENESYS_STATE_PASSPHRASE"):
        StateManager.open(backend, lock=False)
    with pytest.raises(StateError, match="cannot be decrypted: wrong passphrase"):
        StateManager.open(backend, passphrase="not it")
    assert not (backend.directory / ".lock").exists()


def test_a_raw_key_works_and_other_keys_do_not(backend, make_record) -> None:
    key = os.urandom(32)
    with StateManager.open(backend, encryption_key=key) as manager:
        manager.commit(make_record(1))
    with StateManager.open(backend, encryption_key=key, lock=False) as manager:
        assert list(manager.resources) == ["compute.vm1"]
    with pytest.raises(StateError, match="cannot be decrypted"):
        StateManager.open(backend, encryption_key=os.urandom(32), lock=False)
    with pytest.raises(StateError, match="32 bytes"):
        StateManager.open(backend, encryption_key=b"short", lock=False)


def test_an_older_snapshot_swapped_in_is_refused(backend, make_record) -> None:
    for n in range(3):
        with StateManager.open(backend, passphrase=PASSPHRASE) as manager:
            manager.commit(make_record(n))
    older = sorted((backend.directory / "backups").iterdir())[-1]
    current = backend.directory / "snapshot.json"
    newest = current.read_bytes()
    shutil.copy(older, current)
    with pytest.raises(StateError, match="older snapshot was put back"):
        StateManager.open(backend, passphrase=PASSPHRASE)

    # Relabelling the old snapshot as the newest position breaks its seal.
    relabelled = json.loads(older.read_text())
    fresh = json.loads(newest)
    relabelled.update(serial=fresh["serial"], seq=fresh["seq"])
    current.write_text(json.dumps(relabelled))
    with pytest.raises(StateError, match=r"cannot be decrypted.*altered"):
        StateManager.open(backend, passphrase=PASSPHRASE)


def test_a_duplicated_journal_entry_is_refused(backend, make_record) -> None:
    manager = StateManager.open(backend, passphrase=PASSPHRASE)
    for n in range(3):
        manager.commit(make_record(n))
    crashed(manager, backend)
    journal = live_journal(backend.directory)
    original = journal.read_bytes()
    header, *entries, _ = original.split(b"\n")

    journal.write_bytes(original + entries[0] + b"\n")  # replay the first entry at the end
    with pytest.raises(StateError, match=r"holds entry .* where entry .* belongs"):
        StateManager.open(backend, passphrase=PASSPHRASE, lock=False)

    replayed = json.loads(entries[0])
    replayed["seq"] = len(entries) + int(json.loads(entries[0])["seq"])  # claim the next slot
    journal.write_bytes(original + json.dumps(replayed).encode() + b"\n")
    with pytest.raises(StateError, match="fails to verify"):
        StateManager.open(backend, passphrase=PASSPHRASE, lock=False)

    journal.write_bytes(b"\n".join([header, entries[1], entries[0], entries[2], b""]))
    with pytest.raises(StateError, match="holds entry"):
        StateManager.open(backend, passphrase=PASSPHRASE, lock=False)

    journal.write_bytes(original)
    with StateManager.open(backend, passphrase=PASSPHRASE, lock=False) as manager:
        assert len(manager.resources) == 3


def test_entries_from_another_state_do_not_verify(tmp_path: Path, make_record) -> None:
    ours, theirs = LocalBackend(tmp_path / "ours"), LocalBackend(tmp_path / "theirs")
    managers = []
    for backend in (ours, theirs):
        manager = StateManager.open(backend, encryption_key=b"k" * 32)
        manager.commit(make_record(1))
        manager.commit(make_record(2))
        crashed(manager, backend)
        managers.append(manager)
    our_journal, their_journal = live_journal(ours.directory), live_journal(theirs.directory)
    our_lines = our_journal.read_bytes().split(b"\n")
    their_lines = their_journal.read_bytes().split(b"\n")
    our_journal.write_bytes(b"\n".join([our_lines[0], our_lines[1], their_lines[2], b""]))
    with pytest.raises(StateError, match="fails to verify"):
        StateManager.open(ours, encryption_key=b"k" * 32, lock=False)
    our_journal.write_bytes(b"\n".join(their_lines))  # their whole journal, header included
    with pytest.raises(StateError, match="does not belong to this state"):
        StateManager.open(ours, encryption_key=b"k" * 32, lock=False)


def test_plaintext_state_is_encrypted_when_a_key_is_given(backend, make_record) -> None:
    manager = StateManager.open(backend)
    manager.commit(make_record(1))
    crashed(manager, backend)  # a plaintext journal with entries
    manager = StateManager.open(backend, passphrase=PASSPHRASE)
    manager.commit(make_record(2))
    manager.close()
    assert b"secret-" not in (backend.directory / "snapshot.json").read_bytes()
    assert b"secret-" not in live_journal(backend.directory).read_bytes()
    with StateManager.open(backend, passphrase=PASSPHRASE, lock=False) as reloaded:
        assert sorted(reloaded.resources) == ["compute.vm1", "compute.vm2"]


def test_derive_key_is_deterministic_per_salt() -> None:
    salt = b"s" * 16
    key = derive_key(PASSPHRASE, salt)
    assert len(key) == 32
    assert key == derive_key(PASSPHRASE.encode(), salt)
    assert key != derive_key(PASSPHRASE, b"t" * 16)
    assert key != derive_key("other", salt)
    with pytest.raises(StateError, match="empty"):
        derive_key("", salt)
