"""Waiting for many resources of one kind with one list call per poll.

Creates and deletes block until the resource is ready or gone. Forty concurrent creates each
polling their own Get would spend the API's rate limit on polls; a `Waiter` instead collects
every id being waited for and asks the cloud about all of them with ONE call per poll:

    waiter = Waiter(
        lambda ids: {i.id: i.status for i in list_instances(ids=ids)},  # poll(ids) -> {id: status}
        what="instance",
    )
    status = waiter.wait_for("i-1", ready={"RUNNING"}, failed={"FAILED", "TERMINATED"})
    waiter.wait_gone("i-2", gone={"TERMINATED"})    # absent from the answer also means gone

Semantics:
- When nobody was waiting, the first poll happens at once (fast APIs and emulators finish
  there); later polls back off from `timing.first_delay` by `timing.backoff` up to
  `timing.max_delay`. A caller joining a running loop is polled within `first_delay` (callers
  arriving together share that poll) and resets the backoff.
- An id absent from the poll's answer is "not visible yet" for `wait_for` (clouds are
  eventually consistent right after a create) and "gone" for `wait_gone`.
- A status in `failed` raises FailedPrecondition; running past the deadline raises
  Unavailable ("timed out waiting for ..."), which the core retries.
- poll raising Throttled / Unavailable is retried on the next poll (after the error's
  retry_after when longer); any other exception is raised to every caller in that poll.
- The poll loop is one daemon thread that exists only while someone waits.

Statuses may be any value: strings, enums, or whole resource messages (then pass predicates:
`ready=lambda inst: inst.state == "running"`, and `describe=lambda inst: inst.state` for
messages). `wait_for` returns the status that satisfied it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.reads import chunked

S = TypeVar("S")
Match = Callable[[Any], bool]


@dataclass(frozen=True)
class WaitTiming:
    first_delay: float = 0.2  # seconds before the second poll
    max_delay: float = 5.0  # backoff ceiling between polls
    backoff: float = 2.0  # delay multiplier per poll
    timeout: float = 900.0  # default seconds a caller waits before Unavailable


def _matcher(spec: Collection[Any] | Callable[[Any], bool]) -> Match:
    if callable(spec):
        return spec
    wanted = list(spec)  # compared by ==: statuses may be unhashable (protobuf messages)
    return lambda status: any(status == value for value in wanted)


class _Pending:
    """One caller's wait."""

    __slots__ = ("deadline", "done", "error", "failed", "gone", "id", "ready", "status")

    def __init__(
        self, resource_id: str, ready: Match, failed: Match, gone: bool, deadline: float
    ) -> None:
        self.id = resource_id
        self.ready = ready
        self.failed = failed
        self.gone = gone
        self.deadline = deadline
        self.done = threading.Event()
        self.status: Any = None
        self.error: Exception | None = None

    def finish(self, status: Any = None, error: Exception | None = None) -> None:
        self.status, self.error = status, error
        self.done.set()


