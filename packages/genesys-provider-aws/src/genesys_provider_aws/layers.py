"""Lambda layers. A layer resource is one layer version; its id is the version's ARN
(arn:aws:lambda:<region>:<account>:layer:<name>:<version>). Versions are immutable, so every
attribute forces a new version. Layer versions cannot be tagged: the idempotency token and the
tags are kept as JSON in the version's description (at most 256 characters).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors

from genesys_provider_aws.clients import AwsClients
from genesys_provider_aws.common import hex_sha256, match_tag_filters, struct
from genesys_provider_aws.errors import call_or_none
from genesys_provider_aws.readers import KindReader, read_each, read_one

DESCRIPTION_LIMIT = 256
LIST_FILTERS = ("name",)


def split_arn(arn: str) -> tuple[str, int]:
    """(layer name, version) of a layer version ARN."""
    parts = arn.split(":")
    if len(parts) != 8 or parts[5] != "layer" or not parts[7].isdigit():
        raise errors.NotFound(f"layer {arn!r} not found (not a layer version ARN)")
    return parts[6], int(parts[7])


def describe(token: str, tags: Mapping[str, str]) -> str:
    """The description that carries what a tag would: {"token": ..., "tags": {...}}."""
    text = json.dumps({"token": token, "tags": dict(tags)}, separators=(",", ":"), sort_keys=True)
    if len(text) > DESCRIPTION_LIMIT:
        raise errors.InvalidArgument(
            "layer tags do not fit: AWS keeps them in the 256-character layer description",
            attribute_path="config.tags",
        )
    return text


def described(raw: Mapping[str, Any]) -> dict[str, Any]:
    try:
        found = json.loads(raw.get("Description") or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def layer_from(raw: Mapping[str, Any]) -> pb.Layer:
    arn = raw["LayerVersionArn"]
    name, version = split_arn(arn)
    content = raw.get("Content") or {}
    return pb.Layer(
        id=arn,
        name=name,
        version=version,
        compatible_runtimes=list(raw.get("CompatibleRuntimes", [])),
        code_sha256=hex_sha256(content.get("CodeSha256", "")),
        tags={str(k): str(v) for k, v in dict(described(raw).get("tags") or {}).items()},
        provider_data=struct(
            {
                "created": raw.get("CreatedDate"),
                "code_size": content.get("CodeSize"),
                "description": raw.get("Description"),
            }
        ),
    )


def read_layer(clients: AwsClients, arn: str) -> pb.Layer | None:
    name, version = split_arn(arn)
    found = call_or_none(
        clients.client("lambda").get_layer_version,
        "ResourceNotFoundException",
        LayerName=name,
        VersionNumber=version,
    )
    return layer_from(found) if found is not None else None


def read_many(clients: AwsClients, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
    return read_each(clients, ids, lambda arn: read_layer(clients, arn))


def _versions(clients: AwsClients, name: str) -> Iterator[dict[str, Any]]:
    paginator = clients.client("lambda").get_paginator("list_layer_versions")
    for page in paginator.paginate(LayerName=name):
        yield from page.get("LayerVersions", [])


def _layer_names(clients: AwsClients) -> list[str]:
    paginator = clients.client("lambda").get_paginator("list_layers")
    return [layer["LayerName"] for page in paginator.paginate() for layer in page.get("Layers", [])]


def _version_with_token(clients: AwsClients, name: str, token: str) -> str | None:
    for version in _versions(clients, name):
        if described(version).get("token") == token:
            return str(version["LayerVersionArn"])
    return None


def find_by_token(clients: AwsClients, token: str) -> str | None:
    for name in _layer_names(clients):
        found = _version_with_token(clients, name, token)
        if found:
            return found
    return None


LAYER_READER = KindReader("layer", "layer", read_many, find_by_token)


def create_layer(clients: AwsClients, config: pb.LayerConfig, token: str) -> pb.Layer:
    if not config.name:
        raise errors.InvalidArgument("a layer needs a name", attribute_path="config.name")
    description = describe(token, config.tags)
    if not config.code.zip:
        raise errors.InvalidArgument(
            "a layer needs its code (a zip archive)", attribute_path="config.code"
        )
    arn = _version_with_token(clients, config.name, token) if token else None
    if arn is None:
        published = clients.client("lambda").publish_layer_version(
            LayerName=config.name,
            Description=description,
            Content={"ZipFile": config.code.zip},
            CompatibleRuntimes=list(config.compatible_runtimes),
        )
        arn = published["LayerVersionArn"]
    return read_one(LAYER_READER, clients, str(arn))  # type: ignore[no-any-return]


def delete_layer(clients: AwsClients, arn: str) -> None:
    name, version = split_arn(arn)
    read_one(LAYER_READER, clients, arn)  # NotFound when gone (AWS's delete never says so)
    clients.client("lambda").delete_layer_version(LayerName=name, VersionNumber=version)


def list_layers(clients: AwsClients, filters: Mapping[str, str]) -> Iterator[pb.Layer]:
    match_tag_filters(
        {k: v for k, v in filters.items() if not k.startswith("tag:")}, {}, LIST_FILTERS
    )
    wanted = set(filters["name"].split(",")) if filters.get("name") else None
    for name in _layer_names(clients):
        if wanted is None or name in wanted:
            for version in _versions(clients, name):
                found = read_layer(clients, version["LayerVersionArn"])
                if found is not None and match_tag_filters(filters, found.tags, LIST_FILTERS):
                    yield found
