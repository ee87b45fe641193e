"""genesys-emulator azure's Functions host for custom handlers (FUNCTIONS_WORKER_RUNTIME
custom): a real Go program, built by genesys_plugin_sdk.go_build, zip-deployed through Kudu to
a Function App made with azure-mgmt-web; the host gives it FUNCTIONS_CUSTOMHANDLER_PORT and
forwards requests by host.json's routePrefix and each function.json's route, method and
authLevel."""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request
import zipfile
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.mgmt.storage import StorageManagementClient
from azure.mgmt.storage import models as sm
from azure.mgmt.web import WebSiteManagementClient
from azure.mgmt.web import models as wm
from genesys_emulators.testing import running
from genesys_plugin_sdk.go_build import build_go_zip

LOCATION = "eastus"
# Reads only the custom-handler port variable, as Azure's samples do; reports what it saw.
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
		if r.URL.Path == "/api/fail" {
			w.WriteHeader(http.StatusTeapot)
		}
		json.NewEncoder(w).Encode(map[string]string{
			"method": r.Method, "uri": r.URL.RequestURI(), "body": string(body),
			"greeting": os.Getenv("GREETING"), "port": os.Getenv("PORT"),
		})
	})
	http.ListenAndServe("127.0.0.1:"+os.Getenv("FUNCTIONS_CUSTOMHANDLER_PORT"), nil)
}
"""


class FakeCredential:
    def get_token(self, *scopes: str, **kwargs: object) -> AccessToken:
        return AccessToken("emulator", int(time.time()) + 3600)


class PlainBearer(SansIOHTTPPolicy):  # type: ignore[type-arg]
    def on_request(self, request):  # type: ignore[no-untyped-def]
        request.http_request.headers["Authorization"] = "Bearer emulator"


def _function(route: str, auth: str, methods: list[str]) -> bytes:
    trigger = {"type": "httpTrigger", "direction": "in", "name": "req", "route": route}
    trigger.update({"authLevel": auth, "methods": methods})
    out = {"type": "http", "direction": "out", "name": "res"}
    return json.dumps({"bindings": [trigger, out]}).encode()


def _package(forwarding: bool = True) -> bytes:
    source = io.BytesIO()
    with zipfile.ZipFile(source, "w") as bundle:
        bundle.writestr("main.go", PROGRAM)
    host = {
        "version": "2.0",
        "customHandler": {
            "description": {"defaultExecutablePath": "handler"},
            "enableForwardingHttpRequest": forwarding,
        },
    }
    extra = {
        "host.json": json.dumps(host).encode(),
        "items/function.json": _function("items/{id}", "anonymous", ["get"]),
        "private/function.json": _function("private", "function", []),
        "fail/function.json": _function("fail", "anonymous", []),
    }
    return build_go_zip(source.getvalue(), binary="handler", extra=extra)


@pytest.fixture(scope="module")
def app() -> Any:
    with running("azure") as ready:
        options = {
            "base_url": ready["sdk"]["arm"],
            "authentication_policy": PlainBearer(),
            "polling_interval": 0,
        }
        sub = ready["settings"]["subscription_id"]
        web = WebSiteManagementClient(FakeCredential(), sub, **options)
        storage = StorageManagementClient(FakeCredential(), sub, **options)
        from azure.mgmt.resource.resources import ResourceManagementClient

        groups = ResourceManagementClient(FakeCredential(), sub, **options).resource_groups
        groups.create_or_update("rg", {"location": LOCATION})
        yield _function_app(web, storage), web, ready["settings"]


def _function_app(web: Any, storage: Any) -> str:
    plan = web.app_service_plans.begin_create_or_update(
        "rg", "go-plan", wm.AppServicePlan(location=LOCATION, sku=wm.SkuDescription(name="Y1"))
    ).result()
    web.web_apps.begin_create_or_update(
        "rg",
        "go-app",
        wm.Site(location=LOCATION, kind="functionapp,linux", server_farm_id=plan.id),
    ).result()
    storage.storage_accounts.begin_create(
        "rg",
        "gohost1",
        sm.StorageAccountCreateParameters(
            sku=sm.Sku(name="Standard_LRS"), kind="StorageV2", location=LOCATION
        ),
    ).result()
    key = storage.storage_accounts.list_keys("rg", "gohost1")["keys"][0]["value"]
    host_storage = f"DefaultEndpointsProtocol=https;AccountName=gohost1;AccountKey={key}"
    settings = {
        "FUNCTIONS_WORKER_RUNTIME": "custom",
        "GREETING": "hej",
        "AzureWebJobsStorage": host_storage,
    }
    web.web_apps.update_application_settings(
        "rg", "go-app", wm.StringDictionary(properties=settings)
    )
    return "go-app"


def _deploy(settings: dict[str, Any], archive: bytes) -> None:
    kudu = settings["kudu_endpoint"].format(site="go-app")
    request = urllib.request.Request(f"{kudu}/api/zipdeploy", data=archive, method="POST")
    urllib.request.urlopen(request, timeout=10).close()


def _call(
    settings: dict[str, Any], path: str, method: str = "GET", **headers: str
) -> tuple[int, Any]:
    url = settings["functions_endpoint"].format(site="go-app") + path
    request = urllib.request.Request(url, data=b"hi" if method == "POST" else None, method=method)
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as failure:
        body = failure.read()
        return failure.code, json.loads(body) if body else None


def test_requests_are_forwarded_as_they_came_on_the_hosts_port(app: Any) -> None:
    _, _, settings = app
    _deploy(settings, _package())
    status, seen = _call(settings, "/api/items/42?x=1")
    assert status == 200
    assert seen == {
        "method": "GET",
        "uri": "/api/items/42?x=1",
        "body": "",
        "greeting": "hej",  # app settings are the program's environment
        "port": "",  # Azure gives the port in FUNCTIONS_CUSTOMHANDLER_PORT only
    }
    assert _call(settings, "/api/items/42", "POST")[0] == 404  # the trigger lists GET only
    assert _call(settings, "/items/42")[0] == 404  # outside the route prefix
    status, failed = _call(settings, "/api/fail")
    assert status == 418 and failed["uri"] == "/api/fail"  # the program's status, as is


def test_function_auth_level_wants_a_key(app: Any) -> None:
    _, web, settings = app
    _deploy(settings, _package())
    assert _call(settings, "/api/private", "POST") == (401, None)
    assert _call(settings, "/api/private", "POST", x_functions_key="wrong")[0] == 401
    keys = web.web_apps.list_host_keys("rg", "go-app")
    status, seen = _call(settings, "/api/private", "POST", x_functions_key=keys.master_key)
    assert status == 200 and (seen["method"], seen["body"]) == ("POST", "hi")
    default_key = keys.function_keys["default"]
    assert _call(settings, f"/api/private?code={default_key}")[0] == 200


def test_without_request_forwarding_the_host_does_not_start(app: Any) -> None:
    _, _, settings = app
    _deploy(settings, _package(forwarding=False))
    status, answer = _call(settings, "/api/items/1")
    assert status == 503 and "enableForwardingHttpRequest" in answer["error"]["message"]
