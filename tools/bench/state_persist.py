"""Share of apply time spent persisting state when creating N resources.

    uv run --all-packages python tools/bench/state_persist.py [--resources 3000] [--threads 8]
        [--work-ms 5] [--encrypt] [--dir DIR]

Each create is begin(intent) -> simulated provider call (WORK ms) -> commit(record) on a real
StateManager over the local backend (fsync included), run on a thread pool, against a
baseline of the same provider calls without state. Two modes: "strict" (commit waits for
its fsync, the default) and "intent-covered" (commit(wait=False): the durable intent covers
the commit until the next fsync). Reports wall times, the persisting share
((with state - baseline) / with state), time callers spent inside begin/commit, journal
appends and fsyncs, open and close (compaction) costs, and the disk's own fdatasync
latency for context. Target: persisting <= 10% of the time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import bench_disk


def _record(n: int):  # type: ignore[no-untyped-def]
    from genesys.state import ResourceRecord

    # About the size of a real instance message: ~20 attributes.
    attributes = {
        "name": f"app-{n:05d}",
        "size": "medium",
        "instance_type": "t3.medium",
        "image": "ubuntu-lts",
        "image_id": "ami-0abcdef1234567890",
        "region": "us-east-1",
        "zone": "us-east-1a",
        "subnet_id": "subnet-0123456789abcdef0",
        "security_group_ids": ["sg-0123456789abcdef0"],
        "private_ip": f"10.0.{n // 250}.{n % 250}",
        "public_ip": "",
        "state": "running",
        "tags": {"Team": "platform", "Env": "bench", "Name": f"app-{n:05d}"},
        "root_volume_gb": 30,
        "monitoring": True,
        "user_data": "#!/bin/sh\necho hello\n",
        "arn": f"arn:aws:ec2:us-east-1:123456789012:instance/i-{n:017x}",
        "created_at": "2026-01-01T00:00:00Z",
        "admin_password": f"secret-{n}",
    }
    return ResourceRecord(
        address=f"compute.app-{n:05d}",
        kind="instance",
        provider="aws",
        id=f"i-{n:017x}",
        attributes=attributes,
        private=b"provider-private-bytes",
        dependencies=["network.main", "network.main-subnet"],
        sensitive=["admin_password"],
        idempotency_token=f"tok-{n:05d}",
    )


def _intent(n: int):  # type: ignore[no-untyped-def]
    from genesys.state import Intent

    return Intent(f"compute.app-{n:05d}", "instance", "aws", "create", f"tok-{n:05d}")


def _baseline(resources: int, threads: int, work: float) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda _n: time.sleep(work), range(resources)))
    return time.perf_counter() - started


def _timed_creates(manager, args: argparse.Namespace, wait: bool) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(wall seconds, seconds callers spent inside begin/commit summed over threads)."""
    records = [_record(n) for n in range(args.resources)]  # built up front: not state cost
    intents = [_intent(n) for n in range(args.resources)]
    inside = [0.0]
    inside_lock = threading.Lock()

    def create(n: int) -> None:
        t0 = time.perf_counter()
        manager.begin(intents[n])
        t1 = time.perf_counter()
        time.sleep(args.work_ms / 1000)  # the provider's call
        t2 = time.perf_counter()
        manager.commit(records[n], wait=wait)
        t3 = time.perf_counter()
        with inside_lock:
            inside[0] += (t1 - t0) + (t3 - t2)

    started = time.perf_counter()
    with ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(create, range(args.resources)))
    return time.perf_counter() - started, inside[0]


