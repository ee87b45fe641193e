"""A go1.21 function from a source directory on the local provider, through the real CLI:
apply builds it, `genesys invoke` POSTs to it, its HTTP trigger forwards requests, a source
change is a planned update, destroy removes it; no `go` on PATH is a located plan error."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

from genesys_plugin_sdk.go_build import missing_toolchain_message

from .conftest import files_under, genesys_env, local_root, run_genesys

CONFIG = """\
provider: local
resources:
  serverless:
    - name: hello
      runtime: go1.21
      source: ./fn
      timeout: 10
      environment:
        GREETING: hi
      triggers:
        - {type: http, path: /api/*}
outputs:
  url: ${serverless.hello.url}
"""

MAIN_GO = """package main

import (
\t"encoding/json"
\t"io"
\t"net/http"
\t"os"
)

func main() {
\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
\t\tbody, _ := io.ReadAll(r.Body)
\t\tw.Header().Set("Content-Type", "application/json")
\t\tjson.NewEncoder(w).Encode(map[string]string{
\t\t\t"version": "%s", "greeting": os.Getenv("GREETING"),
\t\t\t"method": r.Method, "path": r.URL.Path, "body": string(body),
\t\t})
\t})
\thttp.ListenAndServe("127.0.0.1:"+os.Getenv("PORT"), nil)
}
"""


def _write_source(project: Path, version: str) -> None:
    (project / "fn").mkdir(exist_ok=True)
    (project / "fn" / "main.go").write_text(MAIN_GO % version)
    (project / "fn" / "go.mod").write_text("module example.com/hello\n\ngo 1.21\n")


def test_a_go_function_applies_invokes_serves_updates_and_destroys(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(CONFIG)
    _write_source(tmp_path, "v1")
    applied = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert applied.returncode == 0, applied.stdout + applied.stderr

    invoked = run_genesys("invoke", "hello", "--payload", '{"n": 1}', cwd=tmp_path)
    assert invoked.returncode == 0, invoked.stderr
    answer = json.loads(invoked.stdout)
    assert answer == {"version": "v1", "greeting": "hi", "method": "POST", "path": "/",
                      "body": '{"n": 1}'}

    url = run_genesys("output", "url", cwd=tmp_path).stdout.strip()
    request = urllib.request.Request(url + "/things", data=b"payload", method="PUT")
    with urllib.request.urlopen(request, timeout=30) as response:
        served = json.loads(response.read())
    assert (served["method"], served["path"], served["body"]) == (
        "PUT", "/api/things", "payload")

    quiet = run_genesys("plan", "--detailed-exitcode", cwd=tmp_path)
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr  # no rebuild shows as a change

    _write_source(tmp_path, "v2")
    planned = run_genesys("plan", "--detailed-exitcode", cwd=tmp_path)
    assert planned.returncode == 2, planned.stdout + planned.stderr
    assert "# serverless.hello will be updated in-place" in planned.stdout
    assert "(code sha256 " in planned.stdout
    updated = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert updated.returncode == 0, updated.stdout + updated.stderr
    again = run_genesys("invoke", "hello", cwd=tmp_path)
    assert json.loads(again.stdout)["version"] == "v2"

    destroyed = run_genesys("destroy", "--auto-approve", cwd=tmp_path)
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    assert not [f for f in files_under(local_root(tmp_path)) if f.startswith("functions/")]


def test_without_go_the_plan_names_the_function_and_what_to_install(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(CONFIG)
    _write_source(tmp_path, "v1")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    # The CLI runs from the venv's python; only the plugin's lookup of `go` sees this PATH.
    env = genesys_env(PATH=str(empty))
    assert "go" not in os.listdir(empty)
    planned = run_genesys("plan", cwd=tmp_path, env=env)
    assert planned.returncode == 1 and "Traceback" not in planned.stderr
    assert f"serverless.hello: {missing_toolchain_message('go1.21')}" in planned.stderr


def test_a_go_function_without_source_runs_the_placeholder(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(
        "provider: local\nresources:\n  serverless:\n    - {name: todo, runtime: go1.21}\n"
    )
    applied = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "function 'todo' has no `source`" in applied.stderr + applied.stdout
    invoked = run_genesys("invoke", "todo", cwd=tmp_path)
    assert invoked.returncode == 0, invoked.stderr
    assert json.loads(invoked.stdout) == {"error": "no source configured for todo"}
    destroyed = run_genesys("destroy", "--auto-approve", cwd=tmp_path)
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
