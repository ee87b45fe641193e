"""--target through the real CLI: a saved targeted plan applies (issue 15 item 6) and a
target naming nothing is an error, not an empty plan (item 5)."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import run_genesys

CONFIG = """\
provider: local
resources:
  storage:
    - name: first
      type: bucket
    - name: second
      type: bucket
"""


def test_a_plan_saved_with_target_applies_only_its_targets(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(CONFIG)
    planned = run_genesys("plan", "--target", "storage.first", "--out", "p", cwd=tmp_path)
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert json.loads((tmp_path / "p").read_text())["targets"] == ["storage.first"]
    applied = run_genesys("apply", "p", cwd=tmp_path)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "1 added" in applied.stdout
    listed = run_genesys("state", "list", cwd=tmp_path)
    assert listed.stdout.split() == ["storage.first"]


def test_a_saved_plan_refuses_other_targets(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(CONFIG)
    run_genesys("plan", "--target", "storage.first", "--out", "p", cwd=tmp_path)
    applied = run_genesys("apply", "p", "--target", "storage.second", cwd=tmp_path)
    assert applied.returncode == 1
    assert "planned with --target storage.first" in applied.stderr
    assert "Traceback" not in applied.stderr


def test_a_target_naming_nothing_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(CONFIG)
    planned = run_genesys("plan", "--target", "storage.frist", cwd=tmp_path)
    assert planned.returncode == 1
    assert "--target storage.frist matches no resource" in planned.stderr
    assert "did you mean 'storage.first'?" in planned.stderr
