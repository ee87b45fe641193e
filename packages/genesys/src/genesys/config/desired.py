"""What the config layer hands the engine: a flat list of desired resources.

The config loader validates the user's file; `expand()` (in `genesys.config.expand`) turns
it into `DesiredResource`s — `count` expanded, outcomes expanded, names resolved to
addresses — whose attribute values may hold `Ref`s and `Template`s that the engine resolves
at apply time from the recorded attributes of the resources they point at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where something was written: file, 1-based line and column."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file


@dataclass(frozen=True)
class Ref:
    """A value taken from another resource's attribute: `${network.main-vpc.id}`.

    `address` is a resource address (e.g. "database.app-db"), or "" for identity values
    (`${account_id}`, `${project_id}`, `${region}`), in which case `attribute` names one.
    """

    address: str
    attribute: str

    def __str__(self) -> str:
        if not self.address:
            return f"${{{self.attribute}}}"
        return f"${{{self.address}.{self.attribute}}}"


@dataclass(frozen=True)
class Template:
    """A string mixing literal text and references: "postgres://${database.app-db.endpoint}/x"."""

    parts: tuple[str | Ref, ...]

    def __str__(self) -> str:
        return "".join(str(p) for p in self.parts)


# Attribute values: plain JSON-like data, where any leaf may be a Ref or a Template.
Value = Any


@dataclass
class DesiredResource:
    """One resource the config asks for, at its final address.

    `attributes` use the field names of the kind's protocol *Config message
    (`genesys.kinds.KINDS[kind].config`), e.g. an instance has `size` ("medium"),
    `image`, `subnet_id` (usually a Ref), `security_group_ids`, `tags`.
    Enum-valued fields hold the lower-case abstract word ("medium", "postgres").
    """

    address: str  # "compute.web-server[0]", "network.main-vpc.subnet.public"
    kind: str  # key of genesys.kinds.KINDS
    attributes: dict[str, Value]
    depends_on: set[str] = field(default_factory=set)  # addresses, explicit and from Refs
    location: Location | None = None
    # Attribute names holding secrets: masked in plans, logs and output.
    sensitive: frozenset[str] = frozenset()
    # What created it when not a resource block: "outcome static-site", "implicit" (a
    # security group named but never declared). Lets messages say why a resource exists.
    origin: str = ""
    # Policies waived for this resource: {rule: reason}, from the block's `policy_overrides`.
    policy_overrides: dict[str, str] = field(default_factory=dict)
