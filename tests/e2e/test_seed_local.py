"""The seed's YAML example, with `provider: local`, validates, plans, applies and destroys.

Its `state:` block (S3, encrypted) needs AWS; it is left out here and exercised against
moto in tests/e2e/aws. Everything else is the seed as written: outcomes, three counted
instances, an undeclared security group, a real PostgreSQL database, policies.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import files_under, local_root, run_genesys

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed" / "genesys.yaml"


def _seed_on_local(project: Path) -> None:
    text = SEED.read_text().replace("provider: aws ", "provider: local ", 1)
    start, end = text.index("# State configuration"), text.index("# Policy guardrails")
    (project / "genesys.yaml").write_text(text[:start] + text[end:])


@pytest.mark.skipif(
    not (shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))),
    reason="the seed's postgres database needs PostgreSQL server binaries",
)
def test_seed_yaml_on_the_local_provider(tmp_path: Path) -> None:
    _seed_on_local(tmp_path)
    assert "provider: local" in (tmp_path / "genesys.yaml").read_text()
    validated = run_genesys("validate", cwd=tmp_path)
    assert validated.returncode == 0, validated.stderr

    applied = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Apply complete! Resources: 14 added" in applied.stdout
    assert "require_tags [advisory]" in applied.stdout + applied.stderr  # reported, not blocking
    assert "password" not in applied.stdout or "(sensitive" in applied.stdout

    noop = run_genesys("plan", "--detailed-exitcode", cwd=tmp_path)
    assert noop.returncode == 0, noop.stdout + noop.stderr

    shown = run_genesys("state", "show", "database.app-db", cwd=tmp_path)
    assert "(sensitive)" in shown.stdout and '"127.0.0.1:' in shown.stdout

    destroyed = run_genesys("destroy", "--auto-approve", cwd=tmp_path)
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    assert "14 destroyed" in destroyed.stdout
    assert [f for f in files_under(local_root(tmp_path)) if not f.startswith("registry")] == []
