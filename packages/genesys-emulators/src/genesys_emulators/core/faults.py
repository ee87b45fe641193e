"""Injected faults: `--faults latency_ms=50,throttle=0.3,error=0.05,seed=7`.

Latency applies to every call; throttling and server errors only to mutating calls (what a
cloud rate-limits hardest, and what a plugin must retry without double-creating). One seeded
generator drawn under a lock makes a run repeat for the same sequence of calls.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from enum import Enum


class Fault(Enum):
    THROTTLE = "throttle"
    ERROR = "error"


_KEYS = {"latency_ms": float, "throttle": float, "error": float, "seed": int}


@dataclass
class FaultPlan:
    latency_ms: float = 0.0
    throttle: float = 0.0
    error: float = 0.0
    seed: int = 0
    _random: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        for name in ("throttle", "error"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"--faults {name}={value}: a fraction from 0 to 1")
        if self.latency_ms < 0:
            raise ValueError(f"--faults latency_ms={self.latency_ms}: must not be negative")
        self._random = random.Random(self.seed)

    @classmethod
    def parse(cls, text: str) -> FaultPlan:
        """`key=value,...`; unknown keys and bad numbers are errors naming the key."""
        values: dict[str, float | int] = {}
        for item in filter(None, (part.strip() for part in text.split(","))):
            key, sep, raw = item.partition("=")
            if not sep or key not in _KEYS:
                known = ", ".join(_KEYS)
                raise ValueError(f"--faults: {item!r} is not key=value with a key of {known}")
            try:
                values[key] = _KEYS[key](raw)
            except ValueError:
                raise ValueError(f"--faults {key}={raw!r}: not a number") from None
        return cls(**values)  # type: ignore[arg-type]

    @property
    def active(self) -> bool:
        return bool(self.latency_ms or self.throttle or self.error)

    def delay(self) -> None:
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000.0)

    def draw(self, mutating: bool) -> Fault | None:
        """The fault this call suffers, if any."""
        if not mutating or not (self.throttle or self.error):
            return None
        with self._lock:
            roll = self._random.random()
        if roll < self.throttle:
            return Fault.THROTTLE
        if roll < self.throttle + self.error:
            return Fault.ERROR
        return None

    def describe(self) -> dict[str, float | int]:
        return {
            "latency_ms": self.latency_ms,
            "throttle": self.throttle,
            "error": self.error,
            "seed": self.seed,
        }
