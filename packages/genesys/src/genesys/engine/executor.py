"""DAG-parallel execution of operations with bounded parallelism, and their retries.

`run_dag` knows nothing about resources: it runs `work(key)` for every node once all the
node's dependencies succeeded, at most `parallelism` at a time. A failed node skips
everything that (transitively) depends on it while independent work carries on. Ctrl-C
(the `stop` event) stops new work from starting and waits for the operations in flight, so
every finished change can still be recorded by the caller; an operation that is only
waiting to retry has nothing in flight and gives up at once (`Interrupted`).

`call_with_retries` retries a provider call: Unavailable a bounded number of times with
full-jitter backoff; Throttled for as long as the operation's deadline allows, paced by the
provider's shared `ThrottleGate`.
"""

from __future__ import annotations

import math
import random
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, TypeVar

from genesys_plugin_sdk import errors as perr

T = TypeVar("T")


class Interrupted(Exception):
    """The run was stopped while this operation waited to retry: nothing was in flight."""


# The stop event of the run_dag whose work the current thread is doing, so that waits deep
# inside an operation (at the gate, in backoff) end when the user presses Ctrl-C.
_worker = threading.local()


def current_stop() -> threading.Event | None:
    return getattr(_worker, "stop", None)


def _run_with_stop(work: Callable[[str], None], key: str, stop: threading.Event) -> None:
    _worker.stop = stop
    try:
        work(key)
    finally:
        _worker.stop = None


@dataclass
class DagResult:
    succeeded: list[str] = field(default_factory=list)
    failed: dict[str, BaseException] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # key -> why
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed and not self.skipped and not self.interrupted


class _Schedule:
    """Dependency bookkeeping: which nodes are ready, which must be skipped."""

    def __init__(self, deps: Mapping[str, Iterable[str]]) -> None:
        self.waiting = {k: {d for d in ds if d in deps} for k, ds in deps.items()}
        self.dependents: dict[str, list[str]] = {k: [] for k in deps}
        for key, ds in self.waiting.items():
            for dep in ds:
                self.dependents[dep].append(key)
        self.ready = deque(sorted(k for k, ds in self.waiting.items() if not ds))

    def finished(self, key: str) -> None:
        for child in self.dependents[key]:
            pending = self.waiting[child]
            pending.discard(key)
            if not pending:
                self.ready.append(child)

    def skip_dependents(self, key: str, result: DagResult) -> None:
        stack = list(self.dependents[key])
        while stack:
            child = stack.pop()
            if child not in result.skipped:
                result.skipped[child] = f"dependency {key} failed"
                stack.extend(self.dependents[child])


def run_dag(
    deps: Mapping[str, Iterable[str]],
    work: Callable[[str], None],
    *,
    parallelism: int = 10,
    stop: threading.Event | None = None,
) -> DagResult:
    """Run `work` over the DAG `deps` (node -> nodes it depends on)."""
    schedule = _Schedule(deps)
    result = DagResult()
    stop = stop or threading.Event()
    in_flight: dict[Future[None], str] = {}
    with ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="op") as pool:
        while True:
            while schedule.ready and len(in_flight) < parallelism and not stop.is_set():
                key = schedule.ready.popleft()
                if key not in result.skipped:
                    in_flight[pool.submit(_run_with_stop, work, key, stop)] = key
            if not in_flight:
                break
            try:
                done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            except KeyboardInterrupt:
                stop.set()
                result.interrupted = True
                continue
            for future in done:
                _settle(future, in_flight.pop(future), schedule, result)
    if stop.is_set():
        result.interrupted = True
        started = set(result.succeeded) | set(result.failed)
        for key in deps:
            if key not in started and key not in result.skipped:
                result.skipped[key] = "interrupted before it started"
    return result


def _settle(future: Future[None], key: str, schedule: _Schedule, result: DagResult) -> None:
    error = future.exception()
    if error is None:
        result.succeeded.append(key)
        schedule.finished(key)
    elif isinstance(error, Interrupted):
        result.skipped[key] = str(error)
        schedule.skip_dependents(key, result)
    else:
        result.failed[key] = error
        schedule.skip_dependents(key, result)


# ---------------------------------------------------------------- the provider's throttle gate


