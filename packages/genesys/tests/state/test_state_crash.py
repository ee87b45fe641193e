"""Crash safety: a child process writing state is SIGKILLed at random moments (mid-append,
mid-compaction, mid-lock); every reload must succeed, hold everything the child saw
acknowledged, and otherwise be a prefix of what it attempted, with nothing corrupted."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from genesys.errors import StateLockedError
from genesys.state import LocalBackend, StateManager, force_unlock

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

WRITER = r"""
import sys, threading
from genesys.state import Intent, LocalBackend, ResourceRecord, StateManager

directory, mode, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
backend = LocalBackend(directory)
out = threading.Lock()

def step(manager, n):
    address = f"compute.vm{n}"
    manager.begin(Intent(address, "instance", "local", "create", f"tok-{n}"))
    attributes = {"name": f"vm{n}", "payload": "x" * 300}
    manager.commit(ResourceRecord(address, "instance", "local", f"i-{n}", attributes))
    with out:  # acknowledged: durable before this line is printed
        sys.stdout.write(f"{n}\n")
        sys.stdout.flush()

def run_from(manager, n, stride):
    while True:
        step(manager, n)
        n += stride

print("ready", flush=True)
if mode == "sequential":
    run_from(StateManager.open(backend), start, 1)
elif mode == "cycles":  # many open/compact/close rounds: kills land in compactions too
    n = start
    while True:
        with StateManager.open(backend) as manager:
            for _ in range(3):
                step(manager, n)
                n += 1
elif mode == "threads":
    manager = StateManager.open(backend)
    for k in range(4):
        threading.Thread(target=run_from, args=(manager, start + k, 4)).start()
"""

TRIALS = [("sequential", 3), ("cycles", 3), ("threads", 2)]


def run_and_kill(directory: Path, mode: str, start: int, delay: float) -> list[int]:
    """Starts a writer, SIGKILLs it after `delay` seconds; returns acknowledged indices."""
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(directory), mode, str(start)],
        stdout=subprocess.PIPE,
    )
    assert child.stdout is not None
    try:
        assert child.stdout.readline() == b"ready\n"
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        output = child.stdout.read()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
    lines = output.split(b"\n")[:-1]  # the last piece may be a half-printed number
    return [int(line) for line in lines]


def indices(addresses: object) -> set[int]:
    return {int(str(a).removeprefix("compute.vm")) for a in addresses}  # type: ignore[attr-defined]


def check_trial(
    backend: LocalBackend, mode: str, start: int, acked: list[int], before: set[int]
) -> set[int]:
    with StateManager.open(backend, lock=False) as reader:  # must load cleanly
        present = indices(reader.resources)
        in_flight = indices(reader.intents)
        for record in reader.resources.values():
            assert record.attributes["payload"] == "x" * 300
    assert before <= present, "a previous trial's resources were lost"
    new = present - before
    assert set(acked) <= new, f"acknowledged but lost: {sorted(set(acked) - new)[:5]}"
    strides = 4 if mode == "threads" else 1
    for lane in range(strides):  # each writer thread's resources form a prefix
        mine = sorted(n for n in new if (n - start) % strides == lane)
        assert mine == list(range(start + lane, start + lane + strides * len(mine), strides))
        next_one = start + lane + strides * len(mine)
        mine_in_flight = {n for n in in_flight if n >= start and (n - start) % strides == lane}
        assert mine_in_flight <= {next_one}  # earlier trials' intents stay for the engine
    return present


def release_if_left_locked(backend: LocalBackend) -> None:
    try:
        StateManager.open(backend).close()
    except StateLockedError as locked:
        assert "That process is gone" in str(locked)
        holder = backend.read_lock()
        assert holder is not None
        force_unlock(backend, holder.id)
        StateManager.open(backend).close()  # recovery: folds the journal into a snapshot


def test_sigkill_at_random_moments_loses_nothing_acknowledged(state_dir: Path) -> None:
    seed = int(os.environ.get("GENESYS_CRASH_SEED", "20261125"))  # vary it to soak-test
    rng = random.Random(seed)
    backend = LocalBackend(state_dir)
    present: set[int] = set()
    trial = 0
    for mode, repeats in TRIALS:
        for _ in range(repeats):
            trial += 1
            start = trial * 100_000
            delay = rng.uniform(0.05, 0.35)
            acked = run_and_kill(state_dir, mode, start, delay)
            context = (
                f"seed {seed} trial {trial} ({mode}, killed after {delay:.3f}s, {len(acked)} acked)"
            )
            try:
                loaded = check_trial(backend, mode, start, acked, present)
                release_if_left_locked(backend)
                assert check_trial(backend, mode, start, acked, present) == loaded
                present = loaded
            except AssertionError as failure:
                raise AssertionError(f"{context}: {failure}") from failure
    assert len(present) > 20  # the writers really got going
    assert not list(state_dir.glob("journal.*"))[1:]  # one live journal after recovery
