"""Lambda functions, roles, layers, URLs and invocation through the plugin."""

from __future__ import annotations

import hashlib
import io
import json
import urllib.request
import zipfile
from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import serverless_pb2
from genesys_plugin_sdk import errors

HANDLER = "import os\ndef handler(event, context):\n    return {'x': os.environ.get('X')}\n"


def _zip(text: str = HANDLER) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("main.py", text)
    return buffer.getvalue()


def _code(text: str = HANDLER) -> pb.FunctionCode:
    data = _zip(text)
    return pb.FunctionCode(zip=data, sha256=hashlib.sha256(data).hexdigest())


def _function(name: str, **kw: Any) -> pb.FunctionConfig:
    return pb.FunctionConfig(
        name=name,
        runtime="python3.11",
        handler="main.handler",
        memory_mb=512,
        timeout_s=30,
        environment={"X": "hello"},
        code=_code(),
        **kw,
    )


def test_function_with_env_role_url_and_invoke(
    conn: Any, aws: Any, suffix: str, moto_url: str
) -> None:
    trigger = pb.Trigger(type="http", path="/api/*", methods=["GET", "POST"])
    config = _function(f"api-{suffix}", triggers=[trigger], tags={"app": "api"})
    made = conn.serverless.CreateFunction(
        serverless_pb2.CreateFunctionRequest(config=config, idempotency_token=f"f-{suffix}")
    )
    raw = aws("lambda").get_function(FunctionName=f"api-{suffix}")
    settings = raw["Configuration"]
    assert settings["Environment"]["Variables"] == {"X": "hello"}
    assert (settings["MemorySize"], settings["Timeout"], settings["Runtime"]) == (
        512,
        30,
        "python3.11",
    )
    role = aws("iam").get_role(RoleName=f"genesys-fn-api-{suffix}")["Role"]
    assert settings["Role"] == role["Arn"]
    assert "lambda.amazonaws.com" in json.dumps(role["AssumeRolePolicyDocument"])
    url = aws("lambda").get_function_url_config(FunctionName=f"api-{suffix}")
    assert made.url == url["FunctionUrl"] and sorted(url["Cors"]["AllowMethods"]) == ["GET", "POST"]
    assert made.code_sha256 == config.code.sha256 and made.tags == {"app": "api"}
    assert [(t.type, t.path) for t in made.triggers] == [("http", "/api/*")]
    answer = conn.serverless.InvokeFunction(
        serverless_pb2.InvokeFunctionRequest(id=made.id, payload=b'{"a": 1}')
    )
    # moto without Docker does not run handlers: it echoes the event back.
    assert json.loads(answer.payload) == {"a": 1} and answer.function_error == ""
    # moto's hook to script the next invocation's result (the payload is returned as is).
    results = json.dumps(
        {"results": [json.dumps({"body": "boom"})], "region": "us-east-1"}
    ).encode()
    queued = urllib.request.Request(
        f"{moto_url}/moto-api/static/lambda-simple/response", data=results, method="POST"
    )
    urllib.request.urlopen(queued, timeout=5).close()
    scripted = conn.serverless.InvokeFunction(
        serverless_pb2.InvokeFunctionRequest(id=made.id, payload=b"{}")
    )
    assert json.loads(scripted.payload)["body"] == "boom"


def test_update_code_env_and_triggers_then_delete(conn: Any, aws: Any, suffix: str) -> None:
    config = _function(f"upd-{suffix}", triggers=[pb.Trigger(type="http")])
    made = conn.serverless.CreateFunction(serverless_pb2.CreateFunctionRequest(config=config))
    config.environment["X"] = "changed"
    config.code.CopyFrom(_code(HANDLER + "# v2\n"))
    del config.triggers[:]
    updated = conn.serverless.UpdateFunction(
        serverless_pb2.UpdateFunctionRequest(
            id=made.id, config=config, changed=["environment", "code", "triggers"]
        )
    )
    assert updated.environment["X"] == "changed" and updated.code_sha256 == config.code.sha256
    assert updated.url == "" and not updated.triggers
    env = aws("lambda").get_function_configuration(FunctionName=made.id)["Environment"]["Variables"]
    assert env == {"X": "changed"}
    conn.serverless.DeleteFunction(pb.DeleteRequest(id=made.id))
    with pytest.raises(errors.NotFound):
        conn.serverless.GetFunction(pb.GetRequest(id=made.id))
    with pytest.raises(aws("iam").exceptions.NoSuchEntityException):
        aws("iam").get_role(RoleName=f"genesys-fn-upd-{suffix}")


def test_layers_and_function_using_one(conn: Any, aws: Any, suffix: str) -> None:
    layer_config = pb.LayerConfig(
        name=f"deps-{suffix}", compatible_runtimes=["python3.11"], code=_code("x = 1\n")
    )
    request = serverless_pb2.CreateLayerRequest(
        config=layer_config, idempotency_token=f"l-{suffix}"
    )
    layer = conn.serverless.CreateLayer(request)
    assert conn.serverless.CreateLayer(request).id == layer.id  # token kept in the description
    assert layer.version == 1 and layer.code_sha256 == layer_config.code.sha256
    made = conn.serverless.CreateFunction(
        serverless_pb2.CreateFunctionRequest(
            config=_function(f"uses-{suffix}", layer_ids=[layer.id])
        )
    )
    assert list(made.layer_ids) == [layer.id]
    layers = aws("lambda").get_function_configuration(FunctionName=made.id)["Layers"]
    assert [entry["Arn"] for entry in layers] == [layer.id]
    (listed,) = conn.serverless.ListLayers(pb.ListRequest(filters={"name": f"deps-{suffix}"}))
    assert listed.id == layer.id
    conn.serverless.DeleteLayer(pb.DeleteRequest(id=layer.id))
    with pytest.raises(errors.NotFound):
        conn.serverless.GetLayer(pb.GetRequest(id=layer.id))


def test_bad_runtime_and_discovery(conn: Any, aws: Any, suffix: str) -> None:
    with pytest.raises(errors.InvalidArgument) as caught:
        conn.serverless.CreateFunction(
            serverless_pb2.CreateFunctionRequest(
                config=pb.FunctionConfig(name="x", runtime="cobol85", code=_code())
            )
        )
    assert caught.value.attribute_path == "config.runtime"
    role = aws("iam").create_role(RoleName=f"hand-{suffix}", AssumeRolePolicyDocument="{}")["Role"][
        "Arn"
    ]
    aws("lambda").create_function(
        FunctionName=f"hand-{suffix}",
        Runtime="python3.12",
        Role=role,
        Handler="main.handler",
        Code={"ZipFile": _zip()},
    )
    (found,) = conn.serverless.DiscoverFunctions(
        pb.DiscoverRequest(filters={"name": f"hand-{suffix}"})
    )
    assert found.runtime == "python3.12" and found.handler == "main.handler"
