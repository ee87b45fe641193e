from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from genesys.config import Diagnostic, inspect_config

REPO = Path(__file__).resolve().parents[4]
SEED_YAML = REPO / "examples" / "seed" / "genesys.yaml"
SEED_TOML = REPO / "examples" / "seed" / "genesys.toml"
SEED_DOC = REPO / "examples" / "seed" / "genesys-provider-architecture.md"  # the product seed


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Writes a dedented config file into tmp_path and returns its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
        return path

    return _write


@pytest.fixture
def errors_of(write: Callable[[str, str], Path]) -> Callable[[str, str], list[Diagnostic]]:
    """Errors (not warnings) of a config written from text."""

    def _errors(name: str, text: str) -> list[Diagnostic]:
        return inspect_config(write(name, text)).errors

    return _errors
