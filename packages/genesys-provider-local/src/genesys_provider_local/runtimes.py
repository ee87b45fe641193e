"""Function runtimes: which interpreter runs a `python3.x` or `nodejs*` function here, and
which Go toolchain builds a `go1.x` one (its binary then runs by itself).

Stdlib only at import: the function gateway process imports this too.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass

_PYTHON = re.compile(r"^python3(?:\.(\d+))?$")
_NODE = re.compile(r"^nodejs(\d+)?(?:\.x)?$")
_GO = re.compile(r"^go1\.(\d+)$")


@dataclass(frozen=True)
class Runtime:
    language: str  # "python" | "node" | "go"
    interpreter: str  # absolute path of the executable (for go: of the `go` that builds)
    note: str = ""  # a warning for the user, e.g. a version fallback


@functools.lru_cache(maxsize=32)
def _runs(executable: str, *args: str) -> str | None:
    """The interpreter's output for `args` if it really runs (pyenv shims may not)."""
    try:
        done = subprocess.run(
            [executable, *args], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _python(minor: str | None, runtime: str) -> Runtime:
    ours = f"{sys.version_info.major}.{sys.version_info.minor}"
    if minor is None or f"3.{minor}" == ours:
        return Runtime("python", sys.executable)
    found = shutil.which(f"python3.{minor}")
    if found and _runs(found, "-c", "import json, sys") is not None:
        return Runtime("python", found)
    return Runtime(
        "python",
        sys.executable,
        note=f"{runtime} is not installed here; the function runs with Python {ours}",
    )


def _node(major: str | None, runtime: str) -> Runtime:
    node = shutil.which("node")
    version = _runs(node, "--version") if node else None
    if node is None or version is None:
        raise ValueError(f"runtime {runtime} needs Node.js (`node` on PATH), which was not found")
    have = version.lstrip("v").split(".")[0]
    note = ""
    if major and major != have:
        note = f"{runtime} asked for; the function runs with Node.js {version}"
    return Runtime("node", node, note)


def _go(minor: str, runtime: str) -> Runtime:
    from genesys_plugin_sdk.go_build import go_toolchain, missing_toolchain_message

    go = go_toolchain()
    version = _runs(go, "env", "GOVERSION") if go else None
    if go is None or version is None:
        raise ValueError(missing_toolchain_message(runtime))
    have = re.match(r"go1\.(\d+)", version)
    note = ""
    if have and int(have.group(1)) < int(minor):
        note = (
            f"{runtime} asked for; the function is built with the installed {version} "
            "(code using newer language or library features will not compile)"
        )
    return Runtime("go", go, note)


def resolve(runtime: str) -> Runtime:
    """The interpreter for a runtime name; ValueError if the runtime is not offered.
    A Go runtime is looked up afresh each time: the toolchain may be installed meanwhile."""
    go = _GO.match(runtime)
    if go:
        return _go(go.group(1), runtime)
    return _resolve_interpreter(runtime)


@functools.lru_cache(maxsize=32)
def _resolve_interpreter(runtime: str) -> Runtime:
    """The interpreter for a runtime name; ValueError if the runtime is not offered."""
    python = _PYTHON.match(runtime)
    if python:
        return _python(python.group(1), runtime)
    node = _NODE.match(runtime)
    if node:
        return _node(node.group(1), runtime)
    raise ValueError(
        f"runtime {runtime!r} is not offered by the local provider "
        "(python3.x, nodejs* and go1.x are)"
    )


def runtime_made(runtime: str) -> str:
    """The runtime a function asking for `runtime` really runs with (e.g. python3.11 for
    python3.13 when only 3.11 is here): what its record says, so state tells the truth."""
    try:
        found = resolve(runtime)
    except ValueError:
        return runtime
    if not found.note or found.language == "go":  # go: the asked version is the record
        return runtime
    if found.language == "python":
        return f"python{sys.version_info.major}.{sys.version_info.minor}"
    version = _runs(found.interpreter, "--version") or ""
    return f"nodejs{version.lstrip('v').split('.')[0]}"


def is_known(runtime: str) -> bool:
    return bool(_PYTHON.match(runtime) or _NODE.match(runtime) or _GO.match(runtime))


def is_go(runtime: str) -> bool:
    return bool(_GO.match(runtime))
