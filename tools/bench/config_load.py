"""Config load + expand time for N resources, YAML and TOML.

    uv run --all-packages python tools/bench/config_load.py [N ...]   (default: 1000 10000 20000)

For each N and format: writes a config of N buckets (the shape tools/bench/plan_noop.py
plans: name, type, a one-key tags map each, written out one by one), then times
`load_config` (read, parse, validate, cross-check) and `expand` of what it loaded, wall
clock, best of a few runs in this process, plus the lowest CPU time of a run (steadier
than the wall clock on a shared machine). Prints figures only; the budget is load +
expand of 10k ≤ 0.5 s in either format, and 2N at most 2x the time of N.
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5


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


class Run:
    """One load + expand: wall-clock seconds of each, and the CPU seconds of both."""

    def __init__(self, load_s: float, expand_s: float, cpu_s: float, count: int) -> None:
        self.load_s, self.expand_s, self.cpu_s, self.count = load_s, expand_s, cpu_s, count

    @property
    def total_s(self) -> float:
        return self.load_s + self.expand_s


def measure(path: Path) -> Run:
    """The fastest of RUNS runs of `expand(load_config(path))`, each started after a full
    collection (as a fresh CLI process would start); the CPU figure is the lowest seen,
    which other processes on a busy machine disturb less than the wall clock."""
    from genesys.config import expand, load_config

    best: Run | None = None
    cpu_s = float("inf")
    for _ in range(RUNS):
        gc.collect()
        cpu_started, started = time.process_time(), time.perf_counter()
        cfg = load_config(path)
        loaded = time.perf_counter()
        count = len(expand(cfg))
        run = Run(loaded - started, time.perf_counter() - loaded, 0.0, count)
        cpu_s = min(cpu_s, time.process_time() - cpu_started)
        del cfg
        if best is None or run.total_s < best.total_s:
            best = run
    assert best is not None
    best.cpu_s = cpu_s
    return best


def main(sizes: list[int]) -> None:
    import genesys.config  # noqa: F401  (imports are not part of the figures)

    print(
        f"{'format':>6} {'resources':>10} {'load s':>8} {'expand s':>9} {'total s':>8} {'cpu s':>7}"
    )
    for fmt, render in (("yaml", yaml_config), ("toml", toml_config)):
        previous: tuple[int, float] | None = None
        for n in sizes:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / f"genesys.{fmt}"
                path.write_text(render(n))
                run = measure(path)
            assert run.count == n, f"expected {n} resources, got {run.count}"
            print(
                f"{fmt:>6} {n:>10} {run.load_s:>8.3f} {run.expand_s:>9.3f} {run.total_s:>8.3f}"
                f" {run.cpu_s:>7.3f}"
            )
            if previous:
                ratio = (run.total_s / previous[1]) / (n / previous[0])
                print(f"{'':>6} {'':>10} time per resource vs {previous[0]}: x{ratio:.2f}")
            previous = (n, run.total_s)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 20000])
