"""`genesys --help` start-up time against a bare interpreter start (target ≤ 0.3 s).

    uv run --all-packages python tools/bench/cli_startup.py [RUNS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def _median_seconds(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(runs: int) -> None:
    bare = _median_seconds([sys.executable, "-c", "pass"], runs)
    cli = _median_seconds([sys.executable, "-m", "genesys.cli.main", "--help"], runs)
    print(f"python -c pass (baseline): {bare * 1000:6.0f} ms (median of {runs})")
    print(f"genesys --help:            {cli * 1000:6.0f} ms   target <= 300 ms")
    print(f"genesys's own import + parser build: {(cli - bare) * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
