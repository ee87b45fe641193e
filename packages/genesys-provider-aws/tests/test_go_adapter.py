"""The Go function's `bootstrap` (go_adapter/bootstrap.go) for real: built with the Go
toolchain, run as Lambda runs it (AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT) against
a Runtime API server played here by http.server (the Lambda service's side of the documented
API), relaying events to a real user program built from Go source.

moto does not run Lambda functions without Docker, so this is where the adapter is exercised.
"""

from __future__ import annotations

import io
import json
import os
import queue
import signal
import stat
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from genesys_plugin_sdk import errors
from genesys_provider_aws.go_functions import lambda_zip

PROGRAM = """\
package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var event map[string]interface{}
		json.Unmarshal(body, &event)
		if event["fail"] == true {
			w.WriteHeader(500)
			w.Write([]byte("went wrong"))
			return
		}
		json.NewEncoder(w).Encode(map[string]interface{}{
			"method": r.Method, "path": r.URL.Path, "event": event,
			"port": os.Getenv("PORT"), "secret": os.Getenv("AWS_SECRET_ACCESS_KEY"),
		})
	})
	http.ListenAndServe(":"+os.Getenv("PORT"), nil)
}
"""
QUITS_AT_ONCE = 'package main\n\nimport "os"\n\nfunc main() { os.Exit(3) }\n'
API = "/2018-06-01/runtime"


def _source(main_go: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("main.go", main_go)
    return buffer.getvalue()


class RuntimeApi(ThreadingHTTPServer):
    """The Lambda service's side: hands out queued events, records what comes back."""

    def __init__(self, events: list[dict[str, Any]]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.events: queue.Queue[tuple[str, bytes]] = queue.Queue()
        for number, event in enumerate(events):
            self.events.put((f"request-{number}", json.dumps(event).encode()))
        self.answers: queue.Queue[tuple[str, str, Any, dict[str, str]]] = queue.Queue()
        self.daemon_threads = True


class _Handler(BaseHTTPRequestHandler):
    server: RuntimeApi

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        assert self.path == f"{API}/invocation/next", self.path
        request_id, event = self.server.events.get()  # blocks, as Lambda's long poll does
        self.send_response(200)
        self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
        self.send_header("Lambda-Runtime-Deadline-Ms", "9999999999999")
        self.send_header("Content-Length", str(len(event)))
        self.end_headers()
        self.wfile.write(event)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = self.path.removeprefix(API + "/").split("/")
        which, request_id = (parts[0], "") if parts[0] == "init" else (parts[2], parts[1])
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.answers.put((which, request_id, json.loads(body), headers))
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()


def _unpack(built: bytes, root: Path) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(built)) as archive:
        for info in archive.infolist():
            target = root / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(info))
            target.chmod(info.external_attr >> 16 & 0o777)
        return sorted(archive.namelist())


@pytest.fixture
def lambda_environment(tmp_path: Path) -> Iterator[Any]:
    """Starts `bootstrap` from a built zip as Lambda would; stops it afterwards."""
    started: list[tuple[subprocess.Popen[bytes], RuntimeApi]] = []

    def start(built: bytes, handler: str, events: list[dict[str, Any]]) -> RuntimeApi:
        _unpack(built, tmp_path / "task")
        api = RuntimeApi(events)
        threading.Thread(target=api.serve_forever, daemon=True).start()
        env = {"AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{api.server_port}", "_HANDLER": handler,
               "LAMBDA_TASK_ROOT": str(tmp_path / "task"), "PATH": "/usr/bin:/bin"}
        process = subprocess.Popen([str(tmp_path / "task" / "bootstrap")], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        started.append((process, api))
        return api

    yield start
    for process, api in started:
        os.killpg(process.pid, signal.SIGKILL)  # bootstrap and the program it started
        process.wait()
        api.shutdown()
        api.server_close()


def test_bootstrap_relays_each_event_to_the_program_and_its_errors(
        lambda_environment: Any, tmp_path: Path) -> None:
    built = lambda_zip(_source(PROGRAM), "api")
    names = _unpack(built, tmp_path / "look")
    assert names == ["bootstrap", "program/api"]
    assert all((tmp_path / "look" / n).stat().st_mode & stat.S_IXUSR for n in names)
    assert lambda_zip(_source(PROGRAM), "api") == built  # deterministic (and cached)

    api = lambda_environment(built, "api", [{"n": 1}, {"fail": True}, {"n": 3}])
    answers = [api.answers.get(timeout=120) for _ in range(3)]

    first, failed, third = answers
    assert first[:2] == ("response", "request-0")
    assert first[2]["event"] == {"n": 1} and (first[2]["method"], first[2]["path"]) == ("POST", "/")
    assert first[2]["port"].isdigit() and first[2]["secret"] == ""  # only Lambda's env, + PORT
    assert failed[:2] == ("error", "request-1")
    assert failed[2] == {"errorType": "Function.HTTPError",
                         "errorMessage": "the program answered HTTP 500: went wrong"}
    assert failed[3]["lambda-runtime-function-error-type"] == "Function.HTTPError"
    assert third[:3] == ("response", "request-2", {**first[2], "event": {"n": 3}})


def test_a_program_that_never_listens_is_an_init_error(lambda_environment: Any) -> None:
    api = lambda_environment(lambda_zip(_source(QUITS_AT_ONCE), "bootstrap"), "bootstrap", [])
    which, _id, body, _headers = api.answers.get(timeout=120)
    assert which == "init"
    assert body["errorType"] == "Runtime.ProgramStartError"
    assert "exited before listening on $PORT" in body["errorMessage"]


def test_a_source_that_does_not_build_is_an_error_on_the_code_with_gos_message() -> None:
    with pytest.raises(errors.InvalidArgument) as raised:
        lambda_zip(_source("package main\n\nfunc main() { undefined() }\n"), "bootstrap")
    assert raised.value.attribute_path == "config.code"
    assert "undefined: undefined" in str(raised.value)
