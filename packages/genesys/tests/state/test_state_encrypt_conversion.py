"""Turning `encrypt: true` on for a plaintext state leaves nothing in the clear: backups of
earlier snapshots are re-encrypted (still restorable), plaintext journals go, and the run
says so in one line on stderr (issue 14, item 5)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from genesys.state import LocalBackend, StateManager

PASSPHRASE = "correct horse battery staple"


def _files(directory: Path) -> list[Path]:
    return [p for p in sorted(directory.rglob("*")) if p.is_file()]


def _plaintext_history(backend: LocalBackend, make_record, runs: int = 3) -> None:
    for n in range(1, runs + 1):
        with StateManager.open(backend) as manager:
            manager.commit(make_record(n))
    backups = list((backend.directory / "backups").glob("*.json"))
    assert len(backups) == runs  # the empty first snapshot, then one per run but the last
    assert sum(b"secret-1" in b.read_bytes() for b in backups) == runs - 1


def test_turning_encryption_on_re_encrypts_every_backup(
    backend: LocalBackend, make_record, capsys: pytest.CaptureFixture[str]
) -> None:
    _plaintext_history(backend, make_record)
    capsys.readouterr()
    with StateManager.open(backend, passphrase=PASSPHRASE) as manager:
        manager.commit(make_record(9))
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1 and "encrypted" in said[0] and "3 earlier snapshots" in said[0]

    for path in _files(backend.directory):
        assert b"secret-" not in path.read_bytes(), path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE((backend.directory / "backups").stat().st_mode) == 0o700

    # Each backup is still a snapshot `state push` can restore, with the key.
    backups = sorted((backend.directory / "backups").glob("*.json"))
    assert len(backups) >= 4  # and the plaintext snapshot this run replaced, sealed
    (first,) = [b for b in backups if "-serial-1-" in b.name]
    with StateManager.open(backend, passphrase=PASSPHRASE) as manager:
        manager.replace_from(first.read_bytes(), force=True)
        assert sorted(manager.resources) == ["compute.vm1"]
        assert manager.resources["compute.vm1"].attributes["password"] == "secret-1"

    # Already encrypted: nothing more to convert, nothing said.
    capsys.readouterr()
    with StateManager.open(backend, passphrase=PASSPHRASE) as manager:
        manager.commit(make_record(10))
    assert capsys.readouterr().err == ""


def test_a_crash_before_the_first_encrypted_close_leaves_no_plaintext_behind(
    backend: LocalBackend, make_record
) -> None:
    _plaintext_history(backend, make_record, runs=2)
    manager = StateManager.open(backend)
    manager.commit(make_record(5))  # a plaintext journal line, then the run dies
    assert manager.lock_info is not None
    backend.unlock(manager.lock_info.id, force=True)

    with StateManager.open(backend, passphrase=PASSPHRASE) as converted:
        assert "compute.vm5" in converted.resources
    for path in _files(backend.directory):
        assert b"secret-" not in path.read_bytes(), path
