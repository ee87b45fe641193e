"""An update killed in flight leaves a durable intent, and the next apply finishes it.
Through the real CLI and the real local provider (its latency_ms keeps the update in
flight long enough to SIGKILL the core in the middle of it)."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

from .conftest import GENESYS, genesys_env, run_genesys


def _config(size: str, latency_ms: int) -> str:
    return f"""provider: local
providers:
  local:
    latency_ms: {latency_ms}
resources:
  network:
    - name: main
      cidr: 10.40.0.0/16
      subnets:
        - name: public
          cidr: 10.40.1.0/24
  compute:
    - name: web
      type: {size}
      image: ubuntu-lts
      network: main
      subnet: public
      user_data: |
        #!/bin/sh
        while true; do sleep 1; done
"""


def _state(project: Path):
    from genesys.state import LocalBackend, StateManager, local_state_directory

    backend = LocalBackend(local_state_directory(project / "genesys.yaml"))
    return StateManager.open(backend, operation="test", lock=False)


def _kill_during_update(project: Path) -> None:
    apply = subprocess.Popen(
        [*GENESYS, "apply", "--auto-approve"],
        cwd=project,
        env=genesys_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        assert apply.stdout is not None
        deadline = time.monotonic() + 60
        while "compute.web: Modifying..." not in apply.stdout.readline():
            assert apply.poll() is None and time.monotonic() < deadline
        time.sleep(1.0)  # the update is in flight: the provider is still working on it
        assert apply.poll() is None, "the update finished before it could be killed"
        apply.send_signal(signal.SIGKILL)
    finally:
        apply.wait()
        if apply.stdout is not None:
            apply.stdout.close()


def test_an_update_killed_in_flight_is_finished_by_the_next_apply(tmp_path: Path) -> None:
    config = tmp_path / "genesys.yaml"
    config.write_text(_config("small", latency_ms=0))
    made = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr

    config.write_text(_config("large", latency_ms=4000))
    _kill_during_update(tmp_path)
    state = _state(tmp_path)
    try:
        intent = state.intents.get("compute.web")
        assert intent is not None, "the update left no intent"
        assert intent.operation == "update" and intent.changed == ["size"]
        assert intent.id == state.resources["compute.web"].id
    finally:
        state.close()

    config.write_text(_config("large", latency_ms=0))
    converged = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert converged.returncode == 0, converged.stdout + converged.stderr
    assert "compute.web: interrupted update" in converged.stderr
    assert "compute.web: Modifying..." in converged.stdout
    noop = run_genesys("plan", "--detailed-exitcode", cwd=tmp_path)
    assert noop.returncode == 0, noop.stdout + noop.stderr
    state = _state(tmp_path)
    try:
        assert not state.intents
        web = state.resources["compute.web"]
        assert web.attributes["size"] == "large" and web.attributes["state"] == "running"
        assert not web.unfinished_update
    finally:
        state.close()
