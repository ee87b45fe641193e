"""A plugin found on PATH by name (`genesys-provider-<name>`), serving only some kinds."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .conftest import genesys_env, run_genesys

MEMORY_PLUGIN = (
    Path(__file__).resolve().parents[2]
    / "packages/genesys/tests/conformance/fixtures/memory_plugin.py"
)


def _install_on_path(bin_dir: Path) -> dict[str, str]:
    bin_dir.mkdir()
    exe = bin_dir / "genesys-provider-memory"
    exe.write_text(f"#!/bin/sh\nexec {sys.executable} {MEMORY_PLUGIN} \"$@\"\n")
    exe.chmod(0o755)
    return genesys_env(PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")


def test_plugin_on_path_applies_and_unsupported_kinds_are_named(tmp_path: Path) -> None:
    env = _install_on_path(tmp_path / "bin")
    project = tmp_path / "project"
    project.mkdir()
    config = project / "genesys.yaml"
    config.write_text(
        "provider: memory\n"
        "resources:\n"
        "  network:\n"
        "    - name: main\n"
        "      cidr: 10.0.0.0/16\n"
        "  storage:\n"
        "    - name: data\n"
        "      type: bucket\n"
    )
    applied = run_genesys("apply", "--auto-approve", cwd=project, env=env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "2 added" in applied.stdout

    config.write_text(
        config.read_text()
        + "  database:\n    - name: db\n      engine: postgres\n      version: '14'\n"
    )
    refused = run_genesys("plan", cwd=project, env=env)
    assert refused.returncode == 1
    assert "genesys.yaml:10:" in refused.stderr
    assert "provider 'memory' cannot provide a database (database.db)" in refused.stderr
    assert "Traceback" not in refused.stderr
