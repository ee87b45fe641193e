"""No-op plan of N resources on the local provider: time and peak memory (DESIGN.md §5).

    uv run --all-packages python tools/bench/plan_noop.py [N ...]   (default: 1000 10000 20000)

For each N: writes a config of N buckets into a temp project, applies it once (not timed
against a target), then times `plan` with refresh — plugin start, config load + expand,
state load, batch refresh through the plugin, diff — in a fresh process, and reads the peak
RSS (VmHWM) of that process and of the plugin.
Targets: 10k ≤ 3 s and ≤ 300 MB; 2N takes at most 2x the time.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path


def _config(n: int) -> str:
    lines = ["provider: local", "region: local", "resources:", "  storage:"]
    for i in range(n):
        lines += [f"    - name: bucket-{i:05d}", "      type: bucket", "      tags: {Team: bench}"]
    return "\n".join(lines) + "\n"


def _vm_hwm_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _apply(path: Path) -> float:
    from genesys.engine.progress import Progress
    from genesys.engine.session import RunOptions, Session

    started = time.perf_counter()
    with Session.open(path, operation="apply") as session:
        plan = session.plan(RunOptions(refresh=False))
        result = session.apply(plan, Progress(out=io.StringIO()), RunOptions(parallelism=16))
        assert result.ok, result.errors
    return time.perf_counter() - started


def _noop_plan(path: Path) -> tuple[float, float, float]:
    from genesys.engine.session import RunOptions, Session

    started = time.perf_counter()
    with Session.open(path, operation="plan", lock=False) as session:
        plan = session.plan(RunOptions(refresh=True))
        elapsed = time.perf_counter() - started
        plugin_mb = _vm_hwm_mb(session.conn.pid)
    assert not plan.has_changes, "expected a no-op plan"
    return elapsed, _vm_hwm_mb(), plugin_mb


def _noop_plan_in_fresh_process(path: Path) -> tuple[float, float, float]:
    """The plan runs in its own process so its peak RSS is the plan's alone."""
    import json
    import subprocess

    out = subprocess.run(
        [sys.executable, __file__, "--plan-only", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    return figures["seconds"], figures["core_mb"], figures["plugin_mb"]


def main(sizes: list[int]) -> None:
    print(f"{'resources':>10} {'apply s':>9} {'plan s':>8} {'core MB':>8} {'plugin MB':>10}")
    previous: tuple[int, float] | None = None
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "genesys.yaml"
            path.write_text(_config(n))
            applied = _apply(path)
            elapsed, core_mb, plugin_mb = _noop_plan_in_fresh_process(path)
        print(f"{n:>10} {applied:>9.2f} {elapsed:>8.2f} {core_mb:>8.0f} {plugin_mb:>10.0f}")
        if previous:
            ratio = (elapsed / previous[1]) / (n / previous[0])
            print(f"{'':>10} time per resource vs {previous[0]}: x{ratio:.2f}")
        previous = (n, elapsed)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--plan-only"]:
        import json

        seconds, core, plugin = _noop_plan(Path(sys.argv[2]))
        print(json.dumps({"seconds": seconds, "core_mb": core, "plugin_mb": plugin}))
    else:
        main([int(a) for a in sys.argv[1:]] or [1000, 10000, 20000])
