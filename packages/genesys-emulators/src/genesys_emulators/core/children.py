"""A real emulator run as a child process (fake-gcs-server, Azurite) until the parent stops.

The child gets its own process group so a stop takes its helpers with it, and
PR_SET_PDEATHSIG-style cleanup is not needed: `stop()` runs on every exit path of the CLI,
and the child's stdin is a pipe it sees close when the emulator dies.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class ChildProcess:
    """`command(port)` started on a free port; ready when `ready(port)` (default: port open)."""

    def __init__(
        self,
        name: str,
        command: Callable[[int], Sequence[str]],
        *,
        url: Callable[[int], str] = lambda port: f"http://127.0.0.1:{port}",
        ready: Callable[[int], bool] = port_open,
        timeout: float = 30.0,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self._command = command
        self._url = url
        self._ready = ready
        self._timeout = timeout
        self._cwd = cwd
        self._env = env
        self._process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def start(self) -> str:
        self.port = free_port()
        self._process = subprocess.Popen(
            list(self._command(self.port)),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=self._cwd,
            env=self._env,
            start_new_session=True,
        )
        deadline = time.monotonic() + self._timeout
        while not self._ready(self.port):
            if self._process.poll() is not None:
                tail = (self._process.stderr.read() if self._process.stderr else b"")[-2000:]
                raise RuntimeError(f"{self.name} exited at start: {tail.decode(errors='replace')}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} did not answer within {self._timeout:.0f} s")
            time.sleep(0.05)
        return self._url(self.port)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
