"""The shapes every ARM resource shares: its id (parsed case-insensitively, as ARM does), the
per-type behaviour a service module declares, and the checks ARM applies to names and
references."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from genesys_emulators.core import CloudError

if TYPE_CHECKING:
    from genesys_emulators.azure.arm import Arm

Record = dict[str, Any]


def now() -> str:
    """The current time as ARM writes it (ISO 8601, UTC)."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


@dataclass(frozen=True)
class ArmPath:
    """`/subscriptions/S[/resourceGroups/G][/providers/NS/type/name[/sub/name...]][/action]`."""

    subscription: str
    group: str = ""
    namespace: str = ""
    pairs: tuple[tuple[str, str], ...] = ()  # (type, name) from the outermost down
    tail: str = ""  # a collection's type (list) or an action's name (POST)

    @property
    def type_name(self) -> str:
        """`Microsoft.Network/virtualNetworks/subnets` for a subnet (or a subnet collection)."""
        types = [t for t, _ in self.pairs] + ([self.tail] if self.tail else [])
        return "/".join([self.namespace, *types])

    @property
    def resource_type(self) -> str:
        return "/".join([self.namespace, *(t for t, _ in self.pairs)])

    @property
    def group_id(self) -> str:
        return f"/subscriptions/{self.subscription}/resourceGroups/{self.group}"

    def resource_id(self, depth: int | None = None) -> str:
        pairs = self.pairs if depth is None else self.pairs[:depth]
        path = "/".join(f"{t}/{n}" for t, n in pairs)
        return f"{self.group_id}/providers/{self.namespace}/{path}"

    @property
    def parent_id(self) -> str:
        return self.resource_id(len(self.pairs) - 1) if len(self.pairs) > 1 else ""

    @property
    def name(self) -> str:
        return self.pairs[-1][1]


def parse_path(path: str) -> ArmPath | None:
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2 or parts[0].lower() != "subscriptions":
        return None
    subscription, rest = parts[1], parts[2:]
    group = ""
    if len(rest) >= 2 and rest[0].lower() == "resourcegroups":
        group, rest = rest[1], rest[2:]
    if not rest:
        return ArmPath(subscription, group)
    if rest[0].lower() != "providers" or len(rest) < 2:
        return ArmPath(subscription, group, tail="/".join(rest))
    namespace, segments = rest[1], rest[2:]
    pairs = tuple((segments[i], segments[i + 1]) for i in range(0, len(segments) - 1, 2))
    tail = segments[-1] if len(segments) % 2 else ""
    return ArmPath(subscription, group, namespace, pairs, tail)


def key(resource_id: str) -> str:
    return resource_id.lower()


@dataclass
class ResourceType:
    """What one ARM resource type does beyond the generic create/read/delete.

    `build(arm, path, body, existing)` checks the request and returns the stored record's
    `properties` (and may set sku/kind/zones on `body`); `in_use(arm, record)` names what
    still refers to it (deletion is refused unless that goes too); `created` and `deleted`
    add or undo what follows from it; `actions` serve POST .../{name}/{action}.
    """

    name: str  # e.g. "Microsoft.Compute/virtualMachines"
    build: Callable[[Arm, ArmPath, Record, Record | None], Record]
    long_running: bool = True
    # "create": a create answers 202 with no body (storage accounts); "always": every PUT
    # does (flexible servers); "": 201/200 with the resource.
    accepted: str = ""
    sync_delete: bool = False  # DELETE answers 200 when done (storage accounts, App Service)
    create_status: int = 201  # what a create answers when not `accepted` (App Service: 200)
    located: bool = True  # a top-level resource has a location; a child inherits none
    in_use: Callable[[Arm, Record], InUse | None] | None = None
    created: Callable[[Arm, Record], None] | None = None
    updated: Callable[[Arm, Record], None] | None = None
    deleted: Callable[[Arm, Record], None] | None = None
    view: Callable[[Arm, Record], Record] | None = None
    actions: dict[str, Callable[[Arm, Record, Any], Any]] = field(default_factory=dict)
    kept_fields: tuple[str, ...] = ("sku", "kind", "zones", "identity")


@dataclass
class InUse:
    """Why a resource cannot be deleted: `referrer` still uses it."""

    referrer: str
    error: CloudError


def invalid(message: str, target: str = "", code: str = "InvalidParameter") -> CloudError:
    if target:
        return CloudError(400, code, message, target=target)
    return CloudError(400, code, message)


def require(body: Record, dotted: str) -> Any:
    """The value at `a.b.c` in the request, or ARM's 400 naming the missing parameter."""
    value: Any = body
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value in (None, "", [], {}):
        raise invalid(f"Required parameter '{dotted}' is missing (null).", dotted)
    return value


def check_name(name: str, pattern: str, rule: str, code: str, type_label: str) -> None:
    if not re.fullmatch(pattern, name):
        raise invalid(f"{type_label} name '{name}' is invalid. {rule}", "name", code)


def reference(arm: Arm, body: Any, what: str, referrer: str) -> Record:
    """The resource a `{"id": ...}` reference names; ARM's 400 when it does not exist."""
    ref_id = body.get("id") if isinstance(body, dict) else None
    record = arm.find(ref_id) if ref_id else None
    if record is None:
        raise invalid(
            f"Resource {ref_id} referenced by resource {referrer} was not found. Please make "
            f"sure that the referenced resource exists, and that both resources are in the "
            f"same region.",
            what,
            "InvalidResourceReference",
        )
    return record
