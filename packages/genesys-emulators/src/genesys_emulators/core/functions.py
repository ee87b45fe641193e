"""Functions really run: a handler from its uploaded code, in a child process, per invocation.

`FunctionCode` unpacks an uploaded zip once into a private temporary directory;
`run_handler` starts a fresh interpreter with only the function's own environment (never
the emulator's), feeds the event on stdin, enforces the timeout by killing the process
group, and returns what the handler returned or the error it raised.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
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
