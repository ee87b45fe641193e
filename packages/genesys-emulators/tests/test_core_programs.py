"""run_program / forward_http: a real Go program (built with go_build) served on $PORT."""

from __future__ import annotations

import io
import os
import sys
import time
import zipfile
from collections.abc import Iterator

import pytest
from genesys_emulators.core.functions import FunctionCode, ProgramError, forward_http, run_program
from genesys_plugin_sdk.go_build import build_go_zip, host_platform

_PROGRAM = """package main

import (
\t"encoding/json"
\t"io"
\t"net/http"
\t"os"
\t"os/exec"
\t"strings"
\t"time"
)

func main() {
\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
\t\tbody, _ := io.ReadAll(r.Body)
\t\tvar event map[string]any
\t\tjson.Unmarshal(body, &event)
\t\tif event["sleep"] != nil {
\t\t\texec.Command("/bin/sleep", "30").Start() // a grandchild the timeout must kill too
\t\t\ttime.Sleep(time.Duration(event["sleep"].(float64)) * time.Second)
\t\t}
\t\tif event["fail"] != nil {
\t\t\tw.WriteHeader(502)
\t\t\tw.Write([]byte("upstream broke"))
\t\t\treturn
\t\t}
\t\tw.Header().Set("X-Seen-Path", r.URL.Path)
\t\tw.WriteHeader(201)
\t\tos.Stdout.WriteString("handled " + r.Method + "\\n")
\t\tjson.NewEncoder(w).Encode(map[string]any{
\t\t\t"method": r.Method, "path": r.URL.Path, "query": r.URL.RawQuery,
\t\t\t"header": r.Header.Get("X-Test"), "body": string(body),
\t\t\t"env": strings.Join(os.Environ(), ","),
\t\t})
\t})
\thttp.ListenAndServe("127.0.0.1:"+os.Getenv("PORT"), nil)
}
"""


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def program() -> Iterator[FunctionCode]:
    goos, goarch = host_platform()
    built = build_go_zip(
        _zip({"main.go": _PROGRAM.encode()}), binary="bootstrap", goos=goos, goarch=goarch
    )
    code = FunctionCode(built)
    yield code
    code.close()


def test_an_invocation_posts_the_event_with_only_the_functions_environment(
    program: FunctionCode, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMULATOR_SECRET", "do-not-pass")
    outcome = run_program(program, "bootstrap", {"a": 1}, environment={"DB_HOST": "db"})
    assert outcome.ok, outcome.error
    assert outcome.result["method"] == "POST" and outcome.result["path"] == "/"
    assert outcome.result["body"] == '{"a": 1}'
    env = dict(item.split("=", 1) for item in outcome.result["env"].split(","))
    assert set(env) == {"DB_HOST", "PORT"} and env["DB_HOST"] == "db"
    assert "handled POST" in outcome.logs


def test_an_http_request_is_forwarded_as_it_came(program: FunctionCode) -> None:
    reply = forward_http(
        program, "bootstrap", "PUT", "/items/7?color=red",
        [("X-Test", "yes"), ("Content-Type", "text/plain"), ("Connection", "close")],
        b"raw body", timeout_s=20,
    )
    assert reply.status == 201
    assert dict(reply.headers)["X-Seen-Path"] == "/items/7"
    assert b'"query":"color=red"' in reply.body and b'"header":"yes"' in reply.body
    assert b'"body":"raw body"' in reply.body and b'"method":"PUT"' in reply.body


def test_a_non_2xx_answer_is_a_function_error(program: FunctionCode) -> None:
    outcome = run_program(program, "bootstrap", {"fail": True})
    assert not outcome.ok
    assert outcome.error == "the program answered HTTP 502: upstream broke"


def test_a_timeout_kills_the_whole_process_group(program: FunctionCode) -> None:
    before = _sleepers()
    started = time.monotonic()
    outcome = run_program(program, "bootstrap", {"sleep": 10}, timeout_s=1.5)
    assert not outcome.ok and outcome.error == "timed out after 1.5 s"
    assert time.monotonic() - started < 6
    deadline = time.monotonic() + 5
    while _sleepers() - before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _sleepers() - before  # the grandchild `sleep 30` went with the group


def test_a_program_that_exits_before_listening_is_reported_with_its_output() -> None:
    script = f"#!{sys.executable}\nimport sys\nprint('cannot start: no config')\nsys.exit(3)\n"
    code = FunctionCode(_zip({"app": script.encode()}))
    try:
        outcome = run_program(code, "app", {}, timeout_s=20)
    finally:
        code.close()
    assert not outcome.ok
    assert outcome.error.startswith("the program exited with 3 before listening on PORT")
    assert "cannot start: no config" in outcome.logs


def test_a_missing_executable_is_a_clear_error() -> None:
    code = FunctionCode(_zip({"README": b"no program"}))
    try:
        assert run_program(code, "bootstrap", {}).error == (
            "the code has no executable named 'bootstrap'"
        )
        with pytest.raises(ProgramError, match=r"no executable named '\.\./etc'"):
            forward_http(code, "../etc", "GET", "/", [], b"")
    finally:
        code.close()


def _sleepers() -> set[int]:
    """Pids of `sleep 30` processes of this user (the test program's grandchildren)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if handle.read() == b"/bin/sleep\x0030\x00":
                        found.add(int(entry))
            except OSError:
                continue
    return found
