"""Config load + expand time for N resources, YAML and TOML (DESIGN.md §5, its config part).

    uv run --all-packages python tools/bench/config_load.py [N ...]   (default: 1000 10000 20000)

For each N and format: writes a config of N buckets (the shape tools/bench/plan_noop.py
plans: name, type, a one-key tags map each, written out one by one), then times
`load_config` (read, parse, validate, cross-check) and `expand` separately, best of a few
runs in this process. Prints figures only; the budget is load + expand of 10k ≤ 0.5 s in
either format, and 2N at most 2x the time of N.
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RUNS = 3


def yaml_config(n: int) -> str:
    """Exactly plan_noop.py's `_config(n)`."""
    lines = ["provider: local", "region: local", "resources:", "  storage:"]
    for i in range(n):
        lines += [f"    - name: bucket-{i:05d}", "      type: bucket", "      tags: {Team: bench}"]
    return "\n".join(lines) + "\n"


def toml_config(n: int) -> str:
    """The same config as TOML: one [[resources.storage]] table per bucket."""
    lines = ['provider = "local"', 'region = "local"']
    for i in range(n):
        lines += [
            "",
            "[[resources.storage]]",
            f'name = "bucket-{i:05d}"',
            'type = "bucket"',
            'tags = { Team = "bench" }',
        ]
    return "\n".join(lines) + "\n"


def _best(action: Callable[[], Any]) -> tuple[float, Any]:
    """Fastest of RUNS runs (with the collector run beforehand, as a fresh CLI would start)."""
    best, result = float("inf"), None
    for _ in range(RUNS):
        gc.collect()
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best, result


def measure(path: Path) -> tuple[float, float, int]:
    from genesys.config import expand, load_config

    load_s, _ = _best(lambda: load_config(path))
    # expand() is timed on a freshly loaded config each run, as a CLI command would call it.
    expand_s = float("inf")
    count = 0
    for _ in range(RUNS):
        cfg = load_config(path)
        gc.collect()
        started = time.perf_counter()
        count = len(expand(cfg))
        expand_s = min(expand_s, time.perf_counter() - started)
    return load_s, expand_s, count


def main(sizes: list[int]) -> None:
    import genesys.config  # noqa: F401  (imports are not part of the figures)

    print(f"{'format':>6} {'resources':>10} {'load s':>8} {'expand s':>9} {'total s':>8}")
    for fmt, render in (("yaml", yaml_config), ("toml", toml_config)):
        previous: tuple[int, float] | None = None
        for n in sizes:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"genesys.{fmt}"
                path.write_text(render(n))
                load_s, expand_s, count = measure(path)
            assert count == n, f"expected {n} resources, got {count}"
            total = load_s + expand_s
            print(f"{fmt:>6} {n:>10} {load_s:>8.3f} {expand_s:>9.3f} {total:>8.3f}")
            if previous:
                ratio = (total / previous[1]) / (n / previous[0])
                print(f"{'':>6} {'':>10} time per resource vs {previous[0]}: x{ratio:.2f}")
            previous = (n, total)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 20000])
