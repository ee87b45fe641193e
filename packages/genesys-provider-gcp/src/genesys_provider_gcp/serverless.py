"""Serverless: Cloud Functions (2nd gen) with an HTTP trigger, and invoke.

A function's id is `<location>/<name>`. The code zip is uploaded to the URL
`generateUploadUrl` hands out, then the function is created from it (a long-running
operation, polled). Cloud Functions runs `main.py` (Python) or `index.js` (Node.js) and calls
the entry point by name: a handler "app.handle" gets a one-line `main.py` re-exporting it.
Go functions (a main package serving $PORT) ship with an adapter package: go_functions.py.
The Genesys view (handler, runtime word, triggers, code sha256, tags) is kept in the
function's description, so a refresh reads what the config says. Invoke calls the function's
HTTPS endpoint (`serviceConfig.uri`) and returns the handler's answer.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import serverless_pb2
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_in_chunks, read_one
from genesys_plugin_sdk.tags import TOKEN_LABEL, label_token

from genesys_provider_gcp import go_functions, tables
from genesys_provider_gcp.clients import GcpClients
from genesys_provider_gcp.common import (
    describe,
    description_meta,
    filtered,
    labels_for,
    split_id,
    struct,
    tags_of,
)
from genesys_provider_gcp.errors import is_not_found

STATES = {"ACTIVE": "active", "DEPLOYING": "pending", "FAILED": "failed", "DELETING": "deleting"}


def memory_mb(text: str) -> int:
    number = int("".join(ch for ch in text if ch.isdigit()) or 0)
    return number * 1024 if text.endswith(("G", "Gi")) else number


def with_entry_module(zip_bytes: bytes, runtime: str, handler: str) -> tuple[bytes, str]:
    """(the archive Cloud Functions runs, its entry point) for a Genesys handler."""
    module, _, function = handler.rpartition(".")
    if not module or not function:
        raise errors.InvalidArgument(
            f"handler {handler!r} is not module.function", attribute_path="config.handler"
        )
    node = runtime.startswith("nodejs")
    entry = "index" if node else "main"
    if module == entry:
        return zip_bytes, function
    shim_name = "index.js" if node else "main.py"
    shim = (
        f"module.exports = require('./{module}');\n"
        if node
        else f"from {module.replace('/', '.')} import {function}  # noqa: F401\n"
    )
    buffer = io.BytesIO(zip_bytes)
    with zipfile.ZipFile(buffer, "a") as archive:
        if shim_name in archive.namelist():
            raise errors.InvalidArgument(
                f"handler {handler!r}: Cloud Functions runs {shim_name}, which already exists; "
                f"name the handler {entry}.<function>",
                attribute_path="config.handler",
            )
        archive.writestr(shim_name, shim)
    return buffer.getvalue(), function


def function_from(raw: Any) -> pb.Function:
    meta = description_meta(raw.description)
    service, build = raw.service_config, raw.build_config
    runtime_word = {v: k for k, v in tables.RUNTIMES.items()}.get(build.runtime, build.runtime)
    location = raw.name.split("/")[3]
    return pb.Function(
        id=f"{location}/{raw.name.rsplit('/', 1)[-1]}",
        name=raw.name.rsplit("/", 1)[-1],
        runtime=str(meta.get("runtime") or runtime_word),
        handler=str(meta.get("handler") or f"main.{build.entry_point}"),
        memory_mb=memory_mb(service.available_memory),
        timeout_s=int(service.timeout_seconds),
        environment=dict(service.environment_variables),
        triggers=[pb.Trigger(**t) for t in meta.get("triggers", [])],
        code_sha256=str(meta.get("code_sha256", "")),
        url=service.uri,
        state=STATES.get(_enum_name(raw.state), _enum_name(raw.state).lower()),
        tags=tags_of(dict(raw.labels), meta.get("tags") or {}),
        provider_data=struct(
            {"uri": service.uri, "revision": service.revision, "full_name": raw.name}
        ),
    )


def _enum_name(value: Any) -> str:
    return str(getattr(value, "name", value) or "")


class Functions(KindHandler):
    field = "function"

    def __init__(self, clients: GcpClients) -> None:
        self.clients = clients

    @property
    def api(self) -> Any:
        return self.clients.functions()

    def _full_name(self, resource_id: str) -> str:
        location, name = split_id(resource_id, "function")
        return f"projects/{self.clients.project}/locations/{location}/functions/{name}"

    def _list_raw(self, filter_text: str = "") -> Iterator[Any]:
        parent = f"projects/{self.clients.project}/locations/-"
        yield from self.api.list_functions(request={"parent": parent, "filter": filter_text})

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        def fetch(chunk: list[str]) -> Iterator[pb.Function]:
            names = " OR ".join(f'(name = "{self._full_name(i)}")' for i in chunk)
            for raw in self._list_raw(names):
                yield function_from(raw)

        return read_in_chunks(ids, fetch, chunk_size=50)

    def find_by_token(self, token: str) -> str | None:
        for raw in self._list_raw(f'labels.{TOKEN_LABEL} = "{label_token(token)}"'):
            return function_from(raw).id
        return None

    def _upload(self, config: pb.FunctionConfig) -> tuple[dict[str, Any], str]:
        runtime = tables.RUNTIMES.get(config.runtime)
        if runtime is None:
            raise errors.InvalidArgument(
                f"runtime {config.runtime!r} is not offered by Cloud Functions; one of "
                f"{', '.join(sorted(tables.RUNTIMES))}",
                attribute_path="config.runtime",
            )
        if go_functions.is_go(config.runtime):
            archive = go_functions.function_zip(config.code.zip, config.handler)
            entry_point = go_functions.ENTRY_POINT
        else:
            archive, entry_point = with_entry_module(config.code.zip, runtime, config.handler)
        parent = f"projects/{self.clients.project}/locations/{self.clients.region}"
        upload = self.api.generate_upload_url(request={"parent": parent})
        response = self.clients.http_session().put(
            upload.upload_url,
            data=archive,
            headers={"Content-Type": "application/zip"},
            timeout=120,
        )
        if response.status_code >= 300:
            raise errors.Unavailable(f"uploading the code failed: HTTP {response.status_code}")
        source = {"bucket": upload.storage_source.bucket, "object_": upload.storage_source.object_}
        return {
            "runtime": runtime,
            "entry_point": entry_point,
            "source": {"storage_source": source},
        }, entry_point

    def _function(self, config: pb.FunctionConfig, token: str) -> dict[str, Any]:
        unsupported = [t.type for t in config.triggers if t.type != "http"]
        if unsupported:
            raise errors.InvalidArgument(
                f"trigger type {unsupported[0]!r} is not offered by this provider (http only)",
                attribute_path="config.triggers",
            )
        build, _ = self._upload(config)
        handler = config.handler
        if go_functions.is_go(config.runtime):
            handler = go_functions.handler_of(handler)
        meta = {
            "handler": handler,
            "runtime": config.runtime,
            "code_sha256": config.code.sha256,
            "triggers": [_trigger_dict(t) for t in config.triggers],
            "tags": dict(config.tags),
        }
        return {
            "description": describe(meta),
            "build_config": build,
            "service_config": {
                "available_memory": f"{config.memory_mb or 256}M",
                "timeout_seconds": config.timeout_s or 60,
                "environment_variables": dict(config.environment),
            },
            "labels": labels_for(config.tags, token),
        }

    def _settle(self, operation: Any) -> None:
        from google.api_core.future.polling import DEFAULT_POLLING

        settings = self.clients.settings
        # The SDK's default polling starts at 1 s; emulators and quick deploys finish sooner.
        polling = DEFAULT_POLLING.with_delay(
            initial=0.05, maximum=max(settings.poll_interval, 0.05), multiplier=2
        ).with_timeout(settings.wait_timeout)
        operation.result(timeout=settings.wait_timeout, polling=polling)

    def create(self, config: pb.FunctionConfig, token: str) -> pb.Function:
        existing = self.find_by_token(token) if token else None
        if existing is None:
            parent = f"projects/{self.clients.project}/locations/{self.clients.region}"
            request = {
                "parent": parent,
                "function": self._function(config, token),
                "function_id": config.name,
            }
            self._settle(self.api.create_function(request=request))
            existing = f"{self.clients.region}/{config.name}"
        return read_one(self, existing)  # type: ignore[no-any-return]

    def update(self, request: Any) -> pb.Function:
        full = self._full_name(request.id)
        raw = self.api.get_function(name=full)
        function = self._function(request.config, raw.labels.get(TOKEN_LABEL, ""))
        function["name"] = full
        if not request.config.tags and raw.labels.get(TOKEN_LABEL):
            function["labels"] = {TOKEN_LABEL: raw.labels[TOKEN_LABEL]}
        mask = {"paths": ["description", "build_config", "service_config", "labels"]}
        self._settle(self.api.update_function(request={"function": function, "update_mask": mask}))
        return read_one(self, request.id)  # type: ignore[no-any-return]

    def delete(self, resource_id: str) -> None:
        self._settle(self.api.delete_function(name=self._full_name(resource_id)))

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Function]:
        return filtered(map(function_from, self._list_raw()), filters, ("name", "runtime"))


def _trigger_dict(trigger: pb.Trigger) -> dict[str, Any]:
    from google.protobuf.json_format import MessageToDict

    return MessageToDict(trigger, preserving_proto_field_name=True)


def invoke(clients: GcpClients, request: Any) -> serverless_pb2.InvokeFunctionResponse:
    """Calls the function's HTTPS endpoint with the payload; the handler's answer back."""
    handler = Functions(clients)
    try:
        raw = handler.api.get_function(name=handler._full_name(request.id))
    except Exception as exc:
        if is_not_found(exc):
            raise errors.NotFound(f"function {request.id} not found") from None
        raise
    response = clients.http_session().post(
        raw.service_config.uri,
        data=request.payload or b"{}",
        headers={"Content-Type": "application/json"},
        timeout=float(raw.service_config.timeout_seconds or 60) + 10,
    )
    if go_functions.is_go(raw.build_config.runtime) and response.status_code >= 300:
        # The Go contract: a non-2xx answer of the program is a function error.
        return serverless_pb2.InvokeFunctionResponse(
            function_error=f"HTTP {response.status_code}: {response.text[:500]}"
        )
    if response.status_code >= 500:
        try:
            body = response.json()
        except ValueError:
            body = {"error": response.text}
        return serverless_pb2.InvokeFunctionResponse(
            function_error=str(body.get("error", f"HTTP {response.status_code}")),
            logs=str(body.get("logs", "")),
        )
    if response.status_code >= 400:
        raise errors.FailedPrecondition(
            f"function {request.id} answered HTTP {response.status_code}: {response.text[:200]}"
        )
    return serverless_pb2.InvokeFunctionResponse(payload=response.content)
