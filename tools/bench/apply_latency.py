"""Applying N independent resources at L ms per call, vs the parallelism bound.

    uv run --all-packages python tools/bench/apply_latency.py [--resources 1000]
        [--latency-ms 200] [--parallelism 16]

The local provider sleeps `latency_ms` in every resource call, so with P calls in flight no
apply can beat bound = ceil(N / P) x latency. This times `Session.apply` (plan excluded) of
N buckets and prints the ratio to that bound; a baseline in the same process issues the same
N creates from a plain thread pool of P straight to the plugin's stubs. Target: engine
<= 1.2 x bound. Also holds the helpers the other apply benchmarks share (configs, timing).
"""

from __future__ import annotations

import argparse
import io
import math
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bench_disk


def write_config(directory: Path, n: int, settings: dict[str, Any] | None = None) -> Path:
    """A config of `n` buckets for the local provider with the given provider settings."""
    lines = ["provider: local", "region: local"]
    if settings:
        lines += ["providers:", "  local:"]
        lines += [f"    {key}: {_yaml_value(value)}" for key, value in settings.items()]
    lines += ["resources:", "  storage:"]
    for i in range(n):
        lines += [f"    - name: b-{i:05d}", "      type: bucket", "      tags: {Team: bench}"]
    path = directory / "genesys.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _yaml_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    return str(value)


@dataclass
class ApplyRun:
    seconds: float
    cpu_seconds: float  # this process (the core), all threads
    result: Any  # ApplyResult
    notes: list[str]  # what the progress printed (retries, ...)


def timed_apply(path: Path, parallelism: int, instrument: Any = None) -> ApplyRun:
    """Opens a session, plans (untimed), then times `apply` alone.

    `instrument(session)`, if given, runs after planning, before the clock starts."""
    from genesys.engine.progress import Progress
    from genesys.engine.session import RunOptions, Session

    with Session.open(path, operation="apply") as session:
        plan = session.plan(RunOptions(refresh=False))
        if instrument is not None:
            instrument(session)
        out = io.StringIO()
        cpu = time.process_time()
        started = time.perf_counter()
        result = session.apply(plan, Progress(out=out), RunOptions(parallelism=parallelism))
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
    return ApplyRun(elapsed, cpu, result, out.getvalue().splitlines())


@contextmanager
def configured_plugin(path: Path) -> Iterator[Any]:
    """The local plugin started and configured exactly as a session would for `path`."""
    from genesys.config import load_config
    from genesys.engine.session import configure_plugin
    from genesys.plugins import PluginManager

    config = load_config(path)
    with PluginManager() as plugins:
        conn = plugins.get(config.provider)
        configure_plugin(conn, config, config.base_dir.resolve(), config.provider)
        yield conn


def direct_creates(path: Path, n: int, parallelism: int) -> tuple[float, float]:
    """Baseline: the same N CreateBucket calls from a plain thread pool, no engine, no state.

    Returns (wall seconds, core CPU seconds)."""
    from genesys.provider.v1 import common_pb2, storage_pb2

    requests = [
        storage_pb2.CreateBucketRequest(
            config=common_pb2.BucketConfig(name=f"b-{i:05d}", tags={"Team": "bench"}),
            idempotency_token=uuid.uuid4().hex,
        )
        for i in range(n)
    ]
    with configured_plugin(path) as conn:
        create = conn.storage.raw.CreateBucket
        cpu = time.process_time()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=parallelism) as pool:
            for _ in pool.map(lambda r: create(r, timeout=60), requests):
                pass
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
    return elapsed, cpu


def check_ok(run: ApplyRun, n: int) -> None:
    result = run.result
    assert result.ok, f"apply failed: {dict(list(result.errors.items())[:3])}"
    assert result.counts["added"] == n, result.counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=200.0)
    parser.add_argument("--parallelism", type=int, default=16)
    args = parser.parse_args()
    n, p, latency = args.resources, args.parallelism, args.latency_ms / 1000
    bound = math.ceil(n / p) * latency
    settings = {"latency_ms": args.latency_ms}
    print(f"{n} buckets, {args.latency_ms:g} ms per call, parallelism {p}: bound {bound:.2f} s")
    with bench_disk.scratch() as tmp:
        base_dir, engine_dir = Path(tmp, "baseline"), Path(tmp, "engine")
        base_dir.mkdir()
        engine_dir.mkdir()
        baseline, _ = direct_creates(write_config(base_dir, n, settings), n, p)
        run = timed_apply(write_config(engine_dir, n, settings), p)
    check_ok(run, n)
    print(f"{'':24} {'seconds':>8} {'x bound':>8}")
    print(f"{'thread pool -> stubs':24} {baseline:>8.2f} {baseline / bound:>8.3f}")
    print(f"{'engine apply':24} {run.seconds:>8.2f} {run.seconds / bound:>8.3f}   (target <= 1.2)")
    print(f"engine minus baseline per resource: {(run.seconds - baseline) / n * 1000:.2f} ms")


if __name__ == "__main__":
    main()
