"""What a place that stores state must offer; LocalBackend and RemoteBackend implement it.

A backend is a small set of named objects with compare-and-swap writes, append-only
journals, and an advisory lock that never blocks. Keys the state manager uses:

    snapshot.json                  the current snapshot
    journal.<base seq, 20 digits>  the journal of changes since the snapshot with that seq
    backups/snapshot-...json       previous snapshots (the last N are kept)

Journal keys never contain "/"; a backend may store a journal as several objects under
"<journal key>/..." (RemoteBackend writes one numbered segment object per append).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from genesys.state.records import LockInfo

SNAPSHOT_KEY = "snapshot.json"
JOURNAL_PREFIX = "journal."
BACKUP_PREFIX = "backups/"


def journal_key(base_seq: int) -> str:
    return f"{JOURNAL_PREFIX}{base_seq:020d}"


def journal_base_seq(key: str) -> int | None:
    """The base seq a journal key names, or None when the key is not a journal's."""
    digits = key[len(JOURNAL_PREFIX) :]
    if not key.startswith(JOURNAL_PREFIX) or len(digits) != 20 or not digits.isdigit():
        return None
    return int(digits)


@runtime_checkable
class StateBackend(Protocol):
    def describe(self, key: str) -> str:
        """Where an object lives, for messages (a path, a bucket URL, ...)."""
        ...

    def read_object(self, key: str) -> tuple[bytes, str] | None:
        """(data, version) of the object, or None if absent."""
        ...

    def write_object(self, key: str, data: bytes, expected_version: str | None) -> str:
        """Compare-and-swap write, atomic: readers see the old bytes or the new ones.

        `expected_version` None means the object must not exist yet. Returns the new version;
        raises StateError when the current version differs and writes nothing.
        """
        ...

    def delete_object(self, key: str) -> None:
        """Deletes the object; absent objects are fine."""
        ...

    def list_keys(self, prefix: str) -> list[str]:
        """Object keys under a prefix, sorted."""
        ...

    def append(self, key: str, data: bytes) -> None:
        """Appends to a journal durably before returning (creating it if needed)."""
        ...

    def read_journal(self, key: str) -> bytes | None:
        """Everything appended to a journal, in order; None if it does not exist."""
        ...

    def delete_journal(self, key: str) -> None: ...

    def release(self) -> None:
        """Drops cached handles (open journal files); the backend stays usable."""
        ...

    def lock(self, info: LockInfo) -> LockInfo | None:
        """Takes the lock; returns None on success or the holder's info when busy."""
        ...

    def take_over(self, gone: LockInfo, info: LockInfo) -> LockInfo | None:
        """Atomically replaces the lock of `gone` (a holder found dead) with `info`: None on
        success, else the current holder (someone else took it over first, or it changed).
        A compare-and-swap on the holder's id: of several runs taking over, one wins."""
        ...

    def unlock(self, lock_id: str, force: bool = False) -> None:
        """Releases the lock if `lock_id` holds it (any holder with force); else StateError."""
        ...


def force_unlock(backend: StateBackend, lock_id: str) -> None:
    """Releases a lock a dead or stuck run left behind; the ID must match the holder's."""
    backend.unlock(lock_id, force=False)
