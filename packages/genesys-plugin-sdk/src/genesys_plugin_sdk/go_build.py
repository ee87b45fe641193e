"""Build a Go function's `source` into a deterministic zip holding its executable.

The Genesys Go contract (docs/config.md): `source` is a Go main package (go.mod optional),
`handler` names the executable the build produces, and the program serves HTTP on $PORT.
Every plugin builds it the same way:

    zip_bytes = build_go_zip(source_zip, binary="bootstrap", goos="linux", goarch="amd64")

Builds are offline (GOPROXY=off, GOTOOLCHAIN=local): stdlib-only code or vendored modules.
The child gets a minimal environment (PATH, HOME, GO*) so no credential reaches `go`.
Results are cached on disk by sha256(source zip + goos + goarch + binary + extra), so a
plan and the apply after it build once.
"""

from __future__ import annotations

import hashlib
import io
import os
import platform
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = [
    "GoBuildError",
    "build_go_zip",
    "go_toolchain",
    "host_platform",
    "missing_toolchain_message",
]

_BINARY_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_EPOCH = (1980, 1, 1, 0, 0, 0)
_OUTPUT_LINES = 20
_BUILD_TIMEOUT_S = 600.0
# Signatures of files that must keep the exec bit when shipped as `extra` (scripts, ELF).
_EXECUTABLE_MAGIC = (b"#!", b"\x7fELF")
_MACHINE_TO_GOARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


