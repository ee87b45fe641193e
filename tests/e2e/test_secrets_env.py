"""Through the real CLI: the state passphrase and the user's shell secrets reach neither the
plugin's children nor the files the local provider writes (issue 14, item 2)."""

from __future__ import annotations

import stat
import time
from pathlib import Path

from .conftest import genesys_env, local_root, run_genesys

CANARY = "shell-canary-5d1e7a"
CONFIG = """\
provider: local
state:
  encrypt: true
providers:
  local:
    env_passthrough: [MY_PLUGIN_SETTING]
resources:
  compute:
    - name: box
      type: small
      image: ubuntu-lts
      user_data: |
        #!/bin/sh
        env > "$GENESYS_INSTANCE_DIR/env.txt"
        echo END >> "$GENESYS_INSTANCE_DIR/env.txt"
"""


def _env_file(project: Path) -> Path:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for path in (local_root(project) / "instances").glob("*/env.txt"):
            if path.read_text().endswith("END\n"):
                return path
        time.sleep(0.1)
    raise AssertionError("the instance did not write its environment")


def test_children_of_the_plugin_never_see_the_passphrase(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(CONFIG)
    env = genesys_env(GENESYS_STATE_PASSPHRASE=CANARY, MY_SHELL_TOKEN=CANARY, MY_PLUGIN_SETTING="x")
    try:
        applied = run_genesys("apply", "--auto-approve", cwd=tmp_path, env=env)
        assert applied.returncode == 0, applied.stdout + applied.stderr
        seen = _env_file(tmp_path).read_text()
        assert CANARY not in seen and "GENESYS_INSTANCE_ID=" in seen
        assert "MY_PLUGIN_SETTING" not in seen  # the plugin's, not its instances'
        root = local_root(tmp_path)
        assert stat.S_IMODE(root.stat().st_mode) == 0o700
        for spec in root.rglob("spec.json"):
            assert stat.S_IMODE(spec.stat().st_mode) == 0o600
            assert CANARY not in spec.read_text()
    finally:
        destroyed = run_genesys("destroy", "--auto-approve", cwd=tmp_path, env=env)
        assert destroyed.returncode == 0, destroyed.stderr


def test_a_bad_passthrough_list_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(
        "provider: local\nproviders:\n  local:\n    env_passthrough: [not a name]\n"
    )
    planned = run_genesys("plan", cwd=tmp_path)
    assert planned.returncode == 1
    assert "providers.local.env_passthrough[0]: invalid environment variable pattern" in (
        planned.stderr
    )
    assert "Traceback" not in planned.stderr
