"""Whole-CLI apply and no-op plan on moto vs a threaded boto3 script, both as whole processes.

    uv run --all-packages python tools/bench/aws_apply.py [--instances 100] [--buckets 50]
                                                          [--rounds 3] [--threads 16]

What a user runs is measured: `genesys apply --auto-approve` from a fresh project directory
(start-up, plugin start, config, refresh, plan, apply, state) creating N `t3.medium` instances
(one `count` block) and M versioned, encrypted buckets, then `genesys plan` on the result (a
no-op plan: refresh + diff). The peer is tools/bench/aws_peer.py, a hand-written threaded
boto3 script (best practice: client tokens, tags in the launch, one filtered Describe per poll),
run as a process that creates the same resources (`apply`) and reads them back (`read`).

One moto server (tools/bench/aws_moto.py) serves every run; it is emptied before each apply.
Rounds alternate which side goes first so both see the same machine load; the median of the
rounds is reported. API calls are counted AT THE MOTO SERVER (a WSGI middleware in front of
moto counts every request it answers, by operation), so both sides are counted the same way,
whatever process sent the call. "CPU client" is the CPU seconds the measured process and its
waited-for children (the CLI's plugin) used, from getrusage: load does not inflate it as it
does wall time; "moto" is the CPU seconds moto's threads spent answering that side's calls.
moto is one CPU-bound process sharing the machine, so times measure client work plus moto's;
calls are what costs on a real cloud (and what AWS throttles).

Targets: apply <= 1.3 x the threaded script; no-op plan <= 1.5 x the read-only
script. The project directory (state) is a temporary directory on the disk named in the output.
Both sides run with bytecode caching on (PYTHONDONTWRITEBYTECODE dropped, caches under the
scratch directory), as an installed tool runs; a warm-up run of each side fills the caches.
To measure another checkout (a "before"), put its src directories on PYTHONPATH: the config then
passes PYTHONPATH through to the plugin (`providers.aws.env_passthrough`); that also turns off
the core's early plugin start (it only guesses a config without env_passthrough), which costs
that side the start-up overlap. The calls each side made are listed per API (--no-calls: totals
only).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_disk
from aws_moto import FAKE_CREDENTIALS, busy_seconds, calls, counting_moto, reset, zero_calls

APPLY_TARGET = 1.3
PLAN_TARGET = 1.5
PEER = Path(__file__).resolve().with_name("aws_peer.py")
GENESYS = [sys.executable, "-m", "genesys.cli.main"]


def config_text(instances: int, buckets: int, prefix: str) -> str:
    lines = ["provider: aws", "region: us-east-1"]
    if os.environ.get("PYTHONPATH"):  # measuring another checkout: its plugin code too
        lines += ["providers:", "  aws: {env_passthrough: [PYTHONPATH]}"]
    lines += [
        "resources:",
        "  compute:",
        f"    - {{name: {prefix}-web, type: medium, image: amazon-linux, count: {instances}}}",
        "  storage:",
    ]
    for n in range(buckets):
        lines.append(
            f"    - {{name: {prefix}-b{n}, type: bucket, versioning: true, encryption: true}}"
        )
    return "\n".join(lines) + "\n"


def environment(url: str, scratch: Path) -> dict[str, str]:
    nowhere = str(scratch / "no-such-aws-file")
    env = {**os.environ, **FAKE_CREDENTIALS, "NO_COLOR": "1", "AWS_ENDPOINT_URL": url}
    # As installed: bytecode compiled once (the warm-up), not at every start of every run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    env.update(AWS_CONFIG_FILE=nowhere, AWS_SHARED_CREDENTIALS_FILE=nowhere)
    for leaky in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
        env.pop(leaky, None)
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], cwd: Path, env: dict[str, str], cpu: list[float]) -> float:
    """Wall seconds of the command; appends to `cpu` the CPU seconds it and its waited-for
    children (the CLI's plugin) used: a figure the machine's load does not inflate."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    elapsed = time.perf_counter() - started
    cpu.append(_children_cpu() - cpu_before)
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return elapsed


@dataclass
class Side:
    """One side's samples: wall seconds and API calls per phase."""

    apply_s: list[float] = field(default_factory=list)
    read_s: list[float] = field(default_factory=list)
    apply_cpu: list[float] = field(default_factory=list)
    read_cpu: list[float] = field(default_factory=list)
    apply_calls: Counter[str] = field(default_factory=Counter)
    read_calls: Counter[str] = field(default_factory=Counter)
    apply_moto_cpu: list[float] = field(default_factory=list)
    read_moto_cpu: list[float] = field(default_factory=list)

    def record(self, phase: str, url: str) -> None:
        """The calls and moto CPU seconds of the phase just run (then zeroed)."""
        setattr(self, f"{phase}_calls", calls(url))
        getattr(self, f"{phase}_moto_cpu").append(sum(busy_seconds(url).values()))
        zero_calls(url)


def run_ours(url: str, scratch: Path, args: argparse.Namespace, side: Side, tag: str) -> None:
    project = Path(tempfile.mkdtemp(prefix="project-", dir=scratch))
    (project / "genesys.yaml").write_text(config_text(args.instances, args.buckets, tag))
    env = environment(url, scratch)
    reset(url)
    side.apply_s.append(run([*GENESYS, "apply", "--auto-approve"], project, env, side.apply_cpu))
    side.record("apply", url)
    side.read_s.append(run([*GENESYS, "plan"], project, env, side.read_cpu))
    side.record("read", url)


def run_peer(url: str, scratch: Path, args: argparse.Namespace, side: Side, tag: str) -> None:
    env = environment(url, scratch)
    sizes = [str(args.instances), str(args.buckets), str(args.threads)]
    reset(url)
    py = [sys.executable, str(PEER)]
    side.apply_s.append(run([*py, "apply", tag, *sizes], scratch, env, side.apply_cpu))
    side.record("apply", url)
    side.read_s.append(run([*py, "read", tag, *sizes], scratch, env, side.read_cpu))
    side.record("read", url)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--instances", type=int, default=100)
    parser.add_argument("--buckets", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (median)")
    parser.add_argument("--threads", type=int, default=16, help="the peer script's threads")
    parser.add_argument(
        "--calls",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="print the calls of each side by operation (default on)",
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    ours, peer = Side(), Side()
    with tempfile.TemporaryDirectory(prefix="genesys-bench-aws-", dir="/var/tmp") as tmp:
        scratch = Path(tmp)
        print(f"project and state directories under {bench_disk.describe(scratch)}")
        print(f"load average at start: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} CPUs")
        with counting_moto() as url:
            # Warm-up (not counted): moto loads its AMI and instance-type tables on first use.
            warm = argparse.Namespace(instances=1, buckets=1, threads=1)
            run_peer(url, scratch, warm, Side(), "warm")
            run_ours(url, scratch, warm, Side(), "warm")
            for round_no in range(args.rounds):
                order = [(run_ours, ours), (run_peer, peer)]
                for runner, side in order if round_no % 2 else order[::-1]:
                    runner(url, scratch, args, side, f"r{round_no}")
    print(f"load average at end: {os.getloadavg()[0]:.2f} (1 min)")
    report(args, ours, peer)


def report(args: argparse.Namespace, ours: Side, peer: Side) -> None:
    total = args.instances + args.buckets
    print(
        f"{args.instances} t3.medium instances + {args.buckets} versioned encrypted buckets,"
        f" moto, {args.rounds} rounds, peer threads {args.threads}"
    )
    for phase, target in (("apply", APPLY_TARGET), ("read", PLAN_TARGET)):
        mine, theirs = getattr(ours, f"{phase}_s"), getattr(peer, f"{phase}_s")
        mine_calls = sum(getattr(ours, f"{phase}_calls").values())
        their_calls = sum(getattr(peer, f"{phase}_calls").values())
        ratio = statistics.median(mine) / statistics.median(theirs)
        names = (
            ("genesys apply", "boto3 threaded apply")
            if phase == "apply"
            else ("genesys plan (no-op)", "boto3 threaded read")
        )
        rows = (
            (names[0], mine, mine_calls, ours, phase),
            (names[1], theirs, their_calls, peer, phase),
        )
        for name, samples, count, side, key in rows:
            cpu = statistics.median(getattr(side, f"{key}_cpu"))
            moto_cpu = statistics.median(getattr(side, f"{key}_moto_cpu"))
            print(
                f"  {name:<24}{statistics.median(samples):7.2f} s  {count:5d} API calls"
                f" ({count / total:.2f}/resource)  CPU client {cpu:4.2f} s, moto {moto_cpu:4.2f} s"
                f"  runs {', '.join(f'{s:.2f}' for s in samples)}"
            )
        verdict = "OK" if ratio <= target else "OVER TARGET"
        print(f"  {phase} ratio {ratio:.2f} (target <= {target}): {verdict}")
    if args.calls:
        for label, counter in (
            ("genesys apply", ours.apply_calls),
            ("genesys plan", ours.read_calls),
            ("boto3 apply", peer.apply_calls),
            ("boto3 read", peer.read_calls),
        ):
            print(f"  calls, {label}: " + ", ".join(f"{k} {v}" for k, v in counter.most_common()))


if __name__ == "__main__":
    main()
