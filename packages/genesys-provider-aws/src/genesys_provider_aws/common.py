"""Helpers every service module shares: tags, the idempotency-token tag, provider_data.

Every resource the plugin creates carries the tag `genesys:token=<idempotency token>` (layers,
which AWS cannot tag, carry it in their description). A create first looks for a resource
with its token, so a retried create returns what the first attempt made, and ReadResources
can find a resource by token alone (crash recovery).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from typing import Any

from genesys_plugin_sdk.tags import (  # re-exported: the SDK's, shared by every cloud
    TOKEN_TAG,
    client_token,
    match_tag_filters,
    tag_changes,
    unknown_filter,
)
from google.protobuf import struct_pb2

from genesys_provider_aws.clients import AwsClients

IMAGE_TAG = "genesys:image"
ROLE_TAG = "genesys:role"  # marks helper resources the plugin made (IGW, route table, ...)
NAME_TAG = "Name"
SYSTEM_PREFIXES = ("genesys:", "aws:")


def tag_list(
    tags: Mapping[str, str], *, name: str = "", token: str = "", extra: Mapping[str, str] = {}
) -> list[dict[str, str]]:
    """AWS [{"Key","Value"}] list: user tags plus the Name and genesys:* tags."""
    merged: dict[str, str] = dict(tags)
    if name:
        merged.setdefault(NAME_TAG, name)
    if token:
        merged[TOKEN_TAG] = token
    merged.update(extra)
    return [{"Key": key, "Value": value} for key, value in merged.items()]


def tag_dict(aws_tags: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    """All tags of an AWS tag list as a dict."""
    return {t["Key"]: t.get("Value", "") for t in aws_tags or ()}


def user_tags(all_tags: Mapping[str, str], *, drop_name: bool = False) -> dict[str, str]:
    """The user's tags: genesys:*/aws:* removed (and Name where it holds the resource name)."""
    return {
        k: v
        for k, v in all_tags.items()
        if not k.startswith(SYSTEM_PREFIXES) and not (drop_name and k == NAME_TAG)
    }


def ec2_tag_specs(resource_type: str, tags: list[dict[str, str]]) -> list[dict[str, Any]]:
    return [{"ResourceType": resource_type, "Tags": tags}] if tags else []


def retag_ec2(ec2: Any, resource_id: str, current: Any, config: Any) -> None:
    """Sets/removes EC2 tags so the user tags and Name match the config."""
    desired = dict(config.tags)
    to_set, to_remove = tag_changes(dict(current.tags), desired)
    if config.name != current.name:
        to_set[NAME_TAG] = config.name
    if to_set:
        tags = [{"Key": k, "Value": v} for k, v in to_set.items()]
        ec2.create_tags(Resources=[resource_id], Tags=tags)
    if to_remove:
        ec2.delete_tags(Resources=[resource_id], Tags=[{"Key": k} for k in to_remove])


def struct(data: Mapping[str, Any]) -> struct_pb2.Struct:
    """provider_data Struct from a dict (datetimes become ISO strings, None dropped)."""
    out = struct_pb2.Struct()
    out.update(json.loads(json.dumps(_plain(data), default=str)))
    return out


def _plain(data: Any) -> Any:
    if isinstance(data, Mapping):
        return {str(k): _plain(v) for k, v in data.items() if v is not None}
    if isinstance(data, (list, tuple)):
        return [_plain(v) for v in data]
    if isinstance(data, datetime.datetime):
        return data.isoformat()
    return data


def arns_by_token(
    clients: AwsClients, token: str, resource_types: list[str], region: str = ""
) -> list[str]:
    """ARNs carrying genesys:token=<token>, via the Resource Groups Tagging API (one call)."""
    tagging = clients.client("resourcegroupstaggingapi", region)
    arns: list[str] = []
    kwargs: dict[str, Any] = {
        "TagFilters": [{"Key": TOKEN_TAG, "Values": [token]}],
        "ResourceTypeFilters": resource_types,
    }
    while True:
        page = tagging.get_resources(**kwargs)
        arns += [m["ResourceARN"] for m in page.get("ResourceTagMappingList", [])]
        marker = page.get("PaginationToken")
        if not marker:
            return arns
        kwargs["PaginationToken"] = marker


def ec2_filters(ids: list[str], id_filter: str) -> list[dict[str, Any]]:
    return [{"Name": id_filter, "Values": ids}]


def hex_sha256(lambda_sha: str) -> str:
    """Lambda reports base64(sha256); the protocol compares hex digests."""
    import base64
    import binascii

    try:
        return base64.b64decode(lambda_sha, validate=True).hex()
    except (ValueError, binascii.Error):
        return lambda_sha


def private_json(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


def read_private(raw: bytes) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def ec2_list_filters(filters: Mapping[str, str], known: Mapping[str, str]) -> list[dict[str, Any]]:
    """EC2 Describe filters from a ListRequest's filters (`tag:K`, and the kind's own words).

    A value may list alternatives separated by commas. Unknown keys are INVALID_ARGUMENT.
    """
    out: list[dict[str, Any]] = []
    for key, value in filters.items():
        name = key if key.startswith("tag:") else known.get(key)
        if name is None:
            raise unknown_filter(key, known)
        out.append({"Name": name, "Values": value.split(",")})
    return out


__all__ = [
    "IMAGE_TAG",
    "NAME_TAG",
    "ROLE_TAG",
    "TOKEN_TAG",
    "arns_by_token",
    "client_token",
    "ec2_filters",
    "ec2_list_filters",
    "ec2_tag_specs",
    "hex_sha256",
    "match_tag_filters",
    "private_json",
    "read_private",
    "retag_ec2",
    "struct",
    "tag_changes",
    "tag_dict",
    "tag_list",
    "user_tags",
]
