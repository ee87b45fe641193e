"""Shared helpers for the plugin host tests (exposed as fixtures: importlib import mode
does not let test modules import each other or this file)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def _process_alive(pid: int) -> bool:
    """True while `pid` runs (a zombie nobody reaped counts as dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state not in {"Z", "X"}
    except FileNotFoundError:
        return False
    except OSError:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 0)
            return True
        return False


def _wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def helpers() -> SimpleNamespace:
    return SimpleNamespace(
        fixture=lambda name: str(FIXTURES / name),
        process_alive=_process_alive,
        wait_until=_wait_until,
    )
