"""Go functions through the real `genesys-provider-local` process: built from source with
the Go toolchain, run with PORT, invoked by POST, served through the HTTP trigger, timed out,
updated, deleted; and a clear error when `go` is not installed."""

from __future__ import annotations

import json
import urllib.request
import uuid
from pathlib import Path

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2, serverless_pb2
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.go_build import missing_toolchain_message

from .conftest import configure_request, leftovers, make_zip, payload

plugins = pytest.importorskip("genesys.plugins", reason="the core's plugin host is not installed")

PROGRAM = """package main

// build %(nonce)s

import (
\t"encoding/json"
\t"io"
\t"net/http"
\t"os"
\t"strings"
\t"time"
)

func main() {
\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
\t\tbody, _ := io.ReadAll(r.Body)
\t\tvar event map[string]any
\t\tjson.Unmarshal(body, &event)
\t\tif s, ok := event["sleep"].(float64); ok {
\t\t\ttime.Sleep(time.Duration(s) * time.Second)
\t\t}
\t\tif event["fail"] != nil {
\t\t\thttp.Error(w, "bad input", 400)
\t\t\treturn
\t\t}
\t\tos.Stdout.WriteString("handling " + r.Method + " " + r.URL.Path + "\\n")
\t\tw.Header().Set("X-Version", "%(version)s")
\t\tif r.URL.Path != "/" {
\t\t\tw.WriteHeader(201)
\t\t}
\t\tjson.NewEncoder(w).Encode(map[string]any{
\t\t\t"version": "%(version)s", "method": r.Method, "path": r.URL.Path,
\t\t\t"query": r.URL.RawQuery, "header": r.Header.Get("X-Test"), "body": string(body),
\t\t\t"env": strings.Join(os.Environ(), "\\n"),
\t\t})
\t})
\thttp.ListenAndServe("127.0.0.1:"+os.Getenv("PORT"), nil)
}
"""


def go_source(version: str) -> bytes:
    text = PROGRAM % {"nonce": uuid.uuid4().hex, "version": version}
    return make_zip({"main.go": text, "go.mod": "module example.com/fn\n\ngo 1.21\n"})


def go_config(**overrides: object) -> pb.FunctionConfig:
    config: dict[str, object] = {
        "name": "gofn",
        "runtime": "go1.21",
        "handler": "bootstrap",
        "timeout_s": 2,
        "environment": {"GREETING": "hi"},
        "code": pb.FunctionCode(zip=go_source("v1")),
        "triggers": [pb.Trigger(type="http", path="/api/*")],
    }
    config.update(overrides)
    return pb.FunctionConfig(**config)  # type: ignore[arg-type]


def call(conn, function_id: str, event: object) -> serverless_pb2.InvokeFunctionResponse:
    request = serverless_pb2.InvokeFunctionRequest(id=function_id, payload=payload(event))
    return conn.serverless.InvokeFunction(request)


def test_a_go_function_builds_runs_serves_http_and_updates(root: Path) -> None:
    with plugins.launch_plugin("local", env={"GENESYS_PLUGIN_SECRET": "must-not-leak"}) as conn:
        conn.provider.Configure(configure_request(root))
        function = conn.serverless.CreateFunction(
            serverless_pb2.CreateFunctionRequest(config=go_config())
        )
        assert function.runtime == "go1.21" and function.handler == "bootstrap"
        assert function.provider_data["binary"].endswith("/code/bootstrap")

        done = call(conn, function.id, {"a": 1})
        assert done.function_error == ""
        result = json.loads(done.payload)
        assert (result["version"], result["method"], result["path"]) == ("v1", "POST", "/")
        assert json.loads(result["body"]) == {"a": 1}
        env = dict(line.split("=", 1) for line in result["env"].splitlines())
        assert env["GREETING"] == "hi" and env["GENESYS_FUNCTION_NAME"] == "gofn"
        assert env["PORT"].isdigit() and "GENESYS_PLUGIN_SECRET" not in env
        assert "handling POST /" in done.logs

        request = urllib.request.Request(
            function.url + "/items?color=red", data=b"raw", method="PUT",
            headers={"X-Test": "yes"},
        )
        with urllib.request.urlopen(request, timeout=20) as response:
            assert response.status == 201 and response.headers["X-Version"] == "v1"
            served = json.loads(response.read())
        assert (served["method"], served["path"], served["query"]) == (
            "PUT", "/api/items", "color=red")
        assert (served["header"], served["body"]) == ("yes", "raw")

        failed = call(conn, function.id, {"fail": True})
        assert failed.function_error == "the program answered HTTP 400: bad input"
        slow = call(conn, function.id, {"sleep": 10})
        assert slow.function_error == "timed out after 2s" and slow.duration_ms < 6000

        update = serverless_pb2.UpdateFunctionRequest(
            id=function.id,
            config=go_config(code=pb.FunctionCode(zip=go_source("v2")), handler="server"),
            changed=["code", "handler"],
        )
        updated = conn.serverless.UpdateFunction(update)
        assert updated.provider_data["binary"].endswith("/code/server")
        assert json.loads(call(conn, function.id, {}).payload)["version"] == "v2"
        with urllib.request.urlopen(function.url + "/x", timeout=20) as response:
            assert response.headers["X-Version"] == "v2"

        conn.serverless.DeleteFunction(pb.DeleteRequest(id=function.id))
    assert leftovers(root) == []


