"""Process identity and termination, safe against pid reuse.

A pid alone does not identify a process for long: after it exits the number is reused. We
record (pid, start time) — the start time from /proc/<pid>/stat (clock ticks since boot) —
and only treat a pid as ours while both match. Without /proc (macOS) only the pid is checked.
Stdlib only: the supervisor imports this.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

_PROC = Path("/proc")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after the last ")".
    return text[text.rfind(")") + 2 :].split()


def start_time(pid: int) -> str:
    """The process's start time as recorded by the kernel, or "" when unknown."""
    fields = _stat_fields(pid)
    return fields[19] if fields and len(fields) > 19 else ""


def is_alive(pid: int, started: str = "") -> bool:
    """True while `pid` runs (not a zombie) and, when known, started at `started`."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by another user (e.g. the postgres user)
    fields = _stat_fields(pid)
    if fields is None:
        return not _PROC.exists()
    if fields[0] in ("Z", "X"):
        return False
    return not started or fields[19] == started


def terminate(pid: int, started: str = "", grace: float = 5.0) -> None:
    """SIGTERM one process, wait up to `grace`, then SIGKILL it."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 2.0)):
        if not is_alive(pid, started):
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and is_alive(pid, started):
            time.sleep(0.02)


def terminate_group(pid: int, started: str = "", grace: float = 5.0) -> None:
    """SIGTERM the process group led by `pid`, wait up to `grace`, then SIGKILL it."""
    if not is_alive(pid, started):
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 2.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not is_alive(pid, started):
                _kill_stragglers(pid)
                return
            time.sleep(0.02)


def _kill_stragglers(pgid: int) -> None:
    """Children that outlived their group leader (e.g. ignoring SIGTERM) go too."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
