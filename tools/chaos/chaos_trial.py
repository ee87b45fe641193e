"""One chaos trial: an apply, update or destroy disrupted at a seeded moment, then the checks.

Disruptions: SIGKILL of the core, SIGKILL of its plugin, SIGTERM of the core (Ctrl-C's
path), or none; on the local provider each may run under injected faults (latency,
throttling, UNAVAILABLE answers). Then:

1. crash point: the state loads (without the lock, as `state list` does), and the provider
   holds nothing the state cannot account for: every resource missing from the state is
   covered by a create/replace intent (no orphan), every recorded resource missing from the
   provider by a delete/replace intent (no ghost);
2. the user re-runs the command (unlocking first only if a SIGKILLed core left its lock);
3. `plan --detailed-exitcode` (`plan --destroy ...` after a destroy) exits 0;
4. the state has no intents left and the provider's inventory equals it exactly.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from chaos_targets import Faults, Shape, inventory, recorded, render_config

GENESYS = [sys.executable, "-m", "genesys.cli.main"]
DISRUPTIONS = ("sigkill-core", "sigkill-plugin", "sigterm-core", "none")
COMMAND_TIMEOUT = 300.0
PLUGIN_EXIT_GRACE = 5.0  # a plugin whose core died must notice and exit within this
LOCK_ID = re.compile(r"genesys force-unlock (\S+)")


@dataclass
class Plan:
    """What a trial does; drawn from the campaign's seed, so a seed replays the schedule."""

    operation: str  # create | update | destroy
    target: str  # the config variant the lane moves to ("A"/"B"; kept on destroy)
    disruption: str
    at_fraction: float  # signal once this share of the operations has completed
    delay_s: float  # ... and this much later
    faults: Faults


@dataclass
class Outcome:
    index: int
    plan: Plan
    signalled: str = ""  # "" when the command ended before the signal
    exit_code: int | None = None
    stale_lock: bool = False
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


def draw(rng: random.Random, stage: str, provider: str) -> Plan:
    if stage == "":
        operation, target = "create", "A"
    elif rng.random() < 0.5:
        operation, target = "update", "B" if stage == "A" else "A"
    else:
        operation, target = "destroy", stage
    disruption = rng.choice(DISRUPTIONS)
    faults = Faults()
    if provider == "local" and (disruption == "none" or rng.random() < 0.5):
        faults = Faults(
            latency_ms=rng.choice((5, 20, 50)),
            burst=rng.choice((0, 10)),
            per_second=40.0,
            unavailable_rate=rng.choice((0.0, 0.05, 0.15)),
            seed=rng.randrange(2**31),
        )
    return Plan(operation, target, disruption, rng.uniform(0.0, 1.1), rng.uniform(0, 0.03), faults)


class Lane:
    """One project directory that trials chain through."""

    def __init__(self, root: Path, prefix: str, shape: Shape, env: dict[str, str]) -> None:
        self.project = root / prefix.rstrip("-")
        self.project.mkdir(parents=True)
        self.prefix, self.shape, self.env = prefix, shape, env
        self.stage = ""  # "" (nothing exists), "A" or "B"

    @property
    def config(self) -> Path:
        return self.project / "genesys.yaml"

    def write(self, variant: str, faults: Faults) -> None:
        self.config.write_text(render_config(self.shape, self.prefix, variant, faults))

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*GENESYS, *args],
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )


def command_of(operation: str) -> list[str]:
    return ["destroy" if operation == "destroy" else "apply", "--auto-approve"]


def run_trial(lane: Lane, index: int, plan: Plan) -> Outcome:
    outcome = Outcome(index, plan)
    started = time.monotonic()
    lane.write(plan.target, plan.faults)
    disrupted(lane, plan, outcome)
    lane.write(plan.target, Faults())  # the user re-runs without the faults
    try:
        check_crash_point(lane, outcome)
        converge(lane, plan, outcome)
        check_converged(lane, plan, outcome)
    except Exception as exc:
        outcome.failures.append(f"check failed: {type(exc).__name__}: {exc}")
    if not outcome.failures:
        lane.stage = "" if plan.operation == "destroy" else plan.target
    outcome.seconds = time.monotonic() - started
    return outcome


DONE = ("Creation complete", "Modifications complete", "Destruction complete")