class ThrottleGate:
    """Every call to one provider passes here; after the provider throttles, it paces them.

    Threads that each retry on their own keep hitting an empty token bucket: every throttled
    answer wastes a round trip (and on some clouds a token), and backoff leaves tokens unused.
    So, like the AWS SDKs' "adaptive" retry mode, callers share what they learn:
    - until the first THROTTLED the gate is open and costs a clock read per call;
    - a THROTTLED with retry_after closes the gate for every caller until then;
    - from then on callers are admitted one at a time at a learned rate, CUBIC-style: on a
      throttle the rate is cut to BETA x the rate calls were being answered at; afterwards
      it grows back along a cubic curve that flattens out near the rate last throttled at,
      then probes beyond it. Only calls admitted after the last cut can cause another cut
      (one cut per round trip, as in TCP): a wave of answers to calls sent at the old rate
      counts once.
    Under-admitting costs little while the provider's bucket has room to save tokens, and
    over-admitting costs one throttled call or so per cut, so the rate settles just around
    the provider's. Waiters hold no reserved slot: each takes the next free one when it
    wakes, so a rate that grows meanwhile applies to everyone at once.
    """

    BETA = 0.7  # cut to this share of the answered rate on a throttle
    CUBIC_C = 0.4  # growth of the cubic (calls/s per s^3), as in the AWS SDKs
    MIN_RATE = 0.5  # calls/s: never slower than this between throttles
    RECENT = 20  # answers the sending rate is measured over
    LONG_PAUSE = 5.0  # seconds: closures this long are worth telling the user about

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.limited = False  # read without the lock: the open gate's fast path
        self._max_rate = 0.0  # the rate in use at the last cut (CUBIC's W_max)
        self._k = 0.0  # seconds after a cut at which the cubic is back at _max_rate
        self._last_cut = -math.inf
        self._closed_until = -math.inf
        self._next_slot = -math.inf
        self._answers: deque[float] = deque(maxlen=self.RECENT)  # when recent calls returned
        self.throttled = 0
        self.cuts = 0

    def admit(self, stop: threading.Event, deadline: float = math.inf) -> float:
        """Waits for this caller's turn; returns the time it was admitted.

        Raises Interrupted when `stop` is set while waiting, and RetryDeadlineExceeded when the
        turn would come after `deadline`."""
        if not self.limited:
            return self._clock()
        while True:
            with self._lock:
                now = self._clock()
                turn = max(self._next_slot, self._closed_until)
                if turn <= now:
                    interval = 1.0 / self._rate_at(now)
                    # A waiter that woke late makes up at most one interval, never a burst.
                    self._next_slot = max(turn, now - interval) + interval
                    return now
            if turn > deadline:
                raise RetryDeadlineExceeded(
                    "timed out waiting for the provider's rate limit (the provider is throttling)"
                )
            if stop.wait(turn - now):
                raise Interrupted("interrupted while waiting for the provider's rate limit")

    def passed(self) -> None:
        """Counts an answered call towards the measured sending rate."""
        with self._lock:
            self._answers.append(self._clock())

    def throttled_call(self, admitted_at: float, retry_after: float) -> bool:
        """Closes the gate for `retry_after` and maybe cuts the rate; True if worth a note
        to the user (the first throttle, or a long pause)."""
        with self._lock:
            now = self._clock()
            self._answers.append(now)
            self.throttled += 1
            noteworthy = not self.limited
            if now + retry_after > self._closed_until:
                noteworthy = noteworthy or retry_after >= self.LONG_PAUSE
                self._closed_until = now + retry_after
            if admitted_at >= self._last_cut:
                self._cut(now)
            return noteworthy

    def stats(self) -> dict[str, float]:
        with self._lock:
            rate = self._rate_at(self._clock()) if self.limited else math.inf
            return {"throttled": self.throttled, "cuts": self.cuts, "rate_per_s": round(rate, 2)}

    def _cut(self, now: float) -> None:
        answered = self._answered_rate(now)
        in_use = min(self._rate_at(now), answered) if self.limited else answered
        self._max_rate = max(in_use, self.MIN_RATE)
        self._k = (self._max_rate * (1 - self.BETA) / self.CUBIC_C) ** (1 / 3)
        self._last_cut = now
        self.limited = True
        self.cuts += 1

    def _answered_rate(self, now: float) -> float:
        answers = self._answers
        if len(answers) < 2:
            return self.MIN_RATE
        return (len(answers) - 1) / max(now - answers[0], 1e-3)

    def _rate_at(self, now: float) -> float:
        grown = self.CUBIC_C * (now - self._last_cut - self._k) ** 3 + self._max_rate
        return max(grown, self.MIN_RATE)


_GATES: weakref.WeakKeyDictionary[Any, ThrottleGate] = weakref.WeakKeyDictionary()
_GATES_LOCK = threading.Lock()


def gate_for(connection: Any) -> ThrottleGate:
    """The gate shared by every call to one provider connection (made on first use)."""
    gate = _GATES.get(connection)
    if gate is None:
        with _GATES_LOCK:
            gate = _GATES.setdefault(connection, ThrottleGate())
    return gate


