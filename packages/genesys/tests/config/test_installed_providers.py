"""Honest promises (issue 13 item 6): only packages this project publishes are ever named."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from genesys.config.installed import PUBLISHED, install_hint, installed_names, plugin_installed

ROOT = Path(__file__).resolve().parents[4]


def test_every_named_package_is_one_this_project_publishes() -> None:
    published = {
        line.split('"')[1]
        for path in ROOT.glob("packages/genesys-provider-*/pyproject.toml")
        for line in path.read_text().splitlines() if line.startswith("name = ")
    }
    assert set(PUBLISHED.values()) == published
    assert "pip install genesys-provider-gcp" in install_hint("gcp")
    assert "genesys-provider-foo" not in install_hint("foo")


def test_installed_names_are_the_workspace_plugins() -> None:
    assert {"local", "aws", "gcp", "azure", "alibaba", "tencent"} <= set(installed_names())
    assert plugin_installed("aws") and not plugin_installed("no-such-provider-xyz")


def _genesys(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "genesys.cli.main", *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


def test_validate_warns_and_plan_fails_without_inventing_a_package(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text("provider: foo\n", encoding="utf-8")
    validated = _genesys(tmp_path, "validate")
    assert validated.returncode == 0
    warning = validated.stderr + validated.stdout
    assert "genesys.yaml:1:1: warning: provider: 'foo' is not a provider shipped" in warning
    assert "it publishes genesys-provider-local, genesys-provider-aws" in warning
    planned = _genesys(tmp_path, "plan")
    assert planned.returncode == 1
    assert "'foo' is not a plugin this project publishes" in planned.stderr
    assert "genesys-provider-foo`" not in planned.stderr and "pip install" not in planned.stderr


def test_the_schema_names_the_installed_providers(tmp_path: Path) -> None:
    import json

    schema = json.loads(_genesys(tmp_path, "schema").stdout)
    described = schema["properties"]["provider"]["description"]
    assert "Installed here: alibaba, aws, azure, gcp, local, tencent" in described


def test_help_names_the_installed_providers(tmp_path: Path) -> None:
    shown = _genesys(tmp_path, "--help")
    assert shown.returncode == 0
    assert shown.stdout.rstrip().endswith(
        "Installed provider plugins: alibaba, aws, azure, gcp, local, tencent.")
    assert "Installed provider plugins" not in _genesys(tmp_path, "plan", "--help").stdout
