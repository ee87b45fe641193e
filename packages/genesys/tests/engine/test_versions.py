from __future__ import annotations

import json
from pathlib import Path

import pytest
from genesys.engine.versions import check_plugin_version, satisfies
from genesys.errors import PluginError


@pytest.mark.parametrize(
    ("version", "constraint", "ok"),
    [
        ("1.4.7", "~> 1.4", True),
        ("2.0.0", "~> 1.4", False),
        ("1.4.9", "~> 1.4.2", True),
        ("1.5.0", "~> 1.4.2", False),
        ("1.3.0", ">= 1.2, < 2", True),
        ("0.1.0", "= 0.1.0", True),
        ("0.1.1", "0.1.0", False),
        ("0.1.0", "!= 0.1.0", False),
    ],
)
def test_terraform_style_constraints(version: str, constraint: str, ok: bool) -> None:
    assert satisfies(version, constraint) is ok


def test_lock_file_pins_the_version(tmp_path: Path) -> None:
    lock = {"version": 1, "providers": {"local": {"version": "0.1.0"}}}
    (tmp_path / "genesys.lock").write_text(json.dumps(lock))
    check_plugin_version("local", "0.1.0", None, tmp_path)
    with pytest.raises(PluginError, match=r"genesys.lock records 0.1.0.*genesys init"):
        check_plugin_version("local", "0.2.0", None, tmp_path)
    with pytest.raises(PluginError, match=r"asks for '~> 0\.2'"):
        check_plugin_version("local", "0.1.0", "~> 0.2", tmp_path)
