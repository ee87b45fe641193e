"""runtime go1.21 on Azure, through the plugin over real gRPC against genesys-emulator azure:
the source is built (Go toolchain) into a custom handler, zip-deployed, and run by the
emulator's Functions host; InvokeFunction is POST / with the event, an HTTP trigger forwards
the request as it came; what cannot build is a located error."""

from __future__ import annotations

import hashlib
import io
import json
import time
import urllib.request
import zipfile
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.mgmt.web import WebSiteManagementClient
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2, serverless_pb2
from genesys_plugin_sdk import errors

GROUP = "plugin-tests"
PROGRAM = """package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		json.NewEncoder(w).Encode(map[string]string{
			"answer": os.Getenv("ANSWER"), "method": r.Method, "path": r.URL.Path,
			"body": string(body),
		})
	})
	http.ListenAndServe(":"+os.Getenv("PORT"), nil)
}
"""


class _Credential:
    def get_token(self, *scopes: str, **kwargs: object) -> AccessToken:
        return AccessToken("emulator", int(time.time()) + 3600)


class _PlainBearer(SansIOHTTPPolicy):  # type: ignore[type-arg]
    def on_request(self, request):  # type: ignore[no-untyped-def]
        request.http_request.headers["Authorization"] = "Bearer emulator"


def _code(program: str) -> pb.FunctionCode:
    source = io.BytesIO()
    with zipfile.ZipFile(source, "w") as bundle:
        bundle.writestr("main.go", program)
    data = source.getvalue()
    return pb.FunctionCode(zip=data, sha256=hashlib.sha256(data).hexdigest())


def _config(name: str, program: str = PROGRAM, **fields: Any) -> pb.FunctionConfig:
    return pb.FunctionConfig(
        name=name,
        runtime="go1.21",
        handler="server",
        timeout_s=30,
        environment={"ANSWER": "42"},
        code=_code(program),
        **fields,
    )


def test_a_go_function_is_a_custom_handler_that_answers(conn: Any, ready: dict[str, Any]) -> None:
    made = conn.serverless.CreateFunction(
        serverless_pb2.CreateFunctionRequest(config=_config("gofn"), idempotency_token="tok-go")
    )
    assert (made.runtime, made.handler, made.url) == ("go1.21", "server", "")
    invoked = conn.serverless.InvokeFunction(
        serverless_pb2.InvokeFunctionRequest(id=made.id, payload=b'{"n": 1}')
    )
    assert invoked.function_error == ""
    assert json.loads(invoked.payload) == {
        "answer": "42",
        "method": "POST",
        "path": "/",
        "body": '{"n": 1}',
    }
    web = WebSiteManagementClient(
        _Credential(),
        ready["settings"]["subscription_id"],
        base_url=ready["sdk"]["arm"],
        authentication_policy=_PlainBearer(),
    )
    site = made.id.rsplit("/", 1)[1]
    settings = web.web_apps.list_application_settings(GROUP, site).properties
    assert settings["FUNCTIONS_WORKER_RUNTIME"] == "custom"
    public = ready["settings"]["functions_endpoint"].format(site=site) + "/"
    with pytest.raises(urllib.error.HTTPError) as keyed:  # no HTTP trigger: keyed only
        urllib.request.urlopen(urllib.request.Request(public, data=b"{}"), timeout=30)
    assert keyed.value.code == 401
    conn.serverless.DeleteFunction(pb.DeleteRequest(id=made.id))


def test_an_http_trigger_forwards_the_request_as_it_came(conn: Any) -> None:
    trigger = pb.Trigger(type="http", path="/hello", methods=["GET"])
    made = conn.serverless.CreateFunction(
        serverless_pb2.CreateFunctionRequest(config=_config("gohttp", triggers=[trigger]))
    )
    assert made.url.endswith("/hello") and "/api/" not in made.url
    with urllib.request.urlopen(made.url + "?x=1", timeout=60) as answer:
        seen = json.loads(answer.read())
    assert (seen["method"], seen["path"], seen["answer"]) == ("GET", "/hello", "42")
    changed = PROGRAM.replace('os.Getenv("ANSWER")', '"changed"')
    updated = conn.serverless.UpdateFunction(
        serverless_pb2.UpdateFunctionRequest(
            id=made.id, config=_config("gohttp", changed, triggers=[trigger]), changed=["code"]
        )
    )
    with urllib.request.urlopen(updated.url, timeout=60) as answer:
        assert json.loads(answer.read())["answer"] == "changed"
    conn.serverless.DeleteFunction(pb.DeleteRequest(id=made.id))


def test_go_that_does_not_build_is_a_located_error(conn: Any) -> None:
    broken = "package main\n\nfunc main() { undefined() }\n"
    with pytest.raises(errors.InvalidArgument) as refused:
        conn.serverless.CreateFunction(
            serverless_pb2.CreateFunctionRequest(config=_config("gobad", broken))
        )
    assert refused.value.attribute_path == "config.code"
    assert "undefined" in refused.value.message


def test_without_the_go_toolchain_validation_says_what_to_install(
    conn: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # the plugin runs in this process
    function = pb.Function(name="gofn", runtime="go1.21", handler="bad name")
    response = conn.provider.ValidateResources(
        provider_pb2.ValidateResourcesRequest(resources=[pb.Resource(function=function)])
    )
    found = {d.attribute_path: d.summary for d in response.diagnostics}
    assert "needs the Go toolchain" in found["runtime"] and "golang-go" in found["runtime"]
    assert "names the Go executable" in found["handler"]
