"""go_build: real `go build` of a tiny stdlib program, run and called over HTTP on $PORT."""

from __future__ import annotations

import io
import json
import os
import socket
import stat
import subprocess
import time
import urllib.request
import uuid
import zipfile
from pathlib import Path

import pytest
from genesys_plugin_sdk.go_build import (
    GoBuildError,
    build_go_zip,
    go_toolchain,
    host_platform,
    missing_toolchain_message,
)

_PROGRAM = """package main

// nonce: %s

import (
\t"fmt"
\t"io"
\t"net/http"
\t"os"
)

func main() {
\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
\t\tbody, _ := io.ReadAll(r.Body)
\t\tw.Header().Set("Content-Type", "application/json")
\t\tfmt.Fprintf(w, `{"method": %%q, "got": %%s}`, r.Method, body)
\t})
\thttp.ListenAndServe("127.0.0.1:"+os.Getenv("PORT"), nil)
}
"""


def _source_zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _program(go_mod: str | None = None) -> bytes:
    """A fresh program each time (a nonce), so no test is served from another's cache."""
    files = {"main.go": _PROGRAM % uuid.uuid4().hex}
    if go_mod is not None:
        files["go.mod"] = go_mod
    return _source_zip(files)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _post_when_up(port: int, body: bytes, deadline_s: float = 20.0) -> dict[str, object]:
    deadline = time.monotonic() + deadline_s
    while True:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/", data=body, method="POST")
            with urllib.request.urlopen(request, timeout=5) as response:
                return dict(json.loads(response.read()))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _unpack(data: bytes, target: Path) -> dict[str, zipfile.ZipInfo]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(target)
        return {info.filename: info for info in archive.infolist()}


def test_builds_a_stdlib_program_that_serves_on_port(tmp_path: Path) -> None:
    goos, goarch = host_platform()
    built = build_go_zip(
        _program("module example.com/hello\n\ngo 1.21\n"),
        binary="bootstrap", goos=goos, goarch=goarch,
        extra={"run.sh": b"#!/bin/sh\nexec ./bootstrap\n", "README": b"notes"},
    )
    entries = _unpack(built, tmp_path)
    assert sorted(entries) == ["README", "bootstrap", "run.sh"]
    modes = {name: (info.external_attr >> 16) & 0o777 for name, info in entries.items()}
    assert modes == {"README": 0o644, "bootstrap": 0o755, "run.sh": 0o755}
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in entries.values())

    binary = tmp_path / "bootstrap"
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    port = _free_port()
    child = subprocess.Popen([str(binary)], env={"PORT": str(port)})
    try:
        assert _post_when_up(port, b'{"n": 1}') == {"method": "POST", "got": {"n": 1}}
    finally:
        child.kill()
        child.wait()


def test_source_without_go_mod_builds_and_the_result_is_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = _program()
    first = build_go_zip(source, binary="app", goos="linux", goarch="amd64")
    assert list(_unpack(first, tmp_path)) == ["app"]
    # With `go` gone from PATH the same build can only come from the cache.
    monkeypatch.setenv("PATH", str(tmp_path / "no-go-here"))
    assert go_toolchain() is None
    assert build_go_zip(source, binary="app", goos="linux", goarch="amd64") == first


def test_the_zip_is_deterministic_across_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    source = _program()
    first = build_go_zip(source, binary="fn", goos="linux", goarch="amd64")
    # A fresh zip cache (the go build cache is kept: it only speeds the compiler up).
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "genesys"
    for cached in (cache / "go-zips").glob("*.zip"):
        if cached.read_bytes() == first:
            cached.unlink()
    assert build_go_zip(source, binary="fn", goos="linux", goarch="amd64") == first
    assert build_go_zip(source, binary="fn", goos="linux", goarch="arm64") != first


