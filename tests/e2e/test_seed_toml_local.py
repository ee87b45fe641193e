"""The seed's TOML example, with `provider = "local"`, applies: outcomes included."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import run_genesys

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed" / "genesys.toml"


@pytest.mark.skipif(
    not (shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))),
    reason="the seed's postgres database needs PostgreSQL server binaries",
)
@pytest.mark.skipif(shutil.which("node") is None, reason="the api outcome runs on nodejs18")
def test_seed_toml_on_the_local_provider(tmp_path: Path) -> None:
    text = SEED.read_text().replace('provider = "gcp"', 'provider = "local"', 1)
    start, end = text.index("[state]"), text.index("[policies]")  # GCS state needs GCP
    (tmp_path / "genesys.toml").write_text(text[:start] + text[end:])

    applied = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Apply complete! Resources: 14 added" in applied.stdout
    invoked = run_genesys("invoke", "my-api", cwd=tmp_path)  # the api outcome, a node handler
    assert invoked.returncode == 0, invoked.stderr
    assert json.loads(invoked.stdout) == {"error": "no source configured for my-api"}
    assert run_genesys("plan", "--detailed-exitcode", cwd=tmp_path).returncode == 0
    assert run_genesys("destroy", "--auto-approve", cwd=tmp_path).returncode == 0
