"""Tencent emulator through the real SDK: SCF web functions (Type HTTP) - a Go program built
for real, started by its scf_bootstrap, reached by Invoke (POST / with the event) and by its
function URL (the request forwarded as it came)."""

from __future__ import annotations

import base64
import io
import json
import urllib.request
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from genesys_emulators.tencent import sdk
from genesys_emulators.testing import running
from genesys_plugin_sdk.go_build import build_go_zip
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

SERVER = b"""package main

import (
\t"encoding/json"
\t"io"
\t"net/http"
\t"os"
)

func main() {
\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
\t\tbody, _ := io.ReadAll(r.Body)
\t\tif r.URL.Query().Get("fail") != "" {
\t\t\tw.WriteHeader(500)
\t\t\tw.Write([]byte("broken on purpose"))
\t\t\treturn
\t\t}
\t\tw.Header().Set("X-Served-By", "go")
\t\tjson.NewEncoder(w).Encode(map[string]any{
\t\t\t"method": r.Method, "path": r.URL.Path, "query": r.URL.RawQuery,
\t\t\t"body": string(body), "greeting": os.Getenv("GREETING"),
\t\t})
\t})
\thttp.ListenAndServe("0.0.0.0:"+os.Getenv("PORT"), nil)
}
"""
BOOTSTRAP = b'#!/bin/bash\nexport PORT="${PORT:-9000}"\nexec ./server\n'


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def code() -> str:
    built = build_go_zip(
        _zip({"main.go": SERVER}), binary="server", extra={"scf_bootstrap": BOOTSTRAP}
    )
    return base64.b64encode(built).decode()


@pytest.fixture(scope="module")
def ready() -> Iterator[dict[str, Any]]:
    with running("tencent") as line:
        yield line


def call(ready: dict[str, Any], action: str, **params: Any) -> dict[str, Any]:
    return sdk.call(ready["sdk"]["scf"], "scf", action, params)


def _create(ready: dict[str, Any], name: str, zipped: str, **more: Any) -> None:
    call(
        ready,
        "CreateFunction",
        FunctionName=name,
        Runtime="Go1",
        Type="HTTP",
        Handler="server",
        Code={"ZipFile": zipped},
        Environment={"Variables": [{"Key": "GREETING", "Value": "hello"}]},
        Timeout=10,
        **more,
    )
    for _ in range(100):
        if call(ready, "GetFunction", FunctionName=name)["Status"] == "Active":
            return
    raise AssertionError(f"{name} never became Active")


def test_invoke_posts_the_event_to_the_web_server(ready: dict[str, Any], code: str) -> None:
    _create(ready, "goweb", code)
    found = call(ready, "GetFunction", FunctionName="goweb")
    assert (found["Type"], found["Runtime"], found["Handler"]) == ("HTTP", "Go1", "server")
    result = call(
        ready, "Invoke", FunctionName="goweb", ClientContext=json.dumps({"n": 1}), LogType="Tail"
    )["Result"]
    assert result["InvokeResult"] == 0, result
    answer = json.loads(result["RetMsg"])
    assert (answer["method"], answer["path"], answer["greeting"]) == ("POST", "/", "hello")
    assert json.loads(answer["body"]) == {"n": 1}


def test_the_function_url_forwards_the_request_as_it_came(ready: dict[str, Any], code: str) -> None:
    _create(ready, "gourl", code)
    made = call(
        ready,
        "CreateTrigger",
        FunctionName="gourl",
        TriggerName="url",
        Type="http",
        TriggerDesc=json.dumps({"AuthType": "NONE"}),
    )
    url = json.loads(made["TriggerInfo"]["TriggerDesc"])["UrlConfig"]["ExtranetUrl"]
    request = urllib.request.Request(f"{url}/items/7?color=red", data=b"raw", method="PUT")
    with urllib.request.urlopen(request, timeout=20) as response:
        assert response.headers["X-Served-By"] == "go"
        answer = json.loads(response.read())
    assert answer == {
        "method": "PUT",
        "path": "/items/7",
        "query": "color=red",
        "body": "raw",
        "greeting": "hello",
    }
    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(f"{url}/?fail=1", timeout=20)
    assert failed.value.code == 500 and failed.value.read() == b"broken on purpose"


def test_failures_are_function_errors(ready: dict[str, Any], code: str) -> None:
    _create(ready, "gofails", code)
    result = call(ready, "Invoke", FunctionName="gofails", ClientContext="{}")["Result"]
    assert result["InvokeResult"] == 0
    broken = base64.b64encode(_zip({"server": b"not a bootstrap"})).decode()
    _create(ready, "gonoboot", broken)
    result = call(ready, "Invoke", FunctionName="gonoboot", ClientContext="{}")["Result"]
    assert result["InvokeResult"] == -1 and "scf_bootstrap" in result["ErrMsg"]
    with pytest.raises(TencentCloudSDKException) as refused:
        call(
            ready,
            "CreateFunction",
            FunctionName="badtype",
            Runtime="Go1",
            Type="Web",
            Code={"ZipFile": code},
        )
    assert refused.value.code == "InvalidParameterValue.Type"
