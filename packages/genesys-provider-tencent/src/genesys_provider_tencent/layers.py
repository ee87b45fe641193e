"""Serverless: SCF layers, and how functions name them.

A layer version is immutable: every attribute of a layer forces a new version (a replace).
Its id is "<name>:<version>". The code's sha256 is kept in the version's Description
(`genesys:code-sha256=<hex>`), the token in its tags. A function's `layer_ids` become SCF's
`Layers: [{LayerName, LayerVersion}]`.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_one
from genesys_plugin_sdk.tags import TOKEN_TAG, client_token

from genesys_provider_tencent import tables
from genesys_provider_tencent.clients import TencentClients
from genesys_provider_tencent.common import filtered, struct, tag_dict, tag_list, user_tags

SHA_MARK = "genesys:code-sha256="


def layer_refs(layer_ids: Any) -> list[dict[str, Any]]:
    """`name:version` ids as SCF's Layers parameter."""
    refs = []
    for ident in layer_ids:
        name, _, version = str(ident).rpartition(":")
        if not name or not version.isdigit():
            raise errors.InvalidArgument(
                f"{ident!r} is not a layer id (<name>:<version>)", attribute_path="config.layer_ids"
            )
        refs.append({"LayerName": name, "LayerVersion": int(version)})
    return refs


def layer_ids_of(layers: list[dict[str, Any]] | None) -> list[str]:
    return [f"{x['LayerName']}:{x['LayerVersion']}" for x in layers or []]


def layer_from(raw: Mapping[str, Any]) -> pb.Layer:
    description = str(raw.get("Description") or "")
    return pb.Layer(
        id=f"{raw['LayerName']}:{raw['LayerVersion']}",
        name=raw["LayerName"],
        version=int(raw["LayerVersion"]),
        compatible_runtimes=[tables.runtime_of(r) for r in raw.get("CompatibleRuntimes") or []],
        code_sha256=description.split(SHA_MARK, 1)[1] if SHA_MARK in description else "",
        tags=user_tags(tag_dict(raw.get("Tags"))),
        provider_data=struct({"status": raw.get("Status"), "added": raw.get("AddTime")}),
    )


class Layers(KindHandler):
    field = "layer"

    def __init__(self, clients: TencentClients) -> None:
        self.clients = clients

    def _versions(self, name: str) -> list[dict[str, Any]]:
        found = self.clients.call_or_none(
            "scf", "ListLayerVersions", {"LayerName": name}, "ResourceNotFound"
        )
        return list((found or {}).get("LayerVersions") or [])

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        # An id that is not "<name>:<version>" names no layer: it is simply not found.
        names = sorted({i.rpartition(":")[0] for i in ids if i.rpartition(":")[0]})
        found: dict[str, Any] = {}
        for name, versions in self.clients.pool.fan_out(self._versions, names):
            if isinstance(versions, Exception):
                found.update({i: versions for i in ids if i.rpartition(":")[0] == name})
                continue
            for raw in versions:
                layer = layer_from(raw)
                if layer.id in ids:
                    found[layer.id] = layer
        return found

    def find_by_token(self, token: str) -> str | None:
        wanted = client_token(token, 127)
        for layer in self.clients.paged("scf", "ListLayers", {}, "Layers"):
            for raw in self._versions(layer["LayerName"]):
                if tag_dict(raw.get("Tags")).get(TOKEN_TAG) == wanted:
                    return f"{raw['LayerName']}:{raw['LayerVersion']}"
        return None

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Layer]:
        layers = [
            layer_from(raw)
            for layer in self.clients.paged("scf", "ListLayers", {}, "Layers")
            for raw in self._versions(layer["LayerName"])
        ]
        yield from filtered(layers, filters, {"name": "name", "id": "id"})

    def create(self, config: pb.LayerConfig, token: str) -> pb.Layer:
        existing = self.find_by_token(token) if token else None
        if existing is None:
            runtimes = [tables.scf_runtime_for(r) or r for r in config.compatible_runtimes]
            made = self.clients.call(
                "scf",
                "PublishLayerVersion",
                {
                    "LayerName": config.name,
                    "CompatibleRuntimes": runtimes or ["Python3.11"],
                    "Content": {"ZipFile": base64.b64encode(config.code.zip).decode()},
                    "Description": f"{SHA_MARK}{config.code.sha256}" if config.code.sha256 else "",
                    "Tags": tag_list(config.tags, token=token),
                },
            )
            existing = f"{config.name}:{made['LayerVersion']}"
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
        self.clients.call(
            "scf", "DeleteLayerVersion", {"LayerName": layer.name, "LayerVersion": layer.version}
        )
