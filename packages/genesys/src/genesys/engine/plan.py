"""The plan: what apply will do, resource by resource, with attribute diffs."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from genesys.config.desired import DesiredResource
from genesys.state import ResourceRecord


class _Unknown:
    """A value only known after apply (e.g. the id of a resource not yet created)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "(known after apply)"

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


class Action(str, enum.Enum):
    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"
    NOOP = "no-op"

    @property
    def symbol(self) -> str:
        return {"create": "+", "update": "~", "replace": "-/+", "delete": "-", "no-op": " "}[
            self.value
        ]


@dataclass
class AttributeChange:
    name: str
    before: Any
    after: Any
    forces_replacement: bool = False
    sensitive: bool = False


@dataclass
class ResourceChange:
    address: str
    kind: str
    action: Action
    desired: DesiredResource | None = None
    prior: ResourceRecord | None = None  # recorded (and refreshed) state
    after: dict[str, Any] = field(default_factory=dict)  # desired attributes, refs resolved
    attribute_changes: list[AttributeChange] = field(default_factory=list)
    provider_values: dict[str, str] = field(default_factory=dict)  # "size" -> "t3.medium"
    monthly_cost: float | None = None
    prior_monthly_cost: float | None = None
    drift: str = ""  # why refresh found this resource different from the record
    diagnostics: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the provider's, at plan time
    # Desired values the provider makes as the recorded ones (planner._note_made_as_recorded).
    made_as: dict[str, Any] = field(default_factory=dict)
    # Attributes never shown: the provider's schema says so, or they read a secret through
    # a reference (planner._Differ works this out).
    sensitive: frozenset[str] = frozenset()

    @property
    def changed_attributes(self) -> list[str]:
        return [c.name for c in self.attribute_changes]


@dataclass
class Plan:
    provider: str
    lineage: str
    serial: int
    config_digest: str
    changes: list[ResourceChange]
    warnings: list[str] = field(default_factory=list)
    destroy: bool = False
    # Every change (no-ops included) carries its monthly cost: see genesys.cost.complete_costs.
    costs_complete: bool = False

    def count(self, *actions: Action) -> int:
        return sum(1 for c in self.changes if c.action in actions)

    @property
    def to_add(self) -> int:
        return self.count(Action.CREATE, Action.REPLACE)

    @property
    def to_change(self) -> int:
        return self.count(Action.UPDATE)

    @property
    def to_destroy(self) -> int:
        return self.count(Action.DELETE, Action.REPLACE)

    @property
    def has_changes(self) -> bool:
        return any(c.action is not Action.NOOP for c in self.changes)

    @property
    def monthly_cost(self) -> float:
        return sum(c.monthly_cost or 0.0 for c in self.changes if c.action is not Action.DELETE)

    @property
    def prior_monthly_cost(self) -> float:
        return sum(c.prior_monthly_cost or 0.0 for c in self.changes)

    def by_address(self) -> dict[str, ResourceChange]:
        return {c.address: c for c in self.changes}
