"""Functions whose handlers really run (result, environment, timeout, errors), and layers."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import serverless_pb2
from genesys_plugin_sdk import errors

from .conftest import leftovers, make_zip, payload

HANDLER = """
import os, time
import helper

def handler(event, context):
    if event.get("fail"):
        raise ValueError("bad input")
    if event.get("sleep"):
        time.sleep(event["sleep"])
    print("handling", event)
    return {"sum": event["a"] + event["b"], "greeting": os.environ.get("GREETING"),
            "leaked": os.environ.get("GENESYS_PLUGIN_SECRET"), "helper": helper.VALUE,
            "remaining": context.get_remaining_time_in_millis() > 0}
"""


def function_config(**overrides):
    config: dict[str, Any] = {
        "name": "adder",
        "runtime": "python3",
        "handler": "app.handler",
        "timeout_s": 5,  # the handler process's start counts: seconds on a loaded machine
        "environment": {"GREETING": "hi"},
        "code": pb.FunctionCode(zip=make_zip({"app.py": HANDLER})),
    }
    config.update(overrides)
    return pb.FunctionConfig(**config)


def layer(conn):
    code = pb.FunctionCode(zip=make_zip({"python/helper.py": "VALUE = 'from layer'\n"}))
    config = pb.LayerConfig(name="helpers", compatible_runtimes=["python3.11"], code=code)
    return conn.serverless.CreateLayer(serverless_pb2.CreateLayerRequest(config=config))


def invoke(conn, function_id, event):
    request = serverless_pb2.InvokeFunctionRequest(id=function_id, payload=payload(event))
    return conn.serverless.InvokeFunction(request)


def test_function_runs_its_handler_with_env_layers_and_timeout(conn, root, monkeypatch):
    monkeypatch.setenv("GENESYS_PLUGIN_SECRET", "must-not-leak")
    helpers = layer(conn)
    config = function_config(layer_ids=[helpers.id])
    function = conn.serverless.CreateFunction(serverless_pb2.CreateFunctionRequest(config=config))
    assert function.state == "active" and len(function.code_sha256) == 64
    assert (root / "functions" / function.id / "code" / "app.py").is_file()

    ok = invoke(conn, function.id, {"a": 2, "b": 3})
    assert ok.function_error == "", ok.logs
    assert json.loads(ok.payload) == {
        "sum": 5, "greeting": "hi", "leaked": None, "helper": "from layer", "remaining": True
    }  # fmt: skip
    assert "handling" in ok.logs

    failed = invoke(conn, function.id, {"fail": True})
    assert failed.function_error == "ValueError: bad input"
    assert "Traceback" in failed.logs

    slow = invoke(conn, function.id, {"sleep": 120})
    assert slow.function_error == "timed out after 5s"
    assert 5000 <= slow.duration_ms < 30000  # cut at its timeout, far before the 120 s sleep

    with pytest.raises(errors.FailedPrecondition):  # the function uses the layer
        conn.serverless.DeleteLayer(pb.DeleteRequest(id=helpers.id))
    conn.serverless.DeleteFunction(pb.DeleteRequest(id=function.id))
    conn.serverless.DeleteLayer(pb.DeleteRequest(id=helpers.id))
    assert leftovers(root) == []
    with pytest.raises(errors.NotFound):
        invoke(conn, function.id, {})


def test_code_update_replaces_the_handler_and_bumps_layer_versions(conn):
    function = conn.serverless.CreateFunction(
        serverless_pb2.CreateFunctionRequest(config=function_config(name="v"))
    )
    new_code = pb.FunctionCode(zip=make_zip({"app.py": "def handler(e, c):\n    return 'v2'\n"}))
    request = serverless_pb2.UpdateFunctionRequest(
        id=function.id, config=function_config(name="v", code=new_code), changed=["code"]
    )
    updated = conn.serverless.UpdateFunction(request)
    assert updated.code_sha256 != function.code_sha256
    assert json.loads(invoke(conn, function.id, {}).payload) == "v2"

    helpers = layer(conn)
    code = pb.FunctionCode(zip=make_zip({"python/helper.py": "VALUE = 2\n"}))
    update = serverless_pb2.UpdateLayerRequest(
        id=helpers.id, config=pb.LayerConfig(name="helpers", code=code), changed=["code"]
    )
    assert conn.serverless.UpdateLayer(update).version == 2
    conn.serverless.DeleteFunction(pb.DeleteRequest(id=function.id))
    conn.serverless.DeleteLayer(pb.DeleteRequest(id=helpers.id))


def test_bad_code_and_runtimes_are_rejected(conn):
    wrong_sha = function_config(code=pb.FunctionCode(zip=make_zip({"a.py": ""}), sha256="00" * 32))
    with pytest.raises(errors.InvalidArgument) as caught:
        conn.serverless.CreateFunction(serverless_pb2.CreateFunctionRequest(config=wrong_sha))
    assert caught.value.attribute_path == "config.code.sha256"
    with pytest.raises(errors.InvalidArgument) as caught:
        conn.serverless.CreateFunction(
            serverless_pb2.CreateFunctionRequest(config=function_config(runtime="java21"))
        )
    assert caught.value.attribute_path == "config.runtime"
    escape = function_config(code=pb.FunctionCode(zip=make_zip({"../evil.py": ""})))
    with pytest.raises(errors.InvalidArgument):
        conn.serverless.CreateFunction(serverless_pb2.CreateFunctionRequest(config=escape))
    assert list(conn.serverless.ListFunctions(pb.ListRequest())) == []


def test_http_trigger_serves_the_function(conn, root):
    code = "def handler(event, context):\n    return {'statusCode': 201, 'body': event['path']}\n"
    config = function_config(
        name="api",
        code=pb.FunctionCode(zip=make_zip({"app.py": code})),
        triggers=[pb.Trigger(type="http", path="/hello", methods=["GET"])],
    )
    function = conn.serverless.CreateFunction(serverless_pb2.CreateFunctionRequest(config=config))
    assert function.url.startswith("http://127.0.0.1:") and function.url.endswith("/hello")
    with urllib.request.urlopen(function.url + "/world", timeout=10) as response:
        assert response.status == 201
        assert response.read() == b"/hello/world"
    conn.serverless.DeleteFunction(pb.DeleteRequest(id=function.id))
    with pytest.raises(OSError):
        urllib.request.urlopen(function.url, timeout=2)
    assert leftovers(root) == []


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js (`node`) is not installed")
def test_nodejs_function_runs(conn):
    code = (
        "exports.handler = async (event) => "
        "({ doubled: event.n * 2, env: process.env.GREETING });\n"
    )
    config = function_config(
        name="node", runtime="nodejs20", handler="index.handler",
        code=pb.FunctionCode(zip=make_zip({"index.js": code})),
    )  # fmt: skip
    function = conn.serverless.CreateFunction(serverless_pb2.CreateFunctionRequest(config=config))
    result = invoke(conn, function.id, {"n": 21})
    assert result.function_error == "", result.logs
    assert json.loads(result.payload) == {"doubled": 42, "env": "hi"}
    conn.serverless.DeleteFunction(pb.DeleteRequest(id=function.id))


@pytest.mark.parametrize(
    ("route", "served", "refused"),
    [
        ("/api/*", ["/api/hello", "/api/a/b"], ["/other", "/api", "/apix"]),
        ("/*", ["/", "/hello", "/a/b"], []),
        ("/users/{id}/orders", ["/users/7/orders"], ["/users/7/carts"]),
    ],
)
def test_http_route_wildcards_match_as_on_api_gateway(conn, root, route, served, refused):
    code = "def handler(event, context):\n    return {'statusCode': 200, 'body': event['path']}\n"
    config = function_config(
        name="wild",
        code=pb.FunctionCode(zip=make_zip({"app.py": code})),
        triggers=[pb.Trigger(type="http", path=route, methods=["GET"])],
    )
    function = conn.serverless.CreateFunction(serverless_pb2.CreateFunctionRequest(config=config))
    base = function.url.split("/", 3)
    origin = "/".join(base[:3])
    assert "*" not in function.url
    try:
        for path in served:
            with urllib.request.urlopen(origin + path, timeout=10) as response:
                assert response.status == 200 and response.read() == path.encode(), path
        for path in refused:
            with pytest.raises(urllib.error.HTTPError) as refusal:
                urllib.request.urlopen(origin + path, timeout=10)
            assert refusal.value.code == 404, path
    finally:
        conn.serverless.DeleteFunction(pb.DeleteRequest(id=function.id))
    assert leftovers(root) == []
