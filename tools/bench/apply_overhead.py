"""Engine overhead per resource operation, and the share of apply time spent persisting state
(DESIGN.md §5).

    uv run --all-packages python tools/bench/apply_overhead.py [--resources 3000]
        [--parallelism 16] [--rounds 2]

Zero injected latency, so the provider's own time is as small as it gets and the engine's
cost shows. Three runs per round, in this process, each on a fresh project, same plugin
build, same parallelism; the best of each over the rounds is kept:
- baseline: N CreateBucket calls from a plain thread pool straight to the plugin's generated
  stubs, no engine, no state;
- engine: `Session.apply` of a plan creating the same N buckets (plan excluded from the
  clock) with the real StateManager (local backend, fsync included);
- engine without persisting: the same apply with the state's begin/commit swapped for
  in-memory bookkeeping.

Figures:
- overhead per operation = (engine wall - baseline wall) / N; target <= 0.5 ms.
  Core CPU per operation (this process, all threads) is printed beside it.
- persisting share = (engine wall - engine-without-persisting wall) / engine wall; target
  <= 10 %. Also printed: the thread time callers spent inside begin+commit, as a share of
  the thread time inside operations (each create is begin -> provider call -> commit).
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from apply_latency import check_ok, direct_creates, timed_apply, write_config


class Stopwatch:
    """Sums the time threads spend inside wrapped callables."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self._lock = threading.Lock()

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent = time.perf_counter() - started
                with self._lock:
                    self.seconds += spent
                    self.calls += 1

        return timed


def engine_run(
    config: Path, parallelism: int, *, persist: bool = True, commit_waits: bool = True
) -> tuple[Any, Stopwatch, Stopwatch, dict]:
    """One timed apply; returns (run, persisting stopwatch, operations stopwatch, state stats).

    persist=False swaps the state's begin/commit for in-memory bookkeeping only: the same
    apply without persisting, to measure what persisting costs in wall time.
    commit_waits=False (a what-if): commits return once queued, as StateManager.commit
    (wait=False) allows when the durable intent covers them."""
    from genesys.engine import operations

    persisting, operating = Stopwatch(), Stopwatch()
    stats: dict[str, int] = {}

    def instrument(session: Any) -> None:
        state = session.state
        if not persist:
            state.begin = lambda intent: None
            state.commit = lambda record, **_: state.resources.__setitem__(record.address, record)
        elif not commit_waits:
            commit = state.commit
            state.commit = lambda record, **_: commit(record, wait=False)
        state.begin = persisting.wrap(state.begin)
        state.commit = persisting.wrap(state.commit)
        stats["before"] = state.stats()  # type: ignore[assignment]
        stats["state"] = state  # type: ignore[assignment]

    original_create = operations.create
    operations.create = operating.wrap(original_create)  # the Applier looks it up per call
    try:
        run = timed_apply(config, parallelism, instrument)
    finally:
        operations.create = original_create
    state = stats.pop("state")
    after = state.stats()  # type: ignore[attr-defined]
    appends = after["journal_appends"] - stats["before"]["journal_appends"]  # type: ignore[index]
    return run, persisting, operating, {"appends": appends}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=3000)
    parser.add_argument("--parallelism", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument(
        "--commit-no-wait", action="store_true",
        help="what-if: creates commit with wait=False (the durable intent covers the commit)",
    )
    args = parser.parse_args()
    n, p = args.resources, args.parallelism
    settings = {"latency_ms": args.latency_ms} if args.latency_ms else None
    print(f"{n} bucket creates, {args.latency_ms:g} ms injected latency, parallelism {p}, "
          f"best of {args.rounds}" + (", commits not waiting" if args.commit_no_wait else ""))
    base_best: tuple[float, float] | None = None
    engine_best: tuple[Any, Stopwatch, Stopwatch, dict] | None = None
    memory_best: Any = None
    for round_number in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            base_dir, engine_dir, memory_dir = (Path(tmp, d) for d in ("base", "engine", "mem"))
            base_dir.mkdir()
            engine_dir.mkdir()
            memory_dir.mkdir()
            base = direct_creates(write_config(base_dir, n, settings), n, p)
            engine = engine_run(
                write_config(engine_dir, n, settings), p, commit_waits=not args.commit_no_wait
            )
            unpersisted = engine_run(write_config(memory_dir, n, settings), p, persist=False)[0]
        check_ok(engine[0], n)
        check_ok(unpersisted, n)
        print(
            f"  round {round_number + 1}: baseline {base[0]:.2f} s, "
            f"engine {engine[0].seconds:.2f} s, without persisting {unpersisted.seconds:.2f} s"
        )
        if base_best is None or base[0] < base_best[0]:
            base_best = base
        if engine_best is None or engine[0].seconds < engine_best[0].seconds:
            engine_best = engine
        if memory_best is None or unpersisted.seconds < memory_best.seconds:
            memory_best = unpersisted
    assert base_best is not None and engine_best is not None and memory_best is not None
    report(n, p, base_best, engine_best, memory_best)


def report(
    n: int,
    p: int,
    base: tuple[float, float],
    engine: tuple[Any, Stopwatch, Stopwatch, dict],
    unpersisted: Any,
) -> None:
    run, persisting, operating, extra = engine
    per_op_ms = (run.seconds - base[0]) / n * 1000
    cpu_ms = (run.cpu_seconds - base[1]) / n * 1000
    print(f"{'':26} {'wall s':>8} {'per op ms':>10} {'core CPU ms/op':>15}")
    rows = [("thread pool -> stubs", *base), ("engine apply", run.seconds, run.cpu_seconds)]
    rows.append(("engine, no persisting", unpersisted.seconds, unpersisted.cpu_seconds))
    for name, wall, cpu in rows:
        print(f"{name:26} {wall:>8.2f} {wall / n * 1000:>10.3f} {cpu / n * 1000:>15.3f}")
    print(f"overhead per operation: {per_op_ms:.3f} ms wall (target <= 0.5), "
          f"{cpu_ms:.3f} ms core CPU")
    wall_share = (run.seconds - unpersisted.seconds) / run.seconds
    print(f"persisting share of apply wall time: {wall_share:.1%} (target <= 10%)")
    print(
        f"  threads spent {persisting.seconds:.2f} s in {persisting.calls} begin/commit calls "
        f"({extra['appends']} journal appends) of {operating.seconds:.2f} s inside operations: "
        f"{persisting.seconds / operating.seconds:.1%} of operation thread time"
    )


if __name__ == "__main__":
    main()
