"""The supervisor: the OS process that *is* a local instance (or a function's HTTP gateway).

    python -m genesys_provider_local.supervisor <dir>

reads <dir>/spec.json ({"command": [...] or null, "env": {...}, "cwd": "..."}), detaches
(double fork + setsid: it outlives the plugin, is nobody's zombie, and leads its own process
group), runs the command with stdout and stderr appended to <dir>/console.log, records
{"pid", "start"} in <dir>/supervisor.json, and then stays alive until SIGTERM — so the
instance keeps "running" after its user_data finished, as a VM keeps running after boot.

On SIGTERM (sent to the whole group by DeleteInstance) it gives the command a moment to exit
and leaves. Stdlib only, so it starts in a few tens of milliseconds.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from genesys_provider_local.processes import is_alive, start_time

SPEC_FILE = "spec.json"
STATE_FILE = "supervisor.json"
LOG_FILE = "console.log"
CHILD_GRACE_SECONDS = 3.0


def _note(log: Any, text: str) -> None:
    log.write(f"[genesys-local {time.strftime('%Y-%m-%dT%H:%M:%S')}] {text}\n".encode())


def _write_state(directory: Path, state: dict[str, Any]) -> None:
    tmp = directory / f".{STATE_FILE}.tmp"
    tmp.write_text(json.dumps(state))
    os.replace(tmp, directory / STATE_FILE)


def _on_sigterm(child: subprocess.Popen[bytes] | None) -> Any:
    def handler(signum: int, frame: object) -> None:
        # The group's SIGTERM reached the command too; give it a moment to exit. (Not
        # child.wait(): the main thread may be inside it, holding the Popen's wait lock.)
        deadline = time.monotonic() + CHILD_GRACE_SECONDS
        while child is not None and is_alive(child.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        if child is not None and is_alive(child.pid):
            child.kill()
        os._exit(0)

    return handler


def supervise(directory: Path, spec: dict[str, Any]) -> None:
    # Owner only: what the user's program prints may be a secret it was given.
    fd = os.open(directory / LOG_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    log = open(fd, "ab", buffering=0)  # noqa: SIM115 - lives as long as we do
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    # The plugin ignores SIGINT (the core decides when it stops); user_data must not inherit that.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    child = None
    if spec.get("command"):
        _note(log, f"running user_data: {spec['command'][0]}")
        child = subprocess.Popen(
            spec["command"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=spec.get("cwd") or str(directory),
            env=spec.get("env") or None,
        )
    signal.signal(signal.SIGTERM, _on_sigterm(child))
    pid = os.getpid()
    _write_state(directory, {"pid": pid, "start": start_time(pid)})
    if child is not None:
        code = child.wait()
        _note(log, f"user_data exited with status {code}")
        (directory / "user_data.status").write_text(str(code))
    while True:
        signal.pause()


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]).resolve()
    spec = json.loads((directory / SPEC_FILE).read_text())
    if os.fork() > 0:
        os._exit(0)  # the launcher returns at once; the grandchild is the instance
    os.setsid()
    supervise(directory, spec)


if __name__ == "__main__":
    main()
