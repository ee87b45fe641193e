"""Group commit: concurrent writers' journal lines share one append + fsync.

Leader/follower, no extra thread: a caller queues its line under `condition` and waits
until its ticket is durable. If no flush is running, the waiting caller becomes the leader:
it takes every queued line, appends them to the backend in one call (one write, one fsync)
with the condition released, then wakes everyone. Lines queued meanwhile go out in the
next flush, led by one of their own callers. A lone writer pays one fsync per call and
never waits for a thread hand-off; N concurrent writers pay about one fsync per round.
"""

from __future__ import annotations

import threading
import time

from genesys.errors import StateError
from genesys.state.backend import StateBackend


class GroupCommitJournal:
    def __init__(self, backend: StateBackend) -> None:
        self.condition = threading.Condition(threading.Lock())
        self._backend = backend
        self._key: str | None = None
        self._pending: list[bytes] = []
        self._issued = 0  # tickets handed out (one per line)
        self._durable = 0  # every ticket up to this one is durable
        self._flushing = False
        self._failure: StateError | None = None
        self.appends = 0  # backend appends made (each one write + one fsync locally)
        self.lines = 0
        self.bytes_appended = 0  # since the journal was last reset
        self.write_seconds = 0.0  # wall time in backend appends (one flush at a time)

    @property
    def ready(self) -> bool:
        return self._key is not None

    @property
    def failure(self) -> StateError | None:
        return self._failure

    def fail_locked(self, failure: StateError) -> None:
        """Refuse further writes (the caller holds `condition`)."""
        self._failure = failure
        self.condition.notify_all()

    def enqueue_locked(self, line: bytes) -> int:
        """Queues a line (the caller holds `condition`); returns the ticket to wait for."""
        if self._failure is not None:
            raise StateError(str(self._failure))
        self._pending.append(line)
        self._issued += 1
        return self._issued

    def wait_durable(self, ticket: int) -> None:
        """Returns once the ticket's line is durable; raises StateError if it cannot be."""
        with self.condition:
            while self._durable < ticket:
                if self._failure is not None:
                    raise StateError(str(self._failure))
                if self._flushing:
                    self.condition.wait()
                else:
                    self._flush_locked()

    def quiesce_locked(self) -> None:
        """Waits until no flush is running (the caller holds `condition`)."""
        while self._flushing:
            self.condition.wait()

    def reset_locked(self, key: str) -> None:
        """Switches to a new journal after a compaction folded every queued line into the
        snapshot: queued lines are durable now and must not be appended to the new one."""
        self._key = key
        self._pending = []
        self._durable = self._issued
        self.bytes_appended = 0
        self.condition.notify_all()

    def _flush_locked(self) -> None:
        batch, last_ticket = self._pending, self._issued
        self._pending = []
        self._flushing = True
        data = b"".join(batch)
        error: StateError | None = None
        self.condition.release()
        started = time.perf_counter()
        try:
            if self._key is None:
                raise StateError("internal error: journal written before it was started")
            self._backend.append(self._key, data)
        except StateError as err:
            error = err
        except Exception as err:  # never leave waiters hanging on an unexpected failure
            error = StateError(f"unexpected {type(err).__name__} while saving state: {err}")
        finally:
            self.condition.acquire()
            self._flushing = False
            self.write_seconds += time.perf_counter() - started
        if error is None:
            self._durable = last_ticket
            self.appends += 1
            self.lines += len(batch)
            self.bytes_appended += len(data)
        else:
            self._failure = StateError(
                f"state could not be saved ({error}). Changes made before this point are "
                "kept; the changes in flight are not recorded"
            )
        self.condition.notify_all()