def _with_state(args: argparse.Namespace, directory: Path, wait: bool) -> dict[str, float]:
    from genesys.state import LocalBackend, StateManager

    backend = LocalBackend(directory)
    opened = time.perf_counter()
    manager = StateManager.open(backend, encryption_key=b"k" * 32 if args.encrypt else None)
    open_seconds = time.perf_counter() - opened
    fsyncs_before = backend.fsync_count
    run_seconds, inside = _timed_creates(manager, args, wait)
    fsyncs = backend.fsync_count - fsyncs_before
    stats = manager.stats()

    closing = time.perf_counter()
    manager.close()
    close_seconds = time.perf_counter() - closing
    return dict(
        run=run_seconds,
        open=open_seconds,
        close=close_seconds,
        inside=inside,
        fsyncs=fsyncs,
        appends=stats["journal_appends"],
        lines=stats["journal_lines"],
        journal_bytes=stats["journal_bytes"],
        snapshot_bytes=(directory / "snapshot.json").stat().st_size,
    )


def _fdatasync_probe(directory: Path, count: int = 300) -> float:
    """Median seconds of append + fdatasync of a 500-byte line on this disk."""
    path = directory / "probe"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    samples = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            os.write(fd, b"x" * 499 + b"\n")
            (getattr(os, "fdatasync", None) or os.fsync)(fd)
            samples.append(time.perf_counter() - started)
    finally:
        os.close(fd)
        path.unlink()
    return statistics.median(samples)


def _cpu_stall_us() -> float | None:
    """Microseconds some task waited for a CPU since boot (Linux PSI), to show contention."""
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except (OSError, IndexError):
        return None
    return float(line.rsplit("total=", 1)[1])


def _report(label: str, n: int, base: float, result: dict[str, float]) -> None:
    run, extra = result["run"], result["open"] + result["close"]
    stall = result.get("cpu_stall")
    contention = f" (CPU contention: tasks waited for a CPU {stall:.0%} of the run)"
    print(f"  {label}{contention if stall is not None else ''}")
    print(f"    baseline (provider work only)   {base:8.3f} s")
    print(f"    with state                      {run:8.3f} s   ({run / n * 1e3:.3f} ms per create)")
    print(f"    persisting share of the run     {(run - base) / run:8.1%}   (target <= 10%)")
    print(f"    ... including open + close      {(run + extra - base) / (run + extra):8.1%}")
    print(
        f"    callers inside begin/commit     {result['inside']:8.3f} s total, "
        f"{result['inside'] / (2 * n) * 1e6:.0f} us per call"
    )
    print(
        f"    journal: {int(result['lines'])} lines in {int(result['appends'])} appends "
        f"({result['lines'] / max(1, result['appends']):.1f} per fsync), "
        f"{int(result['fsyncs'])} fsyncs, {result['journal_bytes'] / 1e6:.2f} MB"
    )
    print(
        f"    open {result['open'] * 1e3:.1f} ms, close (compaction) "
        f"{result['close'] * 1e3:.1f} ms, snapshot {result['snapshot_bytes'] / 1e6:.2f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--resources", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--work-ms", type=float, default=5.0, help="simulated provider call")
    parser.add_argument("--encrypt", action="store_true", help="AES-256-GCM state")
    parser.add_argument("--dir", type=Path, help="where to put the state (default: a temp dir)")
    args = parser.parse_args()

    n = args.resources
    mode = "encrypted" if args.encrypt else "plaintext"
    with (tempfile.TemporaryDirectory(dir=args.dir) if args.dir else bench_disk.scratch()) as temp:
        probe = _fdatasync_probe(Path(temp))
        print(
            f"state persistence: {n} creates, {args.threads} threads, {args.work_ms} ms per "
            f"provider call, {mode} state; disk fdatasync median {probe * 1e6:.0f} us"
        )
        for label, wait in (("strict (commit waits)", True), ("intent-covered commits", False)):
            base = _baseline(n, args.threads, args.work_ms / 1000)
            stall_before, started = _cpu_stall_us(), time.perf_counter()
            result = _with_state(args, Path(temp) / label.split()[0], wait)
            stall_after = _cpu_stall_us()
            if stall_before is not None and stall_after is not None:
                elapsed_us = (time.perf_counter() - started) * 1e6
                result["cpu_stall"] = (stall_after - stall_before) / elapsed_us
            _report(label, n, base, result)


if __name__ == "__main__":
    main()
