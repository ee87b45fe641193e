"""DAG-parallel execution of operations with bounded parallelism.

`run_dag` knows nothing about resources: it runs `work(key)` for every node once all the
node's dependencies succeeded, at most `parallelism` at a time. A failed node skips
everything that (transitively) depends on it while independent work carries on. Ctrl-C
stops new work from starting and waits for the operations in flight, so every finished
change can still be recorded by the caller.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TypeVar

from genesys_plugin_sdk import errors as perr

T = TypeVar("T")


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
                    in_flight[pool.submit(work, key)] = key
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
    else:
        result.failed[key] = error
        schedule.skip_dependents(key, result)


# ---------------------------------------------------------------- retries

RETRYABLE = (perr.Throttled, perr.Unavailable)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 10
    base_delay: float = 0.25
    max_delay: float = 20.0

    def delay(self, attempt: int, error: BaseException) -> float:
        """Full-jitter exponential backoff, never shorter than the provider's retry_after."""
        backoff = random.uniform(0, min(self.max_delay, self.base_delay * (2**attempt)))
        hint = getattr(error, "retry_after", 0.0) or 0.0
        return max(backoff, hint * random.uniform(1.0, 1.2))


def call_with_retries(
    call: Callable[[], T],
    policy: RetryPolicy = RetryPolicy(),
    *,
    on_retry: Callable[[BaseException, float], None] | None = None,
) -> T:
    """Call, retrying throttled/unavailable errors with backoff and jitter."""
    for attempt in range(policy.attempts):
        try:
            return call()
        except RETRYABLE as error:
            if attempt == policy.attempts - 1:
                raise
            pause = policy.delay(attempt, error)
            if on_retry:
                on_retry(error, pause)
            time.sleep(pause)
    raise AssertionError("unreachable")
