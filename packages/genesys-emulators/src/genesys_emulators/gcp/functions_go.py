"""Cloud Functions' Go build, as its buildpack does it: the uploaded source's root is a
non-main package with an exported `func(http.ResponseWriter, *http.Request)` named by the
entry point; a generated `main` serves that function on $PORT.

The buildpack wires it through the Functions Framework, which is not on this (offline)
machine: the generated main here is the standard library's `http.HandleFunc("/", entry)`,
the same contract. The program is then run per request by the core's runner
(`core.functions.forward_http`) with only the function's environment and PORT.

Refusals are build failures (the operation's error), worded as Cloud Build words them:
a `package main` at the root, no Go toolchain, or the compiler's own messages.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from genesys_emulators.core import CloudError
from genesys_emulators.core.functions import FunctionCode

SERVER = "_genesys_function_server"  # the built program, in the code's directory
_MAIN_DIR = "_genesys_function_main"
_PACKAGE = re.compile(r"^package\s+(\w+)", re.MULTILINE)
_MODULE = re.compile(r"^module\s+(\S+)", re.MULTILINE)
_ENTRY = re.compile(r"^[A-Z][A-Za-z0-9_]*$")
_BUILD_TIMEOUT_S = 300.0
_OUTPUT_LINES = 20
MAIN_SOURCE = """package main

import (
	"net/http"
	"os"

	function "{module}"
)

func main() {{
	http.HandleFunc("/", function.{entry})
	if err := http.ListenAndServe(":"+os.Getenv("PORT"), nil); err != nil {{
		panic(err)
	}}
}}
"""


def build_failed(message: str) -> CloudError:
    return CloudError(400, "buildFailed", f"Build failed: {message}")


def function_package(root: Path) -> str:
    """The package name of the source's root .go files (tests aside)."""
    names = {
        match.group(1)
        for path in sorted(root.glob("*.go"))
        if not path.name.endswith("_test.go")
        for match in [_PACKAGE.search(path.read_text(errors="replace"))]
        if match
    }
    if not names:
        raise build_failed("no .go files at the root of the function's source.")
    if "main" in names:
        raise build_failed(
            "the function's package must not be `main`: Cloud Functions builds a package "
            "exporting the entry point (func(http.ResponseWriter, *http.Request))."
        )
    return sorted(names)[0]


def build(code: FunctionCode, entry_point: str) -> str:
    """Builds the function in `code`'s directory; the executable's name (relative to it)."""
    go = shutil.which("go")
    if go is None:
        raise build_failed("the Go toolchain is not installed where this emulator runs.")
    if not _ENTRY.match(entry_point):
        raise build_failed(f"entry point {entry_point!r} is not an exported Go function name.")
    root = code.directory
    function_package(root)
    go_mod = root / "go.mod"
    if not go_mod.is_file():
        go_mod.write_text("module function\n\ngo 1.19\n")
    found = _MODULE.search(go_mod.read_text(errors="replace"))
    module = found.group(1) if found else "function"
    (root / _MAIN_DIR).mkdir(exist_ok=True)
    source = MAIN_SOURCE.format(module=module, entry=entry_point)
    (root / _MAIN_DIR / "main.go").write_text(source)
    _compile(go, root)
    return SERVER


def _compile(go: str, root: Path) -> None:
    command = [go, "build", "-trimpath", "-o", SERVER, f"./{_MAIN_DIR}"]
    try:
        done = subprocess.run(
            command,
            cwd=root,
            env=_build_env(),
            capture_output=True,
            text=True,
            timeout=_BUILD_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise build_failed(f"go build took longer than {_BUILD_TIMEOUT_S:.0f} s.") from None
    if done.returncode != 0:
        lines = (done.stdout + done.stderr).replace(str(root) + "/", "").strip().splitlines()
        raise build_failed("go build:\n  " + "\n  ".join(lines[:_OUTPUT_LINES]))


def _build_env() -> dict[str, str]:
    """Offline, no credentials: PATH, HOME and the Go settings a build needs."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "genesys"
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": os.environ.get("HOME", str(Path.home())),
        "CGO_ENABLED": "0",
        "GOFLAGS": "-mod=mod",
        "GOPROXY": "off",
        "GOTOOLCHAIN": "local",
        "GOCACHE": str(cache / "go-build"),
    }
