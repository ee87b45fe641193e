"""Helpers every service module shares: tags, the idempotency-token tag, provider_data,
private bytes and the filtered, chunked Describe reads.

Every resource the plugin creates carries the tag `genesys:token=<idempotency token>`, so a
retried create finds what the first attempt made, and ReadResources finds a resource by its
token alone (crash recovery). Tencent tags are [{"Key", "Value"}] (PostgreSQL's
[{"TagKey", "TagValue"}]).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.reads import chunked
from genesys_plugin_sdk.tags import (
    TOKEN_TAG,
    client_token,
    split_filters,
    tag_changes,
    unknown_filter,
)
from google.protobuf import struct_pb2

IMAGE_TAG = "genesys:image"
SYSTEM_PREFIXES = ("genesys:",)

__all__ = ["TOKEN_TAG", "chunked", "client_token", "split_filters", "unknown_filter"]


def tag_list(
    tags: Mapping[str, str], *, token: str = "", extra: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    merged = dict(tags)
    if token:
        merged[TOKEN_TAG] = client_token(token, 127)
    merged.update(extra or {})
    return [{"Key": k, "Value": v} for k, v in merged.items()]


def tag_dict(
    tags: Iterable[Mapping[str, Any]] | None, key: str = "Key", value: str = "Value"
) -> dict[str, str]:
    return {str(t[key]): str(t.get(value) or "") for t in tags or ()}


def user_tags(all_tags: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in all_tags.items() if not k.startswith(SYSTEM_PREFIXES)}


def token_filter(token: str) -> dict[str, Any]:
    return {"Name": f"tag:{TOKEN_TAG}", "Values": [client_token(token, 127)]}


def struct(data: Mapping[str, Any]) -> struct_pb2.Struct:
    """provider_data from a dict (None dropped)."""
    out = struct_pb2.Struct()
    out.update(
        json.loads(json.dumps({k: v for k, v in data.items() if v is not None}, default=str))
    )
    return out


def private_json(data: Mapping[str, Any]) -> bytes:
    return json.dumps(dict(data), sort_keys=True).encode()


def read_private(private: bytes) -> dict[str, Any]:
    if not private:
        return {}
    try:
        value = json.loads(private)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def by_filter(
    describe: Callable[[list[dict[str, Any]]], Iterable[Any]],
    name: str,
    ids: Iterable[str],
    chunk: int,
) -> Iterator[Any]:
    """One filtered Describe per chunk of ids (missing ids never fail a filter)."""
    for part in chunked(sorted(set(ids)), chunk):
        yield from describe([{"Name": name, "Values": part}])


def api_filters(filters: Mapping[str, str], known: Mapping[str, str]) -> list[dict[str, Any]]:
    """List/Discover filters (the kind's words and tag:<key>) as API 3.0 Filters."""
    own, tags = split_filters(filters, known)
    result = [{"Name": known[k], "Values": v} for k, v in own.items()]
    result += [{"Name": f"tag:{k}", "Values": v} for k, v in tags.items()]
    return result


def retag(
    clients: Any,
    resource: str,
    current: Mapping[str, str],
    desired: Mapping[str, str],
    key: str = "TagKey",
    value: str = "TagValue",
) -> None:
    """Tags of an existing resource change through the Tag service (ModifyResourceTags); the
    plugin's own genesys:* tags are left alone."""
    to_set, to_remove = tag_changes(user_tags(current), desired)
    if not to_set and not to_remove:
        return
    clients.call(
        "tag",
        "ModifyResourceTags",
        {
            "Resource": resource,
            "ReplaceTags": [{key: k, value: v} for k, v in to_set.items()],
            "DeleteTags": [{key: k} for k in to_remove],
        },
    )


def filtered(
    items: Iterable[Any], filters: Mapping[str, str], known: Mapping[str, str]
) -> Iterator[Any]:
    """List filters applied to messages, for calls that cannot filter: the kind's own words
    (`known`: filter word -> message field; a value may list alternatives "a,b") and
    `tag:<key>`. Unknown words are InvalidArgument at filters.<word>."""
    own, tags = split_filters(filters, known)
    for item in items:
        if all(str(getattr(item, known[k])) in v for k, v in own.items()) and all(
            item.tags.get(key) in values for key, values in tags.items()
        ):
            yield item


def refuse_change(changed: Iterable[str], force_new: Iterable[str], what: str) -> None:
    blocked = sorted(set(changed) & set(force_new))
    if blocked:
        raise errors.InvalidArgument(
            f"changing {blocked[0]} replaces the {what}; it cannot be updated in place",
            attribute_path=f"config.{blocked[0]}",
        )
