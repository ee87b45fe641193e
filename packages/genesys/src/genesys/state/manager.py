"""StateManager: the engine's one handle on state.

Open it (lock + load), record changes while the engine works, close it (compact + unlock):

    with StateManager.open(backend, operation="apply") as state:
        state.begin(Intent(...))          # durable before the provider is asked
        ...provider creates it...
        state.commit(ResourceRecord(...)) # durable; the intent is cleared

Each change is one journal line appended to the live journal (O(change), never O(state));
concurrent callers share appends through group commit (journal.py). Closing folds the
journal into a new snapshot, keeps the previous one under backups/ and starts a new journal.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from genesys.config.gc_pause import paused_gc
from genesys.errors import StateError, StateLockedError
from genesys.redaction import SECRETS
from genesys.state.backend import BACKUP_PREFIX, SNAPSHOT_KEY, StateBackend, journal_key
from genesys.state.codec import (
    StateData,
    apply_op,
    decode_snapshot,
    dumps_compact,
    encode_journal_entry,
    encode_journal_header,
    encode_snapshot,
    encode_value,
    envelope_kdf,
    parse_envelope,
    snapshot_body,
)
from genesys.state.crypto import DataKeyService, KeySource
from genesys.state.journal import GroupCommitJournal
from genesys.state.loader import InconsistentStateError, LoadedState, load_state
from genesys.state.records import Intent, LockInfo, ResourceRecord, locked_message
from genesys.state.sealing import conversion_note, seal_plaintext_backups, sealed_backup

log = logging.getLogger("genesys.state")

DEFAULT_BACKUPS_KEPT = 10
_RESOLVING_OPS = frozenset({"commit", "forget", "clear_intent"})  # settle an intent
# A run whose journal outgrows this (and 4x the snapshot) is compacted on the way, so that
# loading after a crash never replays an unbounded journal; amortised, still O(changes).
COMPACT_AFTER_BYTES = 64 * 1024 * 1024


class StateManager:
    def __init__(
        self,
        backend: StateBackend,
        loaded: LoadedState,
        *,
        lock_info: LockInfo | None,
        keys: KeySource,
        keep_backups: int = DEFAULT_BACKUPS_KEPT,
        compact_after_bytes: int = COMPACT_AFTER_BYTES,
    ) -> None:
        self._backend = backend
        self._compact_after_bytes = compact_after_bytes
        self._loaded = loaded
        self._state: StateData = loaded.state
        self._lock_info = lock_info
        self._keys = keys
        self._keep_backups = keep_backups
        self._journal = GroupCommitJournal(backend)
        self._snapshot_bytes_written = 0
        self._snapshot_seconds = 0.0  # compactions: encoding + writing whole snapshots
        self._encode_seconds = 0.0  # journal lines, summed over the writing threads
        self._record_seconds = 0.0  # callers' time in begin/commit/..., summed over threads
        self._close_seconds = 0.0
        self._timing = threading.Lock()
        self._closed = False
        # Appending to the journal found is fine unless the encryption mode changes.
        if loaded.live_journal is not None and loaded.snapshot_encrypted == self.encrypted:
            with self._journal.condition:
                self._journal.reset_locked(loaded.live_journal)

    @classmethod
    def open(
        cls,
        backend: StateBackend,
        *,
        operation: str = "apply",
        lock: bool = True,
        encryption_key: bytes | None = None,
        passphrase: str | bytes | None = None,
        kms_key: str | None = None,
        keep_backups: int = DEFAULT_BACKUPS_KEPT,
        compact_after_bytes: int = COMPACT_AFTER_BYTES,
    ) -> StateManager:
        """Locks (unless lock=False: read-only) and loads the state.

        Encryption: `encryption_key` (32 raw bytes) or `passphrase` (scrypt-derived, the salt
        kept in the snapshot header), or `kms_key`: a data key wrapped by the backend's key
        service (a backend that is a `DataKeyService`; the wrapped key kept in the header).
        Given any, the state is written encrypted from now on (plaintext state is converted);
        an encrypted state cannot be read without its key source.

        Raises StateLockedError naming the holder when another run has the lock, and
        StateError when the state cannot be read or fails verification.
        """
        data_keys = backend if isinstance(backend, DataKeyService) else None
        keys = KeySource(encryption_key, passphrase, kms_key, data_keys)
        lock_info = _take_lock(backend, operation) if lock else None
        try:
            loaded = _load_with_retries(backend, keys, attempts=1 if lock else 12)
        except BaseException:
            if lock_info is not None:
                with contextlib.suppress(StateError):
                    backend.unlock(lock_info.id)
            raise
        if loaded.replayed or loaded.state.intents:
            log.info(
                "state recovered: %d journal entries replayed, %d operations in flight",
                loaded.replayed,
                len(loaded.state.intents),
            )
        return cls(
            backend,
            loaded,
            lock_info=lock_info,
            keys=keys,
            keep_backups=keep_backups,
            compact_after_bytes=compact_after_bytes,
        )

    # ------------------------------------------------------------ reading

    @property
    def lineage(self) -> str:
        return self._state.lineage

    @property
    def serial(self) -> int:
        return self._state.serial

    @property
    def resources(self) -> dict[str, ResourceRecord]:
        return self._state.resources

    @property
    def intents(self) -> dict[str, Intent]:
        return self._state.intents

    @property
    def outputs(self) -> dict[str, Any]:
        return self._state.outputs

    @property
    def read_only(self) -> bool:
        return self._lock_info is None

    @property
    def lock_info(self) -> LockInfo | None:
        return self._lock_info

    @property
    def encrypted(self) -> bool:
        return self._loaded.sealer is not None

    def stats(self) -> dict[str, float]:
        """Counters for benchmarks and logs: journal lines, appends, bytes, and the seconds
        spent persisting: journal appends + fsyncs (one at a time, so at most the wall
        time), whole-snapshot writes (compactions, close) and encoding journal lines."""
        return {
            "journal_lines": self._journal.lines,
            "journal_appends": self._journal.appends,
            "journal_bytes": self._journal.bytes_appended,
            "snapshot_bytes": self._snapshot_bytes_written,
            "journal_write_s": round(self._journal.write_seconds, 4),
            "snapshot_write_s": round(self._snapshot_seconds, 4),
            "encode_s": round(self._encode_seconds, 4),
            "record_wait_s": round(self._record_seconds, 4),
            "close_s": round(self._close_seconds, 4),
        }

    # ------------------------------------------------------------ changes (each durable)

    def begin(self, intent: Intent) -> None:
        """Records an operation about to start; durable before returning."""
        self._record("intent", intent)

    def commit(self, record: ResourceRecord, *, wait: bool = True) -> None:
        """Records a resource as it now exists (clears its intent; serial + 1).

        Durable before returning. With wait=False, and only when an intent for the address
        is pending, it returns once the line is queued: the next durable call (any thread's
        begin) or close() carries it. A crash before that loses the line but not the
        intent, which the next run resolves exactly as this commit would have; this halves
        the fsyncs a create waits for. Without a pending intent, wait=False still waits.
        """
        # A secret first seen here (a generated password) is masked in any later message.
        SECRETS.add_attributes(record.attributes, record.sensitive)
        self._record("commit", record, wait=wait)

    def forget(self, address: str, *, wait: bool = True) -> None:
        """Records that a resource no longer exists (clears its intent; serial + 1).
        `wait` as for commit()."""
        self._record("forget", address, wait=wait)

    def clear_intent(self, address: str, *, wait: bool = True) -> None:
        """Drops the intent of an operation that did not happen (or was cleaned up).
        `wait` as for commit()."""
        self._record("clear_intent", address, wait=wait)

    def set_outputs(self, outputs: dict[str, Any]) -> None:
        if outputs != self._state.outputs:
            self._record("outputs", dict(outputs))

    def move(self, source: str, target: str) -> None:
        """Renames a resource's address (`genesys state mv`), references included."""

        def check() -> None:
            if source not in self._state.resources:
                raise StateError(f"no resource {source} in the state")
            if target in self._state.resources:
                raise StateError(f"{target} already exists in the state")

        self._record("move", (source, target), check)

    def remove(self, address: str) -> None:
        """Stops managing a resource without destroying it (`genesys state rm`)."""

        def check() -> None:
            if address not in self._state.resources:
                raise StateError(f"no resource {address} in the state")

        self._record("forget", address, check)

    def _record(
        self,
        op: str,
        value: Any,
        check: Callable[[], None] | None = None,
        *,
        wait: bool = True,
    ) -> None:
        started = time.perf_counter()
        try:
            self._record_timed(op, value, check, wait, started)
        finally:
            with self._timing:
                self._record_seconds += time.perf_counter() - started

    def _record_timed(
        self, op: str, value: Any, check: Callable[[], None] | None, wait: bool, started: float
    ) -> None:
        try:
            value_json = encode_value(op, value)  # outside the lock: writers encode in parallel
        except (TypeError, ValueError) as err:
            address = getattr(value, "address", value)
            raise StateError(f"{address}: cannot be stored as JSON ({err})") from None
        encoded = time.perf_counter() - started
        journal = self._journal
        with journal.condition:
            self._encode_seconds += encoded
            self._check_writable_locked()
            if check is not None:
                check()
            if not journal.ready:
                self._compact_locked()
            state = self._state
            # A pending intent (made durable by begin) covers a lost resolution: see commit().
            covered = op in _RESOLVING_OPS and getattr(value, "address", value) in state.intents
            seq = state.seq + 1
            sealer = self._loaded.sealer
            line = encode_journal_entry(state.lineage, state.serial, seq, op, value_json, sealer)
            apply_op(state, op, value)
            state.seq = seq
            ticket = journal.enqueue_locked(line)
            limit = max(self._compact_after_bytes, 4 * self._snapshot_bytes_written)
            if journal.bytes_appended > limit:
                self._compact_locked()  # folds this line in too: it is durable on return
        if wait or not covered:
            journal.wait_durable(ticket)

    def _check_writable_locked(self) -> None:
        if self._closed:
            raise StateError("the state was already closed")
        if self._lock_info is None:
            raise StateError("the state was opened read-only (without the lock)")

    # ------------------------------------------------------------ whole state

    def snapshot_bytes(self) -> bytes:
        """The whole state as a plaintext snapshot document (`genesys state pull`)."""
        with self._journal.condition:
            return encode_snapshot(self._state, None, None)

    def replace_from(self, data: bytes, *, force: bool = False) -> None:
        """Replaces the whole state with a snapshot document (`genesys state push`).

        Refuses another lineage, a lower serial, or different content at the same serial
        unless force. The result gets a serial above the current one, so plans saved
        against the replaced state no longer apply.
        """
        where = "the pushed state"
        envelope = parse_envelope(data, where)
        sealer = self._keys.sealer_for(envelope_kdf(envelope)) if "encryption" in envelope else None
        incoming = decode_snapshot(envelope, where, sealer)
        with self._journal.condition:
            self._check_writable_locked()
            current = self._state
            same_content = _content(incoming) == _content(current)
            if (
                incoming.lineage == current.lineage
                and incoming.serial == current.serial
                and same_content
            ):
                return
            if not force:
                _check_push_allowed(incoming, current, same_content)
            serial = incoming.serial
            if incoming.lineage == current.lineage and incoming.serial <= current.serial:
                serial = current.serial + 1
            self._state = StateData(
                incoming.lineage,
                serial,
                current.seq,
                incoming.resources,
                incoming.intents,
                incoming.outputs,
            )
            self._compact_locked()

    # ------------------------------------------------------------ closing

    def close(self) -> None:
        """Compacts (new snapshot, previous one to backups/, fresh journal) and unlocks.

        Idempotent. Compaction is attempted even after a failed write, so everything in
        memory gets its chance to be saved; the lock is released either way.
        """
        journal = self._journal
        started = time.perf_counter()
        with journal.condition:
            if self._closed:
                return
            self._closed = True
            try:
                if self._lock_info is not None and self._needs_compaction():
                    self._compact_locked()
            finally:
                self._backend.release()
                self._release_lock()
                self._close_seconds = time.perf_counter() - started
                if self._lock_info is not None:
                    log.info("state persisting: %s", self.stats())

    def __enter__(self) -> StateManager:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _needs_compaction(self) -> bool:
        loaded = self._loaded
        if loaded.snapshot_version is None:  # never written: nothing to fold
            return False
        return (
            self._state.seq != loaded.snapshot_seq  # journal entries to fold in
            or not self._journal.ready  # live journal missing, torn, or in the wrong mode
            or bool(loaded.obsolete_journals)
            or loaded.snapshot_encrypted != self.encrypted
        )

    def _release_lock(self) -> None:
        if self._lock_info is None:
            return
        try:
            self._backend.unlock(self._lock_info.id)
        except StateError as err:  # someone force-unlocked us: their business now
            log.warning("could not release the state lock: %s", err)

    # ------------------------------------------------------------ compaction

    def _compact_locked(self) -> None:
        """Writes the whole state as the new snapshot and starts a fresh journal.

        Order matters for crash safety: (1) snapshot (atomic CAS), (2) new journal named
        after the snapshot's seq, (3) delete old journals. A crash after (1) leaves the old
        journal, now older than the snapshot: the loader ignores it.
        """
        journal = self._journal
        journal.quiesce_locked()
        started = time.perf_counter()
        try:
            self._write_snapshot_and_journal()
        except BaseException as err:
            journal.fail_locked(StateError(f"state could not be saved: {err}"))
            raise
        finally:
            self._snapshot_seconds += time.perf_counter() - started

    def _write_snapshot_and_journal(self) -> None:
        loaded, state, backend = self._loaded, self._state, self._backend
        if loaded.snapshot_version is not None:
            state.seq += 1  # a new journal key, so no journal is ever rewritten in place
        data = encode_snapshot(state, loaded.sealer, loaded.kdf)
        note = self._keep_previous_snapshot()
        loaded.snapshot_version = backend.write_object(SNAPSHOT_KEY, data, loaded.snapshot_version)
        loaded.snapshot_seq = state.seq
        loaded.snapshot_encrypted = loaded.sealer is not None
        self._snapshot_bytes_written = len(data)
        live = journal_key(state.seq)
        header = encode_journal_header(
            state.lineage, state.seq, hashlib.sha256(data).hexdigest(), loaded.sealer
        )
        backend.append(live, header)
        self._journal.reset_locked(live)
        for key in {
            *loaded.obsolete_journals,
            *([loaded.live_journal] if loaded.live_journal else []),
        }:
            if key != live:
                backend.delete_journal(key)
        loaded.obsolete_journals, loaded.live_journal = [], live
        loaded.replayed = 0
        if note:  # the user turned encryption on: say what happened to the old copies
            print(note, file=sys.stderr, flush=True)
        log.info(
            "state saved: serial %d, %d resources, %d bytes",
            state.serial,
            len(state.resources),
            len(data),
        )

    def _keep_previous_snapshot(self) -> str:
        """Backs up the snapshot about to be replaced. The first encrypted write over a
        plaintext state first re-encrypts the older backups (state/sealing.py) and keeps
        this one sealed too; it returns the line to tell the user then, else ""."""
        loaded, backend = self._loaded, self._backend
        previous = backend.read_object(SNAPSHOT_KEY) if loaded.snapshot_version else None
        if previous is None:
            return ""
        note = ""
        if loaded.sealer is not None and not loaded.snapshot_encrypted:
            note = conversion_note(*seal_plaintext_backups(backend, loaded.sealer, loaded.kdf))
        self._backup(sealed_backup(previous[0], loaded.sealer, loaded.kdf))
        return note

    def _backup(self, previous: bytes) -> None:
        """Keeps the snapshot being replaced; a failed backup is logged, never fatal."""
        try:
            envelope = parse_envelope(previous, "the previous snapshot")
            digest = hashlib.sha256(previous).hexdigest()[:8]
            name = (
                f"{BACKUP_PREFIX}snapshot-{int(envelope['seq']):012d}"
                f"-serial-{int(envelope['serial'])}-{digest}.json"
            )
            if self._backend.read_object(name) is None:
                self._backend.write_object(name, previous, None)
            backups = self._backend.list_keys(BACKUP_PREFIX)
            for old in backups[: max(0, len(backups) - self._keep_backups)]:
                self._backend.delete_object(old)
        except (StateError, KeyError, ValueError, TypeError) as err:
            log.warning("could not keep a backup of the previous state snapshot: %s", err)