# ---------------------------------------------------------------- retries

RETRYABLE = (perr.Throttled, perr.Unavailable)


class RetryDeadlineExceeded(Exception):
    """Still throttled when the operation's time ran out."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 10  # calls in all while the provider is unavailable (and, without a
    # deadline, while it throttles)
    base_delay: float = 0.25
    max_delay: float = 20.0

    def delay(self, attempt: int, error: BaseException) -> float:
        """Full-jitter exponential backoff, never shorter than the provider's retry_after."""
        backoff = random.uniform(0, min(self.max_delay, self.base_delay * (2**attempt)))
        hint = getattr(error, "retry_after", 0.0) or 0.0
        return max(backoff, hint * random.uniform(1.0, 1.2))


_NEVER = threading.Event()  # waits outside run_dag: nothing can stop them but the deadline


def call_with_retries(
    call: Callable[[], T],
    policy: RetryPolicy = RetryPolicy(),
    *,
    on_retry: Callable[[BaseException, float], None] | None = None,
    gate: ThrottleGate | None = None,
    deadline: float | None = None,
    stop: threading.Event | None = None,
    retry_on: tuple[type[perr.ProviderError], ...] = RETRYABLE,
) -> T:
    """Call, retrying throttled/unavailable errors (those of `retry_on`: a call that must not
    run twice, such as a function invoke, retries only Throttled, which never ran).

    Unavailable: up to `policy.attempts` calls, full-jitter backoff between them. Throttled:
    with a `deadline` (time.monotonic()), retried until the next try would start after it;
    without one, within `policy.attempts`. With a `gate`, every try waits for its turn there
    and throttles are reported to it (it decides the pauses); without one, backoff that
    honours retry_after. Waits end with Interrupted when `stop` (default: the stop event of
    the run_dag this thread works for) is set. `on_retry(error, pause)` hears of each retry
    of Unavailable, and of throttles only when noteworthy (the first; long pauses).
    """
    stop = stop or current_stop() or _NEVER
    tries = _Tries(policy, gate, deadline, on_retry)
    while True:
        admitted = tries.admit(stop)
        try:
            result = call()
        except retry_on as error:
            pause = tries.failed(error, admitted)
            if pause > 0 and stop.wait(pause):
                raise Interrupted("interrupted while waiting to retry") from error
            continue
        if gate is not None:
            gate.passed()
        return result


class _Tries:
    """The retry bookkeeping of one call_with_retries: what failed so far, what comes next."""

    def __init__(
        self,
        policy: RetryPolicy,
        gate: ThrottleGate | None,
        deadline: float | None,
        on_retry: Callable[[BaseException, float], None] | None,
    ) -> None:
        self.policy = policy
        self.gate = gate
        self.deadline = deadline
        self.on_retry = on_retry
        self.failures = 0  # of either kind
        self.outages = 0  # Unavailable only
        self.last_throttle: perr.Throttled | None = None

    def admit(self, stop: threading.Event) -> float:
        if self.gate is None:
            return 0.0
        try:
            return self.gate.admit(stop, math.inf if self.deadline is None else self.deadline)
        except RetryDeadlineExceeded:
            if self.last_throttle is None:
                raise
            raise _throttled_too_long(self.last_throttle) from self.last_throttle

    def failed(self, error: perr.ProviderError, admitted: float) -> float:
        """Raises if `error` must not be retried again; otherwise returns the pause before
        the next try (0 when the gate does the waiting), telling `on_retry` if it should."""
        self.failures += 1
        if isinstance(error, perr.Throttled):
            self.last_throttle = error
            # With a deadline, throttles are bounded by time, never by a count.
            exhausted = self.deadline is None and self.failures >= self.policy.attempts
        else:
            self.outages += 1
            exhausted = self.outages >= self.policy.attempts
        if exhausted:
            raise error
        if isinstance(error, perr.Throttled) and self.gate is not None:
            noteworthy = self.gate.throttled_call(admitted, error.retry_after)
            pause, wait = 0.0, error.retry_after
        else:
            noteworthy = True
            attempt = self.failures if isinstance(error, perr.Throttled) else self.outages
            pause = wait = self.policy.delay(attempt - 1, error)
        if self.deadline is not None and time.monotonic() + wait > self.deadline:
            if isinstance(error, perr.Throttled):
                raise _throttled_too_long(error) from error
            raise error
        if noteworthy and self.on_retry is not None:
            self.on_retry(error, wait)
        return pause


def _throttled_too_long(error: perr.Throttled) -> RetryDeadlineExceeded:
    return RetryDeadlineExceeded(
        f"still throttled by the provider when the operation's time ran out: {error}"
    )
