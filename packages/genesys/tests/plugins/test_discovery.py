"""Finding plugin executables."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from genesys.errors import PluginError
from genesys.plugins import find_plugin
from genesys.plugins.discovery import provider_name_of


def _script(path: Path, mode: int) -> Path:
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(mode)
    return path


def test_python_script_runs_under_this_interpreter(tmp_path):
    script = tmp_path / "my_plugin.py"
    script.write_text("")
    assert find_plugin(str(script)) == [sys.executable, str(script.resolve())]


def test_explicit_executable(tmp_path):
    plugin = _script(tmp_path / "genesys-provider-acme", 0o755)
    assert find_plugin(str(plugin)) == [str(plugin.resolve())]
    assert provider_name_of(str(plugin)) == "acme"


def test_explicit_path_must_be_executable(tmp_path):
    plugin = _script(tmp_path / "genesys-provider-acme", 0o644)
    with pytest.raises(PluginError, match="is not executable"):
        find_plugin(str(plugin))


def test_missing_explicit_path(tmp_path):
    with pytest.raises(PluginError, match="does not exist"):
        find_plugin(str(tmp_path / "nope"))


def test_installed_entry_point_uses_its_console_script():
    argv = find_plugin("local")
    assert argv == [str(Path(sys.executable).parent / "genesys-provider-local")]


def test_executable_on_path(tmp_path, monkeypatch):
    plugin = _script(tmp_path / "genesys-provider-zzacme", 0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_plugin("zzacme") == [str(plugin)]


def test_not_found_says_where_it_looked(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PluginError) as missing:
        find_plugin("zzacme")
    assert "no entry point 'zzacme' in group 'genesys.providers'" in str(missing.value)
    assert "no 'genesys-provider-zzacme' on PATH" in str(missing.value)
