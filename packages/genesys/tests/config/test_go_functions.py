"""Go functions in the config: the handler is the binary (`bootstrap` when unset), a bad one
is a located error, and the no-source placeholder is a main package that really builds and
answers on $PORT."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import time
import urllib.request
import zipfile
from pathlib import Path

from genesys.config import expand, inspect_config, load_config
from genesys_plugin_sdk.go_build import build_go_zip, host_platform


def _functions(write, text: str, name: str = "genesys.yaml") -> dict[str, dict]:
    found = {r.address: r.attributes for r in expand(load_config(write(name, text)))}
    return {a: attrs for a, attrs in found.items() if a.startswith(("serverless.", "api"))}


def test_a_go_functions_handler_defaults_to_bootstrap(write, tmp_path: Path) -> None:
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "main.go").write_text("package main\n\nfunc main() {}\n")
    functions = _functions(write, """
        resources:
          serverless:
            - {name: plain, runtime: go1.21, source: ./fn}
            - {name: named, runtime: go1.22, handler: server, source: ./fn}
            - {name: py, runtime: python3.11, source: ./fn}
    """)
    assert functions["serverless.plain"]["handler"] == "bootstrap"
    assert functions["serverless.named"]["handler"] == "server"
    assert functions["serverless.py"]["handler"] == "main.handler"


def test_the_api_outcome_and_toml_follow_the_same_default(write, tmp_path: Path) -> None:
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "main.go").write_text("package main\n\nfunc main() {}\n")
    config = load_config(write("genesys.toml", """
        [outcomes.api]
        runtime = "go1.21"
        source = "./fn"

        [[resources.serverless]]
        name = "t"
        runtime = "go1.21"
        source = "./fn"
    """))
    assert config.outcomes.api is not None and config.outcomes.api.handler == "bootstrap"
    assert config.resources.serverless[0].handler == "bootstrap"


def test_a_go_handler_that_is_not_an_executable_name_is_located(errors_of) -> None:
    errors = errors_of("genesys.yaml", """
        resources:
          serverless:
            - name: go
              runtime: go1.21
              handler: cmd/server
            - {name: py, runtime: python3.11, handler: bootstrap}
    """)
    assert [(e.line, e.column, e.path) for e in errors] == [
        (5, 7, "resources.serverless[0].handler"),
        (6, 39, "resources.serverless[1].handler"),
    ]
    assert errors[0].message == (
        "invalid handler 'cmd/server' for a go1.21 function: it names the executable the "
        "build produces (letters, digits, '_', '.', '-')"
    )
    assert errors[0].hint == "leave handler unset for `bootstrap`, or e.g. handler: server"
    assert "expected module.function for a python3.11 function" in errors[1].message


def test_the_go_placeholder_builds_and_answers_on_port(write, tmp_path: Path) -> None:
    path = write("genesys.yaml", """
        resources:
          serverless:
            - {name: todo-api, runtime: go1.21}
    """)
    config = load_config(path)
    assert [d.message for d in inspect_config(path).warnings] == [
        "function 'todo-api' has no `source`: a placeholder handler answering "
        '{"error": "no source configured for todo-api"} is deployed'
    ]
    fn = {r.address: r for r in expand(config)}["serverless.todo-api"]
    source = fn.attributes["code"]["zip"]
    assert zipfile.ZipFile(io.BytesIO(source)).namelist() == ["main.go"]

    goos, goarch = host_platform()
    built = build_go_zip(source, binary="bootstrap", goos=goos, goarch=goarch)
    zipfile.ZipFile(io.BytesIO(built)).extractall(tmp_path / "out")
    binary = tmp_path / "out" / "bootstrap"
    binary.chmod(0o755)
    port = _free_port()
    child = subprocess.Popen([str(binary)], env={"PORT": str(port)})
    try:
        assert _post(port, b"{}") == {"error": "no source configured for todo-api"}
    finally:
        child.kill()
        child.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _post(port: int, body: bytes) -> object:
    deadline = time.monotonic() + 20
    while True:
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/", data=body)
            with urllib.request.urlopen(request, timeout=5) as response:
                return json.loads(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
