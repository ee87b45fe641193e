"""No-op plan of N resources on the local provider, as the `genesys plan` process a user runs.

    uv run --all-packages python tools/bench/plan_noop.py [N ...]
        (default: 10000 20000 50000 100000)

For each N: writes a config of N buckets into a temporary project (on the disk named in the
output), applies it once in-process (setup; its time is printed, not judged), then times
`genesys plan --detailed-exitcode` as a whole process (start-up, plugin start, config load
+ expand, state load, batch refresh through the plugin, diff, output): one warm-up run, then
the median of RUNS runs. For each run it samples the peak RSS (VmHWM) of the CLI process
and of its plugin child every 20 ms (VmHWM only grows, so the last sample is the peak up to
20 ms before exit) and takes the CPU seconds of both from rusage (a figure that, unlike
wall time, a busy machine inflates only a little: compare it when the load average is
high). The CLI runs with bytecode caching on, as installed.

Targets (each row says ok or MISSED):
  10,000 resources:  <= 3 s and <= 300 MB (core + plugin);
  100,000 resources: <= 10 s and <= 1 GB (core + plugin);
  linear: from N to 2N resources the time grows at most 2.1x (time per resource at most
  1.05x; the ratio is printed for every pair of sizes, judged where one is twice the other).
Wall times are only comparable on a quiet machine: the load average is printed per row.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import bench_disk

RUNS = 3
# resources -> (seconds, MB of core + plugin)
TARGETS = {10000: (3.0, 300.0), 100000: (10.0, 1000.0)}


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


def _noop_plan_process(project: Path) -> tuple[float, float, float, float]:
    """`genesys plan --detailed-exitcode` as a process: seconds, core MB, plugin MB, and
    CPU seconds of the CLI and its plugin together."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPYCACHEPREFIX": str(project / ".pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-m", "genesys.cli.main", "plan", "--detailed-exitcode"]
    peaks = {"core": 0.0, "plugin": 0.0}
    done = threading.Event()
    cpu_before = _children_cpu()
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
    return elapsed, peaks["core"], peaks["plugin"], _children_cpu() - cpu_before


def _children_cpu() -> float:
    """User + system seconds of this process's finished children (the CLI, and through it
    the plugin it waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _measure(n: int, scratch: Path) -> tuple[float, list[tuple[float, float, float, float]]]:
    with tempfile.TemporaryDirectory(prefix="genesys-bench-plan-", dir=scratch) as tmp:
        path = Path(tmp) / "genesys.yaml"
        path.write_text(_config(n))
        applied = _apply(path)
        _noop_plan_process(Path(tmp))  # warm-up: bytecode caches, OS file cache
        runs = [_noop_plan_process(Path(tmp)) for _ in range(RUNS)]
    return applied, sorted(runs)


def _verdict(n: int, seconds: float, total_mb: float) -> str:
    limits = TARGETS.get(n)
    if limits is None:
        return ""
    ok = seconds <= limits[0] and total_mb <= limits[1]
    return f"{'ok' if ok else 'MISSED'} (<= {limits[0]:g} s, <= {limits[1]:g} MB)"


def main(sizes: list[int]) -> None:
    scratch = Path(os.environ.get("GENESYS_BENCH_DIR", "/var/tmp"))
    print(
        f"projects under {bench_disk.describe(scratch)}; load average "
        f"{os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs; median of {RUNS} runs"
    )
    print(
        f"{'resources':>10} {'apply s':>8} {'plan s':>7} {'cpu s':>6} {'core MB':>8} "
        f"{'plugin MB':>9} {'total MB':>8} {'load':>5}  target"
    )
    measured: dict[int, float] = {}
    for n in sizes:
        applied, runs = _measure(n, scratch)
        elapsed, core_mb, plugin_mb, cpu = runs[len(runs) // 2]
        total = core_mb + plugin_mb
        measured[n] = elapsed
        print(
            f"{n:>10} {applied:>8.1f} {elapsed:>7.2f} {cpu:>6.2f} {core_mb:>8.0f} "
            f"{plugin_mb:>9.0f} {total:>8.0f} {os.getloadavg()[0]:>5.1f}  "
            f"{_verdict(n, elapsed, total)}",
            flush=True,
        )
    for small in sorted(measured):
        for large in sorted(measured):
            if large <= small:
                continue
            growth = measured[large] / measured[small]
            per_resource = growth / (large / small)
            judged = ""
            if large == 2 * small:
                judged = "ok" if growth <= 2.1 else "MISSED"
                judged = f"  {judged} (2x resources <= 2.1x time)"
            print(f"{small:>7} -> {large:>7}: time x{growth:.2f}, per resource "
                  f"x{per_resource:.2f}{judged}")
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10000, 20000, 50000, 100000])
