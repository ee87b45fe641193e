"""Plugin start latency: spawn -> handshake -> mTLS channel -> first GetMetadata answered.

    uv run --all-packages python tools/bench/plugin_start.py [PLUGIN ...] [-n 15]

By default every shipped plugin is measured, as the core starts it (its installed executable,
its scrubbed environment): local, aws, gcp, azure, alibaba, tencent, plus the echo plugin
(tools/bench/plugin_echo.py, the smallest real plugin) as the floor. PLUGIN may be a provider
name or a path. Starts go round-robin over the plugins, so a busy machine weighs on all of them
alike; the load average is printed. Prints the median and spread of N starts per plugin.
Target: median <= 0.5 s for every shipped plugin.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from genesys.plugins import launch_plugin
from genesys.plugins.tls import core_certificate

TARGET_SECONDS = 0.5
ECHO_PLUGIN = str(Path(__file__).with_name("plugin_echo.py"))
SHIPPED = ["local", "aws", "gcp", "azure", "alibaba", "tencent"]


def time_one_start(plugin: str) -> float:
    started = time.perf_counter()
    conn = launch_plugin(plugin)
    assert conn.metadata.name  # the first answer is in
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("plugins", nargs="*", default=[*SHIPPED, ECHO_PLUGIN])
    parser.add_argument("-n", type=int, default=15, help="starts per plugin (default 15)")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} CPUs")
    cert_started = time.perf_counter()
    core_certificate()  # made once per core run, not per plugin start: reported apart
    cert_seconds = time.perf_counter() - cert_started
    samples: dict[str, list[float]] = {plugin: [] for plugin in args.plugins}
    for plugin in args.plugins:
        time_one_start(plugin)  # warm the OS file cache and the bytecode caches
    for _ in range(args.n):
        for plugin in args.plugins:
            samples[plugin].append(time_one_start(plugin))
    print(f"load average at end: {os.getloadavg()[0]:.2f} (1 min)")
    print(f"plugin start, {args.n} starts each, round-robin")
    worst = 0.0
    for plugin, times in samples.items():
        times.sort()
        median = statistics.median(times)
        shipped = plugin in SHIPPED
        worst = max(worst, median) if shipped else worst
        verdict = ("OK" if median <= TARGET_SECONDS else "OVER TARGET") if shipped else "floor"
        print(
            f"  {Path(plugin).name:<16} median {median * 1000:5.0f} ms   "
            f"min {times[0] * 1000:5.0f} ms   max {times[-1] * 1000:5.0f} ms   {verdict}"
        )
    print(f"  once per core run: core certificate {cert_seconds * 1000:.0f} ms")
    verdict = "OK" if worst <= TARGET_SECONDS else "OVER TARGET"
    print(f"  slowest shipped plugin {worst * 1000:.0f} ms, target <= 500 ms: {verdict}")


if __name__ == "__main__":
    main()
