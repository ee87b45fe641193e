"""Issue 15 item 8: `provider:` may be a path to a plugin executable, as
docs/plugin-protocol.md says: validate, plan, apply and genesys.lock all work with it.

The plugin here is a script of the team's own (it serves the local provider's code under
another name), started by path, not installed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .conftest import run_genesys

PLUGIN = f"""#!{sys.executable}
import sys
from genesys_provider_local.main import main
sys.exit(main())
"""

CONFIG = """\
provider: ./plugins/genesys-provider-mine
resources:
  storage:
    - name: team-files
      type: bucket
"""


def _project(tmp_path: Path) -> Path:
    plugin = tmp_path / "plugins" / "genesys-provider-mine"
    plugin.parent.mkdir()
    plugin.write_text(PLUGIN)
    plugin.chmod(0o755)
    (tmp_path / "genesys.yaml").write_text(CONFIG)
    return tmp_path


def test_a_plugin_given_by_path_validates_plans_applies_and_is_locked(tmp_path: Path) -> None:
    project = _project(tmp_path)
    validated = run_genesys("validate", cwd=project)
    assert validated.returncode == 0, validated.stderr
    assert "were not run" not in validated.stderr  # the plugin was found and asked

    planned = run_genesys("plan", cwd=project)
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert "1 to add" in planned.stdout

    initialised = run_genesys("init", cwd=project)
    assert initialised.returncode == 0, initialised.stdout + initialised.stderr
    lock = json.loads((project / "genesys.lock").read_text())
    assert lock["providers"]["mine"]["executable"] == "genesys-provider-mine"

    elsewhere = project / "sub"
    elsewhere.mkdir()
    applied = run_genesys("apply", "--auto-approve", "-c", "../genesys.yaml", cwd=elsewhere)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    shown = run_genesys("state", "show", "storage.team-files", cwd=project)
    assert 'provider     = "mine"' in shown.stdout, shown.stdout
    destroyed = run_genesys("destroy", "--auto-approve", cwd=project)
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr


def test_a_missing_plugin_path_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(CONFIG)
    validated = run_genesys("validate", cwd=tmp_path)
    assert validated.returncode == 1
    assert "genesys.yaml:1:1: provider: plugin executable './plugins/genesys-provider-mine'" in (
        validated.stderr
    )
    assert "Traceback" not in validated.stderr
