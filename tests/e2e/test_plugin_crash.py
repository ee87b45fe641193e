"""A provider plugin killed mid-apply: one clear message, exit 1, finished work recorded."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from .conftest import GENESYS, genesys_env, run_genesys


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found.extend(int(c) for c in children)
    return found


def _plugin_pid(core_pid: int) -> int:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for child in _children(core_pid):
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"genesys-provider-local" in cmdline or b"genesys_provider_local" in cmdline:
                return child
        time.sleep(0.05)
    raise AssertionError("the local provider plugin never started")


def test_sigkill_of_the_plugin_mid_apply(tmp_path: Path) -> None:
    lines = ["provider: local", "providers:", "  local:", "    latency_ms: 300",
             "resources:", "  storage:"]
    for i in range(20):
        lines += [f"    - name: b-{i}", "      type: bucket"]
    (tmp_path / "genesys.yaml").write_text("\n".join(lines) + "\n")
    core = subprocess.Popen([*GENESYS, "apply", "--auto-approve", "--parallelism", "2"],
                            cwd=tmp_path, env=genesys_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert core.stdout is not None
    while "Creation complete" not in core.stdout.readline():
        assert core.poll() is None
    os.kill(_plugin_pid(core.pid), signal.SIGKILL)
    out, err = core.communicate(timeout=60)

    assert core.returncode == 1, out + err
    assert "provider 'local'" in err and "SIGKILL" in err
    assert "Traceback" not in err
    recorded = run_genesys("state", "list", cwd=tmp_path).stdout.split()
    assert len(recorded) >= 1  # what finished before the crash is in state
    assert run_genesys("apply", "--auto-approve", cwd=tmp_path).returncode == 0
