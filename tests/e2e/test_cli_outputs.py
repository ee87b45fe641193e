"""Issue 15 item 4: outputs follow what exists.

A no-change apply prints them (as Terraform does); a destroy drops those of the resources
it destroyed, so `genesys output` never shows a stale endpoint.
"""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import run_genesys

CONFIG = """\
provider: local
resources:
  storage:
    - name: site-files
      type: bucket
  database:
    - name: db
      engine: sqlite
outputs:
  files: ${storage.site-files.endpoint}
  db_endpoint: ${database.db.endpoint}
  greeting: hello
"""


def test_no_change_apply_prints_outputs_and_destroy_drops_them(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(CONFIG)
    first = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert 'db_endpoint = "sqlite:///' in first.stdout

    again = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "No changes" in again.stdout
    assert "Outputs:" in again.stdout and 'greeting = "hello"' in again.stdout
    as_json = run_genesys("apply", "--auto-approve", "--json", cwd=tmp_path)
    lines = [json.loads(line) for line in as_json.stdout.splitlines() if line.startswith("{")]
    outputs = [line for line in lines if line.get("type") == "outputs"]
    assert outputs and outputs[0]["outputs"]["greeting"] == "hello"

    destroyed = run_genesys("destroy", "--auto-approve", cwd=tmp_path)
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    shown = run_genesys("output", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "sqlite" not in shown.stdout and "db_endpoint" not in shown.stdout
    assert 'greeting = "hello"' in shown.stdout  # a constant reads no destroyed resource
    missing = run_genesys("output", "db_endpoint", cwd=tmp_path)
    assert missing.returncode == 1 and "no output named 'db_endpoint'" in missing.stderr
