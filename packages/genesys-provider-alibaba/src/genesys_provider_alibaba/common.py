"""Helpers the service modules share: tags (the RPC APIs' `Tag.N.Key` form), the
idempotency-token tag, provider_data, private bytes.

Every resource the plugin creates carries `genesys:token=<token>` (hashed to 64 ASCII
characters when longer), so a retried create finds what the first attempt made and
ReadResources can find a resource by token alone after a crash.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from genesys_plugin_sdk.tags import TOKEN_TAG, client_token, tag_changes, user_tags
from google.protobuf import struct_pb2

from genesys_provider_alibaba.clients import AlibabaClients

T = TypeVar("T")
M = TypeVar("M", bound=Any)
SYSTEM_PREFIXES = ("genesys:", "acs:", "aliyun")


def token_value(token: str) -> str:
    return client_token(token, 64)


def tag_params(tags: Mapping[str, str], token: str = "", prefix: str = "Tag") -> dict[str, str]:
    """`Tag.N.Key` / `Tag.N.Value` parameters for the user's tags plus the token tag."""
    merged = dict(tags)
    if token:
        merged[TOKEN_TAG] = token_value(token)
    params: dict[str, str] = {}
    for n, (key, value) in enumerate(merged.items(), start=1):
        params[f"{prefix}.{n}.Key"] = key
        params[f"{prefix}.{n}.Value"] = value
    return params


def tags_of(
    raw: Mapping[str, Any] | None, key: str = "TagKey", value: str = "TagValue"
) -> dict[str, str]:
    """All tags of an answer's `{"Tag": [{TagKey, TagValue}]}`."""
    items: Iterable[Mapping[str, Any]] = (raw or {}).get("Tag", []) if raw else []
    return {str(t.get(key, "")): str(t.get(value, "")) for t in items}


def visible_tags(all_tags: Mapping[str, str]) -> dict[str, str]:
    return user_tags(all_tags, system_prefixes=SYSTEM_PREFIXES)


def retag(
    clients: AlibabaClients,
    product: str,
    resource_type: str,
    resource_id: str,
    current: Mapping[str, str],
    desired: Mapping[str, str],
) -> None:
    """TagResources / UntagResources so the user tags equal `desired`."""
    to_set, to_remove = tag_changes(visible_tags(current), desired)
    untag = "UnTagResources" if product == "vpc" else "UntagResources"
    if to_set:
        clients.rpc(
            product,
            "TagResources",
            ResourceType=resource_type,
            **{"ResourceId.1": resource_id},
            **tag_params(to_set),
        )
    if to_remove:
        keys = {f"TagKey.{n}": key for n, key in enumerate(to_remove, start=1)}
        clients.rpc(
            product, untag, ResourceType=resource_type, **{"ResourceId.1": resource_id}, **keys
        )


def polled(read: Callable[[], T]) -> T:
    """A waiter's poll: Alibaba errors typed, so the waiter retries Throttled/Unavailable."""
    from genesys_provider_alibaba.errors import TRANSLATOR

    try:
        return read()
    except Exception as exc:
        raise TRANSLATOR(exc) from exc


def token_filter(token: str) -> dict[str, str]:
    """Describe* parameters selecting the resource created with this token."""
    return {"Tag.1.Key": TOKEN_TAG, "Tag.1.Value": token_value(token)}


def struct(data: Mapping[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(
        json.loads(json.dumps({k: v for k, v in data.items() if v is not None}, default=str))
    )
    return out


def private_json(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


def read_private(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def listed(
    messages: Iterable[M], filters: Mapping[str, str], words: Mapping[str, Callable[[M], str]]
) -> Iterator[M]:
    """The messages a List/Discover filter keeps, for APIs without server-side filters.

    `words` maps the kind's own filter keys to how a message answers them; `tag:K` filters
    match the message's tags. An unknown key is InvalidArgument before anything is listed.
    """
    from genesys_plugin_sdk.tags import split_filters

    own, tags = split_filters(filters, words)
    return (
        m
        for m in messages
        if all(words[k](m) in values for k, values in own.items())
        and all(dict(m.tags).get(k) in values for k, values in tags.items())
    )


def filter_words(filters: Mapping[str, str], known: Mapping[str, str]) -> dict[str, str]:
    """A ListRequest's filters as Describe* parameters (`tag:K` becomes Tag.N)."""
    from genesys_plugin_sdk.tags import split_filters

    own, tags = split_filters(filters, known)
    params = {known[key]: values[0] for key, values in own.items()}
    for n, (key, values) in enumerate(tags.items(), start=1):
        params[f"Tag.{n}.Key"] = key
        params[f"Tag.{n}.Value"] = values[0]
    return params
