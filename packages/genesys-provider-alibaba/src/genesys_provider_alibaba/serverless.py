"""Serverless: Function Compute 3.0 functions with their code, environment and HTTP trigger,
and InvokeFunction, which returns what the handler returned.

The function name is its id. FC 3.0 has no python3.11: `tables.RUNTIMES` picks the runtime
that runs the code, and the runtime asked for is kept in the private bytes so a refresh
reads the config's word. FC reports a code checksum, not a sha256: the sha256 of the
uploaded zip is kept in the private bytes with the checksum it had; a different checksum
on refresh (code changed outside Genesys) reads as drift. An http trigger is FC's trigger
named `http` (anonymous, the config's methods); its path is kept in the trigger's
description, the function's URL is the trigger's internet URL. `layer_ids` are layer version
ARNs (layers.py), FC's `layers` as they are. A go1.21 function is an FC custom runtime
running the binary built from `source` (go_functions.py); the PORT=9000 it is given reads
back only if the config set it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import serverless_pb2
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_each, read_one
from genesys_plugin_sdk.tags import TOKEN_TAG

from genesys_provider_alibaba import tables
from genesys_provider_alibaba.clients import AlibabaClients
from genesys_provider_alibaba.common import (
    listed,
    private_json,
    read_private,
    struct,
    token_value,
    visible_tags,
)
from genesys_provider_alibaba.errors import TRANSLATOR, call_or_none
from genesys_provider_alibaba.go_functions import custom_runtime_fields, fc_zip, is_go
from genesys_provider_alibaba.layers import Layers, layer_arns

TRIGGER = "http"
DEFAULT_METHODS = ["GET", "POST", "PUT", "DELETE"]


def _models() -> Any:
    from alibabacloud_fc20230330 import models

    return models


class Functions(KindHandler):
    field = "function"

    def __init__(self, clients: AlibabaClients) -> None:
        self.clients = clients

    # ------------------------------------------------------------ reading

    def _read(self, name: str, private: bytes) -> pb.Function | None:
        models = _models()
        fc = self.clients.fc()
        got = call_or_none(
            fc.get_function,
            "FunctionNotFound",
            function_name=name,
            request=models.GetFunctionRequest(),
        )
        if got is None:
            return None
        body = got.body
        triggers = fc.list_triggers(name, models.ListTriggersRequest()).body.triggers or []
        kept = read_private(private)
        tags = {t.key: t.value for t in body.tags or []}
        environment = dict(body.environment_variables or {})
        if kept.get("port_added"):
            environment.pop("PORT", None)  # given by the plugin for a Go binary
        function = pb.Function(
            id=name,
            name=name,
            runtime=str(kept.get("runtime") or body.runtime),
            handler=body.handler or "",
            memory_mb=int(body.memory_size or 0),
            timeout_s=int(body.timeout or 0),
            environment=environment,
            layer_ids=[layer.arn for layer in body.layers or []],
            code_sha256=self._code_sha(kept, str(body.code_checksum or "")),
            state=(body.state or "").lower(),
            tags=visible_tags(tags),
            provider_data=struct(
                {
                    "arn": body.function_arn,
                    "fc_runtime": body.runtime,
                    "checksum": body.code_checksum,
                }
            ),
            private=private if kept else b"",
        )
        for trigger in triggers:
            if trigger.trigger_type == "http":
                function.triggers.append(_trigger_from(trigger))
                function.url = trigger.http_trigger.url_internet if trigger.http_trigger else ""
        return function

    @staticmethod
    def _code_sha(kept: Mapping[str, Any], checksum: str) -> str:
        if kept.get("checksum") and kept["checksum"] != checksum:
            return f"fc-checksum:{checksum}"  # changed outside Genesys: differs from any sha256
        return str(kept.get("code_sha256") or f"fc-checksum:{checksum}")

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        return read_each(
            self.clients.pool,
            ids,
            lambda name: self._read(name, privates.get(name, b"")),
            TRANSLATOR,
        )

    def _all(self) -> Iterable[Any]:
        models = _models()
        token = None
        while True:
            page = (
                self.clients.fc()
                .list_functions(models.ListFunctionsRequest(limit=100, next_token=token))
                .body
            )
            yield from page.functions or []
            token = page.next_token
            if not token:
                return

    def find_by_token(self, token: str) -> str | None:
        wanted = token_value(token)
        for function in self._all():
            if any(t.key == TOKEN_TAG and t.value == wanted for t in function.tags or []):
                return str(function.function_name)
        return None

    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Function]:
        read = (self._read(f.function_name, b"") for f in self._all())
        every = (found for found in read if found is not None)
        return listed(every, filters, {"name": lambda f: f.name, "runtime": lambda f: f.runtime})

    # ------------------------------------------------------------ writing

    def _input(self, config: pb.FunctionConfig) -> dict[str, Any]:
        runtime = tables.RUNTIMES.get(config.runtime)
        if runtime is None:
            raise errors.InvalidArgument(
                f"runtime {config.runtime!r} is not offered by Function Compute; "
                f"one of {', '.join(tables.RUNTIMES)}",
                attribute_path="config.runtime",
            )
        fields = {
            "runtime": runtime,
            "handler": config.handler,
            "memory_size": config.memory_mb or 128,
            "timeout": config.timeout_s or 3,
            "environment_variables": dict(config.environment),
            "layers": layer_arns(config.layer_ids),
        }
        if is_go(config.runtime):
            fields.update(
                custom_runtime_fields(_models(), config.handler, dict(config.environment))
            )
        return fields

    @staticmethod
    def _code(config: pb.FunctionConfig) -> Any:
        """The code to upload: the zip as given, or the binary built from a Go source."""
        code = fc_zip(config.code.zip, config.handler) if is_go(config.runtime) else config.code.zip
        return _models().InputCodeLocation(zip_file=base64.b64encode(code).decode())

    def _kept(self, config: pb.FunctionConfig, checksum: str) -> bytes:
        sha = config.code.sha256 or hashlib.sha256(config.code.zip).hexdigest()
        kept: dict[str, Any] = {"runtime": config.runtime, "code_sha256": sha, "checksum": checksum}
        if is_go(config.runtime) and "PORT" not in config.environment:
            kept["port_added"] = True
        return private_json(kept)

    def create(self, config: pb.FunctionConfig, token: str) -> pb.Function:
        models = _models()
        fc = self.clients.fc()
        existing = self.find_by_token(token) if token else None
        if existing is None:
            tags = [models.Tag(key=k, value=v) for k, v in config.tags.items()]
            if token:
                tags.append(models.Tag(key=TOKEN_TAG, value=token_value(token)))
            body = models.CreateFunctionInput(
                function_name=config.name,
                code=self._code(config),
                tags=tags,
                **self._input(config),
            )
            fc.create_function(models.CreateFunctionRequest(body=body))
        self._sync_triggers(config.name, list(config.triggers))
        checksum = str(
            fc.get_function(config.name, models.GetFunctionRequest()).body.code_checksum or ""
        )
        return read_one(self, config.name, self._kept(config, checksum))

    def _sync_triggers(self, name: str, wanted: Sequence[pb.Trigger]) -> None:
        models = _models()
        fc = self.clients.fc()
        http = [t for t in wanted if t.type == "http"]
        if [t for t in wanted if t.type != "http"]:
            raise errors.InvalidArgument(
                "this provider offers http triggers only", attribute_path="config.triggers"
            )
        have = call_or_none(
            fc.get_trigger, "TriggerNotFound", function_name=name, trigger_name=TRIGGER
        )
        if not http:
            if have is not None:
                fc.delete_trigger(name, TRIGGER)
            return
        trigger_config = json.dumps(
            {"authType": "anonymous", "methods": list(http[0].methods) or DEFAULT_METHODS}
        )
        if have is None:
            body = models.CreateTriggerInput(
                trigger_name=TRIGGER,
                trigger_type="http",
                trigger_config=trigger_config,
                description=_described(http[0]),
            )
            fc.create_trigger(name, models.CreateTriggerRequest(body=body))
        else:
            body = models.UpdateTriggerInput(
                trigger_config=trigger_config, description=_described(http[0])
            )
            fc.update_trigger(name, TRIGGER, models.UpdateTriggerRequest(body=body))

    def update(self, request: Any) -> pb.Function:
        models = _models()
        config = request.config
        name = request.id
        body = models.UpdateFunctionInput(**self._input(config))
        if "code" in set(request.changed) or not request.changed:
            body.code = self._code(config)
        fc = self.clients.fc()
        fc.update_function(name, models.UpdateFunctionRequest(body=body))
        self._sync_triggers(name, list(config.triggers))
        checksum = str(fc.get_function(name, models.GetFunctionRequest()).body.code_checksum or "")
        return read_one(self, name, self._kept(config, checksum))

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        fc = self.clients.fc()
        if (
            call_or_none(
                fc.get_trigger, "TriggerNotFound", function_name=resource_id, trigger_name=TRIGGER
            )
            is not None
        ):
            fc.delete_trigger(resource_id, TRIGGER)
        fc.delete_function(resource_id)


def _described(trigger: pb.Trigger) -> str:
    """The trigger's description keeps what FC has no field for: the path and the methods as
    asked (none asked means FC's default set, which must read back as none)."""
    return json.dumps({"genesys": {"path": trigger.path, "methods": list(trigger.methods)}})


def _trigger_from(raw: Any) -> pb.Trigger:
    methods = json.loads(raw.trigger_config or "{}").get("methods", [])
    try:
        kept = json.loads(raw.description or "{}").get("genesys", {})
    except ValueError:
        kept = {}
    if kept and sorted(kept.get("methods") or DEFAULT_METHODS) == sorted(methods):
        methods = kept.get("methods", [])
    return pb.Trigger(type="http", path=str(kept.get("path", "")), methods=methods)


def invoke(clients: AlibabaClients, request: Any) -> serverless_pb2.InvokeFunctionResponse:
    """Runs the function once; the handler's result, or its error as function_error."""
    models = _models()
    started = time.monotonic()
    headers = models.InvokeFunctionHeaders(x_fc_log_type="Tail")
    try:
        answer = clients.fc().invoke_function_with_options(
            request.id,
            models.InvokeFunctionRequest(body=io.BytesIO(request.payload or b"{}")),
            headers,
            _runtime(),
        )
    except Exception as exc:
        raise TRANSLATOR(exc) from exc
    payload = answer.body.read() if hasattr(answer.body, "read") else bytes(answer.body or b"")
    response_headers = {k.lower(): v for k, v in (answer.headers or {}).items()}
    logs = base64.b64decode(response_headers.get("x-fc-log-result", "")).decode(errors="replace")
    failed = response_headers.get("x-fc-error-type", "")
    return serverless_pb2.InvokeFunctionResponse(
        payload=payload,
        function_error=payload.decode(errors="replace") if failed else "",
        logs=logs,
        duration_ms=int((time.monotonic() - started) * 1000),
    )


def _runtime() -> Any:
    from darabonba.runtime import RuntimeOptions

    return RuntimeOptions()


def extra_rpcs(clients: AlibabaClients) -> dict[str, Any]:
    return {"InvokeFunction": lambda request, context: invoke(clients, request)}


def kinds(clients: AlibabaClients) -> list[KindHandler]:
    return [Functions(clients), Layers(clients)]
