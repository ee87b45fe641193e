"""The provider block's settings: where the root is, and the injected faults.

provider: local
settings:
  root: .genesys/local          # default; relative paths are against the config's dir
  latency_ms: 200               # sleep before answering each resource call
  rate_limit: {burst: 50, per_second: 5}   # token bucket over mutating calls and invokes
  read_page_size: 100           # ReadResources pays latency_ms once per this many refs
  unavailable_rate: 0.05        # share of mutating calls answered UNAVAILABLE (a 5xx)
  fault_seed: 7                 # seeds unavailable_rate's choices (default: random)
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genesys.provider.v1 import provider_pb2
from google.protobuf.json_format import MessageToDict

DEFAULT_ROOT = Path(".genesys") / "local"
KNOWN_KEYS = (
    "root",
    "latency_ms",
    "rate_limit",
    "read_page_size",
    "unavailable_rate",
    "fault_seed",
)
RATE_LIMIT_KEYS = ("burst", "per_second")

Problem = tuple[str, str]  # (attribute path, message)


@dataclass(frozen=True)
class LocalSettings:
    root: Path
    latency_ms: float = 0.0
    burst: int = 0  # 0: no rate limit
    per_second: float = 0.0
    read_page_size: int = 100
    project: str = ""
    unavailable_rate: float = 0.0
    fault_seed: int | None = None


def _hint(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _number(value: Any, path: str, problems: list[Problem], minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        problems.append((path, f"{path} must be a number >= {minimum:g}, got {value!r}"))
        return minimum
    return float(value)


def _resolve_root(value: Any, working_dir: str, problems: list[Problem]) -> Path:
    base = Path(working_dir) if working_dir else Path.cwd()
    if value is None:
        return (base / DEFAULT_ROOT).resolve()
    if not isinstance(value, str) or not value.strip():
        problems.append(("settings.root", "settings.root must be a non-empty path"))
        return (base / DEFAULT_ROOT).resolve()
    path = Path(os.path.expanduser(value))
    return (path if path.is_absolute() else base / path).resolve()


def _rate_limit(value: Any, problems: list[Problem]) -> tuple[int, float]:
    if value is None:
        return 0, 0.0
    if not isinstance(value, dict):
        problems.append(("settings.rate_limit", "rate_limit must be {burst: N, per_second: R}"))
        return 0, 0.0
    for key in value:
        if key not in RATE_LIMIT_KEYS:
            hint = _hint(key, RATE_LIMIT_KEYS)
            problems.append((f"settings.rate_limit.{key}", f"unknown rate_limit key {key!r}{hint}"))
    burst = _number(value.get("burst", 1), "settings.rate_limit.burst", problems, 1)
    per_second = _number(value.get("per_second"), "settings.rate_limit.per_second", problems, 0)
    if per_second <= 0:
        problems.append(("settings.rate_limit.per_second", "per_second must be > 0"))
    return int(burst), per_second


def parse_settings(request: provider_pb2.ConfigureRequest) -> tuple[LocalSettings, list[Problem]]:
    """The settings, and every problem found (an empty list means they are valid)."""
    raw = MessageToDict(request.settings) if request.HasField("settings") else {}
    problems: list[Problem] = []
    for key in raw:
        if key not in KNOWN_KEYS:
            problems.append((f"settings.{key}", f"unknown setting {key!r}{_hint(key, KNOWN_KEYS)}"))
    root = _resolve_root(raw.get("root"), request.working_dir, problems)
    latency = _number(raw.get("latency_ms", 0), "settings.latency_ms", problems)
    burst, per_second = _rate_limit(raw.get("rate_limit"), problems)
    page = _number(raw.get("read_page_size", 100), "settings.read_page_size", problems, 1)
    unavailable = _number(raw.get("unavailable_rate", 0), "settings.unavailable_rate", problems)
    if unavailable > 1:
        problems.append(("settings.unavailable_rate", "unavailable_rate must be at most 1"))
    seed = raw.get("fault_seed")
    seed = None if seed is None else int(_number(seed, "settings.fault_seed", problems))
    settings = LocalSettings(
        root=root,
        latency_ms=latency,
        burst=burst,
        per_second=per_second,
        read_page_size=int(page),
        project=request.project,
        unavailable_rate=min(unavailable, 1.0),
        fault_seed=seed,
    )
    return settings, problems