class Waiter(Generic[S]):
    """Serves every concurrent wait for one kind from one poll loop (see module docstring)."""

    def __init__(
        self,
        poll: Callable[[list[str]], Mapping[str, S]],
        *,
        what: str = "resource",
        timing: WaitTiming | Callable[[], WaitTiming] = WaitTiming(),
        max_batch: int = 100,
        clock: Callable[[], float] = time.monotonic,
        describe: Callable[[Any], str] = str,
    ) -> None:
        self._poll = poll
        self.what = what
        self.describe = describe  # a status in words, for error messages
        self._timing = timing
        self.max_batch = max_batch
        self._clock = clock
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._pending: list[_Pending] = []
        self._thread: threading.Thread | None = None
        self._fresh = False  # a caller arrived since the last poll: poll now, reset backoff
        self.polls = 0  # number of poll calls made (for tests and metrics)

    @property
    def timing(self) -> WaitTiming:
        return self._timing() if callable(self._timing) else self._timing

    def wait_for(
        self,
        resource_id: str,
        ready: Collection[Any] | Callable[[Any], bool],
        *,
        failed: Collection[Any] | Callable[[Any], bool] = (),
        timeout: float | None = None,
    ) -> S:
        """Blocks until the id's status is ready; returns that status."""
        entry = self._enqueue(resource_id, _matcher(ready), _matcher(failed), False, timeout)
        return entry.status  # type: ignore[no-any-return]

    def wait_gone(
        self,
        resource_id: str,
        *,
        gone: Collection[Any] | Callable[[Any], bool] = (),
        failed: Collection[Any] | Callable[[Any], bool] = (),
        timeout: float | None = None,
    ) -> None:
        """Blocks until the id is absent from the poll's answer or its status is in `gone`."""
        self._enqueue(resource_id, _matcher(gone), _matcher(failed), True, timeout)

    def _enqueue(
        self, resource_id: str, ready: Match, failed: Match, gone: bool, timeout: float | None
    ) -> _Pending:
        limit = self.timing.timeout if timeout is None else timeout
        entry = _Pending(resource_id, ready, failed, gone, self._clock() + limit)
        with self._lock:
            self._pending.append(entry)
            self._fresh = True
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name=f"waiter-{self.what}", daemon=True
                )
                self._thread.start()
            self._wake.notify()
        entry.done.wait()
        if entry.error is not None:
            raise entry.error
        return entry

    # ------------------------------------------------------------ the poll loop

    def _run(self) -> None:
        delay = self.timing.first_delay
        while True:
            with self._lock:
                batch = list(self._pending)
                if not batch:
                    self._thread = None
                    return
                self._fresh = False
            try:
                pause = self._poll_once(batch)
                delay = self._sleep(max(delay, pause), batch)
            except Exception as exc:  # a bug here must not strand the callers: fail them
                self._fail_all(exc)

    def _fail_all(self, exc: Exception) -> None:
        with self._lock:
            stranded, self._pending = self._pending, []
        for entry in stranded:
            entry.finish(error=exc)

    def _sleep(self, delay: float, batch: list[_Pending]) -> float:
        """Sleeps until the next poll; returns the delay after it.

        A caller arriving meanwhile shortens the sleep to `first_delay` after the last poll
        (not to zero: a burst of callers then shares one poll instead of one poll each) and
        resets the backoff.
        """
        timing = self.timing
        with self._lock:
            polled_at = self._clock()
            open_deadlines = [p.deadline for p in self._pending if not p.done.is_set()]
            until = min([polled_at + delay, *open_deadlines])
            while self._pending and self._clock() < until:
                if self._fresh:
                    until = min(until, polled_at + timing.first_delay)
                self._wake.wait(max(until - self._clock(), 0.0))
            if self._fresh:
                return timing.first_delay
        return min(delay * timing.backoff, timing.max_delay)

    def _poll_once(self, batch: list[_Pending]) -> float:
        """Polls the batch's ids and settles whom it can; returns a minimum pause (throttling)."""
        statuses: dict[str, Any] = {}
        pause = 0.0
        ids = sorted({p.id for p in batch})
        try:
            for chunk in chunked(ids, self.max_batch):
                self.polls += 1
                statuses.update(self._poll(chunk))
        except (errors.Throttled, errors.Unavailable) as exc:
            statuses, pause = {}, max(exc.retry_after, 0.0)
            self._settle(batch, None)  # only deadlines can settle anyone this round
            return pause
        except Exception as exc:
            self._settle(batch, exc)
            return pause
        self._settle(batch, statuses)
        return pause

    def _settle(self, batch: list[_Pending], outcome: Mapping[str, Any] | Exception | None) -> None:
        now = self._clock()
        finished: list[_Pending] = []
        for entry in batch:
            if isinstance(outcome, Exception):
                entry.finish(error=outcome)
            elif outcome is not None and self._decided(entry, outcome):
                pass
            elif now >= entry.deadline:
                state = "gone" if entry.gone else "ready"
                message = f"timed out waiting for {self.what} {entry.id} to be {state}"
                entry.finish(error=errors.Unavailable(message))
            if entry.done.is_set():
                finished.append(entry)
        with self._lock:
            self._pending = [p for p in self._pending if p not in finished]

    def _decided(self, entry: _Pending, statuses: Mapping[str, Any]) -> bool:
        """_decide, with an exception from the caller's predicates raised to that caller."""
        try:
            return self._decide(entry, statuses)
        except Exception as exc:
            entry.finish(error=exc)
            return True

    def _decide(self, entry: _Pending, statuses: Mapping[str, Any]) -> bool:
        """Finishes the entry if the poll's answer settles it; True when it did."""
        if entry.id not in statuses:
            if entry.gone:
                entry.finish()
            return entry.gone
        status = statuses[entry.id]
        if entry.failed(status):
            message = f"{self.what} {entry.id} is {self.describe(status)} (waited for it to be "
            message += "gone)" if entry.gone else "ready)"
            entry.finish(error=errors.FailedPrecondition(message))
        elif entry.ready(status):
            entry.finish(status=status)
        return entry.done.is_set()
