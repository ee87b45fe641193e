"""End-to-end helpers: run the real `genesys` CLI as a user would, in a temp project."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

GENESYS = [sys.executable, "-m", "genesys.cli.main"]


def interrupts_as_in_a_terminal() -> None:
    """preexec_fn for a CLI that a test interrupts: Ctrl-C as a terminal delivers it. A test
    run started in the background by a non-interactive shell inherits SIGINT ignored, and
    Python (like any Unix program) keeps an inherited ignore: the CLI would never see it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def genesys_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"NO_COLOR": "1", "GENESYS_PROGRESS_INTERVAL": "5", **extra})
    return env


def run_genesys(
    *args: str, cwd: Path, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*GENESYS, *args],
        cwd=cwd,
        env=env or genesys_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def genesys() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_genesys


@pytest.fixture
def quickstart(tmp_path: Path) -> Path:
    from genesys.scaffold import write_project

    write_project(tmp_path)
    return tmp_path


def local_root(project: Path) -> Path:
    return project / ".genesys" / "local"


def files_under(path: Path) -> list[str]:
    if not path.exists():
        return []
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))