def test_a_compile_error_is_reported_at_the_code(root: Path) -> None:
    broken = make_zip({"main.go": "package main\n\nfunc main() {\n\tnope()\n}\n"})
    with plugins.launch_plugin("local") as conn:
        conn.provider.Configure(configure_request(root))
        with pytest.raises(errors.InvalidArgument) as caught:
            conn.serverless.CreateFunction(serverless_pb2.CreateFunctionRequest(
                config=go_config(code=pb.FunctionCode(zip=broken))))
        assert caught.value.attribute_path == "config.code"
        assert "main.go:4:2: undefined: nope" in str(caught.value)
        assert list(conn.serverless.ListFunctions(pb.ListRequest())) == []


def test_without_go_on_path_validation_names_what_to_install(root: Path, tmp_path: Path) -> None:
    no_go = tmp_path / "empty-bin"
    no_go.mkdir()
    resources = [
        pb.Resource(function=pb.Function(name="g", runtime="go1.21", handler="bootstrap")),
        pb.Resource(function=pb.Function(name="p", runtime="python3.11", handler="main.handler")),
    ]
    with plugins.launch_plugin("local", env={"PATH": str(no_go)}) as conn:
        conn.provider.Configure(configure_request(root))
        response = conn.provider.ValidateResources(
            provider_pb2.ValidateResourcesRequest(resources=resources)
        )
        assert [(d.index, d.attribute_path, d.summary) for d in response.diagnostics] == [
            (0, "runtime", missing_toolchain_message("go1.21"))
        ]
        with pytest.raises(errors.InvalidArgument) as caught:
            conn.serverless.CreateFunction(serverless_pb2.CreateFunctionRequest(config=go_config()))
        assert caught.value.attribute_path == "config.runtime"


def test_a_go_handler_must_be_an_executable_name(root: Path) -> None:
    resources = [
        pb.Resource(function=pb.Function(name="g", runtime="go1.21", handler="cmd/server")),
        pb.Resource(function=pb.Function(name="h", runtime="go1.22", handler="main.handler")),
    ]
    with plugins.launch_plugin("local") as conn:
        conn.provider.Configure(configure_request(root))
        response = conn.provider.ValidateResources(
            provider_pb2.ValidateResourcesRequest(resources=resources)
        )
    found = [d for d in response.diagnostics if d.severity == pb.Diagnostic.SEVERITY_ERROR]
    assert [(d.index, d.attribute_path) for d in found] == [(0, "handler")]
    assert found[0].summary == (
        "handler 'cmd/server' must name the executable the Go build produces "
        "(letters, digits, '_', '.', '-'), e.g. bootstrap"
    )


def test_the_runtime_table_lists_go(root: Path) -> None:
    with plugins.launch_plugin("local") as conn:
        schema = conn.provider.GetSchema(provider_pb2.GetSchemaRequest())
    runtimes = next(t for t in schema.translations if t.name == "function.runtime")
    assert "go1.x" in runtimes.entries and "$PORT" in runtimes.entries["go1.x"]


def test_a_missing_binary_is_a_function_error_not_a_crash(root: Path) -> None:
    with plugins.launch_plugin("local") as conn:
        conn.provider.Configure(configure_request(root))
        function = conn.serverless.CreateFunction(
            serverless_pb2.CreateFunctionRequest(config=go_config(triggers=[]))
        )
        Path(function.provider_data["binary"]).unlink()
        outcome = call(conn, function.id, {})
        assert outcome.function_error == "the function's binary 'bootstrap' was not built"
        conn.serverless.DeleteFunction(pb.DeleteRequest(id=function.id))
    assert leftovers(root) == []
