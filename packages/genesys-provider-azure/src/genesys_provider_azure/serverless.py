"""Functions: a Function App (Linux, Consumption plan of its own) per function; Go functions
are custom handlers (go_functions.py).

The site's name is the function's plus 8 hex digits (site names are global DNS names). The
code is zip-deployed through Kudu's /api/zipdeploy with an HTTP-trigger shim
(`function_app.py`) that calls the configured handler; what Azure has no field for (handler,
timeout, memory, code digest, triggers) lives in GENESYS_* app settings, beside the
function's environment. InvokeFunction calls the HTTP trigger and returns its answer.
"""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import serverless_pb2
from genesys_plugin_sdk import errors

from genesys_provider_azure import go_functions, tables
from genesys_provider_azure.common import (
    AzureKind,
    absent,
    apply_filters,
    arm_ids,
    delete_or_not_found,
    group_of,
    listed,
    name_of,
    sdk_models,
    system_tags,
    tags_with_token,
    token_of,
    user_tags,
)

FUNCTION_TAG = "genesys-function"
STORAGE_TAG = "genesys-function-storage"  # on the Functions host's own storage account
OWN_SETTINGS = (
    "FUNCTIONS_WORKER_RUNTIME",
    "FUNCTIONS_EXTENSION_VERSION",
    "GENESYS_HANDLER",
    "GENESYS_TIMEOUT",
    "GENESYS_MEMORY_MB",
    "GENESYS_CODE_SHA256",
    "GENESYS_TRIGGERS",
    "GENESYS_RUNTIME",
    "AzureWebJobsStorage",
)
SHIM = '''"""HTTP trigger made by Genesys: calls the handler named by GENESYS_HANDLER."""
import importlib, json, os
import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.AUTH_LEVEL)


@app.route(route="{*path}")
def genesys_http(req: func.HttpRequest) -> func.HttpResponse:
    module, _, name = os.environ["GENESYS_HANDLER"].rpartition(".")
    handler = getattr(importlib.import_module(module), name)
    event = {"method": req.method, "path": req.url, "query": dict(req.params),
             "headers": dict(req.headers), "body": req.get_body().decode(errors="replace")}
    return func.HttpResponse(json.dumps(handler(event, None)), mimetype="application/json")
'''


def _with_shim(archive: bytes, runtime: str, public: bool) -> bytes:
    """The user's code plus the HTTP-trigger shim: anonymous when the config asks for an
    HTTP trigger, else callable only with the app's key (how InvokeFunction calls it)."""
    if not runtime.startswith("python"):
        return archive
    shim = SHIM.replace("AUTH_LEVEL", "ANONYMOUS" if public else "FUNCTION")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if item.filename != "function_app.py":
                target.writestr(item, source.read(item))
        target.writestr("function_app.py", shim)
    return out.getvalue()


def _deployment(config: Any) -> bytes | None:
    """What zip deploy uploads: a Go function's built custom handler, or the code plus the
    HTTP-trigger shim; None when there is no code."""
    if go_functions.is_go(config.runtime):
        return go_functions.package(config)
    if not config.code.zip:
        return None
    public = any(t.type == "http" for t in config.triggers)
    return _with_shim(config.code.zip, config.runtime, public)


