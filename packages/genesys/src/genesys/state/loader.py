"""Reading state back: the snapshot, then the journal of changes made since it.

Consistency rules (docs/state.md, "Recovery"):
- a journal whose base is newer than the snapshot means an older snapshot was put back:
  refuse, never silently lose the newer changes;
- journals based on older snapshots are leftovers of an interrupted compaction: ignore;
- the live journal's header must name this snapshot's digest and lineage; its entries must
  follow each other exactly (seq = previous + 1), each verifying at its position when
  encrypted; only an unterminated last line (a torn write) is dropped.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from genesys.errors import StateError
from genesys.state.backend import (
    BACKUP_PREFIX,
    JOURNAL_PREFIX,
    SNAPSHOT_KEY,
    StateBackend,
    journal_base_seq,
)
from genesys.state.codec import (
    StateData,
    apply_op,
    decode_journal_entry,
    decode_journal_header,
    decode_snapshot,
    envelope_kdf,
    parse_envelope,
)
from genesys.state.crypto import KeySource, Sealer

log = logging.getLogger("genesys.state")


class InconsistentStateError(StateError):
    """Snapshot and journals do not fit together. A reader without the lock can see this
    while a writer compacts, so it reloads before reporting it."""


@dataclass
class LoadedState:
    state: StateData
    snapshot_version: str | None = None  # None: no snapshot stored yet
    snapshot_seq: int = 0
    snapshot_encrypted: bool = False
    sealer: Sealer | None = None  # what new writes are sealed with
    kdf: dict[str, Any] | None = None
    live_journal: str | None = None  # key of a journal we may append to, if any
    obsolete_journals: list[str] = field(default_factory=list)  # deleted at next compaction
    replayed: int = 0  # journal entries applied on top of the snapshot


def load_state(backend: StateBackend, keys: KeySource) -> LoadedState:
    found = backend.read_object(SNAPSHOT_KEY)
    journals = list_journals(backend)
    if found is None:
        if journals:  # also what an unlocked reader sees while a new state's first write runs
            raise InconsistentStateError(
                f"state journal {backend.describe(next(iter(journals.values())))} exists but "
                f"the snapshot {backend.describe(SNAPSHOT_KEY)} is missing. Restore a snapshot "
                f"from {backend.describe(BACKUP_PREFIX)} with: genesys state push FILE --force"
            )
        kdf = keys.new_kdf() if keys.present else None
        sealer = keys.sealer_for(kdf) if keys.present else None
        return LoadedState(StateData(lineage=str(uuid.uuid4())), sealer=sealer, kdf=kdf)
    data, version = found
    where = backend.describe(SNAPSHOT_KEY)
    envelope = parse_envelope(data, where)
    loaded = _decode(envelope, where, keys)
    loaded.snapshot_version = version
    loaded.snapshot_seq = loaded.state.seq
    _replay_journals(backend, loaded, journals, hashlib.sha256(data).hexdigest())
    return loaded


def list_journals(backend: StateBackend) -> dict[int, str]:
    """Journal keys by base seq (segment objects "<key>/<n>" count as their journal)."""
    journals: dict[int, str] = {}
    for key in backend.list_keys(JOURNAL_PREFIX):
        journal = key.split("/", 1)[0]
        base = journal_base_seq(journal)
        if base is not None:
            journals[base] = journal
    return journals


def _decode(envelope: dict[str, Any], where: str, keys: KeySource) -> LoadedState:
    encrypted = "encryption" in envelope
    reason = keys.unreadable_reason(envelope_kdf(envelope)) if encrypted else None
    if reason is not None:
        raise StateError(f"the state snapshot {where} is encrypted: {reason}")
    if encrypted:
        kdf = envelope_kdf(envelope)
        sealer: Sealer | None = keys.sealer_for(kdf)
    else:  # plaintext state, read as is; encrypted from the next write if a key was given
        kdf = keys.new_kdf() if keys.present else None
        sealer = keys.sealer_for(kdf) if keys.present else None
    state = decode_snapshot(envelope, where, sealer if encrypted else None)
    return LoadedState(state, snapshot_encrypted=encrypted, sealer=sealer, kdf=kdf)


def _replay_journals(
    backend: StateBackend, loaded: LoadedState, journals: dict[int, str], digest: str
) -> None:
    seq = loaded.state.seq
    newer = sorted(base for base in journals if base > seq)
    if newer:
        raise InconsistentStateError(
            f"the state snapshot {backend.describe(SNAPSHOT_KEY)} is older than its journal "
            f"{backend.describe(journals[newer[-1]])} (snapshot entry {seq}, journal from "
            f"entry {newer[-1]}): an older snapshot was put back. Refusing to load it; restore "
            "the newest snapshot instead"
        )
    loaded.obsolete_journals = [journals[b] for b in sorted(journals) if b < seq]
    live = journals.get(seq)
    if live is None:
        if seq > 0 and not loaded.obsolete_journals:
            raise InconsistentStateError(
                f"the journal for state snapshot {backend.describe(SNAPSHOT_KEY)} is missing "
                f"(expected {backend.describe(f'{JOURNAL_PREFIX}{seq:020d}')}): the snapshot was "
                "replaced or the journal deleted. Refusing to load possibly stale state"
            )
        return
    _replay_live_journal(backend, loaded, live, digest)


def _replay_live_journal(
    backend: StateBackend, loaded: LoadedState, live: str, digest: str
) -> None:
    raw = backend.read_journal(live)
    if raw is None:  # compacted away between listing and reading: the caller reloads
        raise InconsistentStateError(
            f"state journal {backend.describe(live)} vanished while being read"
        )
    *lines, torn_tail = raw.split(b"\n")
    if torn_tail:
        log.info("ignoring a torn last line (%d bytes) in %s", len(torn_tail), live)
    if not lines:  # the header itself was torn: nothing was ever journaled here
        loaded.obsolete_journals.append(live)
        return
    where = backend.describe(live)
    read_sealer = loaded.sealer if loaded.snapshot_encrypted else None
    state = loaded.state
    if decode_journal_header(lines[0], where, state.lineage, state.seq, read_sealer) != digest:
        raise StateError(
            f"state journal {where} was started on a different snapshot than "
            f"{backend.describe(SNAPSHOT_KEY)} (the snapshot was replaced). Refusing to load it"
        )
    for number, line in enumerate(lines[1:], start=2):
        op, value = decode_journal_entry(
            line, f"{where} line {number}", state.lineage, state.serial, state.seq + 1, read_sealer
        )
        apply_op(state, op, value)
        state.seq += 1
    loaded.replayed = len(lines) - 1
    if torn_tail:  # never append after torn bytes: the next compaction starts a fresh journal
        loaded.obsolete_journals.append(live)
    else:
        loaded.live_journal = live


def stored_state_encrypted(backend: StateBackend) -> bool:
    """Whether the stored snapshot is encrypted (False when there is none yet)."""
    found = backend.read_object(SNAPSHOT_KEY)
    if found is None:
        return False
    return "encryption" in parse_envelope(found[0], backend.describe(SNAPSHOT_KEY))
