"""Runs a function's handler once: a fresh interpreter per invocation, its timeout enforced.

The spec (also written to <function dir>/function.json for the HTTP gateway) says where the
code and layers are and how to run it. The event goes in as JSON on stdin; the handler's
return value comes back through a result file (so the handler may print freely); its
output's tail is the invocation's logs. On timeout the whole process group is killed.
Memory is a label: no limit is applied. A Go function's binary is run by program.py instead
(the Go contract: it serves HTTP on $PORT; the event is `POST /`). Stdlib only (the gateway
imports this).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genesys_provider_local import program, runtimes

BOOTSTRAPS = Path(__file__).parent / "bootstraps"
DEFAULT_TIMEOUT_S = 3
DEFAULT_MEMORY_MB = 128
LOG_TAIL_BYTES = 4096
# Host variables an interpreter needs to start; everything else of the plugin's stays out.
_HOST_VARIABLES = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "TZ",
    "TMPDIR",
    "LD_LIBRARY_PATH",
    "SYSTEMROOT",
)


@dataclass
class Outcome:
    payload: bytes = b""
    error: str = ""
    logs: str = ""
    duration_ms: int = 0


def environment(spec: dict[str, Any], deadline_ms: int) -> dict[str, str]:
    env = {k: os.environ[k] for k in _HOST_VARIABLES if k in os.environ}
    env.update(spec.get("environment") or {})
    env.update(
        {
            "GENESYS_FUNCTION_NAME": spec.get("name", ""),
            "GENESYS_FUNCTION_MEMORY_MB": str(spec.get("memory_mb") or DEFAULT_MEMORY_MB),
            "GENESYS_FUNCTION_DEADLINE_MS": str(deadline_ms),
            "GENESYS_REQUEST_ID": str(uuid.uuid4()),
        }
    )
    if runtimes.is_go(spec.get("runtime", "")):
        return env  # a binary: no interpreter search paths
    layers = [str(d) for d in spec.get("layer_dirs") or []]
    env.update(
        {
            "PYTHONPATH": os.pathsep.join([f"{d}/python" for d in layers] + layers),
            "NODE_PATH": os.pathsep.join([f"{d}/nodejs/node_modules" for d in layers] + layers),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _command(spec: dict[str, Any], result_path: str) -> list[str]:
    runtime = runtimes.resolve(spec["runtime"])
    bootstrap = BOOTSTRAPS / (
        "node_handler.js" if runtime.language == "node" else "python_handler.py"
    )
    return [runtime.interpreter, str(bootstrap), spec["code_dir"], spec["handler"], result_path]


def _read_outcome(result_path: Path, returncode: int | None) -> tuple[bytes, str]:
    try:
        outcome = json.loads(result_path.read_text())
    except (OSError, ValueError):
        return b"", f"the function's process exited with status {returncode} without a result"
    if outcome.get("ok"):
        return json.dumps(outcome.get("result")).encode(), ""
    return b"", str(outcome.get("error") or "the function failed")


def program_env(spec: dict[str, Any], timeout: int) -> dict[str, str]:
    """What a Go function's binary sees (PORT is added per run): never the plugin's own."""
    return environment(spec, int(time.time() * 1000) + timeout * 1000)


def binary_of(spec: dict[str, Any]) -> Path:
    return Path(spec["code_dir"]) / spec["handler"]


def _invoke_program(spec: dict[str, Any], payload: bytes, timeout: int) -> Outcome:
    """The Go contract: `POST /` with the event; the JSON body is the result, a non-2xx
    status a function error."""
    started = time.monotonic()
    headers = [("Content-Type", "application/json")]
    try:
        reply = program.request(
            binary_of(spec), program_env(spec, timeout), "POST", "/", headers, payload, timeout
        )
    except program.ProgramFailed as err:
        duration = int((time.monotonic() - started) * 1000)
        return Outcome(error=str(err), logs=err.logs, duration_ms=duration)
    duration = int((time.monotonic() - started) * 1000)
    if not 200 <= reply.status < 300:
        detail = reply.body[:512].decode(errors="replace").strip()
        error = f"the program answered HTTP {reply.status}" + (f": {detail}" if detail else "")
        return Outcome(error=error, logs=reply.logs, duration_ms=duration)
    return Outcome(payload=_as_json(reply.body), logs=reply.logs, duration_ms=duration)


def _as_json(body: bytes) -> bytes:
    """The body if it is JSON; other text becomes a JSON string, nothing becomes null."""
    if not body.strip():
        return b"null"
    try:
        json.loads(body)
    except ValueError:
        return json.dumps(body.decode(errors="replace")).encode()
    return body


def invoke(spec: dict[str, Any], payload: bytes) -> Outcome:
    timeout = int(spec.get("timeout_s") or DEFAULT_TIMEOUT_S)
    if runtimes.is_go(spec.get("runtime", "")):
        return _invoke_program(spec, payload, timeout)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="genesys-invoke-") as scratch:
        result_path = Path(scratch) / "result.json"
        try:
            argv = _command(spec, str(result_path))
        except ValueError as exc:
            return Outcome(error=str(exc))
        process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=spec["code_dir"],
            env=environment(spec, int(time.time() * 1000) + timeout * 1000),
            start_new_session=True,  # one group: a timeout kills the handler's children too
        )
        timed_out = False
        try:
            output, _ = process.communicate(payload, timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(process.pid, signal.SIGKILL)
            try:
                output, _ = process.communicate(timeout=5)
            except subprocess.TimeoutExpired:  # a child escaped the group holding our pipe
                process.kill()
                output = b""
        duration = int((time.monotonic() - started) * 1000)
        logs = output[-LOG_TAIL_BYTES:].decode(errors="replace")
        if timed_out:
            return Outcome(error=f"timed out after {timeout}s", logs=logs, duration_ms=duration)
        result, error = _read_outcome(result_path, process.returncode)
        return Outcome(payload=result, error=error, logs=logs, duration_ms=duration)
