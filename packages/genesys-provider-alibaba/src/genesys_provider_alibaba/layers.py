"""Serverless: Function Compute 3.0 layer versions, and how functions name them.

A layer version is immutable: every attribute forces a new version (a replacement). Its id
is the version's ARN (`acs:fc:<region>:<account>:layers/<name>/versions/<n>`), which is
what a function's `layers` lists, so `layer_ids` pass through as they are. FC layers have
no tags: the token, the user's tags, the code's sha256 and the runtimes as asked (FC has
no python3.11, see `tables.RUNTIMES`) are kept as compact JSON in the version's
description (FC allows 256 characters there).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_each, read_one

from genesys_provider_alibaba import tables
from genesys_provider_alibaba.clients import AlibabaClients
from genesys_provider_alibaba.common import listed, struct, token_value
from genesys_provider_alibaba.errors import TRANSLATOR, call_or_none

ARN = re.compile(r"^acs:fc:[^:]+:[^:]+:layers/([^/]+)/versions/(\d+)$")
DESCRIPTION_LIMIT = 256


def _models() -> Any:
    from alibabacloud_fc20230330 import models

    return models


def _kept(raw: Any) -> dict[str, Any]:
    try:
        kept = json.loads(raw.description or "{}").get("genesys", {})
    except (ValueError, AttributeError):
        return {}
    return kept if isinstance(kept, dict) else {}


def layer_from(raw: Any) -> pb.Layer:
    kept = _kept(raw)
    return pb.Layer(
        id=raw.layer_version_arn,
        name=raw.layer_name,
        version=int(raw.version),
        compatible_runtimes=list(kept.get("runtimes") or raw.compatible_runtime or []),
        code_sha256=str(kept.get("sha256", "")),
        tags=dict(kept.get("tags") or {}),
        provider_data=struct(
            {"checksum": raw.code_checksum, "size": raw.code_size, "created": raw.create_time}
        ),
    )


def layer_arns(layer_ids: Any) -> list[str]:
    """A function's `layer_ids` as FC's `layers`: each must be a layer version ARN."""
    for ident in layer_ids:
        if not ARN.match(str(ident)):
            raise errors.InvalidArgument(
                f"{ident!r} is not a layer id (acs:fc:<region>:<account>:layers/<name>/"
                "versions/<n>)",
                attribute_path="config.layer_ids",
            )
    return [str(ident) for ident in layer_ids]


def _description(config: pb.LayerConfig, token: str) -> str:
    kept: dict[str, Any] = {
        "sha256": config.code.sha256,
        "runtimes": list(config.compatible_runtimes),
    }
    if config.tags:
        kept["tags"] = dict(config.tags)
    if token:
        kept["token"] = token_value(token)
    text = json.dumps({"genesys": kept}, separators=(",", ":"), sort_keys=True)
    if len(text) > DESCRIPTION_LIMIT:
        raise errors.InvalidArgument(
            f"a Function Compute layer has no tags; Genesys keeps them in its {DESCRIPTION_LIMIT}"
            "-character description, which these tags overflow",
            attribute_path="config.tags",
        )
    return text


class Layers(KindHandler):
    field = "layer"

    def __init__(self, clients: AlibabaClients) -> None:
        self.clients = clients

    def _read(self, arn: str) -> pb.Layer | None:
        match = ARN.match(arn)
        if match is None:
            return None  # not a layer version ARN: names no layer
        got = call_or_none(
            self.clients.fc().get_layer_version,
            "LayerNotFound",
            layer_name=match.group(1),
            version=match.group(2),
        )
        return None if got is None else layer_from(got.body)

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        return read_each(self.clients.pool, ids, self._read, TRANSLATOR)

    def _names(self) -> Iterator[str]:
        models = _models()
        token = None
        while True:
            page = (
                self.clients.fc()
                .list_layers(models.ListLayersRequest(limit=100, next_token=token))
                .body
            )
            yield from (layer.layer_name for layer in page.layers or [])
            token = page.next_token
            if not token:
                return

    def _versions(self, name: str) -> Iterator[Any]:
        models = _models()
        start = None
        while True:
            page = (
                self.clients.fc()
                .list_layer_versions(
                    name, models.ListLayerVersionsRequest(limit=100, start_version=start)
                )
                .body
            )
            yield from page.layers or []
            start = page.next_version
            if not start:
                return

    def _all(self) -> Iterator[Any]:
        for name in list(self._names()):
            yield from self._versions(name)

    def find_by_token(self, token: str) -> str | None:
        wanted = token_value(token)
        for raw in self._all():
            if _kept(raw).get("token") == wanted:
                return str(raw.layer_version_arn)
        return None

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Layer]:
        every = (layer_from(raw) for raw in self._all())
        return listed(every, filters, {"name": lambda x: x.name, "id": lambda x: x.id})

    def create(self, config: pb.LayerConfig, token: str) -> pb.Layer:
        models = _models()
        existing = self.find_by_token(token) if token else None
        if existing is None:
            runtimes = [tables.RUNTIMES.get(r, r) for r in config.compatible_runtimes]
            body = models.CreateLayerVersionInput(
                code=models.InputCodeLocation(zip_file=base64.b64encode(config.code.zip).decode()),
                compatible_runtime=runtimes or ["python3.10"],
                description=_description(config, token),
            )
            made = self.clients.fc().create_layer_version(
                config.name, models.CreateLayerVersionRequest(body=body)
            )
            existing = str(made.body.layer_version_arn)
        return read_one(self, existing)

    def update(self, request: Any) -> pb.Layer:
        changed = sorted(request.changed) or ["code"]
        raise errors.InvalidArgument(
            f"a layer version is immutable: changing {changed[0]} publishes a new version "
            "(a replacement)",
            attribute_path=f"config.{changed[0]}",
        )

    def delete(self, resource_id: str) -> None:
        layer = read_one(self, resource_id)
        self.clients.fc().delete_layer_version(layer.name, str(layer.version))


def kinds(clients: AlibabaClients) -> list[KindHandler]:
    return [Layers(clients)]
