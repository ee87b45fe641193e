"""Runs a Go function's binary for one request, as the Genesys Go contract says.

The binary (the function's `handler`, built into its code directory) is started with the
function's environment plus PORT=<free port>; once the port accepts, the request is sent
(an invocation: `POST /` with the event; an HTTP trigger: the request as it came), the
response is returned as is, and the whole process group is killed. The timeout covers the
start and the answer. Stdlib only: the HTTP gateway process imports this.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

LOG_TAIL_BYTES = 4096
# Per-connection headers describe one hop, not the request: never forwarded either way.
HOP_HEADERS = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
     "proxy-connection", "content-length"}
)


class ProgramFailed(Exception):
    """The program did not serve or did not answer in time; `logs` is its output's tail."""

    def __init__(self, message: str, logs: str = "") -> None:
        super().__init__(message)
        self.logs = logs


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    logs: str = ""


def request(
    binary: Path,
    env: dict[str, str],
    method: str,
    path: str,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    timeout_s: float,
) -> Reply:
    """One request to a fresh run of `binary`; ProgramFailed if it never answers."""
    deadline = time.monotonic() + timeout_s
    with _serving(binary, env, deadline) as (port, logs):
        connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=max(deadline - time.monotonic(), 0.01)
        )
        kept = {k: v for k, v in headers if k.lower() not in HOP_HEADERS}
        try:
            connection.request(method, path or "/", body=body, headers=kept)
            response = connection.getresponse()
            reply = Reply(response.status, response.getheaders(), response.read())
        except TimeoutError:
            raise ProgramFailed(f"timed out after {timeout_s:g}s", _tail(logs)) from None
        except (OSError, http.client.HTTPException) as err:
            raise ProgramFailed(f"the program did not answer: {err}", _tail(logs)) from None
        finally:
            connection.close()
        reply.logs = _tail(logs)
    reply.headers = [(k, v) for k, v in reply.headers if k.lower() not in HOP_HEADERS]
    return reply


@contextmanager
def _serving(binary: Path, env: dict[str, str], deadline: float) -> Iterator[tuple[int, Path]]:
    if not binary.is_file():
        raise ProgramFailed(f"the function's binary {binary.name!r} was not built")
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="genesys-go-call-") as scratch:
        logs = Path(scratch) / "output.log"
        with logs.open("wb") as sink:
            process = subprocess.Popen(
                [str(binary)], stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT,
                env={**env, "PORT": str(port)}, cwd=binary.parent,
                start_new_session=True,  # one group: the timeout kills its children too
            )
        try:
            _wait_listening(process, port, deadline, logs)
            yield port, logs
        finally:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_listening(
    process: subprocess.Popen[bytes], port: int, deadline: float, logs: Path
) -> None:
    while True:
        if process.poll() is not None:
            raise ProgramFailed(
                f"the program exited with status {process.returncode} before listening on "
                f"PORT {port}",
                _tail(logs),
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise ProgramFailed(
                    f"the program did not listen on PORT {port} in time", _tail(logs)
                ) from None
            time.sleep(0.02)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tail(logs: Path) -> str:
    try:
        return logs.read_bytes()[-LOG_TAIL_BYTES:].decode(errors="replace")
    except OSError:
        return ""
