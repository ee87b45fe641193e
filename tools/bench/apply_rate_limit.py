"""Applying N resources under EC2's published rate limit, vs the rate bound.

    uv run --all-packages python tools/bench/apply_rate_limit.py [--resources 300]
        [--burst 50] [--per-second 5] [--latency-ms 200] [--parallelism 16] [--no-baseline]

The local provider keeps a token bucket over mutating calls (EC2: burst 50, refilled at 5/s)
and answers THROTTLED with retry_after when it is empty, after its per-call latency. No
client can finish before bound = (N - burst) / rate. Baseline, in the same process: a
hand-written script's answer to throttling, a thread pool of P calling the plugin's stubs
and sleeping each THROTTLED's retry_after before trying again (no attempt limit). Engine:
`Session.apply` of N buckets (plan excluded from the clock). Printed: seconds, ratio to the
bound, THROTTLED answers received (wasted calls) and errors that reached the user.
Targets: engine <= 1.15 x bound, no throttling error reaching the user.
"""

from __future__ import annotations

import argparse
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import bench_disk
from apply_latency import check_ok, configured_plugin, timed_apply, write_config


def naive_retries(path: Path, n: int, parallelism: int) -> tuple[float, int]:
    """Baseline: every thread sleeps the provider's retry_after and tries again.

    Returns (wall seconds, THROTTLED answers)."""
    from genesys.provider.v1 import common_pb2, storage_pb2
    from genesys_plugin_sdk import errors as perr

    throttled = 0
    lock = threading.Lock()
    with configured_plugin(path) as conn:
        create = conn.storage.CreateBucket  # typed stub: THROTTLED arrives as perr.Throttled

        def one(i: int) -> None:
            nonlocal throttled
            request = storage_pb2.CreateBucketRequest(
                config=common_pb2.BucketConfig(name=f"b-{i:05d}", tags={"Team": "bench"}),
                idempotency_token=uuid.uuid4().hex,
            )
            while True:
                try:
                    create(request, timeout=60)
                    return
                except perr.Throttled as error:
                    with lock:
                        throttled += 1
                    time.sleep(error.retry_after or 0.1)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=parallelism) as pool:
            list(pool.map(one, range(n)))
        return time.perf_counter() - started, throttled


def engine_apply(path: Path, n: int, parallelism: int) -> tuple[Any, dict[str, Any]]:
    """The engine's apply; returns (run, the provider gate's counters)."""
    from genesys.engine.executor import gate_for

    holder: dict[str, Any] = {}
    run = timed_apply(path, parallelism, lambda session: holder.update(conn=session.conn))
    return run, gate_for(holder["conn"]).stats()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=300)
    parser.add_argument("--burst", type=int, default=50)
    parser.add_argument("--per-second", type=float, default=5.0)
    parser.add_argument("--latency-ms", type=float, default=200.0)
    parser.add_argument("--parallelism", type=int, default=16)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    n, p = args.resources, args.parallelism
    bound = max(0, n - args.burst) / args.per_second
    settings = {
        "latency_ms": args.latency_ms,
        "rate_limit": {"burst": args.burst, "per_second": args.per_second},
    }
    print(
        f"{n} buckets, burst {args.burst}, {args.per_second:g}/s, {args.latency_ms:g} ms per "
        f"call, parallelism {p}: rate bound {bound:.1f} s"
    )
    print(f"{'':30} {'seconds':>8} {'x bound':>8} {'throttled':>10} {'errors':>7}")
    with bench_disk.scratch() as tmp:
        if not args.no_baseline:
            base_dir = Path(tmp, "baseline")
            base_dir.mkdir()
            seconds, throttled = naive_retries(write_config(base_dir, n, settings), n, p)
            print(f"{'threads sleep retry_after':30} {seconds:>8.1f} {seconds / bound:>8.3f} "
                  f"{throttled:>10} {0:>7}")
        engine_dir = Path(tmp, "engine")
        engine_dir.mkdir()
        run, gate = engine_apply(write_config(engine_dir, n, settings), n, p)
    errors = len(run.result.errors)
    print(f"{'engine apply':30} {run.seconds:>8.1f} {run.seconds / bound:>8.3f} "
          f"{gate['throttled']:>10} {errors:>7}   (target <= 1.15, 0 errors)")
    print(f"engine gate: {gate}")
    retry_notes = [line for line in run.notes if "retrying" in line]
    print(f"retry notes shown to the user: {len(retry_notes)}")
    for line in retry_notes[:3]:
        print(f"  {line}")
    check_ok(run, n)


if __name__ == "__main__":
    main()
