"""Plugin start latency: spawn -> handshake -> mTLS channel -> first GetMetadata answered.

    uv run python tools/bench/plugin_start.py [PLUGIN] [-n 15]

PLUGIN is a provider name or a path (default: tools/bench/plugin_echo.py, the smallest real
plugin). Prints the median and spread over N starts. Target: median <= 0.5 s.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from genesys.plugins import launch_plugin
from genesys.plugins.tls import core_certificate

TARGET_SECONDS = 0.5
DEFAULT_PLUGIN = str(Path(__file__).with_name("plugin_echo.py"))


def time_one_start(plugin: str) -> float:
    started = time.perf_counter()
    conn = launch_plugin(plugin)
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plugin", nargs="?", default=DEFAULT_PLUGIN)
    parser.add_argument("-n", type=int, default=15, help="number of starts (default 15)")
    args = parser.parse_args()
    cert_started = time.perf_counter()
    core_certificate()  # made once per core run, not per plugin start: reported apart
    cert_seconds = time.perf_counter() - cert_started
    time_one_start(args.plugin)  # warm the OS file cache
    samples = sorted(time_one_start(args.plugin) for _ in range(args.n))
    median = statistics.median(samples)
    print(f"plugin start ({args.plugin}), {args.n} runs")
    print(
        f"  median {median * 1000:.0f} ms   min {samples[0] * 1000:.0f} ms   "
        f"max {samples[-1] * 1000:.0f} ms"
    )
    print(f"  once per core run: core certificate {cert_seconds * 1000:.0f} ms")
    verdict = "OK" if median <= TARGET_SECONDS else "OVER TARGET"
    print(f"  target <= {TARGET_SECONDS * 1000:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
