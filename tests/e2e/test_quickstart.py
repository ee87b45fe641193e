"""Issue 4's "done when": apply the quickstart, no-op plan, one update, destroy to nothing."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import files_under, local_root, run_genesys

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "quickstart"


def test_example_is_what_init_writes() -> None:
    from genesys.scaffold import FILES

    for relative, text in FILES.items():
        assert (EXAMPLE / relative).read_text() == text, f"examples/quickstart/{relative} drifted"


def test_apply_noop_update_destroy(quickstart: Path) -> None:
    applied = run_genesys("apply", "--auto-approve", cwd=quickstart)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Apply complete! Resources: 11 added, 0 changed, 0 destroyed." in applied.stdout
    assert "compute.web-server[1]: Creation complete" in applied.stdout

    noop = run_genesys("plan", "--detailed-exitcode", cwd=quickstart)
    assert noop.returncode == 0, noop.stdout + noop.stderr
    assert "No changes. Your infrastructure matches the configuration." in noop.stdout

    invoked = run_genesys("invoke", "api-handler", "--payload", '{"hello": 1}', cwd=quickstart)
    assert invoked.returncode == 0, invoked.stderr
    answer = json.loads(invoked.stdout)
    assert answer["echo"] == {"hello": 1}
    assert answer["db_host"] and answer["db_host"] != "${database.app-db.endpoint}"

    config = quickstart / "genesys.yaml"
    config.write_text(config.read_text().replace("Team: platform", "Team: payments", 1))
    changed = run_genesys("plan", "--detailed-exitcode", cwd=quickstart)
    assert changed.returncode == 2, changed.stdout + changed.stderr
    assert "Plan: 0 to add, 2 to change, 0 to destroy." in changed.stdout
    before = '{"Environment": "dev", "Team": "platform"}'
    after = '{"Environment": "dev", "Team": "payments"}'
    assert f"~ tags = {before} -> {after}" in changed.stdout

    destroyed = run_genesys("destroy", "--auto-approve", cwd=quickstart)
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    assert "Destroy complete! Resources: 0 added, 0 changed, 11 destroyed." in destroyed.stdout
    listed = run_genesys("state", "list", cwd=quickstart)
    assert listed.returncode == 0 and listed.stdout.strip() == ""
    leftovers = [f for f in files_under(local_root(quickstart)) if not f.startswith("registry")]
    assert leftovers == []


def test_apply_without_terminal_or_flag_refuses(quickstart: Path) -> None:
    refused = run_genesys("apply", cwd=quickstart)
    assert refused.returncode == 1
    assert "--auto-approve" in refused.stderr
    assert "Traceback" not in refused.stderr
