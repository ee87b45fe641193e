"""No-op plan of N resources on the local provider, as the `genesys plan` process a user runs.

    uv run --all-packages python tools/bench/plan_noop.py [N ...]   (default: 10000 50000 100000)

For each N: writes a config of N buckets into a temporary project (on the disk named in the
output), applies it once in-process (setup; its time is printed, not judged), then times
`genesys plan` as a whole process (start-up, plugin start, config load + expand, state load,
batch refresh through the plugin, diff, output) and samples the peak RSS (VmHWM) of the CLI
process and of its plugin child every 20 ms (VmHWM only grows, so the last sample is the peak
up to 20 ms before exit). The CLI runs with bytecode caching on, as installed.
Targets: 10k <= 3 s and <= 300 MB; 100k <= 10 s and <= 1 GB (core + plugin);
linear: time per resource at 2N at most 1.05x that at N (2N <= 2.1x the time).
"""

from __future__ import annotations

import io
import sys
import tempfile
import threading
import time
from pathlib import Path

import bench_disk


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


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(p) for p in task.read_text().split()]
    return found


def _sample_peaks(pid: int, peaks: dict[str, float], done: threading.Event) -> None:
    while not done.is_set():
        try:
            peaks["core"] = max(peaks["core"], _vm_hwm_mb(pid))
            for child in _children(pid):
                peaks["plugin"] = max(peaks["plugin"], _vm_hwm_mb(child))
        except (OSError, ValueError):
            pass  # the process is ending
        done.wait(0.02)


def _noop_plan_process(project: Path) -> tuple[float, float, float]:
    """`genesys plan --detailed-exitcode` as a process: seconds, core MB, plugin MB."""
    import os
    import subprocess

    env = {**os.environ, "NO_COLOR": "1", "PYTHONPYCACHEPREFIX": str(project / ".pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-m", "genesys.cli.main", "plan", "--detailed-exitcode"]
    peaks = {"core": 0.0, "plugin": 0.0}
    done = threading.Event()
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    sampler = threading.Thread(target=_sample_peaks, args=(process.pid, peaks, done))
    sampler.start()
    out, err = process.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:  # 2 would mean changes: not a no-op
        raise SystemExit(f"plan exited {process.returncode}:\n{out[-2000:]}\n{err[-2000:]}")
    return elapsed, peaks["core"], peaks["plugin"]


def main(sizes: list[int]) -> None:
    import os

    scratch = Path(os.environ.get("GENESYS_BENCH_DIR", "/var/tmp"))
    print(
        f"projects under {bench_disk.describe(scratch)}; load average "
        f"{os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs"
    )
    print(f"{'resources':>10} {'apply s':>9} {'plan s':>8} {'core MB':>8} {'plugin MB':>10}")
    previous: tuple[int, float] | None = None
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="genesys-bench-plan-", dir=scratch) as tmp:
            path = Path(tmp) / "genesys.yaml"
            path.write_text(_config(n))
            applied = _apply(path)
            _noop_plan_process(Path(tmp))  # warm-up: bytecode caches, OS file cache
            elapsed, core_mb, plugin_mb = _noop_plan_process(Path(tmp))
        print(f"{n:>10} {applied:>9.2f} {elapsed:>8.2f} {core_mb:>8.0f} {plugin_mb:>10.0f}")
        if previous:
            ratio = (elapsed / previous[1]) / (n / previous[0])
            print(f"{'':>10} time per resource vs {previous[0]}: x{ratio:.2f}")
        previous = (n, elapsed)
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10000, 50000, 100000])
