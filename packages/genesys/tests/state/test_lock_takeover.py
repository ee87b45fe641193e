"""Taking over the lock of a run that died on this host: atomic, visible, and exactly one
winner when several runs try at once (real processes racing on a real directory)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

from genesys.state import LocalBackend
from genesys.state.records import LockInfo

RACERS = 8
ROUNDS = 3

# Waits for the go file (so every racer starts within a millisecond of the others), then
# tries to open the state for apply; holds a won lock until stdin closes.
RACER = """
import os, sys, time
from genesys.state import LocalBackend, StateManager
from genesys.errors import GenesysError
state_dir, go = sys.argv[1], sys.argv[2]
open(go + ".ready-" + str(os.getpid()), "w").close()
while not os.path.exists(go):
    time.sleep(0.0005)
try:
    manager = StateManager.open(LocalBackend(state_dir), operation="apply")
except GenesysError as err:
    print("refused:", err, flush=True)
    sys.exit(3)
print("acquired", flush=True)
sys.stdin.readline()
manager.close()
"""


def _dead_holder(state_dir: Path) -> LockInfo:
    """A lock left by a process of this host that has exited."""
    script = (
        "import sys; from genesys.state import LocalBackend; "
        "from genesys.state.records import LockInfo; "
        "assert LocalBackend(sys.argv[1]).lock(LockInfo.new('apply')) is None"
    )
    subprocess.run([sys.executable, "-c", script, str(state_dir)], check=True, timeout=60)
    holder = LocalBackend(state_dir).read_lock()
    assert holder is not None and holder.holder_is_gone()
    return holder


def _race(state_dir: Path, go: Path) -> list[tuple[subprocess.Popen, str]]:
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(state_dir), str(go)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(RACERS)
    ]
    deadline = time.monotonic() + 60
    while len(list(go.parent.glob(go.name + ".ready-*"))) < RACERS:
        assert time.monotonic() < deadline, "racers did not start"
        time.sleep(0.01)
    go.touch()
    results = []
    for racer in racers:
        assert racer.stdout is not None
        results.append((racer, racer.stdout.readline().strip()))
    return results


def _finish(results: list[tuple[subprocess.Popen, str]]) -> dict[int, str]:
    stderr = {}
    for racer, _ in results:
        _, err = racer.communicate(input="\n", timeout=60)
        stderr[racer.pid] = err
    return stderr


def test_racing_take_overs_of_a_dead_holder_have_exactly_one_winner(tmp_path: Path) -> None:
    for round_ in range(ROUNDS):
        state_dir = tmp_path / f"state-{round_}"
        dead = _dead_holder(state_dir)
        results = _race(state_dir, tmp_path / f"go-{round_}")
        try:
            winners = [racer for racer, line in results if line == "acquired"]
            assert len(winners) == 1, [line for _, line in results]
            [winner] = winners
            for racer, line in results:
                if racer is not winner:
                    assert line.startswith(f"refused: state is locked by apply (pid {winner.pid}")
        finally:
            stderr = _finish(results)
        took_over = (
            f"Took over the lock of pid {dead.pid} on {socket.gethostname()}, "
            "which is no longer running"
        )
        assert stderr[winner.pid].count(took_over) == 1
        assert all(took_over not in err for pid, err in stderr.items() if pid != winner.pid)
        assert winner.returncode == 0
        assert LocalBackend(state_dir).read_lock() is None  # the winner released it


def test_take_over_is_a_compare_and_swap_on_the_holder(tmp_path: Path) -> None:
    backend = LocalBackend(tmp_path)
    first = LockInfo.new("apply")
    assert backend.lock(first) is None
    mine, stale = LockInfo.new("apply"), LockInfo.new("apply")
    assert backend.take_over(stale, mine) == first  # not the holder any more: refused
    assert backend.read_lock() == first
    assert backend.take_over(first, mine) is None
    assert backend.read_lock() == mine
    assert backend.take_over(first, LockInfo.new("apply")) == mine  # a second taker loses
    backend.unlock(mine.id)
    assert backend.read_lock() is None