class Functions(AzureKind):
    field = "function"
    service = "web"

    def site_for(self, name: str) -> str:
        return tables.site_name(name, self.clients.subscription, self.clients.group)

    def create(self, config: pb.FunctionConfig, token: str) -> pb.Function:
        models = sdk_models("web")
        fx, _ = _runtime(config.runtime)
        archive = _deployment(config)  # a Go build fails here, before anything is made
        api, group, site = self._api(), self.clients.group, self.site_for(config.name)
        self.taken(lambda: api.web_apps.get(group, site), token, "function app")
        tags = {**tags_with_token(config.tags, token), FUNCTION_TAG: config.name}
        plan = api.app_service_plans.begin_create_or_update(
            group,
            f"{site}-plan",
            models.AppServicePlan(
                location=self.clients.location,
                kind="functionapp",
                reserved=True,
                tags=tags,
                sku=models.SkuDescription(name=tables.FUNCTION_PLAN_SKU, tier="Dynamic"),
            ),
        ).result()
        api.web_apps.begin_create_or_update(
            group,
            site,
            models.Site(
                location=self.clients.location,
                kind="functionapp,linux",
                server_farm_id=plan.id,
                https_only=True,
                tags=tags,
                site_config=models.SiteConfig(linux_fx_version=fx),
            ),
        ).result()
        self._configure(group, site, config, archive)
        return self._read(group, site)

    def _host_storage(self, group: str, site: str) -> str:
        """The Functions host needs a storage account of its own (AzureWebJobsStorage):
        made with the app (name derived like a bucket's), deleted with it."""
        storage = self.clients.client("storage")
        account = tables.storage_account_name(f"fn{site}", self.clients.subscription, group)
        if absent(lambda: storage.storage_accounts.get_properties(group, account)) is None:
            models = sdk_models("storage")
            storage.storage_accounts.begin_create(
                group,
                account,
                models.StorageAccountCreateParameters(
                    sku=models.Sku(name="Standard_LRS"),
                    kind="StorageV2",
                    location=self.clients.location,
                    minimum_tls_version="TLS1_2",
                    allow_blob_public_access=False,
                    tags={STORAGE_TAG: site},
                ),
            ).result()
        key = storage.storage_accounts.list_keys(group, account)["keys"][0]["value"]
        return (
            f"DefaultEndpointsProtocol=https;AccountName={account};AccountKey={key};"
            "EndpointSuffix=core.windows.net"
        )

    def _configure(self, group: str, site: str, config: Any, archive: bytes | None) -> None:
        """App settings, then the deployment package (None: the code is unchanged)."""
        models = sdk_models("web")
        _, worker = _runtime(config.runtime)
        settings = dict(config.environment)
        settings.update(
            {
                "AzureWebJobsStorage": self._host_storage(group, site),
                "FUNCTIONS_WORKER_RUNTIME": worker,
                "FUNCTIONS_EXTENSION_VERSION": "~4",
                "GENESYS_HANDLER": config.handler
                or (go_functions.DEFAULT_BINARY if go_functions.is_go(config.runtime) else ""),
                "GENESYS_RUNTIME": config.runtime,
                "GENESYS_TIMEOUT": str(config.timeout_s or 30),
                "GENESYS_MEMORY_MB": str(config.memory_mb or 128),
                "GENESYS_CODE_SHA256": config.code.sha256,
                "GENESYS_TRIGGERS": json.dumps([_trigger_dict(t) for t in config.triggers]),
            }
        )
        self._api().web_apps.update_application_settings(
            group, site, models.StringDictionary(properties=settings)
        )
        if archive is not None:
            self._zip_deploy(site, archive)

    def _zip_deploy(self, site: str, archive: bytes) -> None:
        url = self.clients.settings.kudu_endpoint.format(site=site) + "/api/zipdeploy"
        token = self.clients.credential().get_token("https://management.azure.com/.default")
        request = urllib.request.Request(
            url,
            data=archive,
            method="POST",
            headers={"Authorization": f"Bearer {token.token}", "Content-Type": "application/zip"},
        )
        try:
            with urllib.request.urlopen(request, timeout=300):
                pass
        except urllib.error.HTTPError as exc:
            _raise_if_transient(exc, f"zip deploy to {site}")
            raise errors.InvalidArgument(
                f"zip deploy to {site} refused ({exc.code}): "
                f"{exc.read()[:500].decode(errors='replace')}",
                attribute_path="config.code",
            ) from None
        except OSError as exc:
            raise errors.Unavailable(f"zip deploy to {site} failed: {exc}") from None

    def _read(self, group: str, site: str) -> pb.Function:
        app = self._api().web_apps.get(group, site)
        settings = self._api().web_apps.list_application_settings(group, site).properties or {}
        return self._convert(app, settings)

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        ids = arm_ids(ids)
        found: dict[str, Any] = {}
        wanted = {i.lower() for i in ids}
        for group in {group_of(i) for i in ids}:
            for app in listed(self._api().web_apps.list_by_resource_group, group):
                if app.id.lower() in wanted:
                    settings = self._api().web_apps.list_application_settings(group, app.name)
                    found[app.id.lower()] = self._convert(app, settings.properties or {})
        return {i: found[i.lower()] for i in ids if i.lower() in found}

    def find_by_token(self, token: str) -> str | None:
        for app in self._api().web_apps.list_by_resource_group(self.clients.group):
            if token_of(app.tags) == token:
                return str(app.id)
        return None

    def update(self, request: Any) -> pb.Function:
        group, site = group_of(request.id), name_of(request.id)
        config = request.config
        deploy = any(c.split(".")[0] in ("code", "runtime", "handler") for c in request.changed)
        archive = _deployment(config) if deploy else None
        app = self._api().web_apps.get(group, site)
        if "tags" in request.changed or "runtime" in request.changed:
            models = sdk_models("web")
            app.tags = {**system_tags(app.tags), **dict(config.tags)}
            app.site_config = models.SiteConfig(linux_fx_version=_runtime(config.runtime)[0])
            self._api().web_apps.begin_create_or_update(group, site, app).result()
        self._configure(group, site, config, archive)
        return self._read(group, site)

    def delete(self, resource_id: str) -> None:
        group, site = group_of(resource_id), name_of(resource_id)
        delete_or_not_found(
            lambda: _deleted(self._api().web_apps.delete(group, site)), "function app", resource_id
        )
        self._api().app_service_plans.delete(group, f"{site}-plan")
        account = tables.storage_account_name(f"fn{site}", self.clients.subscription, group)
        self.clients.client("storage").storage_accounts.delete(group, account)

    @apply_filters
    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Function]:
        group = self.clients.group
        return [
            self._read(group, app.name)
            for app in self._api().web_apps.list_by_resource_group(group)
            if (app.tags or {}).get(FUNCTION_TAG)
        ]

    def _convert(self, app: Any, settings: Mapping[str, str]) -> pb.Function:
        triggers = [pb.Trigger(**t) for t in json.loads(settings.get("GENESYS_TRIGGERS", "[]"))]
        url = ""
        go = go_functions.is_go(settings.get("GENESYS_RUNTIME", ""))
        for trigger in triggers:
            if trigger.type == "http":
                url = (
                    self._go_url(app.name, trigger.path)
                    if go
                    else self._url(app.name, trigger.path)
                )
        return pb.Function(
            id=app.id,
            name=(app.tags or {}).get(FUNCTION_TAG, app.name),
            runtime=settings.get("GENESYS_RUNTIME", ""),
            handler=settings.get("GENESYS_HANDLER", ""),
            memory_mb=int(settings.get("GENESYS_MEMORY_MB", "0") or 0),
            timeout_s=int(settings.get("GENESYS_TIMEOUT", "0") or 0),
            environment={k: v for k, v in settings.items() if k not in OWN_SETTINGS},
            triggers=triggers,
            code_sha256=settings.get("GENESYS_CODE_SHA256", ""),
            url=url,
            state="active" if app.state == "Running" else str(app.state or "").lower(),
            tags=user_tags(app.tags),
        )

    def _url(self, site: str, path: str) -> str:
        route = path.strip("/").removeprefix("api").strip("/").rstrip("*").rstrip("/")
        base = self.clients.settings.functions_endpoint.format(site=site) + "/api"
        return f"{base}/{route}" if route else f"{base}/"

    def _go_url(self, site: str, path: str) -> str:
        """A custom handler's routes have no /api prefix (go_functions.host_json)."""
        base = self.clients.settings.functions_endpoint.format(site=site)
        return f"{base}/{path.strip('/').rstrip('*').rstrip('/')}"

    def invoke(self, request: Any, context: Any) -> serverless_pb2.InvokeFunctionResponse:
        function = self.get(request.id, request.private)
        headers = {"Content-Type": "application/json"}
        url = function.url
        if go_functions.is_go(function.runtime):  # POST / with the app's master key
            group, site = group_of(request.id), name_of(request.id)
            url = self._go_url(site, "/")
            keys = self._api().web_apps.list_host_keys(group, site)
            headers["x-functions-key"] = keys.master_key
        elif not url:  # no HTTP trigger: the shim's keyed route, with the app's master key
            group, site = group_of(request.id), name_of(request.id)
            url = self._url(site, "/api/genesys-invoke")
            keys = self._api().web_apps.list_host_keys(group, site)
            headers["x-functions-key"] = keys.master_key
        started = time.monotonic()
        call = urllib.request.Request(
            url, data=request.payload or b"{}", method="POST", headers=headers
        )
        try:
            with urllib.request.urlopen(call, timeout=max(function.timeout_s, 1) + 30) as answer:
                payload, failure = answer.read(), ""
        except urllib.error.HTTPError as exc:
            _raise_if_transient(exc, f"function {function.name}")
            payload = exc.read()
            failure = _failure_text(payload, exc.code)
        except OSError as exc:
            raise errors.Unavailable(f"function {function.name} did not answer: {exc}") from None
        duration = int((time.monotonic() - started) * 1000)
        return serverless_pb2.InvokeFunctionResponse(
            payload=payload if not failure else b"",
            function_error=failure,
            duration_ms=duration,
            logs=_logs_of(payload) if failure else "",
        )


