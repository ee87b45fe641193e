"""Chaos campaign: applies, updates and destroys of a 100-resource config, disrupted at
random moments, each followed by the crash-safety checks (see chaos_trial.py).

    uv run --all-packages python tools/chaos/campaign.py --trials 20 --provider local
    uv run --all-packages python tools/chaos/campaign.py --trials 10 --provider aws  # moto

Seeded: the same --seed replays the same schedule: operations, disruptions, faults, and the
moment of each signal (after a drawn number of the operation's steps have completed, plus
a drawn few ms). Thread scheduling still varies, so which steps are in flight at that
moment can differ slightly between runs. Prints a summary table; exits 1 if any trial
failed a check. --json FILE writes every trial's record. Trials run one after another; a
failed trial's project is kept (its path is printed) and the next trial starts a fresh lane.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chaos_targets import Shape
from chaos_trial import DISRUPTIONS, Lane, Outcome, draw, run_trial


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--provider", choices=("local", "aws"), default="local")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--resources", type=int, default=100, help="per config (>= 3)")
    parser.add_argument("--json", type=Path, help="write every trial's record here")
    parser.add_argument("--workdir", type=Path, help="default: a temporary directory")
    parser.add_argument(
        "--max-minutes", type=float, help="start no trial after this long (a time budget)"
    )
    return parser.parse_args(argv)


@contextlib.contextmanager
def environment(provider: str, workdir: Path) -> Iterator[dict[str, str]]:
    """The CLI's environment; for aws, a moto server of the campaign's own."""
    env = {**os.environ, "NO_COLOR": "1"}
    if provider != "aws":
        yield env
        return
    from genesys_provider_aws.testing import moto_server

    nowhere = str(workdir / "no-such-aws-file")
    with open(workdir / "moto.log", "wb") as log, moto_server(log) as url:
        aws = {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": url,
            "AWS_CONFIG_FILE": nowhere,
            "AWS_SHARED_CREDENTIALS_FILE": nowhere,
        }
        saved = {k: os.environ.get(k) for k in aws}
        os.environ.update(aws)  # the checks launch the plugin from this process too
        try:
            yield {**env, **aws}
        finally:
            for key, value in saved.items():
                os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


def campaign(args: argparse.Namespace, workdir: Path, env: dict[str, str]) -> list[Outcome]:
    rng = random.Random(args.seed)
    shape = Shape(args.provider, args.resources)
    lanes = 0

    def new_lane() -> Lane:
        nonlocal lanes
        lanes += 1
        return Lane(workdir, f"cx{args.seed}l{lanes}-", shape, env)

    lane, outcomes = new_lane(), []
    stop_at = time.monotonic() + args.max_minutes * 60 if args.max_minutes else float("inf")
    for index in range(args.trials):
        if time.monotonic() > stop_at:
            print(f"time budget spent: stopping after {index} trials", flush=True)
            break
        plan = draw(rng, lane.stage, args.provider)
        try:
            outcome = run_trial(lane, index, plan)
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: report what was done, stop moto
            print(f"interrupted: stopping after {index} trials", flush=True)
            break
        outcomes.append(outcome)
        print(one_line(outcome), flush=True)
        if outcome.failures:
            print(f"    kept for inspection: {lane.project}", flush=True)
            lane = new_lane()
        elif args.provider == "local" and lane.stage == "":
            shutil.rmtree(lane.project)  # nothing left in it: start the next one afresh
            lane = new_lane()
    return outcomes


def one_line(outcome: Outcome) -> str:
    plan = outcome.plan
    status = "ok" if not outcome.failures else "FAIL: " + "; ".join(outcome.failures)
    signalled = outcome.signalled or ("ran to the end" if plan.disruption != "none" else "-")
    return (
        f"#{outcome.index:<4} {plan.operation:<8} {plan.disruption:<15} "
        f"at {plan.at_fraction:4.2f}  {signalled:<15} faults {plan.faults.describe():<28} "
        f"exit {outcome.exit_code!s:<4} {outcome.seconds:5.1f}s  {status}"
    )


def summary(outcomes: list[Outcome], provider: str, elapsed: float) -> str:
    rows = [
        f"{'operation':<10}{'disruption':<16}{'trials':>7}{'signalled':>10}"
        f"{'faults':>8}{'stale lock':>11}{'failed':>8}"
    ]
    for operation in ("create", "update", "destroy"):
        for disruption in DISRUPTIONS:
            group = [
                o
                for o in outcomes
                if (o.plan.operation, o.plan.disruption) == (operation, disruption)
            ]
            if group:
                rows.append(
                    f"{operation:<10}{disruption:<16}{len(group):>7}"
                    f"{sum(bool(o.signalled) for o in group):>10}"
                    f"{sum(o.plan.faults.active for o in group):>8}"
                    f"{sum(o.stale_lock for o in group):>11}"
                    f"{sum(bool(o.failures) for o in group):>8}"
                )
    failed = sum(bool(o.failures) for o in outcomes)
    kinds = Counter(f for o in outcomes for f in (x.split(":")[0] for x in o.failures))
    rows.append(
        f"{provider}: {len(outcomes)} trials, {failed} failed, "
        f"{sum(bool(o.signalled) for o in outcomes)} signalled mid-run, {elapsed:.0f} s"
    )
    rows += [f"  {count} x {kind}" for kind, count in kinds.most_common()]
    return "\n".join(rows)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # as Ctrl-C: summary, then moto is stopped
    if args.resources < 3:
        raise SystemExit("--resources must be at least 3")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="genesys-chaos-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with environment(args.provider, workdir) as env:
        outcomes = campaign(args, workdir, env)
    print(summary(outcomes, args.provider, time.monotonic() - started))
    if args.json:
        args.json.write_text(json.dumps([asdict(o) for o in outcomes], indent=1))
    if not any(o.failures for o in outcomes) and args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if any(o.failures for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
