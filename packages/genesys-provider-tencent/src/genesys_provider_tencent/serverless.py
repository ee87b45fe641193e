"""Serverless: SCF functions, their HTTP trigger (a function URL) and invoke.

The function's id is its name (namespace `default`). Code is uploaded inline (base64 zip);
its sha256 is kept in the function's Description (`genesys:code-sha256=<hex>`), so code
drift made outside Genesys shows in a plan. An `http` trigger is SCF's function URL trigger
(type "http", no auth); its path and methods are kept in the trigger's CustomArgument and
read back from it. Invoke is SCF's synchronous Invoke: `Result.RetMsg` is the handler's
return value as JSON, `InvokeResult` non-zero means the handler failed.

A go1.21 function is an SCF web function (Type HTTP) built from `source`: see go_functions.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import serverless_pb2
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_each, read_one
from genesys_plugin_sdk.tags import TOKEN_TAG, client_token
from genesys_plugin_sdk.waiters import Waiter

from genesys_provider_tencent import tables
from genesys_provider_tencent.clients import TencentClients
from genesys_provider_tencent.common import (
    filtered,
    refuse_change,
    retag,
    struct,
    tag_dict,
    tag_list,
    user_tags,
)
from genesys_provider_tencent.errors import TRANSLATOR, ApiError
from genesys_provider_tencent.go_functions import handler_of, is_go, scf_zip
from genesys_provider_tencent.layers import layer_ids_of, layer_refs

SHA_MARK = "genesys:code-sha256="
HTTP_TRIGGER = "genesys-http"
URL_TRIGGER = {"AuthType": "NONE", "NetConfig": {"EnableIntranet": False, "EnableExtranet": True}}
CONFIG_FIELDS = ("runtime", "handler", "memory_mb", "timeout_s", "environment", "layer_ids")


def _sha_of(description: str) -> str:
    return description.split(SHA_MARK, 1)[1].strip() if SHA_MARK in description else ""


def _triggers(raw: list[dict[str, Any]]) -> tuple[list[pb.Trigger], str]:
    triggers, url = [], ""
    for trigger in raw:
        if trigger.get("Type") != "http":
            continue
        kept = json.loads(trigger.get("CustomArgument") or "{}")
        triggers.append(
            pb.Trigger(type="http", path=kept.get("path", ""), methods=kept.get("methods", []))
        )
        desc = json.loads(trigger.get("TriggerDesc") or "{}")
        url = (desc.get("UrlConfig") or {}).get("ExtranetUrl", "") or url
    return triggers, url


def function_from(raw: Mapping[str, Any]) -> pb.Function:
    variables = (raw.get("Environment") or {}).get("Variables") or []
    triggers, url = _triggers(raw.get("Triggers") or [])
    return pb.Function(
        id=raw["FunctionName"],
        name=raw["FunctionName"],
        runtime=tables.runtime_of(str(raw.get("Runtime", ""))),
        handler=raw.get("Handler", ""),
        memory_mb=int(raw.get("MemorySize") or 0),
        timeout_s=int(raw.get("Timeout") or 0),
        environment={v["Key"]: v.get("Value", "") for v in variables},
        layer_ids=layer_ids_of(raw.get("Layers")),
        triggers=triggers,
        code_sha256=_sha_of(str(raw.get("Description") or "")),
        url=url,
        state=str(raw.get("Status", "")).lower(),
        tags=user_tags(tag_dict(raw.get("Tags"))),
        provider_data=struct(
            {
                "function_id": raw.get("FunctionId"),
                "namespace": raw.get("Namespace"),
                "scf_runtime": raw.get("Runtime"),
                "modified": raw.get("ModTime"),
            }
        ),
    )


class Functions(KindHandler):
    field = "function"

    def __init__(self, clients: TencentClients) -> None:
        self.clients = clients
        self.waiter: Waiter[str] = Waiter(self._states, what="function", timing=clients.timing)

    def _get(self, name: str) -> dict[str, Any] | None:
        return self.clients.call_or_none(
            "scf",
            "GetFunction",
            {"FunctionName": name, "Namespace": tables.NAMESPACE},
            "ResourceNotFound",
        )

    def _states(self, names: list[str]) -> dict[str, str]:
        found = read_each(self.clients.pool, names, self._get, TRANSLATOR)
        return {
            n: str(raw.get("Status", ""))
            for n, raw in found.items()
            if not isinstance(raw, Exception)
        }

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        found = read_each(self.clients.pool, ids, self._get, TRANSLATOR)
        return {
            n: raw if isinstance(raw, Exception) else function_from(raw) for n, raw in found.items()
        }

    def find_by_token(self, token: str) -> str | None:
        wanted = client_token(token, 127)
        for item in self.clients.paged(
            "scf", "ListFunctions", {"Namespace": tables.NAMESPACE}, "Functions"
        ):
            if tag_dict(item.get("Tags")).get(TOKEN_TAG) == wanted:
                return str(item["FunctionName"])
        return None

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Function]:
        items = self.clients.paged(
            "scf", "ListFunctions", {"Namespace": tables.NAMESPACE}, "Functions"
        )
        found = self.read_many([i["FunctionName"] for i in items], {}).values()
        functions = [f for f in found if isinstance(f, pb.Function)]
        yield from filtered(functions, filters, {"name": "name", "id": "id"})

    # ------------------------------------------------------------ writing

    def create(self, config: pb.FunctionConfig, token: str) -> pb.Function:
        runtime = _runtime(config)
        params = {
            "FunctionName": config.name,
            "Namespace": tables.NAMESPACE,
            "Runtime": runtime,
            "Code": {"ZipFile": base64.b64encode(_package(config)).decode()},
            "Tags": tag_list(config.tags, token=token),
            "Type": _type(config),
            **self._settings(config),
        }
        try:
            self.clients.call("scf", "CreateFunction", params)
        except ApiError as exc:
            if exc.code != "ResourceInUse.Function":
                raise
            if not token or self.find_by_token(token) != config.name:  # not a retry of ours
                raise errors.AlreadyExists(
                    f"a function named {config.name} already exists",
                    attribute_path="config.name",
                    provider_code=exc.code,
                ) from exc
        self.waiter.wait_for(config.name, {"Active"}, failed={"CreateFailed"})
        self._set_triggers(config.name, config.triggers)
        return read_one(self, config.name)

    @staticmethod
    def _settings(config: pb.FunctionConfig) -> dict[str, Any]:
        default = "index.main_handler"
        return {
            "Handler": handler_of(config.handler)
            if is_go(config.runtime)
            else (config.handler or default),
            "MemorySize": config.memory_mb or tables.DEFAULT_MEMORY_MB,
            "Timeout": config.timeout_s or tables.DEFAULT_TIMEOUT_S,
            "Environment": {
                "Variables": [{"Key": k, "Value": v} for k, v in sorted(config.environment.items())]
            },
            "Description": f"{SHA_MARK}{config.code.sha256}" if config.code.sha256 else "",
            "Layers": layer_refs(config.layer_ids),
        }

    def _set_triggers(self, name: str, triggers: Any) -> None:
        """The http trigger made anew as configured (SCF: one function URL per function)."""
        others = [t.type for t in triggers if t.type != "http"]
        if others:
            raise errors.Unimplemented(
                f"trigger type {others[0]!r} is not offered yet; http is",
                attribute_path="config.triggers",
            )
        where = {"FunctionName": name, "Namespace": tables.NAMESPACE}
        current = self.clients.call("scf", "ListTriggers", where).get("Triggers") or []
        for trigger in current:
            if trigger.get("Type") == "http":
                self.clients.call(
                    "scf",
                    "DeleteTrigger",
                    {**where, "Type": "http", "TriggerName": trigger["TriggerName"]},
                )
        for trigger in [t for t in triggers if t.type == "http"][:1]:
            kept = {"path": trigger.path, "methods": list(trigger.methods)}
            self.clients.call(
                "scf",
                "CreateTrigger",
                {
                    **where,
                    "Type": "http",
                    "TriggerName": HTTP_TRIGGER,
                    "Enable": "OPEN",
                    "TriggerDesc": json.dumps(URL_TRIGGER),
                    "CustomArgument": json.dumps(kept),
                },
            )

    def update(self, request: Any) -> pb.Function:
        config, name = request.config, request.id
        changed = {c.split(".")[0] for c in request.changed} or {*CONFIG_FIELDS, "code", "triggers"}
        refuse_change(changed, ("name",), "function")
        self._refuse_type_change(name, config)
        if "tags" in changed:
            current = read_one(self, name)
            resource = self.clients.resource_name(
                "scf", f"namespace/{tables.NAMESPACE}/function/{name}"
            )
            retag(self.clients, resource, current.tags, config.tags)
        settings = self._settings(config)
        rebuilt = is_go(config.runtime) and "handler" in changed  # the binary's name changed
        if ("code" in changed or rebuilt) and config.code.zip:
            self.clients.call(
                "scf",
                "UpdateFunctionCode",
                {
                    "FunctionName": name,
                    "Namespace": tables.NAMESPACE,
                    "ZipFile": base64.b64encode(_package(config)).decode(),
                    "Handler": settings["Handler"],
                },
            )
            self.waiter.wait_for(name, {"Active"}, failed={"UpdateFailed"})
        if changed & {*CONFIG_FIELDS, "code"}:
            params = {k: v for k, v in settings.items() if k != "Handler"}
            self.clients.call(
                "scf",
                "UpdateFunctionConfiguration",
                {
                    "FunctionName": name,
                    "Namespace": tables.NAMESPACE,
                    "Runtime": _runtime(config),
                    **params,
                },
            )
            self.waiter.wait_for(name, {"Active"}, failed={"UpdateFailed"})
        if "triggers" in changed:
            self._set_triggers(name, config.triggers)
        return read_one(self, name)

    def _refuse_type_change(self, name: str, config: pb.FunctionConfig) -> None:
        """SCF fixes a function's Type at creation: Go (a web function) and python/node (an
        event function) cannot turn into each other in place."""
        current = self._get(name) or {}
        if current and current.get("Type", "Event") != _type(config):
            raise errors.FailedPrecondition(
                f"SCF cannot turn a {current.get('Type')} function into a {_type(config)} one "
                f"(runtime {config.runtime}): give the function a new name to replace it",
                attribute_path="config.runtime",
            )

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        self.clients.call(
            "scf", "DeleteFunction", {"FunctionName": resource_id, "Namespace": tables.NAMESPACE}
        )
        self.waiter.wait_gone(resource_id)


def _type(config: pb.FunctionConfig) -> str:
    return "HTTP" if is_go(config.runtime) else "Event"


def _package(config: pb.FunctionConfig) -> bytes:
    """What SCF runs: the source zip as is, or for Go the built web-function package."""
    return scf_zip(config.code.zip, config.handler) if is_go(config.runtime) else config.code.zip


def _runtime(config: pb.FunctionConfig) -> str:
    runtime = tables.scf_runtime_for(config.runtime or "python3.11")
    if runtime is None:
        known = ", ".join(sorted(tables.RUNTIMES))
        raise errors.InvalidArgument(
            f"runtime {config.runtime!r} is not offered by SCF; one of {known}",
            attribute_path="config.runtime",
        )
    return runtime


INVOKE_ATTEMPTS = 5


def _invoke_call(clients: TencentClients, params: dict[str, Any]) -> dict[str, Any]:
    """SCF's Invoke, retried when throttled: the core retries resource operations, not an
    invocation, and a throttled Invoke never ran the function, so a retry cannot run it
    twice (any other failure is reported as is)."""
    for attempt in range(INVOKE_ATTEMPTS):
        try:
            return clients.call("scf", "Invoke", params)
        except ApiError as exc:
            if not exc.code.startswith("RequestLimitExceeded") or attempt == INVOKE_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * 2**attempt)
    raise AssertionError("unreachable")


def invoke(clients: TencentClients, request: Any) -> serverless_pb2.InvokeFunctionResponse:
    result = _invoke_call(
        clients,
        {
            "FunctionName": request.id,
            "Namespace": tables.NAMESPACE,
            "InvocationType": "RequestResponse",
            "LogType": "Tail",
            "ClientContext": (request.payload or b"{}").decode(),
        },
    )["Result"]
    failed = int(result.get("InvokeResult") or 0) != 0
    return serverless_pb2.InvokeFunctionResponse(
        payload=str(result.get("RetMsg") or "").encode(),
        function_error=str(result.get("ErrMsg") or "handler failed") if failed else "",
        logs=str(result.get("Log") or ""),
        duration_ms=int(float(result.get("Duration") or 0)),
    )
