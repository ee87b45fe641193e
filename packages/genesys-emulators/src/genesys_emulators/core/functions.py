"""Functions really run: a handler from its uploaded code, in a child process, per invocation.

`FunctionCode` unpacks an uploaded zip once into a private temporary directory;
`run_handler` starts a fresh interpreter with only the function's own environment (never
the emulator's), feeds the event on stdin, enforces the timeout by killing the process
group, and returns what the handler returned or the error it raised.

`run_program` / `forward_http` run an executable from the code instead (a Go function, a
custom runtime): it must serve HTTP on $PORT. Each call starts it with only the function's
environment plus PORT, waits until the port accepts, POSTs the event (or forwards an HTTP
request as it came), and kills its process group afterwards or on timeout.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BOOTSTRAPS = Path(__file__).parent / "bootstraps"
_HOST_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR")


@dataclass
class Invocation:
    ok: bool
    result: Any = None
    error: str = ""
    logs: str = ""


class FunctionCode:
    """A function's code unpacked from its zip archive; `close()` removes it."""

    def __init__(self, archive: bytes) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="genesys-emulator-fn-"))
        try:
            with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
                for member in bundle.namelist():
                    target = (self.directory / member).resolve()
                    if not target.is_relative_to(self.directory.resolve()):
                        raise ValueError(f"archive member {member!r} escapes the code directory")
                bundle.extractall(self.directory)
        except (zipfile.BadZipFile, ValueError):
            self.close()
            raise

    def close(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


def _command(runtime: str, code_dir: Path, handler: str, out: Path) -> list[str]:
    if runtime.startswith("python"):
        bootstrap = BOOTSTRAPS / "python_handler.py"
        return [sys.executable, str(bootstrap), str(code_dir), handler, str(out)]
    if runtime.startswith("nodejs"):
        node = shutil.which("node")
        if node is None:
            raise RuntimeError(f"runtime {runtime} needs node on PATH")
        return [node, str(BOOTSTRAPS / "node_handler.js"), str(code_dir), handler, str(out)]
    raise RuntimeError(f"runtime {runtime} is not run by this emulator")


def run_handler(
    code: FunctionCode,
    runtime: str,
    handler: str,
    event: Any,
    *,
    environment: dict[str, str] | None = None,
    timeout_s: float = 60.0,
    import_paths: Sequence[Path] = (),
) -> Invocation:
    """`import_paths` (layers' directories) go on PYTHONPATH or NODE_PATH, after the code."""
    env = {k: os.environ[k] for k in _HOST_VARIABLES if k in os.environ}
    env.update(environment or {})
    if import_paths:
        variable = "NODE_PATH" if runtime.startswith("nodejs") else "PYTHONPATH"
        env[variable] = os.pathsep.join(str(path) for path in import_paths)
    with tempfile.TemporaryDirectory(prefix="genesys-emulator-call-") as scratch:
        out = Path(scratch) / "result.json"
        process = subprocess.Popen(
            _command(runtime, code.directory, handler, out),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=code.directory,
            start_new_session=True,
        )
        try:
            logs, _ = process.communicate(json.dumps(event).encode(), timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            logs, _ = process.communicate()
            return Invocation(False, error=f"timed out after {timeout_s:g} s", logs=_tail(logs))
        if not out.exists():
            return Invocation(False, error=f"exited with {process.returncode}", logs=_tail(logs))
        outcome = json.loads(out.read_text())
    return Invocation(outcome["ok"], outcome.get("result"), outcome.get("error", ""), _tail(logs))


def _tail(logs: bytes) -> str:
    return logs[-4096:].decode(errors="replace")


# Per-connection headers that describe one hop, not the request: never forwarded.
_HOP_HEADERS = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
     "proxy-connection", "content-length"}
)


class ProgramError(Exception):
    """The program did not start serving or did not answer; the message says why and
    `logs` holds the tail of its output."""

    def __init__(self, message: str, logs: str = "") -> None:
        super().__init__(message)
        self.logs = logs


@dataclass
class HttpReply:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    logs: str = ""


