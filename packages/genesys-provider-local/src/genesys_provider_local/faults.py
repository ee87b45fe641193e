"""Fault injection for benchmarks (DESIGN.md §5) and chaos trials (tools/chaos): per-call
latency, a token-bucket limit and random UNAVAILABLE answers (a cloud's 5xx).

Real applies are slow because clouds answer slowly, throttle and sometimes fail; these
settings make the local provider behave that way on purpose, so the engine's parallelism,
batching and retry logic can be measured and exercised without a cloud.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

from genesys_plugin_sdk import errors


class TokenBucket:
    """`burst` tokens, refilled at `per_second`; one token per mutating call."""

    def __init__(self, burst: int, per_second: float) -> None:
        self.burst = burst
        self.per_second = per_second
        self._tokens = float(burst)
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def take(self) -> float:
        """Takes a token and returns 0, or returns the seconds until one is available."""
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.per_second)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            if self.per_second <= 0:
                return 3600.0
            return (1.0 - self._tokens) / self.per_second


@dataclass
class Faults:
    latency_s: float = 0.0
    bucket: TokenBucket | None = None
    unavailable_rate: float = 0.0  # share of mutating calls refused with UNAVAILABLE
    rng: random.Random = field(default_factory=random.Random)  # seeded: repeatable trials
    _rng_lock: threading.Lock = field(default_factory=threading.Lock)

    def before_call(self, mutating: bool) -> None:
        """Sleeps the configured latency, may answer a mutating call UNAVAILABLE (before it
        does anything, as a 5xx from a cloud's front end), then throttles it if the bucket
        is dry."""
        if self.latency_s > 0:
            time.sleep(self.latency_s)
        if mutating and self.unavailable_rate > 0:
            with self._rng_lock:
                refused = self.rng.random() < self.unavailable_rate
            if refused:
                raise errors.Unavailable("injected fault: service unavailable (503)")
        if mutating:
            self.throttle()

    def throttle(self) -> None:
        """Answers THROTTLED, before anything is done, when the bucket is dry (mutating calls
        and function invocations, as a cloud rate-limits both)."""
        if self.bucket is not None:
            wait = self.bucket.take()
            if wait > 0:
                raise errors.Throttled(
                    f"rate limit exceeded ({self.bucket.burst} burst, "
                    f"{self.bucket.per_second:g}/s): retry in {wait:.3f}s",
                    retry_after=wait,
                    provider_code="Throttling",
                )

    def pause(self) -> None:
        """One simulated round trip, for calls that are not gated (batch-read pages)."""
        if self.latency_s > 0:
            time.sleep(self.latency_s)
