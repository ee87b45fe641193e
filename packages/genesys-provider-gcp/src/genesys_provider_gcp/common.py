"""Helpers every service module shares: the token label, tags as labels, provider_data, private
bytes, and the description record kept on resources that have no labels.

Resources with labels (instances, disks, buckets, Cloud SQL, functions) carry the label
`genesys-token=<token>`. Networks, subnetworks and firewalls have no labels in Compute's API:
they carry the token, their Genesys name and their tags in `description`, as `genesys:{json}`.
A create first looks for a resource with its token, so a retried create returns what the
first attempt made and ReadResources can find a resource by token alone (crash recovery).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.tags import TOKEN_LABEL, label_token
from google.protobuf import struct_pb2

from genesys_provider_gcp import tables

DESCRIPTION_PREFIX = "genesys:"
ATTACH_LABEL = "genesys-attach"  # on a disk: the token of the attachment that attached it
# The plugin's own labels and Google's: never shown as the user's tags.
SYSTEM_LABELS = (TOKEN_LABEL, ATTACH_LABEL, "goog-")


def labels_for(
    tags: Mapping[str, str], token: str = "", path: str = "config.tags"
) -> dict[str, str]:
    """The user's tags as labels (mapped as tables.labels_for) plus the token label."""
    try:
        labels = tables.labels_for(dict(tags))
    except ValueError as exc:
        raise errors.InvalidArgument(str(exc), attribute_path=path) from None
    if token:
        labels[TOKEN_LABEL] = label_token(token)
    return labels


def tags_of(labels: Mapping[str, str], asked: Mapping[str, str]) -> dict[str, str]:
    """The user's tags read back from labels (system labels dropped)."""
    mine = {k: v for k, v in labels.items() if not k.startswith(SYSTEM_LABELS)}
    return tables.tags_from_labels(mine, dict(asked))


def token_filter(token: str) -> str:
    return f'labels.{TOKEN_LABEL} = "{label_token(token)}"'


def names_filter(names: list[str]) -> str:
    """Compute's list filter for any of `names` (one call reads them all)."""
    return " OR ".join(f'(name = "{name}")' for name in names)


def read_chunks_in_parallel(
    pool: Any, ids: list[str], fetch: Any, chunk_size: int = 100
) -> dict[str, Any]:
    """read_many over chunks of ids, the chunks' list calls in flight together (a refresh of
    1,000 instances is 10 filtered calls; at 50 ms each they overlap instead of queueing).
    A chunk whose call failed reports that error for each of its ids."""
    from genesys_plugin_sdk.reads import chunked

    found: dict[str, Any] = {}
    chunks = [tuple(c) for c in chunked(sorted(set(ids)), chunk_size)]
    for chunk, result in pool.fan_out(lambda c: list(fetch(list(c))), chunks):
        if isinstance(result, Exception):
            found.update(dict.fromkeys(chunk, result))
            continue
        found.update({message.id: message for message in result})
    return found


def filtered(
    items: Iterable[Any], filters: Mapping[str, str], known: Iterable[str] = ("name",)
) -> Iterator[Any]:
    """List/Discover filters applied to a kind's messages: its own words (`name`, ...) and
    `tag:<key>`, each value a comma-separated set of alternatives. An unknown key is
    INVALID_ARGUMENT before anything is listed."""
    from genesys_plugin_sdk.tags import split_filters

    own, tags = split_filters(filters, known)

    def matches(item: Any) -> bool:
        if any(str(getattr(item, key, "")) not in values for key, values in own.items()):
            return False
        return all(item.tags.get(key) in values for key, values in tags.items())

    return (item for item in items if matches(item))


def describe(meta: Mapping[str, Any]) -> str:
    return DESCRIPTION_PREFIX + json.dumps(dict(meta), sort_keys=True, separators=(",", ":"))


def description_meta(description: str) -> dict[str, Any]:
    if not description.startswith(DESCRIPTION_PREFIX):
        return {}
    try:
        value = json.loads(description[len(DESCRIPTION_PREFIX) :])
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def struct(data: Mapping[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(json.loads(json.dumps(_plain(data), default=str)))
    return out


def _plain(data: Any) -> Any:
    if isinstance(data, Mapping):
        return {str(k): _plain(v) for k, v in data.items() if v is not None and v != ""}
    if isinstance(data, (list, tuple)):
        return [_plain(v) for v in data]
    if isinstance(data, datetime.datetime):
        return data.isoformat()
    return data


def private_json(data: Mapping[str, Any]) -> bytes:
    return json.dumps(dict(data), sort_keys=True, separators=(",", ":")).encode()


def read_private(raw: bytes) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def last(link: str) -> str:
    """`.../zones/us-central1-a/instances/web-0` -> `web-0`."""
    return link.rstrip("/").rsplit("/", 1)[-1]


def after(link: str, word: str) -> str:
    parts = link.split("/")
    return parts[parts.index(word) + 1] if word in parts[:-1] else ""


def split_id(resource_id: str, what: str) -> tuple[str, str]:
    """`us-central1-a/web-0` -> ("us-central1-a", "web-0"). An id of another shape names
    nothing this plugin made: NotFound (a delete of it is already done)."""
    scope, sep, name = resource_id.partition("/")
    if not sep or not scope or not name:
        raise errors.NotFound(f"{what} {resource_id!r} not found (ids are <zone or region>/<name>)")
    return scope, name


def fit_name(name: str, room: int = 63) -> str:
    """A GCP name of at most `room` characters: long ones keep a prefix and a stable hash."""
    if len(name) <= room:
        return name
    import hashlib

    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: room - 9].rstrip('-')}-{digest}"
