"""List what exists in the account/region that the state does not manage.

Each kind the plugin supports is listed through its server-streaming `Discover<Kind>s` RPC
(one message per resource, so huge accounts never sit in one reply); resources whose id the
state already records are left out. Plugins fill discovered resources with abstract values
(`size: medium` beside `provider_type: t3.medium`), which is what the listing shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from genesys.config.diagnostics import did_you_mean
from genesys.engine.convert import message_to_attributes
from genesys.errors import GenesysError, PluginError
from genesys.kinds import KINDS, Kind
from genesys.provider.v1 import common_pb2 as pb
from genesys.state import ResourceRecord
from genesys_plugin_sdk import errors as perr

# Parents before children, so a subnet can be named after its discovered network.
DISCOVERY_ORDER = (
    "network", "subnet", "security_group", "load_balancer", "instance", "volume", "bucket",
    "database", "function", "layer", "cdn", "certificate",
)
# Config section words accepted by --kind besides kind names.
KIND_ALIASES = {
    "compute": ("instance",),
    "storage": ("bucket", "volume"),
    "serverless": ("function",),
    "layers": ("layer",),
    "databases": ("database",),
}
_NOT_A_NAME = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass
class DiscoveredResource:
    kind: str
    id: str
    name: str
    attributes: dict[str, Any]
    suggested_address: str = ""
    private: bytes = field(default=b"", repr=False)

    @property
    def summary(self) -> str:
        """The abstract translation and the facts that tell resources apart."""
        return summarize(self.kind, self.attributes)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "summary": self.summary,
            "suggested_address": self.suggested_address,
            "adopt": f"genesys adopt {self.suggested_address} {self.id}",
            "attributes": self.attributes,
        }


def select_kinds(requested: Iterable[str] | None) -> list[str]:
    """Kind names for --kind values (kind names or config section words), in order."""
    if not requested:
        return list(DISCOVERY_ORDER)
    wanted: set[str] = set()
    for word in requested:
        for part in (p.strip() for p in word.split(",") if p.strip()):
            if part in KINDS and part in DISCOVERY_ORDER:
                wanted.add(part)
            elif part in KIND_ALIASES:
                wanted.update(KIND_ALIASES[part])
            else:
                choices = [*DISCOVERY_ORDER, *KIND_ALIASES]
                hint = did_you_mean(part, choices)
                suffix = f"; {hint}" if hint else f" (one of {', '.join(choices)})"
                raise GenesysError(f"unknown kind '{part}'{suffix}")
    return [k for k in DISCOVERY_ORDER if k in wanted]


def _supported(conn: Any, kinds: list[str]) -> list[Kind]:
    capabilities = set(getattr(getattr(conn, "metadata", None), "capabilities", []) or [])
    return [KINDS[k] for k in kinds if not capabilities or KINDS[k].enum in capabilities]


def discover(
    conn: Any,
    managed: Iterable[ResourceRecord],
    kinds: Iterable[str] | None = None,
    *,
    filters: dict[str, str] | None = None,
    on_skip: Callable[[str, str], None] | None = None,
) -> Iterator[DiscoveredResource]:
    """Unmanaged resources of the requested kinds, streamed as the plugin finds them.

    `on_skip(kind, why)` hears about kinds the plugin does not offer discovery for."""
    managed_ids: dict[str, set[str]] = {}
    names: dict[str, str] = {}  # network id -> config name, for nested suggestions
    for record in managed:
        managed_ids.setdefault(record.kind, set()).add(record.id)
        if record.kind == "network":
            names[record.id] = record.address.split(".", 1)[1]
    request = pb.DiscoverRequest(filters=filters or {})
    for kind in _supported(conn, select_kinds(kinds)):
        method = getattr(getattr(conn, kind.service), kind.rpc("discover"), None)
        if method is None:
            continue
        try:
            for message in method(request):
                if message.id in managed_ids.get(kind.name, ()):
                    continue
                found = _discovered(kind, message, names)
                if kind.name == "network":
                    names[found.id] = config_name(found.name or found.id)
                yield found
        except perr.Unimplemented as err:
            if on_skip is not None:
                on_skip(kind.name, str(err) or "not offered by this provider")
        except perr.InvalidArgument as err:
            if not filters:
                raise PluginError(f"discovering {kind.name} resources failed: {err}") from None
            if on_skip is not None:  # a filter this kind does not know: not an error
                on_skip(kind.name, f"filter not supported ({err})")
        except perr.ProviderError as err:
            raise PluginError(f"discovering {kind.name} resources failed: {err}") from None


def _discovered(kind: Kind, message: Any, network_names: dict[str, str]) -> DiscoveredResource:
    attributes = message_to_attributes(message)
    name = str(attributes.get("name") or "")
    return DiscoveredResource(
        kind=kind.name,
        id=message.id,
        name=name,
        attributes=attributes,
        suggested_address=suggest_address(kind.name, name or message.id, attributes,
                                          network_names),
        private=message.private,
    )


def config_name(text: str) -> str:
    """A config-valid name (letters, digits, '-', '_'; 63 at most) for a cloud name or id."""
    cleaned = _NOT_A_NAME.sub("-", text).strip("-_") or "resource"
    return cleaned[:63]


_TOP_LEVEL = {"instance": "compute", "bucket": "storage", "volume": "storage",
              "network": "network", "database": "database", "function": "serverless",
              "layer": "layer"}
_NESTED = {"subnet": "subnet", "security_group": "security_group",
           "load_balancer": "load_balancer"}


def suggest_address(kind: str, name: str, attributes: dict[str, Any],
                    network_names: dict[str, str]) -> str:
    """The config address a resource would get if written as a block of its own."""
    if kind in _TOP_LEVEL:
        return f"{_TOP_LEVEL[kind]}.{config_name(name)}"
    if kind in _NESTED:
        network_id = str(attributes.get("network_id") or "")
        network = network_names.get(network_id) or config_name(network_id or "network")
        return f"network.{network}.{_NESTED[kind]}.{config_name(name)}"
    return f"{kind}.{config_name(name)}"


# ---------------------------------------------------------------- summaries


def _sized(attributes: dict[str, Any], provider_field: str) -> str:
    size = attributes.get("size") or ""
    translated = attributes.get(provider_field) or ""
    if size and translated:
        return f"{size} ({translated})"
    return size or (f"{translated} (no abstract size)" if translated else "")


def _flags(attributes: dict[str, Any], names: dict[str, str]) -> list[str]:
    return [word for key, word in names.items() if attributes.get(key)]


def _summary_parts(kind: str, a: dict[str, Any]) -> list[str]:
    if kind == "instance":
        return [_sized(a, "provider_type"), str(a.get("image") or a.get("provider_image") or ""),
                str(a.get("state") or "")]
    if kind == "database":
        engine = " ".join(str(x) for x in (a.get("engine"), a.get("version")) if x)
        storage = f"{a['storage_gb']} GB" if a.get("storage_gb") else ""
        return [engine, _sized(a, "provider_class"), storage]
    if kind == "volume":
        klass = a.get("volume_class") or ""
        translated = f" ({a['provider_type']})" if a.get("provider_type") else ""
        return [f"{a.get('size_gb', 0)} GB", f"{klass}{translated}",
                "encrypted" if a.get("encrypted") else "unencrypted"]
    if kind == "bucket":
        return ["encrypted" if a.get("encryption") else "unencrypted",
                *_flags(a, {"versioning": "versioning", "public_access": "PUBLIC"})]
    if kind in ("network", "subnet"):
        return [str(a.get("cidr") or ""), *_flags(a, {"public": "public"})]
    if kind == "function":
        memory = f"{a['memory_mb']} MB" if a.get("memory_mb") else ""
        return [str(a.get("runtime") or ""), memory]
    if kind == "security_group":
        return [f"{len(a.get('ingress') or [])} ingress rules"]
    if kind == "load_balancer":
        return [str(a.get("dns_name") or "")]
    return []


def summarize(kind: str, attributes: dict[str, Any]) -> str:
    return ", ".join(p for p in _summary_parts(kind, attributes) if p)


def render_discovered(found: list[DiscoveredResource]) -> str:
    """A table of discovered resources, with the command that adopts each."""
    if not found:
        return "Nothing unmanaged found: Genesys manages everything it can see."
    header = ("KIND", "ID", "NAME", "DETAILS", "SUGGESTED ADDRESS")
    rows = [(f.kind, f.id, f.name or "-", f.summary or "-", f.suggested_address) for f in found]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in (header, *rows)]
    noun = "resource" if len(found) == 1 else "resources"
    lines += ["", f"{len(found)} unmanaged {noun}. Adopt one with: "
              f"genesys adopt ADDRESS ID [--generate-config]"]
    return "\n".join(lines)
