"""go1.21 functions over real gRPC: built from source with the Go toolchain into an SCF web
function (Type HTTP, Go1, scf_bootstrap on port 9000), invoked through the plugin, changed
in place, a compile error located at the code; checked through Tencent's SDK."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import serverless_pb2
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.testing import InProcessConnection
from genesys_provider_tencent import go_functions
from genesys_provider_tencent.validation import validate

from .conftest import Sdk

PROGRAM = """package main

import (
\t"encoding/json"
\t"io"
\t"net/http"
\t"os"
)

func main() {
\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
\t\tvar event map[string]any
\t\tbody, _ := io.ReadAll(r.Body)
\t\tjson.Unmarshal(body, &event)
\t\tjson.NewEncoder(w).Encode(map[string]any{"WORD": "hello", "event": event})
\t})
\thttp.ListenAndServe(":"+os.Getenv("PORT"), nil)
}
"""


def code(source: str) -> pb.FunctionCode:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("main.go", source)
    raw = buffer.getvalue()
    return pb.FunctionCode(zip=raw, sha256=hashlib.sha256(raw).hexdigest())


def invoke(conn: InProcessConnection, name: str, event: object) -> dict[str, object]:
    answer = conn.serverless.InvokeFunction(
        serverless_pb2.InvokeFunctionRequest(id=name, payload=json.dumps(event).encode())
    )
    assert not answer.function_error, answer
    return dict(json.loads(answer.payload))


def test_a_go_function_is_a_web_function(conn: InProcessConnection, sdk: Sdk, suffix: str) -> None:
    config = pb.FunctionConfig(
        name=f"go-{suffix}", runtime="go1.21", handler="server", code=code(PROGRAM)
    )
    made = conn.serverless.CreateFunction(
        serverless_pb2.CreateFunctionRequest(config=config, idempotency_token=f"g-{suffix}")
    )
    assert (made.runtime, made.handler, made.code_sha256) == (
        "go1.21",
        "server",
        config.code.sha256,
    )
    found = sdk.call("scf", "GetFunction", FunctionName=config.name)
    assert (found["Type"], found["Runtime"], found["Handler"]) == ("HTTP", "Go1", "server")
    answer = invoke(conn, config.name, {"n": 1})
    assert (answer["WORD"], answer["event"]) == ("hello", {"n": 1})

    changed = pb.FunctionConfig()
    changed.CopyFrom(config)
    changed.code.CopyFrom(code(PROGRAM.replace('"hello"', '"changed"')))
    conn.serverless.UpdateFunction(
        serverless_pb2.UpdateFunctionRequest(id=config.name, config=changed, changed=["code"])
    )
    assert invoke(conn, config.name, {})["WORD"] == "changed"

    broken = pb.FunctionConfig()
    broken.CopyFrom(config)
    broken.code.CopyFrom(code(PROGRAM.replace("func main() {", "func main() { undefinedThing()")))
    with pytest.raises(errors.InvalidArgument) as caught:
        conn.serverless.UpdateFunction(
            serverless_pb2.UpdateFunctionRequest(id=config.name, config=broken, changed=["code"])
        )
    assert caught.value.attribute_path == "config.code"
    assert "undefinedThing" in caught.value.message
    assert invoke(conn, config.name, {})["WORD"] == "changed"  # the running code is untouched

    python = pb.FunctionConfig(name=config.name, runtime="python3.11", code=config.code)
    with pytest.raises(errors.FailedPrecondition) as refused:
        conn.serverless.UpdateFunction(
            serverless_pb2.UpdateFunctionRequest(id=config.name, config=python, changed=["runtime"])
        )
    assert "new name" in refused.value.message
    conn.serverless.DeleteFunction(pb.DeleteRequest(id=config.name))
    assert sdk.call("scf", "ListFunctions", SearchKey=config.name)["TotalCount"] == 0


def test_the_package_holds_the_binary_and_its_bootstrap() -> None:
    package = go_functions.scf_zip(code(PROGRAM).zip, "")
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in archive.infolist()}
        script = archive.read("scf_bootstrap").decode()
    assert modes == {"bootstrap": 0o755, "scf_bootstrap": 0o755}
    assert script == '#!/bin/bash\nexport PORT="${PORT:-9000}"\nexec ./bootstrap\n'


def test_validate_names_the_go_runtime_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    resource = pb.Resource(function=pb.Function(name="gofn", runtime="go1.22"))
    (only,) = validate(resource, 0)
    assert only.attribute_path == "runtime" and "go1.21" in only.summary
    named = pb.Resource(
        function=pb.Function(name="gofn", runtime="go1.21", handler="scf_bootstrap")
    )
    assert [d.attribute_path for d in validate(named, 0)] == ["handler"]
    monkeypatch.setenv("PATH", "/nonexistent")  # no Go toolchain on PATH
    (missing,) = validate(pb.Resource(function=pb.Function(name="gofn", runtime="go1.21")), 0)
    assert missing.summary.startswith("runtime go1.21 needs the Go toolchain")
