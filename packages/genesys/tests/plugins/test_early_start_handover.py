"""The CLI starts the plugin before it imports the engine; the session takes that start over,
and a start nobody took is stopped at exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from genesys.plugins import early as early_module
from genesys.plugins.early import EarlyStart

CONFIG = "provider: local\nresources:\n  storage:\n    - {name: handover-b, type: bucket}\n"


def test_the_session_takes_over_the_start_the_cli_began(tmp_path: Path) -> None:
    config = tmp_path / "genesys.yaml"
    config.write_text(CONFIG)
    EarlyStart.begin_now(config)
    started = early_module._pending[str(config.resolve())]
    # The session names the path its own way (not resolved): still the same start.
    taken = EarlyStart.begin(tmp_path / "." / "genesys.yaml")
    assert taken is started and not early_module._pending
    manager = taken.take("local", ())
    assert manager is not None and manager.started() == ["local"]
    manager.close()
    again = EarlyStart.begin(config)  # taken once: a later begin starts anew
    assert again is not None and again is not started
    again.close()


def test_a_start_nobody_took_is_stopped_at_exit(tmp_path: Path) -> None:
    config = tmp_path / "genesys.yaml"
    config.write_text(CONFIG)
    EarlyStart.begin_now(config)
    unclaimed = early_module._pending[str(config.resolve())]
    early_module._close_unclaimed()
    assert not early_module._pending and unclaimed.plugins.started() == []


def test_apply_and_plan_run_with_the_plugin_started_before_the_imports(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(CONFIG)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NO_COLOR": "1"}
    for command in (["apply", "--auto-approve"], ["plan", "--detailed-exitcode"]):
        done = subprocess.run(
            [sys.executable, "-m", "genesys.cli.main", *command],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={**env, "HOME": str(tmp_path)},
        )
        assert done.returncode == 0, done.stderr
    assert "No changes" in done.stdout
