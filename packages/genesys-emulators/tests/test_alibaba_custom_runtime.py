"""Function Compute custom runtimes of `genesys-emulator alibaba` through the real
alibabacloud_fc20230330 SDK: a Go program (built with the plugin SDK's go_build for
linux/amd64) uploaded with `custom.debian10` and `customRuntimeConfig`, invoked as FC
invokes a custom runtime (POST /invoke, FC's headers, the payload as the body), and an
http trigger's request (the trigger's host as Host) forwarded to it as it came."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from genesys_emulators.testing import running
from genesys_plugin_sdk.go_build import build_go_zip

PROGRAM = """package main

import (
\t"encoding/json"
\t"io"
\t"net/http"
\t"os"
)

func main() {
\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
\t\tbody, _ := io.ReadAll(r.Body)
\t\tvar event map[string]any
\t\tjson.Unmarshal(body, &event)
\t\tif event["fail"] != nil {
\t\t\tw.WriteHeader(500)
\t\t\tw.Write([]byte("it broke"))
\t\t\treturn
\t\t}
\t\tjson.NewEncoder(w).Encode(map[string]any{
\t\t\t"method": r.Method, "path": r.URL.Path, "event": event,
\t\t\t"function": r.Header.Get("x-fc-function-name"), "query": r.URL.RawQuery,
\t\t\t"test": r.Header.Get("X-Test"),
\t\t\t"greeting": os.Getenv("GREETING"), "home": os.Getenv("HOME"),
\t\t})
\t})
\thttp.ListenAndServe(":"+os.Getenv("PORT"), nil)
}
"""


def _source() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("main.go", PROGRAM)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def emulator() -> Iterator[dict[str, Any]]:
    with running("alibaba") as ready:
        yield ready


@pytest.fixture(scope="module")
def fc(emulator: dict[str, Any]) -> Any:
    from alibabacloud_fc20230330.client import Client
    from alibabacloud_tea_openapi.models import Config

    settings = emulator["settings"]
    return Client(
        Config(
            access_key_id=settings["access_key_id"],
            access_key_secret=settings["access_key_secret"],
            endpoint=emulator["sdk"]["fc"].removeprefix("http://"),
            protocol="http",
        )
    )


def _create(fc: Any, name: str, **overrides: Any) -> Any:
    from alibabacloud_fc20230330 import models

    code = build_go_zip(_source(), binary="server", goos="linux", goarch="amd64")
    fields: dict[str, Any] = {
        "function_name": name,
        "runtime": "custom.debian10",
        "handler": "server",
        "memory_size": 128,
        "timeout": 30,
        "code": models.InputCodeLocation(zip_file=base64.b64encode(code).decode()),
        "custom_runtime_config": models.CustomRuntimeConfig(command=["./server"], port=9000),
        "environment_variables": {"GREETING": "hello", "PORT": "9000"},
        **overrides,
    }
    return fc.create_function(
        models.CreateFunctionRequest(body=models.CreateFunctionInput(**fields))
    )


def _invoke(fc: Any, name: str, payload: dict[str, Any]) -> tuple[dict[str, str], bytes]:
    from alibabacloud_fc20230330 import models

    headers = models.InvokeFunctionHeaders(x_fc_log_type="Tail")
    request = models.InvokeFunctionRequest(body=io.BytesIO(json.dumps(payload).encode()))
    answer = fc.invoke_function_with_options(name, request, headers, _runtime())
    return dict(answer.headers), answer.body.read()


def _runtime() -> Any:
    from alibabacloud_tea_util.models import RuntimeOptions

    return RuntimeOptions()


def test_a_go_program_on_a_custom_runtime_answers_post_invoke(fc: Any) -> None:
    made = _create(fc, "gofn").body
    assert (made.runtime, made.custom_runtime_config.command) == ("custom.debian10", ["./server"])
    assert made.custom_runtime_config.port == 9000
    headers, body = _invoke(fc, "gofn", {"n": [1, 2]})
    assert "x-fc-error-type" not in headers
    assert json.loads(body) == {
        "method": "POST",
        "path": "/invoke",
        "event": {"n": [1, 2]},
        "function": "gofn",
        "query": "",
        "test": "",
        "greeting": "hello",
        "home": "",  # only the function's environment reaches the program
    }
    headers, body = _invoke(fc, "gofn", {"fail": True})
    assert headers["x-fc-error-type"] == "UnhandledInvocationError"
    assert "HTTP 500: it broke" in json.loads(body)["errorMessage"]


def test_what_fc_refuses_for_a_custom_runtime(fc: Any) -> None:
    from alibabacloud_fc20230330 import models
    from Tea.exceptions import TeaException

    with pytest.raises(TeaException) as caught:
        _create(fc, "badport", custom_runtime_config=models.CustomRuntimeConfig(port=70000))
    assert (caught.value.code, caught.value.status_code) == ("InvalidArgument", 400)
    _create(fc, "nobinary", custom_runtime_config=models.CustomRuntimeConfig(command=["./nope"]))
    headers, body = _invoke(fc, "nobinary", {})
    assert headers["x-fc-error-type"] == "UnhandledInvocationError"
    assert "no executable named 'nope'" in json.loads(body)["errorMessage"]


def test_an_http_trigger_forwards_the_request_as_it_came(fc: Any, emulator: dict[str, Any]) -> None:
    import urllib.error
    import urllib.request

    from alibabacloud_fc20230330 import models

    _create(fc, "webfn")
    trigger = fc.create_trigger(
        "webfn",
        models.CreateTriggerRequest(
            body=models.CreateTriggerInput(
                trigger_name="http",
                trigger_type="http",
                trigger_config=json.dumps({"authType": "anonymous", "methods": ["GET", "POST"]}),
            )
        ),
    ).body
    host = trigger.http_trigger.url_internet.removeprefix("https://")

    def send(method: str, path: str, body: bytes | None = None) -> Any:
        request = urllib.request.Request(
            f"{emulator['sdk']['fc']}{path}",
            data=body,
            method=method,
            headers={"Host": host, "X-Test": "t"},
        )
        return urllib.request.urlopen(request, timeout=30)

    with send("POST", "/items?color=red", b'{"id": 7}') as answer:
        assert answer.status == 200
        seen = json.loads(answer.read())
    assert (seen["method"], seen["path"], seen["query"]) == ("POST", "/items", "color=red")
    assert (seen["event"], seen["test"], seen["function"]) == ({"id": 7}, "t", "")
    with pytest.raises(urllib.error.HTTPError) as refused:
        send("PUT", "/items")
    assert refused.value.code == 405
