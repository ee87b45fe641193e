"""Runs `genesys` commands and records what every process they started was given.

    python canary_harness.py SPEC.json REPORT.json

SPEC: {"cwd": dir, "env": {...}, "commands": [[arg, ...] or {"write": path, "text": str}]}.
The harness makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so the daemons a
plugin starts (instance supervisors, function gateways, PostgreSQL servers; all detached with
setsid) stay its descendants after the plugin exits instead of moving to init. While each
command runs, and once after it, it walks its descendants through /proc and records each
one's command line and environment (the plugin lives only as long as the command: polled
every 20 ms). REPORT: {"runs": [{"args", "returncode", "stdout", "stderr", "cli_pid"}],
"processes": [{"pid", "cmdline", "environ", "cli": bool (a `genesys` process itself)}]}.
Stdlib only: it runs outside pytest.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import subprocess
import sys
import threading
import time
from typing import Any

PR_SET_CHILD_SUBREAPER = 36
POLL_SECONDS = 0.02
GENESYS = [sys.executable, "-m", "genesys.cli.main"]


def _parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    # "pid (comm) state ppid ...": comm may hold spaces or parentheses, so split after it.
    return int(stat.rsplit(b")", 1)[1].split()[1])


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            parent = _parent_of(int(name))
            if parent is not None:
                children.setdefault(parent, []).append(int(name))
    found, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _read(pid: int, what: str) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/{what}", "rb") as f:
            raw = f.read()
    except OSError:
        return None
    return [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]


class Recorder:
    def __init__(self) -> None:
        self.processes: dict[tuple[int, str], dict[str, Any]] = {}
        self.cli_pids: set[int] = set()
        self.cli_cmdlines: set[tuple[str, ...]] = set()

    def sweep(self) -> None:
        for pid in descendants(os.getpid()):
            cmdline, environ = _read(pid, "cmdline"), _read(pid, "environ")
            if cmdline is None or environ is None or not cmdline:
                continue  # gone, or a zombie
            key = (pid, " ".join(cmdline))  # a pid reused by another program counts again
            if key not in self.processes:
                self.processes[key] = {
                    "pid": pid,
                    "cmdline": cmdline,
                    "environ": environ,
                    # The user's own `genesys` process, or a fork of it caught before its
                    # exec (it still shows the CLI's command line and environment).
                    "cli": pid in self.cli_pids or tuple(cmdline) in self.cli_cmdlines,
                }
        self._reap()

    def _reap(self) -> None:
        """Daemons reparented to us that exited (never the running CLI: Popen waits for it)."""
        while True:
            try:
                info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                return
            if info is None or info.si_pid in self.cli_pids:
                return
            with contextlib.suppress(ChildProcessError):
                os.waitpid(info.si_pid, 0)

    def run(self, args: list[str], cwd: str, env: dict[str, str]) -> dict[str, Any]:
        process = subprocess.Popen(
            [*GENESYS, *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.cli_pids.add(process.pid)
        self.cli_cmdlines.add(tuple(process.args))  # type: ignore[arg-type]
        output: dict[str, bytes] = {}

        def communicate() -> None:
            output["out"], output["err"] = process.communicate()

        reader = threading.Thread(target=communicate)
        reader.start()
        while reader.is_alive():
            self.sweep()
            time.sleep(POLL_SECONDS)
        reader.join()
        self.cli_pids.discard(process.pid)
        self.sweep()
        return {
            "args": args,
            "returncode": process.returncode,
            "stdout": output["out"].decode("utf-8", "replace"),
            "stderr": output["err"].decode("utf-8", "replace"),
            "cli_pid": process.pid,
        }


def main(spec_path: str, report_path: str) -> int:
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    with open(spec_path) as f:
        spec = json.load(f)
    recorder = Recorder()
    runs = []
    for step in spec["commands"]:
        if isinstance(step, dict):  # {"write": path, "text": ...}: the user edits the config
            with open(step["write"], "w") as f:
                f.write(step["text"])
            continue
        runs.append(recorder.run(list(step), spec["cwd"], spec["env"]))
    with open(report_path, "w") as f:
        json.dump({"runs": runs, "processes": list(recorder.processes.values())}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
