"""Adopt an existing resource: record it in state under a config address, changing nothing.

The plugin's `Adopt<Kind>` RPC reads the resource by id (read-only by contract); its answer
becomes a ResourceRecord exactly like one a create would have written, so the next plan
refreshes it, diffs it against the config and shows only their differences, and a destroy
deletes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from genesys.config.desired import DesiredResource
from genesys.engine.convert import message_to_attributes
from genesys.errors import GenesysError, PluginError
from genesys.kinds import KINDS
from genesys.provider.v1 import common_pb2 as pb
from genesys.state import ResourceRecord
from genesys_plugin_sdk import errors as perr

_NAME = r"[A-Za-z0-9][A-Za-z0-9_-]*"
# Address shapes the config produces -> the kinds that can sit there.
_ADDRESS_KINDS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (re.compile(pattern), kinds)
    for pattern, kinds in (
        (rf"^compute\.{_NAME}(\[\d+\])?$", ("instance",)),
        (rf"^storage\.{_NAME}$", ("bucket", "volume")),
        (rf"^storage\.{_NAME}\.attachment$", ("volume_attachment",)),
        (rf"^network\.{_NAME}$", ("network",)),
        (rf"^network\.{_NAME}\.subnet\.{_NAME}$", ("subnet",)),
        (rf"^network\.{_NAME}\.security_group\.{_NAME}$", ("security_group",)),
        (rf"^network\.{_NAME}\.load_balancer\.{_NAME}$", ("load_balancer",)),
        (rf"^database\.{_NAME}$", ("database",)),
        (rf"^serverless\.{_NAME}$", ("function",)),
        (rf"^layer\.{_NAME}$", ("layer",)),
        (r"^outcome\.static-site\.bucket$", ("bucket",)),
        (r"^outcome\.static-site\.cdn$", ("cdn",)),
        (r"^outcome\.static-site\.certificate$", ("certificate",)),
        (r"^outcome\.api\.function$", ("function",)),
    )
)


def kinds_for_address(address: str, desired: DesiredResource | None,
                      kind: str | None = None) -> tuple[str, ...]:
    """The kinds to try for `address`: the config's, an explicit --kind, or its shape's."""
    if kind is not None and kind not in KINDS:
        raise GenesysError(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    if desired is not None:
        if kind is not None and kind != desired.kind:
            raise GenesysError(f"{address} is a {desired.kind} in the config, not a {kind}")
        return (desired.kind,)
    if kind is not None:
        return (kind,)
    for pattern, kinds in _ADDRESS_KINDS:
        if pattern.match(address):
            return kinds
    raise GenesysError(
        f"{address!r} is not a resource address (e.g. compute.web, storage.assets, "
        "network.main.subnet.public, database.app-db, serverless.api)"
    )


@dataclass
class Adopted:
    record: ResourceRecord
    message: Any  # the resource message the plugin returned


def read_for_adoption(conn: Any, kinds: Iterable[str], resource_id: str) -> tuple[str, Any]:
    """(kind, message) of the first kind under which the plugin finds `resource_id`."""
    tried = []
    for name in kinds:
        kind = KINDS[name]
        method = getattr(getattr(conn, kind.service), kind.rpc("adopt"), None)
        if method is None:
            continue
        tried.append(name)
        try:
            return name, method(pb.AdoptRequest(id=resource_id))
        except perr.NotFound:
            continue
        except perr.Unimplemented:
            raise GenesysError(f"this provider cannot adopt {name} resources") from None
        except perr.ProviderError as err:
            raise PluginError(f"reading {name} {resource_id!r} failed: {err}") from None
    what = " or ".join(tried) or "resource"
    raise GenesysError(f"no {what} with id {resource_id!r} exists for this provider")


def check_free(records: dict[str, ResourceRecord], address: str, kinds: Iterable[str],
               resource_id: str) -> None:
    """Refuse to adopt over a managed address, or to manage one resource twice."""
    if address in records:
        held = records[address]
        raise GenesysError(
            f"{address} already manages {held.kind} {held.id!r}; "
            f"remove it first with `genesys state rm {address}`"
        )
    wanted = set(kinds)
    for record in records.values():
        if record.kind in wanted and record.id == resource_id:
            raise GenesysError(f"{record.kind} {resource_id!r} is already managed as "
                               f"{record.address}")


def adopt(conn: Any, records: dict[str, ResourceRecord], *, address: str, resource_id: str,
          kinds: tuple[str, ...], provider: str, desired: DesiredResource | None = None,
          sensitive: Mapping[str, frozenset[str]] | None = None) -> Adopted:
    """Read the resource and build its record (the caller commits it to state).

    `sensitive` maps kinds to the attributes the provider's schema marks secret."""
    check_free(records, address, kinds, resource_id)
    kind, message = read_for_adoption(conn, kinds, resource_id)
    hidden = (sensitive or {}).get(kind, frozenset())
    if desired is not None:
        hidden |= desired.sensitive
    record = ResourceRecord(
        address=address,
        kind=kind,
        provider=provider,
        id=message.id or resource_id,
        attributes=message_to_attributes(message),
        private=message.private,
        dependencies=sorted(desired.depends_on) if desired is not None else [],
        sensitive=sorted(hidden),
    )
    return Adopted(record, message)


def managed_ids(records: dict[str, ResourceRecord]) -> dict[str, str]:
    """Provider id -> address of every managed resource (for config references)."""
    return {r.id: r.address for r in records.values()}