def _raise_if_transient(exc: urllib.error.HTTPError, what: str) -> None:
    """429 and 502-504 are the platform's, not the code's: retryable typed errors (a
    handler that fails answers 500, which is the function's own error)."""
    from genesys_plugin_sdk.cloud_errors import retry_after_seconds

    if exc.code == 429:
        retry = retry_after_seconds(exc.headers.get("Retry-After")) or 1.0
        raise errors.Throttled(f"{what}: throttled", retry_after=retry) from None
    if exc.code in (502, 503, 504):
        raise errors.Unavailable(f"{what}: unavailable ({exc.code})") from None


def _deleted(result: Any) -> None:
    return None


def _failure_text(payload: bytes, status: int) -> str:
    try:
        return str(json.loads(payload).get("error") or f"HTTP {status}")
    except (ValueError, AttributeError):
        return f"HTTP {status}: {payload[:300].decode(errors='replace')}"


def _logs_of(payload: bytes) -> str:
    try:
        return str(json.loads(payload).get("logs", ""))
    except (ValueError, AttributeError):
        return ""


def _runtime(runtime: str) -> tuple[str, str]:
    found = tables.RUNTIMES.get(runtime)
    if found is None:
        raise errors.InvalidArgument(
            f"runtime {runtime!r} is not offered by Azure Functions here; one of "
            f"{', '.join(tables.RUNTIMES)}",
            attribute_path="config.runtime",
        )
    return found


def _trigger_dict(trigger: pb.Trigger) -> dict[str, Any]:
    return {
        "type": trigger.type,
        "path": trigger.path,
        "methods": list(trigger.methods),
        "schedule": trigger.schedule,
        "source": trigger.source,
    }
