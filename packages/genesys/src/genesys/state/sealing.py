"""Turning encryption on for a plaintext state: nothing it kept stays in the clear.

The first write with a key over a plaintext state (StateManager's compaction) calls
`seal_plaintext_backups` before the new, encrypted snapshot replaces the old one, so a crash
in between leaves a still-plaintext snapshot and the next run converts again; and it keeps
the snapshot it replaces as a sealed backup (`sealed_backup`). Plaintext journals are
deleted by the same compaction, like any journal older than the new snapshot.
"""

from __future__ import annotations

import logging
from typing import Any

from genesys.errors import StateError
from genesys.state.backend import BACKUP_PREFIX, StateBackend
from genesys.state.codec import decode_snapshot, encode_snapshot, parse_envelope
from genesys.state.crypto import Sealer

log = logging.getLogger("genesys.state")


def sealed_backup(previous: bytes, sealer: Sealer | None, kdf: dict[str, Any] | None) -> bytes:
    """The bytes to keep as a backup of `previous`: sealed when a key is in use."""
    if sealer is None:
        return previous
    envelope = parse_envelope(previous, "the previous snapshot")
    if "encryption" in envelope:
        return previous
    # Re-sealed at its own lineage/serial/seq: `state push` restores it as before.
    return encode_snapshot(decode_snapshot(envelope, "the previous snapshot", None), sealer, kdf)


def seal_plaintext_backups(
    backend: StateBackend, sealer: Sealer, kdf: dict[str, Any] | None
) -> tuple[int, int]:
    """Re-encrypts every plaintext snapshot under backups/; one that cannot be read is
    deleted rather than left in the clear. Returns (re-encrypted, deleted)."""
    sealed = deleted = 0
    for key in backend.list_keys(BACKUP_PREFIX):
        found = backend.read_object(key)
        if found is None:
            continue
        data, version = found
        try:
            envelope = parse_envelope(data, key)
            if "encryption" in envelope:
                continue
            state = decode_snapshot(envelope, key, None)
            backend.write_object(key, encode_snapshot(state, sealer, kdf), version)
            sealed += 1
        except StateError as err:
            log.warning("deleting unreadable plaintext backup %s: %s", key, err)
            backend.delete_object(key)
            deleted += 1
    return sealed, deleted


def conversion_note(sealed: int, deleted: int) -> str:
    """The one line a converting run prints on stderr."""
    kept = f"re-encrypted {sealed} earlier snapshot{'s' if sealed != 1 else ''} in backups/"
    dropped = f", deleted {deleted} unreadable one{'s' if deleted != 1 else ''}" if deleted else ""
    return f"State is now encrypted: {kept}{dropped}; plaintext journals removed."