class GoBuildError(Exception):
    """The Go source did not build; `message` is for the user (compiler output included,
    trimmed), ready to be reported at the function's address."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def go_toolchain() -> str | None:
    """The path of the `go` command on PATH, or None when Go is not installed."""
    return shutil.which("go")


def missing_toolchain_message(runtime: str = "go1.21") -> str:
    return (
        f"runtime {runtime} needs the Go toolchain to build `source` "
        "(install Go 1.21+, e.g. Debian's golang-go) — or use python3.11 / nodejs18"
    )


def host_platform() -> tuple[str, str]:
    """(GOOS, GOARCH) of this machine, for providers that run the binary locally."""
    goos = platform.system().lower()
    machine = platform.machine().lower()
    return goos, _MACHINE_TO_GOARCH.get(machine, machine)


def build_go_zip(
    source_zip: bytes,
    *,
    binary: str,
    goos: str = "linux",
    goarch: str = "amd64",
    extra: Mapping[str, bytes] | None = None,
) -> bytes:
    """A deterministic zip holding the built `binary` (exec bit set) plus `extra` files."""
    if not _BINARY_NAME.fullmatch(binary) or binary in (".", ".."):
        raise GoBuildError(
            f"handler {binary!r} must name the executable to build "
            "(letters, digits, '_', '.', '-'), e.g. bootstrap"
        )
    extra = dict(extra or {})
    key = _cache_key(source_zip, goos, goarch, binary, extra)
    cached = _cache_file(key)
    if cached.is_file():
        return cached.read_bytes()
    executable = _compile(source_zip, binary=binary, goos=goos, goarch=goarch)
    entries = [(binary, executable, True)]
    entries += [(name, data, data.startswith(_EXECUTABLE_MAGIC)) for name, data in extra.items()]
    result = _zip_entries(sorted(entries))
    _store(cached, result)
    return result


def _compile(source_zip: bytes, *, binary: str, goos: str, goarch: str) -> bytes:
    go = go_toolchain()
    if go is None:
        raise GoBuildError(missing_toolchain_message())
    with tempfile.TemporaryDirectory(prefix="genesys-go-") as scratch:
        workdir = Path(scratch) / "src"
        _unpack(source_zip, workdir)
        has_go_mod = (workdir / "go.mod").is_file()
        if not has_go_mod:
            # `go build` needs a module; a source without go.mod is one anonymous module
            # at the local toolchain's language version.
            (workdir / "go.mod").write_text(f"module function\n\ngo {_language_version(go)}\n")
        output_path = Path(scratch) / "out" / binary
        command = [go, "build", "-trimpath", "-ldflags=-s -w", "-o", str(output_path), "."]
        env = _build_env(goos, goarch, mod_flag=_mod_flag(workdir) if has_go_mod else None)
        try:
            done = subprocess.run(
                command, cwd=workdir, env=env, capture_output=True, text=True,
                timeout=_BUILD_TIMEOUT_S, check=False,
            )
        except subprocess.TimeoutExpired:
            raise GoBuildError(f"go build took longer than {_BUILD_TIMEOUT_S:.0f}s") from None
        if done.returncode != 0:
            raise GoBuildError(_failure_message(done.stdout + done.stderr, scratch, go))
        return output_path.read_bytes()


def _mod_flag(workdir: Path) -> str:
    # Vendored dependencies build offline; anything else resolves through the (offline)
    # module cache, where GOPROXY=off turns a missing module into a clear error.
    return "-mod=vendor" if (workdir / "vendor" / "modules.txt").is_file() else "-mod=mod"


def _build_env(goos: str, goarch: str, *, mod_flag: str | None) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name.startswith("GO")}
    env.pop("GOFLAGS", None)
    env["PATH"] = os.environ.get("PATH", os.defpath)
    env["HOME"] = os.environ.get("HOME", str(Path.home()))
    env.update(
        CGO_ENABLED="0",
        GOOS=goos,
        GOARCH=goarch,
        GOPROXY="off",
        GOTOOLCHAIN="local",
        GOCACHE=str(_cache_root() / "go-build"),
    )
    if mod_flag:
        env["GOFLAGS"] = mod_flag
    return env


def _failure_message(output: str, scratch: str, go: str) -> str:
    text = output.replace(scratch + "/src/", "").replace(scratch + "/src", ".").strip()
    lines = text.splitlines()
    if len(lines) > _OUTPUT_LINES:
        lines = [*lines[:_OUTPUT_LINES], f"... ({len(lines) - _OUTPUT_LINES} more lines)"]
    message = "go build failed:\n  " + "\n  ".join(lines or ["(no output)"])
    hint = _version_hint(text, go)
    return message + ("\n" + hint if hint else "")


def _version_hint(output: str, go: str) -> str:
    """Why a go.mod written for a newer Go fails on an older toolchain, said plainly."""
    if "unknown directive: toolchain" in output or "invalid go version" in output:
        return (
            f"hint: this go.mod is written for a newer Go than the installed "
            f"go{_language_version(go)}; write `go 1.21` (no patch number) and drop the "
            "`toolchain` line, or install a newer Go"
        )
    return ""


def _language_version(go: str) -> str:
    """'1.19' for go1.19.8: the version a generated go.mod declares."""
    try:
        done = subprocess.run(
            [go, "env", "GOVERSION"], capture_output=True, text=True, timeout=60, check=False,
            env={"PATH": os.environ.get("PATH", os.defpath), "HOME": str(Path.home())},
        )
    except (OSError, subprocess.TimeoutExpired):
        return "1.19"
    found = re.match(r"go(\d+)\.(\d+)", done.stdout.strip())
    return f"{found.group(1)}.{found.group(2)}" if found else "1.19"


def _unpack(source_zip: bytes, target: Path) -> None:
    target.mkdir(parents=True)
    try:
        archive = zipfile.ZipFile(io.BytesIO(source_zip))
    except zipfile.BadZipFile:
        raise GoBuildError("the Go source is not a valid zip archive") from None
    with archive:
        for info in archive.infolist():
            destination = (target / info.filename).resolve()
            if not destination.is_relative_to(target.resolve()):
                raise GoBuildError(f"the Go source has an entry outside its root: {info.filename}")
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.read(info))


def _zip_entries(entries: Iterable[tuple[str, bytes, bool]]) -> bytes:
    """Same rules as the core's code zips: fixed timestamps, stored, unix mode bits."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data, executable in entries:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.create_system = 3
            info.external_attr = (0o100755 if executable else 0o100644) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _cache_key(
    source_zip: bytes, goos: str, goarch: str, binary: str, extra: Mapping[str, bytes]
) -> str:
    digest = hashlib.sha256(source_zip)
    for part in (goos, goarch, binary):
        digest.update(b"\0" + part.encode())
    for name in sorted(extra):
        digest.update(b"\0" + name.encode() + b"\0" + hashlib.sha256(extra[name]).digest())
    return digest.hexdigest()


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "genesys"


def _cache_file(key: str) -> Path:
    return _cache_root() / "go-zips" / f"{key}.zip"


def _store(path: Path, data: bytes) -> None:
    # Atomic (write then rename) so concurrent plugins never read half a zip; a cache that
    # cannot be written only costs a rebuild next time.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except OSError:
        pass
