"""`genesys init` scaffolds a working project and pins the plugin version it used."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import run_genesys


def test_init_scaffolds_and_pins_versions(tmp_path: Path) -> None:
    created = run_genesys("init", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "genesys.yaml").exists() and (tmp_path / "functions/api/main.py").exists()
    lock = json.loads((tmp_path / "genesys.lock").read_text())
    assert lock["providers"]["local"]["executable"] == "genesys-provider-local"

    planned = run_genesys("plan", cwd=tmp_path)
    assert planned.returncode == 0 and "Plan: 11 to add" in planned.stdout

    lock["providers"]["local"]["version"] = "9.9.9"
    (tmp_path / "genesys.lock").write_text(json.dumps(lock))
    refused = run_genesys("plan", cwd=tmp_path)
    assert refused.returncode == 1
    assert "genesys.lock records 9.9.9" in refused.stderr

    again = run_genesys("init", cwd=tmp_path)  # accepts the installed version again
    assert again.returncode == 0 and "Created" not in again.stdout
    assert run_genesys("plan", cwd=tmp_path).returncode == 0
