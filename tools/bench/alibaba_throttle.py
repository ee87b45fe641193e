"""Apply of N resources on Alibaba under the emulator's throttling.

    uv run --all-packages python tools/bench/alibaba_throttle.py [N] [--throttle 0.3]

Runs the whole `genesys apply` (the CLI as a process) of a VPC, a vSwitch, a security group
and N-3 ECS instances twice, each against a fresh `genesys-emulator alibaba`: once without
faults, once with `--faults throttle=F,seed=7` (that fraction of mutating calls answered
`Throttling.User`). Target: the throttled apply completes with no error reaching the user,
within 1.5x of the unthrottled one. Prints both times.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import bench_disk
import yaml

TARGET_RATIO = 1.5
KEY = ("LTAI5tBenchKey000000000", "bench-secret")


def config(instances: int, endpoints: dict[str, str]) -> str:
    body: dict[str, Any] = {
        "provider": "alibaba",
        "region": "us-east-1",
        "resources": {
            "network": [
                {
                    "name": "bench-vpc",
                    "cidr": "10.0.0.0/16",
                    "subnets": [{"name": "main", "cidr": "10.0.0.0/20"}],
                    "security_groups": [{"name": "bench-sg"}],
                }
            ],
            "compute": [
                {
                    "name": "node",
                    "type": "medium",
                    "count": instances,
                    "network": "bench-vpc",
                    "security_groups": ["bench-sg"],
                }
            ],
        },
        "providers": {"alibaba": {"endpoints": endpoints}},
    }
    return yaml.safe_dump(body)


def timed_apply(resources: int, faults: str) -> tuple[float, str, int]:
    from genesys_emulators.testing import running

    with running("alibaba", faults=faults) as ready, bench_disk.scratch() as work:
        project = Path(work)
        (project / "genesys.yaml").write_text(config(resources - 3, ready["sdk"]))
        env = {
            **os.environ,
            "NO_COLOR": "1",
            "ALIBABA_CLOUD_ACCESS_KEY_ID": KEY[0],
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": KEY[1],
        }
        started = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "genesys.cli.main", "apply", "--auto-approve"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
            stdin=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(
            f"apply failed ({faults or 'no faults'}):\n{run.stdout[-2000:]}{run.stderr[-2000:]}"
        )
    return elapsed, run.stdout + run.stderr, resources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("resources", nargs="?", type=int, default=300)
    parser.add_argument("--throttle", type=float, default=0.3)
    args = parser.parse_args()
    plain, _, _ = timed_apply(args.resources, "")
    throttled, output, _ = timed_apply(args.resources, f"throttle={args.throttle},seed=7")
    shown = "Throttling" in output
    ratio = throttled / plain
    print(f"apply of {args.resources} resources (VPC, vSwitch, security group, ECS instances)")
    print(f"  no faults:        {plain:6.1f} s")
    print(f"  throttle={args.throttle}:     {throttled:6.1f} s   ratio {ratio:.2f}")
    verdict = "OK" if ratio <= TARGET_RATIO and not shown else "OVER TARGET"
    print(f"  throttling shown to the user: {'yes' if shown else 'no'}")
    print(f"  target <= {TARGET_RATIO}x, nothing shown: {verdict}")


if __name__ == "__main__":
    main()