def test_vendored_modules_build_offline(tmp_path: Path) -> None:
    source = _source_zip({
        "main.go": (
            'package main\n\nimport (\n\t"fmt"\n\t"example.com/greet"\n)\n\n'
            "func main() { fmt.Println(greet.Hello()) }\n"
        ),
        "go.mod": "module example.com/app\n\ngo 1.21\n\nrequire example.com/greet v0.1.0\n",
        "vendor/modules.txt": "# example.com/greet v0.1.0\n## explicit\nexample.com/greet\n",
        "vendor/example.com/greet/greet.go": (
            f'package greet\n\n// {uuid.uuid4().hex}\nfunc Hello() string {{ return "vendored" }}\n'
        ),
    })
    goos, goarch = host_platform()
    _unpack(build_go_zip(source, binary="app", goos=goos, goarch=goarch), tmp_path)
    (tmp_path / "app").chmod(0o755)
    ran = subprocess.run([str(tmp_path / "app")], capture_output=True, text=True, check=True)
    assert ran.stdout == "vendored\n"


def test_a_module_that_is_not_vendored_fails_offline_with_gos_words() -> None:
    source = _source_zip({
        "main.go": 'package main\n\nimport "example.com/missing"\n\nfunc main() { missing.X() }\n',
        "go.mod": "module example.com/app\n\ngo 1.21\n\nrequire example.com/missing v0.1.0\n",
    })
    with pytest.raises(GoBuildError, match="GOPROXY=off"):
        build_go_zip(source, binary="app")


def test_compiler_errors_come_back_trimmed_and_relative() -> None:
    broken = _source_zip({"main.go": "package main\n\nfunc main() {\n\tundefinedThing()\n}\n"})
    with pytest.raises(GoBuildError) as raised:
        build_go_zip(broken, binary="bootstrap")
    message = raised.value.message
    assert message.startswith("go build failed:")
    assert "main.go:4:2: undefined: undefinedThing" in message
    assert "genesys-go-" not in message  # the temp dir is not shown


def test_go_mod_for_a_newer_go_gets_an_honest_hint() -> None:
    source = _program("module example.com/x\n\ngo 1.21.0\n\ntoolchain go1.21.5\n")
    if go_toolchain() and "go1.19" not in subprocess.run(
        ["go", "version"], capture_output=True, text=True, check=True
    ).stdout:
        # A newer Go reads this go.mod; it must simply build.
        assert build_go_zip(source, binary="bootstrap")
        return
    with pytest.raises(GoBuildError) as raised:
        build_go_zip(source, binary="bootstrap")
    assert "hint: this go.mod is written for a newer Go" in raised.value.message


def test_missing_toolchain_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GoBuildError) as raised:
        build_go_zip(_program(), binary="bootstrap")
    assert raised.value.message == missing_toolchain_message()
    assert "golang-go" in raised.value.message


@pytest.mark.parametrize("name", ["", "a/b", "..", "main.handler space", "x;y"])
def test_binary_must_be_an_executable_name(name: str) -> None:
    with pytest.raises(GoBuildError, match="must name the executable"):
        build_go_zip(_program(), binary=name)


def test_zip_entries_outside_the_root_are_refused() -> None:
    with pytest.raises(GoBuildError, match="outside its root"):
        build_go_zip(_source_zip({"../evil.go": "package main"}), binary="bootstrap")


def test_the_build_sees_no_secrets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A stand-in `go` first on PATH records the environment the build gives it.
    dump = tmp_path / "env.txt"
    fake_go = tmp_path / "bin" / "go"
    fake_go.parent.mkdir()
    fake_go.write_text(f"#!/bin/sh\nenv > {dump}\necho 'no build here' >&2\nexit 1\n")
    fake_go.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake_go.parent}:{os.environ['PATH']}")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "hunter2")
    monkeypatch.setenv("GOFLAGS", "-race")
    with pytest.raises(GoBuildError, match="no build here"):
        build_go_zip(_program("module example.com/x\n\ngo 1.21\n"), binary="bootstrap")
    seen = dict(line.split("=", 1) for line in dump.read_text().splitlines() if "=" in line)
    assert "hunter2" not in dump.read_text()
    assert seen["GOFLAGS"] == "-mod=mod"
    assert seen["GOPROXY"] == "off" and seen["GOTOOLCHAIN"] == "local"
    assert seen["CGO_ENABLED"] == "0"
    assert seen["GOCACHE"].endswith("genesys/go-build")
    shell_own = {"PWD", "SHLVL", "_", "OLDPWD"}
    assert set(seen) - shell_own - {"PATH", "HOME", "CGO_ENABLED"} == {
        k for k in seen if k.startswith("GO")
    }