def _take_lock(backend: StateBackend, operation: str) -> LockInfo:
    """Lock, or fail at once naming the holder. A holder that ran on this host and whose
    process is gone (crashed, SIGKILLed) cannot be doing anything: its lock is taken over,
    and the operations it left in flight are settled by the engine's crash recovery."""
    lock_info = LockInfo.new(operation)
    holder = backend.lock(lock_info)
    if holder is not None and holder.holder_is_gone():
        gone = holder
        holder = backend.take_over(gone, lock_info)
        if holder is None:
            # Visible, not only logged: the user should know a run died holding the lock.
            print(
                f"Took over the lock of pid {gone.pid} on {gone.host}, which is no longer "
                f"running ({gone.operation} since "
                f"{gone.created.strftime('%Y-%m-%d %H:%M:%S UTC')}, lock ID {gone.id})",
                file=sys.stderr,
                flush=True,
            )
            log.warning("took over the state lock of a run that is gone: %s", gone.describe())
    if holder is not None:
        raise StateLockedError(locked_message(holder))
    return lock_info


def _load_with_retries(backend: StateBackend, keys: KeySource, attempts: int) -> LoadedState:
    """Unlocked readers may race a writer's compaction; they re-read before giving up."""
    for attempt in range(attempts):
        try:
            with paused_gc():  # a large state is many small objects and no cycles
                return load_state(backend, keys)
        except InconsistentStateError:
            if attempt + 1 == attempts:
                raise
            # A compaction takes tens of milliseconds (seconds on a loaded machine).
            time.sleep(min(0.05 * (attempt + 1), 0.25))
    raise AssertionError("unreachable")


def _content(state: StateData) -> bytes:
    return dumps_compact(snapshot_body(state))


def _check_push_allowed(incoming: StateData, current: StateData, same_content: bool) -> None:
    empty = not current.resources and not current.outputs and current.serial == 0
    if incoming.lineage != current.lineage and not empty:
        raise StateError(
            f"the pushed state has lineage {incoming.lineage}, the current state "
            f"{current.lineage}: it is another state. Use --force to replace it anyway"
        )
    if incoming.serial < current.serial and not empty:
        raise StateError(
            f"the pushed state has serial {incoming.serial}, lower than the current "
            f"{current.serial}: it is older. Use --force to replace it anyway"
        )
    if incoming.serial == current.serial and not same_content and not empty:
        raise StateError(
            f"the pushed state has the current serial {incoming.serial} but different "
            "content. Use --force to replace it anyway"
        )
