"""Crash safety and locking of apply, through the real CLI and the real local provider."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import GENESYS, genesys_env, run_genesys

N_NETWORKS, N_BUCKETS = 10, 80  # 10 networks + 10 subnets + 80 buckets = 100 resources


def _config(latency_ms: int) -> str:
    lines = [
        "provider: local",
        "providers:",
        "  local:",
        f"    latency_ms: {latency_ms}",
        "resources:",
        "  network:",
    ]
    for i in range(N_NETWORKS):
        lines += [
            f"    - name: net-{i}",
            f"      cidr: 10.{i}.0.0/16",
            "      subnets:",
            f"        - name: sub-{i}",
            f"          cidr: 10.{i}.1.0/24",
        ]
    lines.append("  storage:")
    for i in range(N_BUCKETS):
        lines += [f"    - name: bucket-{i}", "      type: bucket"]
    return "\n".join(lines) + "\n"


def _recorded_ids(project: Path) -> set[str]:
    from genesys.state import LocalBackend, StateManager, local_state_directory

    state = StateManager.open(
        LocalBackend(local_state_directory(project / "genesys.yaml")), operation="test", lock=False
    )
    try:
        assert not state.intents, f"operations left in flight: {sorted(state.intents)}"
        return {record.id for record in state.resources.values()}
    finally:
        state.close()


def _existing_ids(project: Path) -> set[str]:
    """What the local provider actually holds, listed through its own List RPCs."""
    from genesys.config import load_config
    from genesys.engine.session import configure_plugin
    from genesys.kinds import KINDS
    from genesys.plugins import launch_plugin
    from genesys.provider.v1 import common_pb2

    config = load_config(project / "genesys.yaml")
    with launch_plugin("local") as conn:
        configure_plugin(conn, config, project, "local")
        ids = set()
        for kind in (KINDS["network"], KINDS["subnet"], KINDS["bucket"]):
            method = getattr(getattr(conn, kind.service), kind.rpc("list"))
            ids.update(item.id for item in method(common_pb2.ListRequest()))
    return ids


@pytest.mark.parametrize("trial", range(4))
def test_sigkill_during_apply_leaves_no_orphans(tmp_path: Path, trial: int) -> None:
    (tmp_path / "genesys.yaml").write_text(_config(latency_ms=80))
    process = subprocess.Popen([*GENESYS, "apply", "--auto-approve", "--parallelism", "4"],
                               cwd=tmp_path, env=genesys_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    assert process.stdout is not None
    while "Creating..." not in process.stdout.readline():  # the apply has begun
        assert process.poll() is None
    time.sleep(random.Random(trial).uniform(0.0, 1.2))
    assert process.poll() is None, "apply finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()

    converged = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert converged.returncode == 0, converged.stdout + converged.stderr
    noop = run_genesys("plan", "--detailed-exitcode", cwd=tmp_path)
    assert noop.returncode == 0, noop.stdout + noop.stderr
    recorded = _recorded_ids(tmp_path)
    assert len(recorded) == 100
    assert _existing_ids(tmp_path) == recorded


def test_second_concurrent_apply_fails_at_once_naming_the_holder(tmp_path: Path) -> None:
    # 2 s per call: the first apply holds the lock for minutes, so "at once" below (a CLI
    # start, seconds on a loaded machine) is far from what waiting for it would take
    (tmp_path / "genesys.yaml").write_text(_config(latency_ms=2000))
    first = subprocess.Popen(
        [*GENESYS, "apply", "--auto-approve", "--parallelism", "2"],
        cwd=tmp_path,
        env=genesys_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while "Creating..." not in (first.stdout.readline() if first.stdout else ""):
            assert time.monotonic() < deadline and first.poll() is None
        started = time.monotonic()
        second = run_genesys("apply", "--auto-approve", cwd=tmp_path)
        waited = time.monotonic() - started
        assert second.returncode == 1
        assert "locked" in second.stderr and f"pid {first.pid}" in second.stderr
        assert "force-unlock" in second.stderr
        assert waited < 30  # fails at once: no waiting for the lock
    finally:
        first.kill()
        first.wait()
