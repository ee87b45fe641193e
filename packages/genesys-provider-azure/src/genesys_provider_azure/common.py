"""What every Azure kind shares: ARM ids, tags (user tags + the idempotency token), the
"it already exists" rule for creates, private bytes, and waiting on long-running operations."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.kinds import kind_spec
from genesys_plugin_sdk.tags import TOKEN_LABEL, split_filters

from genesys_provider_azure.clients import AzureClients

T = TypeVar("T")
# Genesys's own tags on Azure resources; never shown as the user's.
SYSTEM_TAG_PREFIXES = (
    "genesys-token",
    "genesys-managed",
    "genesys-network",
    "genesys-description",
    "genesys-bucket",
    "genesys-function",
    "genesys-default",
    "genesys-website",
    "genesys-tags",
)


def apply_filters(method: Callable[..., Iterable[Any]]) -> Callable[..., list[Any]]:
    """List<Kind>s filters for a handler's `list`: `name` and `tag:<key>` (values may be
    comma-separated alternatives); any other key is InvalidArgument, before any call."""

    @functools.wraps(method)
    def listing(self: Any, filters: Mapping[str, str]) -> list[Any]:
        known = (
            ("name",) if "name" in kind_spec(self.field).message.DESCRIPTOR.fields_by_name else ()
        )
        own, tags = split_filters(filters, known)
        names = own.get("name")
        return [
            item
            for item in method(self, filters)
            if (names is None or item.name in names)
            and all(dict(getattr(item, "tags", {})).get(k) in v for k, v in tags.items())
        ]

    return listing


def sdk_models(package: str) -> Any:
    """An Azure SDK's models module, imported on first use (plugin start stays fast). Typed
    Any: the SDKs' flattened keyword arguments are real but absent from their overloads."""
    import importlib

    return importlib.import_module(f"azure.mgmt.{package}.models")


def parse_id(resource_id: str) -> dict[str, str]:
    """ARM id -> {"subscriptions": ..., "resourcegroups": ..., "<type>": name, ...}
    (keys lower-cased; the provider namespace is dropped)."""
    parts = [p for p in resource_id.split("/") if p]
    found: dict[str, str] = {}
    index = 0
    while index + 1 < len(parts):
        key = parts[index].lower()
        if key == "providers":
            index += 2
            continue
        found[key] = parts[index + 1]
        index += 2
    return found


def arm_ids(ids: Iterable[str]) -> list[str]:
    """The ids that are ARM resource ids (anything else names nothing: not found)."""
    return [i for i in ids if i.startswith("/subscriptions/") and group_of(i)]


def group_of(resource_id: str) -> str:
    return parse_id(resource_id).get("resourcegroups", "")


def name_of(resource_id: str) -> str:
    return resource_id.rstrip("/").rsplit("/", 1)[-1]


def same_id(a: str, b: str) -> bool:
    return a.lower() == b.lower()


def tags_with_token(tags: Mapping[str, str], token: str) -> dict[str, str]:
    tagged = dict(tags)
    if token:
        tagged[TOKEN_LABEL] = token[:256]
    return tagged


def user_tags(tags: Mapping[str, str] | None) -> dict[str, str]:
    return {k: v for k, v in (tags or {}).items() if not k.startswith(SYSTEM_TAG_PREFIXES)}


def system_tags(tags: Mapping[str, str] | None) -> dict[str, str]:
    """Genesys's own tags on a resource (kept when the user's tags are replaced)."""
    return {k: v for k, v in (tags or {}).items() if k.startswith(SYSTEM_TAG_PREFIXES)}


def token_of(tags: Mapping[str, str] | None) -> str:
    return (tags or {}).get(TOKEN_LABEL, "")


def refuse_foreign(existing: Any, token: str, label: str) -> None:
    """A create finding its name taken: ours (same token) is a retry; anything else is not
    ours to overwrite (a PUT would silently take it over)."""
    if token and token_of(getattr(existing, "tags", None)) == token:
        return
    raise errors.AlreadyExists(
        f"{label} {existing.name} already exists in resource group "
        f"{group_of(existing.id)} and was not made by this apply; adopt it "
        f"(genesys import) or choose another name",
        attribute_path="config.name",
    )


def absent(call: Callable[[], T]) -> T | None:
    """call() or None when Azure says the resource does not exist."""
    from azure.core.exceptions import ResourceNotFoundError

    try:
        return call()
    except ResourceNotFoundError:
        return None


class AzureKind(KindHandler):
    """A kind served by one management client (`service`, an AzureClients.client name)."""

    service = ""

    def __init__(self, clients: AzureClients) -> None:
        self.clients = clients

    def _api(self) -> Any:
        return self.clients.client(self.service)

    def taken(self, get: Callable[[], T], token: str, label: str) -> T | None:
        """Before a create's PUT by name: the resource group made, then what holds the name —
        None, or ours from an earlier try of this create (a retry); anyone else's is refused."""
        self.clients.ensure_group()
        existing = absent(get)
        if existing is not None:
            refuse_foreign(existing, token, label)
        return existing


def listed(method: Callable[..., Iterable[T]], *args: Any) -> list[T]:
    """A list call's items; none when its resource group (or parent) does not exist."""
    return absent(lambda: [*method(*args)]) or []


def delete_or_not_found(begin: Callable[[], Any], label: str, resource_id: str) -> None:
    """Starts a delete and waits for it; NotFound when the resource was already gone."""
    from azure.core.exceptions import ResourceNotFoundError

    try:
        poller = begin()
    except ResourceNotFoundError:
        raise errors.NotFound(f"{label} {resource_id} does not exist") from None
    if poller is not None and hasattr(poller, "result"):
        poller.result()


def private_json(private: bytes) -> dict[str, Any]:
    try:
        value = json.loads(private) if private else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def as_private(values: Mapping[str, Any]) -> bytes:
    return json.dumps(dict(values), sort_keys=True).encode()


def by_id(items: Iterable[Any]) -> dict[str, Any]:
    return {item.id.lower(): item for item in items}


def pick(
    ids: list[str], found: Mapping[str, Any], convert: Callable[[Any, str], T]
) -> dict[str, T]:
    """{id: converted} for the ids present in `found` (keyed by lower-cased id)."""
    result: dict[str, T] = {}
    for resource_id in ids:
        item = found.get(resource_id.lower())
        if item is not None:
            result[resource_id] = convert(item, resource_id)
    return result


def groups_of(ids: Iterable[str], default: str) -> set[str]:
    return {group_of(i) or default for i in ids}