class Watched:
    """A command whose output is read as it comes, noting when its first operation began."""

    def __init__(self, lane: Lane, args: list[str]) -> None:
        self.process = subprocess.Popen(
            [*GENESYS, *args],
            cwd=lane.project,
            env=lane.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.done = 0  # operations reported complete so far
        self.progress = threading.Condition()
        self.stderr: list[str] = []
        self._readers = [
            threading.Thread(target=self._read_stdout, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if any(word in line for word in DONE):
                with self.progress:
                    self.done += 1
                    self.progress.notify_all()
        with self.progress:
            self.done = sys.maxsize  # ended: nobody waits any longer
            self.progress.notify_all()

    def wait_done(self, count: int) -> None:
        with self.progress:
            self.progress.wait_for(lambda: self.done >= count, timeout=COMMAND_TIMEOUT)

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        self.stderr = self.process.stderr.readlines()

    def wait(self) -> int | None:
        """The exit code; None if it had to be killed after COMMAND_TIMEOUT."""
        try:
            code: int | None = self.process.wait(timeout=COMMAND_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            code = None
        for reader in self._readers:
            reader.join()
        return code


def disrupted(lane: Lane, plan: Plan, outcome: Outcome) -> None:
    """Runs the operation and signals it once at_fraction of its operations have completed
    (plus a seeded few ms, to land between two steps), so the moment is the same on a fast
    or a slow machine; a fraction above 1 lets it finish first (state close, unlock)."""
    run = Watched(lane, command_of(plan.operation))
    plugins: list[int] = []
    if plan.disruption != "none":
        run.wait_done(int(plan.at_fraction * lane.shape.resources))
        time.sleep(plan.delay_s)
        outcome.signalled, plugins = signal_at(run.process, plan.disruption)
    outcome.exit_code = run.wait()
    if outcome.exit_code is None:
        outcome.failures.append(f"{plan.operation} did not end in {COMMAND_TIMEOUT:.0f} s")
    if outcome.signalled == "sigkill-core":
        outcome.failures += outlived(plugins)
    if not outcome.signalled and outcome.exit_code != 0:
        stderr = _tail("".join(run.stderr))
        outcome.failures.append(f"undisturbed {plan.operation} failed: {stderr}")


def signal_at(process: subprocess.Popen[str], disruption: str) -> tuple[str, list[int]]:
    """Sends the disruption now: (what was sent, or "" if the command had ended; the core's
    plugin processes at that instant)."""
    if process.poll() is not None:
        return "", []
    plugins = plugin_pids(process.pid)
    if disruption == "sigkill-plugin":
        if not plugins:
            return "", []  # still starting, or done with its plugin: nothing to kill
        os.kill(plugins[0], signal.SIGKILL)
    else:
        os.kill(process.pid, signal.SIGKILL if disruption == "sigkill-core" else signal.SIGTERM)
    return disruption, plugins


def plugin_pids(core: int) -> list[int]:
    """The core's plugin processes (children whose command line names a provider plugin)."""
    pids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{core}/task"):
            with open(f"/proc/{core}/task/{task}/children") as f:
                pids += [int(pid) for pid in f.read().split()]
    except OSError:
        pass
    return [pid for pid in pids if "provider" in _cmdline(pid).replace("_", "-")]


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def outlived(pids: list[int]) -> list[str]:
    """A plugin must exit by itself once its core is gone; one that does not is a finding
    (and is killed, so the next trial starts clean)."""
    deadline = time.monotonic() + PLUGIN_EXIT_GRACE
    findings = []
    for pid in pids:
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
            findings.append(
                f"plugin pid {pid} outlived its SIGKILLed core by {PLUGIN_EXIT_GRACE} s"
            )
    return findings


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def check_crash_point(lane: Lane, outcome: Outcome) -> None:
    try:
        ids, intents = recorded(lane.config)
    except Exception as exc:
        outcome.failures.append(f"state does not load after the disruption: {exc}")
        return
    held = inventory(lane.config, lane.prefix)
    creating = sum(op in ("create", "replace") for op in intents.values())
    deleting = sum(op in ("delete", "replace") for op in intents.values())
    if len(held - ids) > creating:
        outcome.failures.append(
            f"orphans at the crash point: {len(held - ids)} unrecorded, "
            f"{creating} creates in flight"
        )
    if len(ids - held) > deleting:
        outcome.failures.append(
            f"ghosts at the crash point: {len(ids - held)} missing, {deleting} deletes in flight"
        )


def converge(lane: Lane, plan: Plan, outcome: Outcome) -> None:
    again = lane.run(*command_of(plan.operation))
    locked = LOCK_ID.search(again.stderr)
    if again.returncode != 0 and locked:
        outcome.stale_lock = True
        if outcome.signalled != "sigkill-core":
            outcome.failures.append(f"lock left behind after {outcome.signalled or 'a clean run'}")
        lane.run("force-unlock", "--force", locked.group(1))
        again = lane.run(*command_of(plan.operation))
    if again.returncode != 0:
        outcome.failures.append(f"re-run of {plan.operation} failed: {_tail(again.stderr)}")


def check_converged(lane: Lane, plan: Plan, outcome: Outcome) -> None:
    destroy = ["--destroy"] if plan.operation == "destroy" else []
    noop = lane.run("plan", *destroy, "--detailed-exitcode")
    if noop.returncode != 0:
        outcome.failures.append(
            f"plan after convergence exited {noop.returncode}: {_tail(noop.stdout + noop.stderr)}"
        )
    ids, intents = recorded(lane.config)
    held = inventory(lane.config, lane.prefix)
    want = 0 if plan.operation == "destroy" else lane.shape.resources
    if intents:
        outcome.failures.append(f"intents left after convergence: {sorted(intents)}")
    if held != ids or len(ids) != want:
        outcome.failures.append(
            f"inventory != state: {len(held - ids)} orphans, {len(ids - held)} ghosts, "
            f"{len(ids)} recorded (want {want})"
        )


def _tail(text: str, lines: int = 3) -> str:
    return " | ".join(text.strip().splitlines()[-lines:])
