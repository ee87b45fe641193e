"""Microsoft.Web: App Service plans, Function Apps with their app settings, zip deploy (Kudu's
`/api/zipdeploy`) and HTTP triggers that really run the deployed handler (a custom handler's
executable: custom_handler.py).

A Function App's host here runs the handler named by its `GENESYS_HANDLER` app setting (what
the HTTP-trigger shim Genesys deploys calls on Azure) with the app's settings as its
environment, in a child process, and answers with what it returned. Site names are DNS names
(NAME.azurewebsites.net), unique across Azure; a plan still hosting sites cannot be deleted.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from genesys_emulators.azure import custom_handler
from genesys_emulators.azure.model import (
    ArmPath,
    InUse,
    Record,
    ResourceType,
    invalid,
    key,
    reference,
    require,
)
from genesys_emulators.core import CloudError
from genesys_emulators.core.functions import FunctionCode, run_handler

if TYPE_CHECKING:
    from genesys_emulators.azure.arm import Arm

PLAN = "Microsoft.Web/serverfarms"
SITE = "Microsoft.Web/sites"
CONFIG = "Microsoft.Web/sites/config"
HOST = "Microsoft.Web/sites/host"
_SITE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,58}[A-Za-z0-9]")
PLAN_SKUS = {
    "Y1": "Dynamic",
    "EP1": "ElasticPremium",
    "EP2": "ElasticPremium",
    "B1": "Basic",
    "S1": "Standard",
    "P1v3": "PremiumV3",
}
RUNTIMES = {"python": "python", "node": "nodejs"}


def _build_plan(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    sku = require(body, "sku.name")
    if sku not in PLAN_SKUS:
        raise invalid(
            f"The pricing tier '{sku}' is not allowed in this resource group.",
            "sku.name",
            "InvalidSku",
        )
    body["sku"] = {"name": sku, "tier": PLAN_SKUS[sku]}
    return dict(body.get("properties") or {})


def _plan_in_use(arm: Arm, record: Record) -> InUse | None:
    sites = [
        s
        for s in arm.of_type(SITE)
        if key(s["properties"].get("serverFarmId", "")) == key(record["id"])
    ]
    if not sites:
        return None
    return InUse(
        sites[0]["id"],
        CloudError(
            409,
            "Conflict",
            f"Server farm '{record['name']}' cannot be deleted because it has web "
            f"app(s) {', '.join(s['name'] for s in sites)} assigned to it.",
        ),
    )


def _build_site(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    if not _SITE_NAME.fullmatch(path.name):
        raise invalid(
            f"The site name '{path.name}' is invalid: 2-60 letters, digits and "
            "hyphens, not starting or ending with a hyphen.",
            "name",
            "InvalidSiteName",
        )
    for record in arm.of_type(SITE):
        if record["name"].lower() == path.name.lower() and key(record["id"]) != key(
            path.resource_id()
        ):
            raise CloudError(
                409, "Conflict", f"Website with given name {path.name} already exists."
            )
    properties = {**(existing or {}).get("properties", {}), **(body.get("properties") or {})}
    reference(arm, {"id": properties.get("serverFarmId")}, "properties.serverFarmId", path.name)
    properties["defaultHostName"] = f"{path.name.lower()}.azurewebsites.net"
    properties["state"] = "Running"
    site_config = dict(properties.get("siteConfig") or {})
    settings = site_config.pop("appSettings", None)
    if settings is not None:
        body["_appsettings"] = {s["name"]: s["value"] for s in settings}
    properties["siteConfig"] = site_config
    return properties


def _site_stored(arm: Arm, record: Record) -> None:
    """appSettings given with the site become its `config/appsettings` (as on Azure); the
    site's host keys exist from the start."""
    host_id = f"{record['id']}/host/default"
    if arm.find(host_id) is None:
        digest = hashlib.sha256(record["id"].lower().encode()).hexdigest()
        arm.store.put(
            "arm",
            key(host_id),
            {
                "id": host_id,
                "name": "default",
                "type": HOST,
                "properties": {
                    "masterKey": digest[:40],
                    "functionKeys": {"default": digest[24:]},
                    "provisioningState": "Succeeded",
                },
            },
        )
    settings = record.pop("_appsettings", None)
    if settings is not None:
        _put_settings(arm, record, settings)


def _put_settings(arm: Arm, site: Record, settings: dict[str, str]) -> None:
    config_id = f"{site['id']}/config/appsettings"
    arm.store.put(
        "arm",
        key(config_id),
        {
            "id": config_id,
            "name": "appsettings",
            "type": CONFIG,
            "properties": {**settings, "provisioningState": "Succeeded"},
        },
    )


