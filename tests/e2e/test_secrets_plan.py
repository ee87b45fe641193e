"""A database password read by a function's environment never shows in plan text, plan
JSON, saved plan files, progress or logs (issue 14, item 1) — real CLI, real PostgreSQL."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from genesys_provider_local import postgres

from .conftest import genesys_env, run_genesys

# The installed major: the version a provider substitutes is not what these tests are about.
VERSION = postgres.installations()[0].major if postgres.installations() else "16"
DATABASE = f"""\
provider: local
resources:
  database:
    - name: app-db
      engine: postgres
      version: "{VERSION}"
      size: small
"""

FUNCTION = """\
  serverless:
    - name: api
      runtime: python3.11
      handler: main.handler
      source: ./fn
      environment:
        DB_PASSWORD: ${database.app-db.password}
        DATABASE_URL: postgres://postgres:${database.app-db.password}@127.0.0.1/app
"""


def _password(project: Path) -> str:
    pulled = run_genesys("state", "pull", cwd=project)
    assert pulled.returncode == 0, pulled.stderr
    record = json.loads(pulled.stdout)["resources"]["database.app-db"]
    password: str = record["attributes"]["password"]
    assert len(password) > 16
    return password


def test_plan_apply_and_logs_hide_a_password_read_through_references(tmp_path: Path) -> None:
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "main.py").write_text("def handler(event, context):\n    return {}\n")
    (tmp_path / "genesys.yaml").write_text(DATABASE)
    try:
        first = run_genesys("apply", "--auto-approve", cwd=tmp_path)
        assert first.returncode == 0, first.stdout + first.stderr
        password = _password(tmp_path)
        (tmp_path / "genesys.yaml").write_text(DATABASE + FUNCTION)
        log = tmp_path / "genesys.log"
        env = genesys_env(GENESYS_LOG="debug", GENESYS_LOG_PATH=str(log))

        text = run_genesys("plan", "--out", "tfplan", cwd=tmp_path, env=env)
        assert text.returncode == 0, text.stderr
        assert "DB_PASSWORD" not in text.stdout and "(sensitive value)" in text.stdout
        as_json = run_genesys("plan", "--json", cwd=tmp_path, env=env)
        assert as_json.returncode == 0, as_json.stderr
        saved = tmp_path / "tfplan"
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600

        applied = run_genesys("apply", "tfplan", cwd=tmp_path, env=env)
        assert applied.returncode == 0, applied.stdout + applied.stderr
        shown = run_genesys("state", "show", "serverless.api", cwd=tmp_path)
        after = run_genesys("plan", "--json", "--detailed-exitcode", cwd=tmp_path, env=env)
        assert after.returncode == 0, after.stdout + after.stderr

        everything = [text, as_json, applied, shown, after]
        printed = "".join(r.stdout + r.stderr for r in everything)
        for leaked in (password, f"postgres:{password}@"):
            assert leaked not in printed
            assert leaked not in saved.read_text()
            assert leaked not in log.read_text()
        assert "(sensitive" in shown.stdout
    finally:
        run_genesys("destroy", "--auto-approve", cwd=tmp_path)
