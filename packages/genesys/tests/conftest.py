"""Fixtures shared by the core's test directories."""

from __future__ import annotations

from collections.abc import Callable

import pytest


@pytest.fixture
def genesys(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """The real CLI in process: run(*argv) -> (exit code, stdout, stderr)."""
    from genesys.cli.main import main

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run
