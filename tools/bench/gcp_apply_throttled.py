"""Applying N resources on `genesys-emulator gcp` with and without throttling.

    uv run --all-packages python tools/bench/gcp_apply_throttled.py [N] [--throttle 0.3]

Two fresh emulators, the same config (one network and subnet, a firewall group, N/2
n1-standard-1 instances, the rest buckets), `genesys apply --auto-approve` timed as a whole
process against each: without faults, then with `--faults throttle=0.3` (30 % of mutating
calls answered 429 rateLimitExceeded). The throttled apply must complete with no error
reaching the user, within 1.5x of the unthrottled one. The emulators' answered-request
counts are printed beside the times.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import bench_disk

TARGET_RATIO = 1.5


def config(settings: dict[str, Any], count: int) -> str:
    instances = count // 2
    buckets = count - instances - 3  # network, subnet, group
    endpoints = ", ".join(f'{k} = "{v}"' for k, v in settings["endpoints"].items())
    # Buckets have no `count`: one block each (bucket names are global: a per-run prefix).
    bucket_blocks = "".join(
        f'[[resources.storage]]\nname = "bench-data-{i}"\ntype = "bucket"\n\n'
        for i in range(buckets)
    )
    return f"""provider = "gcp"
region = "us-central1"

[[resources.network]]
name = "bench"
cidr = "10.0.0.0/16"
security_groups = [{{ name = "web", ingress = [{{ port = 80, cidr_blocks = ["0.0.0.0/0"] }}] }}]

[[resources.network.subnets]]
name = "apps"
cidr = "10.0.0.0/20"

[[resources.compute]]
name = "web"
type = "small"
count = {instances}
network = "bench"
security_groups = ["web"]

{bucket_blocks}
[providers.gcp]
project = "{settings["project"]}"
region = "{settings["region"]}"
credentials = "anonymous"
poll_interval = 0.2
endpoints = {{ {endpoints} }}
"""


def timed_apply(count: int, faults: str) -> tuple[float, str]:
    from genesys_emulators.testing import running

    with running("gcp", faults=faults) as ready, bench_disk.scratch() as project:
        Path(project, "genesys.toml").write_text(config(ready["settings"], count))
        env = {**os.environ, "NO_COLOR": "1"}
        started = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "genesys.cli.main", "apply", "--auto-approve"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=3600,
            stdin=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - started
    if run.returncode != 0:
        tail = (run.stdout + run.stderr)[-2000:]
        raise SystemExit(f"apply with faults={faults or 'none'} failed:\n{tail}")
    summary = next((line for line in run.stdout.splitlines() if "Apply complete!" in line), "")
    return elapsed, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=300)
    parser.add_argument("--throttle", type=float, default=0.3)
    args = parser.parse_args()
    plain, plain_summary = timed_apply(args.count, "")
    throttled, throttled_summary = timed_apply(args.count, f"throttle={args.throttle},seed=7")
    ratio = throttled / plain
    print(
        f"apply of {args.count} resources on genesys-emulator gcp (whole `genesys apply` processes)"
    )
    print(f"  no faults:       {plain:6.1f} s   {plain_summary}")
    print(f"  throttle={args.throttle}:    {throttled:6.1f} s   {throttled_summary}")
    verdict = "OK" if ratio <= TARGET_RATIO else "OVER TARGET"
    print(f"  ratio {ratio:.2f}   target <= {TARGET_RATIO}: {verdict}")
    print(
        json.dumps(
            {
                "plain_s": round(plain, 2),
                "throttled_s": round(throttled, 2),
                "ratio": round(ratio, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
