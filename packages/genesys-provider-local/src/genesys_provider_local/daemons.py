"""Plugin side of supervised processes (instances, function gateways): launch, inspect, stop."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from genesys_provider_local import processes
from genesys_provider_local.fs import write_atomic
from genesys_provider_local.supervisor import LOG_FILE, SPEC_FILE, STATE_FILE

READY_TIMEOUT_SECONDS = 15.0


# What a child gets from the plugin's own environment: enough to find programs and speak
# the user's locale. Nothing else (cloud credentials, tokens the core passed the plugin):
# instances, gateways and handlers see only what their config gives them.
HOST_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL")


def child_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """A minimal environment for something the provider starts, plus `extra`."""
    env = {k: os.environ[k] for k in HOST_VARIABLES if k in os.environ}
    env.update(extra or {})
    return env


def read_state(directory: Path) -> dict[str, Any] | None:
    try:
        state = json.loads((directory / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def _tail(path: Path, limit: int = 2000) -> str:
    try:
        return path.read_bytes()[-limit:].decode(errors="replace").strip()
    except OSError:
        return ""


def launch(directory: Path, spec: dict[str, Any]) -> dict[str, Any]:
    """Starts a detached supervisor for `directory`; returns its {"pid", "start"}."""
    # The spec holds the child's environment (a function's may hold secrets): owner only.
    write_atomic(directory / SPEC_FILE, json.dumps(spec).encode(), 0o600)
    launcher = subprocess.run(
        [sys.executable, "-m", "genesys_provider_local.supervisor", str(directory)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=child_environment(),
        timeout=READY_TIMEOUT_SECONDS,
        check=False,
        start_new_session=True,
    )
    if launcher.returncode != 0:
        detail = launcher.stderr.decode(errors="replace").strip().splitlines()
        raise OSError(f"the supervisor did not start: {detail[-1] if detail else 'no output'}")
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        state = read_state(directory)
        if state is not None:
            return state
        time.sleep(0.01)
    raise OSError(f"the supervisor did not report in time; its log: {_tail(directory / LOG_FILE)}")


def is_running(state: dict[str, Any] | None) -> bool:
    if not state:
        return False
    return processes.is_alive(int(state.get("pid", 0)), str(state.get("start", "")))


def stop(directory: Path, grace: float = 5.0) -> None:
    state = read_state(directory)
    if state is not None:
        processes.terminate_group(int(state.get("pid", 0)), str(state.get("start", "")), grace)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (callers retry on a clash)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
