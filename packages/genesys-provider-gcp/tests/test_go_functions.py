"""runtime go1.21 on GCP: the plugin builds the user's main package (go_build, linux/amd64) and
ships it with the Cloud Functions adapter package; the emulator builds that package as the Go
buildpack does and the adapter runs the program with PORT. Real plugin over gRPC, checked
through google-cloud-functions; invoke answers what the program answered."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import serverless_pb2
from genesys_emulators.gcp.sdk import functions_client
from genesys_plugin_sdk import errors

PROGRAM = """package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		var event map[string]any
		body, _ := io.ReadAll(r.Body)
		json.Unmarshal(body, &event)
		if event["fail"] == true {
			http.Error(w, "asked to fail", http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{
			"hello": event["name"], "stage": os.Getenv("STAGE"), "path": r.URL.Path,
		})
	})
	http.ListenAndServe(":"+os.Getenv("PORT"), nil)
}
"""


def code(files: dict[str, str]) -> pb.FunctionCode:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, text in sorted(files.items()):
            bundle.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), text)
    data = buffer.getvalue()
    return pb.FunctionCode(zip=data, sha256=hashlib.sha256(data).hexdigest())


def go_function(name: str, files: dict[str, str], handler: str = "") -> pb.FunctionConfig:
    return pb.FunctionConfig(
        name=name,
        runtime="go1.21",
        handler=handler,
        code=code(files),
        environment={"STAGE": "test"},
        triggers=[pb.Trigger(type="http")],
    )


def test_a_go_program_is_deployed_with_the_adapter_and_answers_invocations(
    conn: Any, ready: dict, suffix: str
) -> None:
    config = go_function(f"go-{suffix}", {"main.go": PROGRAM})
    made = conn.serverless.CreateFunction(serverless_pb2.CreateFunctionRequest(config=config))
    assert (made.runtime, made.handler, made.state) == ("go1.21", "bootstrap", "active")
    raw = functions_client(ready["sdk"]["functions"]).get_function(
        name=made.provider_data["full_name"]
    )
    assert (raw.build_config.runtime, raw.build_config.entry_point) == ("go121", "Handle")
    invoke = serverless_pb2.InvokeFunctionRequest(id=made.id, payload=b'{"name": "gcp"}')
    answer = conn.serverless.InvokeFunction(invoke)
    assert json.loads(answer.payload) == {"hello": "gcp", "stage": "test", "path": "/"}
    failing = serverless_pb2.InvokeFunctionRequest(id=made.id, payload=b'{"fail": true}')
    failed = conn.serverless.InvokeFunction(failing)
    assert failed.function_error.startswith("HTTP 500: asked to fail")

    config.code.CopyFrom(code({"main.go": PROGRAM.replace('"hello"', '"hi"')}))
    update = serverless_pb2.UpdateFunctionRequest(
        id=made.id, private=made.private, config=config, changed=["code"]
    )
    updated = conn.serverless.UpdateFunction(update)
    assert updated.code_sha256 == config.code.sha256 and updated.id == made.id
    answer = conn.serverless.InvokeFunction(invoke)
    assert json.loads(answer.payload)["hi"] == "gcp"  # the new program, in place
    conn.serverless.DeleteFunction(pb.DeleteRequest(id=made.id))


def test_a_source_that_does_not_compile_is_an_error_on_the_code(conn: Any, suffix: str) -> None:
    broken = PROGRAM.replace('"hello": event["name"]', '"hello": missing')
    config = go_function(f"bad-{suffix}", {"main.go": broken}, handler="server")
    with pytest.raises(errors.InvalidArgument, match="undefined: missing"):
        conn.serverless.CreateFunction(serverless_pb2.CreateFunctionRequest(config=config))
    clash = go_function(f"clash-{suffix}", {"main.go": PROGRAM}, handler="go.mod")
    with pytest.raises(errors.InvalidArgument, match="adapter"):
        conn.serverless.CreateFunction(serverless_pb2.CreateFunctionRequest(config=clash))


def test_no_go_toolchain_is_a_validate_error_naming_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    from genesys_provider_gcp.planning import validate

    function = pb.Function(name="gofn", runtime="go1.21", handler="bootstrap")
    assert list(validate(pb.Resource(function=function), 0)) == []  # go is installed here
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without go
    (found,) = validate(pb.Resource(function=function), 0)
    assert found.attribute_path == "runtime" and found.severity == pb.Diagnostic.SEVERITY_ERROR
    assert found.summary.startswith("runtime go1.21 needs the Go toolchain to build `source`")


def test_a_program_that_never_listens_is_a_function_error_naming_why(
    conn: Any, suffix: str
) -> None:
    quitter = 'package main\n\nimport "os"\n\nfunc main() { os.Exit(3) }\n'
    config = go_function(f"quit-{suffix}", {"main.go": quitter}, handler="quitter")
    made = conn.serverless.CreateFunction(serverless_pb2.CreateFunctionRequest(config=config))
    answer = conn.serverless.InvokeFunction(
        serverless_pb2.InvokeFunctionRequest(id=made.id, payload=b"{}")
    )
    assert answer.function_error.startswith("HTTP 502: ")
    assert "quitter exited before listening on PORT" in answer.function_error
    conn.serverless.DeleteFunction(pb.DeleteRequest(id=made.id))
