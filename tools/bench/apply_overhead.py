"""Engine overhead per resource operation, and the share of apply time spent persisting state.

    uv run --all-packages python tools/bench/apply_overhead.py [--resources 3000]
        [--parallelism 16] [--rounds 3]

Zero injected latency by default, so the provider's own time is as small as it gets and
the engine's cost shows. Each round makes three runs in this process, each on a fresh
project, same plugin build, same parallelism (their order alternates between rounds):
- baseline: N CreateBucket calls from a plain thread pool straight to the plugin's generated
  stubs, no engine, no state;
- engine: `Session.apply` of a plan creating the same N buckets (plan excluded from the
  clock) with the real StateManager (local backend, fsync included);
- engine without persisting: the same apply with the state's begin/commit swapped for
  in-memory bookkeeping.

Figures per round, then their medians (the machine is shared: pairs within a round are
compared, never best-of-each):
- overhead per operation = (engine wall - baseline wall) / N; target <= 0.5 ms.
  Core CPU per operation (this process, all threads) above the baseline's is printed too.
- persisting share = (engine wall - engine-without-persisting wall) / engine wall; target
  <= 10 %. Also printed: the thread time callers spent inside begin+commit, as a share of
  the thread time inside operations (each create is begin -> provider call -> commit).
--commit-no-wait is a what-if for the create path: commit(record, wait=False).
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bench_disk
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
) -> tuple[Any, Stopwatch, Stopwatch]:
    """One timed apply; returns (run, persisting stopwatch, operations stopwatch).

    persist=False swaps the state's begin/commit for in-memory bookkeeping only: the same
    apply without persisting, to measure what persisting costs in wall time.
    commit_waits=False (a what-if): commits return once queued, as StateManager.commit
    (wait=False) allows when the durable intent covers them."""
    from genesys.engine import operations

    persisting, operating = Stopwatch(), Stopwatch()

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

    original_create = operations.create
    operations.create = operating.wrap(original_create)  # the Applier looks it up per call
    try:
        run = timed_apply(config, parallelism, instrument)
    finally:
        operations.create = original_create
    return run, persisting, operating


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=3000)
    parser.add_argument("--parallelism", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument(
        "--commit-no-wait", action="store_true",
        help="what-if: creates commit with wait=False (the durable intent covers the commit)",
    )
    args = parser.parse_args()
    n, p = args.resources, args.parallelism
    print(f"{n} bucket creates, {args.latency_ms:g} ms injected latency, parallelism {p}, "
          f"{args.rounds} rounds" + (", commits not waiting" if args.commit_no_wait else ""))
    print(f"{'':8} {'baseline s':>10} {'engine s':>9} {'no-persist s':>13} {'overhead ms/op':>15} "
          f"{'CPU ms/op':>10} {'persisting':>11} {'(thread time)':>14}")
    figures = [one_round(i, args) for i in range(args.rounds)]
    overhead, cpu, share, thread_share = (statistics.median(f) for f in zip(*figures, strict=True))
    print(f"{'median':8} {'':>10} {'':>9} {'':>13} {overhead:>15.3f} {cpu:>10.3f} "
          f"{share:>11.1%} {thread_share:>14.1%}")
    print(f"overhead per operation: {overhead:.3f} ms (target <= 0.5; core CPU {cpu:.3f} ms)")
    print(f"persisting share of apply wall time: {share:.1%} (target <= 10%)")


def one_round(index: int, args: argparse.Namespace) -> tuple[float, float, float, float]:
    """Baseline, engine and engine-without-persisting on fresh projects, in an order that
    alternates between rounds so drift in the machine's load does not favour one of them.
    Returns (overhead ms/op, core CPU ms/op, persisting share, persisting thread-time share)."""
    n, p = args.resources, args.parallelism
    settings = {"latency_ms": args.latency_ms} if args.latency_ms else None
    runs: dict[str, Any] = {}
    with bench_disk.scratch() as tmp:
        order = ["base", "engine", "memory"]
        for name in order if index % 2 == 0 else reversed(order):
            directory = Path(tmp, name)
            directory.mkdir()
            config = write_config(directory, n, settings)
            if name == "base":
                runs[name] = direct_creates(config, n, p)
            else:
                runs[name] = engine_run(
                    config, p, persist=name == "engine", commit_waits=not args.commit_no_wait
                )
    (base_wall, base_cpu), engine, memory = runs["base"], runs["engine"], runs["memory"][0]
    run, persisting, operating = engine
    check_ok(run, n)
    check_ok(memory, n)
    figures = (
        (run.seconds - base_wall) / n * 1000,
        (run.cpu_seconds - base_cpu) / n * 1000,
        (run.seconds - memory.seconds) / run.seconds,
        persisting.seconds / operating.seconds,
    )
    print(f"{'round ' + str(index + 1):8} {base_wall:>10.2f} {run.seconds:>9.2f} "
          f"{memory.seconds:>13.2f} {figures[0]:>15.3f} {figures[1]:>10.3f} "
          f"{figures[2]:>11.1%} {figures[3]:>14.1%}")
    return figures


if __name__ == "__main__":
    main()
