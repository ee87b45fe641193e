"""Issue 15 item 1: the provider's warnings reach the user, and state records what was made.

PostgreSQL 15 is what this machine has, so `version: "14"` is served by 15; python3.9 is
not installed, so a python3.9 function runs with this interpreter's Python.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .conftest import run_genesys

OURS = f"python{sys.version_info.major}.{sys.version_info.minor}"

CONFIG = """\
provider: local
resources:
  compute:
    - name: box
      type: small
      provider_type: t3.mediun
  database:
    - name: db
      engine: postgres
      version: "14"
      size: small
  serverless:
    - name: fn
      runtime: python3.9
      handler: main.handler
      source: ./fn
      environment:
        DB_HOST: ${database.db.endpoint}  # still known when the database is unchanged
"""


def _project(tmp_path: Path) -> Path:
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "main.py").write_text("def handler(event, context):\n    return 1\n")
    (tmp_path / "genesys.yaml").write_text(CONFIG)
    return tmp_path


def test_validate_reports_the_providers_warnings_located(tmp_path: Path) -> None:
    project = _project(tmp_path)
    done = run_genesys("validate", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "3 warnings" in done.stdout
    assert "genesys.yaml:4:7: warning: compute.box.provider_type: 't3.mediun'" in done.stderr
    assert "genesys.yaml:8:7: warning: database.db.version: PostgreSQL 14" in done.stderr
    assert "genesys.yaml:13:7: warning: serverless.fn.runtime: python3.9" in done.stderr
    report = json.loads(run_genesys("validate", "--json", cwd=project).stdout)
    assert report["warning_count"] == 3 and report["valid"] is True


def test_plan_and_apply_show_warnings_and_state_records_what_was_made(tmp_path: Path) -> None:
    project = _project(tmp_path)
    planned = run_genesys("plan", "--json", cwd=project)
    assert planned.returncode == 0, planned.stderr
    document = json.loads(planned.stdout.splitlines()[0])
    assert document["warning_count"] == 3
    assert any("PostgreSQL 14 is not installed; 15" in w for w in document["warnings"])
    try:
        applied = run_genesys("apply", "--auto-approve", cwd=project)
        assert applied.returncode == 0, applied.stdout + applied.stderr
        assert "database.db: warning: PostgreSQL 14 is not installed" in applied.stderr
        assert "serverless.fn: warning: python3.9 is not installed" in applied.stderr
        assert "3 warnings." in applied.stderr
        database = run_genesys("state", "show", "database.db", cwd=project).stdout
        assert 'version        = "15"' in database
        function = run_genesys("state", "show", "serverless.fn", cwd=project).stdout
        assert f'runtime     = "{OURS}"' in function
        again = run_genesys("plan", "--detailed-exitcode", cwd=project)
        assert again.returncode == 0, again.stdout + again.stderr  # what was made still holds
    finally:
        destroyed = run_genesys("destroy", "--auto-approve", cwd=project)
        assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