def _build_config(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    if path.name not in ("appsettings", "web", "connectionstrings"):
        raise invalid(f"Configuration '{path.name}' is not supported.", "name")
    properties = body.get("properties") or {}
    if path.name == "appsettings":
        for name, value in properties.items():
            if not isinstance(value, str):
                raise invalid(f"App setting {name} must be a string.", f"properties.{name}")
    return dict(properties)


def _view_config(arm: Arm, shown: Record) -> Record:
    shown["properties"].pop("provisioningState", None)
    return shown


def _list_config(arm: Arm, record: Record, request: Request) -> Any:
    return _view_config(arm, arm.view(record))


def _list_host_keys(arm: Arm, record: Record, request: Request) -> Any:
    keys = record["properties"]
    return {"masterKey": keys["masterKey"], "functionKeys": keys["functionKeys"], "systemKeys": {}}


def _build_host(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    raise invalid("The host keys are the site's own; list them with POST .../listkeys.", "host")


def settings_of(arm: Arm, site: Record) -> dict[str, str]:
    config = arm.find(f"{site['id']}/config/appsettings")
    props = dict((config or {}).get("properties") or {})
    props.pop("provisioningState", None)
    return props


def _site_by_name(arm: Arm, name: str) -> Record:
    for site in arm.of_type(SITE):
        if site["name"].lower() == name.lower():
            return site
    raise CloudError(404, "NotFound", f"The site {name} does not exist.")


def zip_deploy(arm: Arm, request: Request, parts: list[str]) -> Any:
    """POST /kudu/{site}/api/zipdeploy with the zip as the body (Kudu's API)."""
    if request.method != "POST" or parts[1:] != ["api", "zipdeploy"]:
        raise arm.dialect.not_found(request)
    site = _site_by_name(arm, parts[0])
    try:
        code = FunctionCode(request.get_data())
    except Exception as exc:  # a zip that cannot be unpacked is Kudu's 400
        raise CloudError(400, "BadRequest", f"The deployment package is invalid: {exc}") from None
    _restore_exec_bits(code, request.get_data())
    old = site.get("_code")
    site["_code"] = code
    if old is not None:
        old.close()
    return Response(status=200)


def _restore_exec_bits(code: FunctionCode, archive: bytes) -> None:
    """A Linux Function App runs its package with the Unix modes the zip records (a custom
    handler's executables stay executable); unpacking drops them, so they are put back."""
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        for member in bundle.infolist():
            exec_bits = (member.external_attr >> 16) & 0o111
            path = code.directory / member.filename
            if exec_bits and not member.is_dir() and path.is_file():
                path.chmod(path.stat().st_mode | exec_bits)


def invoke(arm: Arm, request: Request, parts: list[str]) -> Any:
    """ANY /functions/{site}/api/{route}: the HTTP trigger; runs the deployed handler."""
    site = _site_by_name(arm, parts[0])
    settings = settings_of(arm, site)
    if not _host_storage_ok(arm, settings.get("AzureWebJobsStorage", "")):
        raise CloudError(
            503,
            "ServiceUnavailable",
            "Function host is not running: AzureWebJobsStorage does not name a "
            "storage account of this subscription with a valid key.",
        )
    if settings.get("FUNCTIONS_WORKER_RUNTIME") == "custom":
        return custom_handler.serve(arm, site, settings, request, "/".join(parts[1:]))
    code = site.get("_code")
    if code is None or "GENESYS_HANDLER" not in settings:
        raise CloudError(404, "FunctionNotFound", f"No function is deployed to {site['name']}.")
    fx = str(site["properties"]["siteConfig"].get("linuxFxVersion", "Python|3.11"))
    language, _, version = fx.partition("|")
    runtime = RUNTIMES.get(language.lower(), language.lower()) + version
    event = {
        "method": request.method,
        "path": "/" + "/".join(parts[1:]),
        "query": dict(request.args),
        "headers": dict(request.headers),
        "body": request.get_data(as_text=True),
    }
    timeout = float(settings.get("GENESYS_TIMEOUT", "230"))
    outcome = run_handler(
        code, runtime, settings["GENESYS_HANDLER"], event, environment=settings, timeout_s=timeout
    )
    if not outcome.ok:
        return Response(
            json.dumps({"error": outcome.error, "logs": outcome.logs}),
            status=500,
            content_type="application/json",
        )
    return Response(json.dumps(outcome.result), status=200, content_type="application/json")


def _host_storage_ok(arm: Arm, connection: str) -> bool:
    """The Functions host starts only with a storage account it can reach (AzureWebJobsStorage)."""
    from genesys_emulators.azure.storage import ACCOUNT, account_key

    fields = dict(part.split("=", 1) for part in connection.split(";") if "=" in part)
    for account in arm.of_type(ACCOUNT):
        if account["name"] == fields.get("AccountName"):
            return fields.get("AccountKey") == account_key(account)
    return False


def _site_deleted(arm: Arm, record: Record) -> None:
    code = record.get("_code")
    if code is not None:
        code.close()


BASE_TYPES = (
    ResourceType(PLAN, _build_plan, in_use=_plan_in_use, create_status=200, sync_delete=True),
    ResourceType(
        SITE,
        _build_site,
        create_status=200,
        sync_delete=True,
        created=_site_stored,
        updated=_site_stored,
        deleted=_site_deleted,
    ),
    ResourceType(
        CONFIG,
        _build_config,
        create_status=200,
        long_running=False,
        located=False,
        view=_view_config,
        actions={"list": _list_config},
    ),
)
TYPES = (
    *BASE_TYPES,
    ResourceType(
        HOST, _build_host, long_running=False, located=False, actions={"listkeys": _list_host_keys}
    ),
)
ROUTES = (("kudu/", zip_deploy), ("functions/", invoke))
