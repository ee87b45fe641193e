"""Refresh of N resources whose provider answers each read page in 50 ms.

    uv run --all-packages python tools/bench/refresh_latency.py [N]   (default 10000)

Applies N buckets on the local provider once, then configures it with `latency_ms: 50`
(its ReadResources pays that once per page of `read_page_size` refs, like a cloud's
paginated Describe call) and times the engine's refresh: batched and concurrent as the
planner runs it, against the same batches read one after another (the baseline), in the
same process. Target: 10,000 resources ≤ 10 s.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import bench_disk

sys.path.insert(0, str(Path(__file__).parent))

from plan_noop import _apply, _config


def _with_latency(text: str, latency_ms: int, page: int) -> str:
    settings = f"providers:\n  local:\n    latency_ms: {latency_ms}\n    read_page_size: {page}\n"
    return text.replace("region: local\n", f"region: local\n{settings}", 1)


def _time_refresh(path: Path, concurrency: int) -> tuple[float, int]:
    from genesys.engine import planner
    from genesys.engine.session import Session

    with Session.open(path, operation="plan", lock=False) as session:
        records = dict(session.state.resources)
        started = time.perf_counter()
        result = planner.refresh(session.conn, records, concurrency=concurrency)
        elapsed = time.perf_counter() - started
    assert not result.gone and not result.errors
    return elapsed, len(result.records)


def main(n: int, latency_ms: int = 50, page: int = 100) -> None:
    with bench_disk.scratch() as tmp:
        path = Path(tmp) / "genesys.yaml"
        path.write_text(_config(n))
        _apply(path)
        path.write_text(_with_latency(_config(n), latency_ms, page))
        baseline, count = _time_refresh(path, concurrency=1)
        engine, _ = _time_refresh(path, concurrency=planner_concurrency())
    pages = -(-n // page)
    print(f"{count} resources, {latency_ms} ms per read page of {page} refs ({pages} pages)")
    print(f"  sequential batches (baseline): {baseline:6.2f} s")
    print(f"  engine refresh (concurrent):   {engine:6.2f} s   target <= 10 s")


def planner_concurrency() -> int:
    from genesys.engine.planner import READ_CONCURRENCY

    return READ_CONCURRENCY


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