def run_program(
    code: FunctionCode,
    executable: str,
    event: Any,
    *,
    environment: dict[str, str] | None = None,
    timeout_s: float = 60.0,
) -> Invocation:
    """An invocation: `POST /` with the event as JSON; the JSON body is the result and a
    non-2xx status is a function error."""
    body = json.dumps(event).encode()
    headers = [("Content-Type", "application/json")]
    try:
        reply = forward_http(
            code, executable, "POST", "/", headers, body,
            environment=environment, timeout_s=timeout_s,
        )
    except ProgramError as err:
        return Invocation(False, error=str(err), logs=err.logs)
    result = _decoded(reply.body)
    if not 200 <= reply.status < 300:
        detail = reply.body[:512].decode(errors="replace").strip()
        error = f"the program answered HTTP {reply.status}" + (f": {detail}" if detail else "")
        return Invocation(False, result, error, reply.logs)
    return Invocation(True, result, "", reply.logs)


def forward_http(
    code: FunctionCode,
    executable: str,
    method: str,
    path: str,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    *,
    environment: dict[str, str] | None = None,
    timeout_s: float = 60.0,
    port_variable: str = "PORT",
) -> HttpReply:
    """One HTTP request (path with its query) forwarded to a fresh run of the program; its
    response comes back as is. ProgramError when it never listens, dies or times out.
    `port_variable` names the variable the platform gives the port in (Azure's Functions
    host: FUNCTIONS_CUSTOMHANDLER_PORT)."""
    deadline = time.monotonic() + timeout_s
    serving = _serving(code, executable, environment or {}, deadline, port_variable)
    with serving as (port, logs):
        connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=max(deadline - time.monotonic(), 0.01)
        )
        kept = {k: v for k, v in headers if k.lower() not in _HOP_HEADERS}
        try:
            connection.request(method, path or "/", body=body, headers=kept)
            response = connection.getresponse()
            reply = HttpReply(response.status, response.getheaders(), response.read())
        except TimeoutError:
            raise _failure(f"timed out after {timeout_s:g} s", logs) from None
        except (OSError, http.client.HTTPException) as err:
            raise _failure(f"the program did not answer: {err}", logs) from None
        finally:
            connection.close()
        reply.logs = _tail(logs.read_bytes())
    reply.headers = [(k, v) for k, v in reply.headers if k.lower() not in _HOP_HEADERS]
    return reply


@contextmanager
def _serving(
    code: FunctionCode,
    executable: str,
    environment: dict[str, str],
    deadline: float,
    port_variable: str = "PORT",
) -> Iterator[tuple[int, Path]]:
    """The program started with only `environment` + its port (in `port_variable`), yielded
    once the port accepts; its whole process group is killed on the way out."""
    program = (code.directory / executable).resolve()
    if not program.is_relative_to(code.directory.resolve()) or not program.is_file():
        raise ProgramError(f"the code has no executable named {executable!r}")
    program.chmod(program.stat().st_mode | 0o111)  # zip extraction drops the exec bit
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="genesys-emulator-prog-") as scratch:
        logs = Path(scratch) / "output.log"
        with logs.open("wb") as sink:
            process = subprocess.Popen(
                [str(program)], stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT,
                env={**environment, port_variable: str(port)}, cwd=code.directory,
                start_new_session=True,
            )
        try:
            _wait_listening(process, port, deadline, logs)
            yield port, logs
        finally:
            _kill_group(process)


def _wait_listening(
    process: subprocess.Popen[bytes], port: int, deadline: float, logs: Path
) -> None:
    while True:
        if process.poll() is not None:
            raise _failure(
                f"the program exited with {process.returncode} before listening on PORT {port}",
                logs,
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise _failure(f"the program did not listen on PORT {port} in time", logs) from None
            time.sleep(0.02)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _failure(message: str, logs: Path) -> ProgramError:
    return ProgramError(message, _tail(logs.read_bytes()) if logs.exists() else "")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _decoded(body: bytes) -> Any:
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body.decode(errors="replace")
