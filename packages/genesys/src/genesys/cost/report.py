"""The cost breakdown of a plan: per resource, what it costs after apply and before.

Figures come from the provider plugin's shipped price tables (PlanResources' CostEstimate);
"monthly" means 730 hours, as in AWS's and Infracost's conventions. A resource whose plugin
knows no price has `monthly=None` and counts as $0 in totals, listed as unpriced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from genesys.engine.plan import Action, Plan, ResourceChange

HOURS_PER_MONTH = 730.0

# "instance t3.medium: 730 hours x $0.0416": the component shape plugins are asked to use.
_COMPONENT = re.compile(
    r"^(?P<name>.+?):\s*(?P<quantity>\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s][^$]*?)\s+x\s+"
    r"\$(?P<price>\d+(?:\.\d+)?)\s*$"
)


@dataclass(frozen=True)
class CostComponent:
    """One line item: a name, and when the plugin wrote it as "N unit x $price", the numbers."""

    name: str
    quantity: float | None = None  # per month
    unit: str = ""
    price: float | None = None

    @property
    def monthly(self) -> float | None:
        if self.quantity is None or self.price is None:
            return None
        return self.quantity * self.price

    def name_with_quantity(self) -> str:
        if self.quantity is None or self.price is None:
            return self.name
        return f"{self.name} ({self.quantity:g} {self.unit} x ${self.price:g})"

    @classmethod
    def parse(cls, text: str) -> CostComponent:
        match = _COMPONENT.match(text.strip())
        if match is None:
            return cls(text.strip())
        return cls(match["name"], float(match["quantity"]), match["unit"].strip(),
                   float(match["price"]))


@dataclass(frozen=True)
class Estimate:
    """A plugin's estimate for one resource state."""

    monthly: float | None  # None: no price known
    hourly: float | None = None
    components: tuple[CostComponent, ...] = ()

    @classmethod
    def of(cls, monthly: float | None, hourly: float | None = None,
           components: tuple[CostComponent, ...] = ()) -> Estimate:
        if monthly is not None and not hourly:
            hourly = monthly / HOURS_PER_MONTH
        return cls(monthly, hourly, components)


NO_ESTIMATE = Estimate(None)
FREE = Estimate(0.0, 0.0)


@dataclass
class ResourceCost:
    address: str
    kind: str
    action: Action
    after: Estimate  # FREE for a deletion
    before: Estimate  # FREE for a creation
    provider_values: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def translation(self) -> str:
        """The provider's name for what is bought, e.g. "t3.medium", "db.t3.small"."""
        values = self.provider_values
        return values.get("provider_type") or values.get("provider_class") or ""

    @property
    def diff(self) -> float:
        return (self.after.monthly or 0.0) - (self.before.monthly or 0.0)


@dataclass
class CostReport:
    resources: list[ResourceCost]
    provider: str = ""
    prices_as_of: str = ""  # the date of the plugin's price table
    price_region: str = ""
    currency: str = "USD"
    config_name: str = ""

    @property
    def total_monthly(self) -> float:
        return sum(r.after.monthly or 0.0 for r in self.resources)

    @property
    def total_hourly(self) -> float:
        return sum(r.after.hourly or 0.0 for r in self.resources)

    @property
    def past_total_monthly(self) -> float:
        return sum(r.before.monthly or 0.0 for r in self.resources)

    @property
    def past_total_hourly(self) -> float:
        return sum(r.before.hourly or 0.0 for r in self.resources)

    @property
    def diff_total_monthly(self) -> float:
        return self.total_monthly - self.past_total_monthly

    @property
    def unpriced(self) -> list[str]:
        """Addresses that will exist but have no price."""
        return [
            r.address for r in self.resources
            if r.action is not Action.DELETE and r.after.monthly is None
        ]


def _after_estimate(change: ResourceChange) -> Estimate:
    if change.action is Action.DELETE:
        return FREE
    return Estimate.of(change.monthly_cost)


def _before_estimate(change: ResourceChange) -> Estimate:
    if change.prior is None:
        return FREE
    if change.prior_monthly_cost is None and change.action is Action.NOOP:
        return Estimate.of(change.monthly_cost)  # unchanged: it costs what it will cost
    return Estimate.of(change.prior_monthly_cost)


def string_tags(attributes: dict[str, Any]) -> dict[str, str]:
    tags = attributes.get("tags")
    if not isinstance(tags, dict):
        return {}
    return {str(k): v for k, v in tags.items() if isinstance(v, str)}


def report_from_plan(plan: Plan, *, config_name: str = "") -> CostReport:
    """A report from the figures the plan already carries (no plugin call, no components)."""
    resources = [
        ResourceCost(
            address=c.address,
            kind=c.kind,
            action=c.action,
            after=_after_estimate(c),
            before=_before_estimate(c),
            provider_values=dict(c.provider_values),
            tags=string_tags(c.after or (c.prior.attributes if c.prior else {})),
        )
        for c in plan.changes
    ]
    return CostReport(resources, provider=plan.provider, config_name=config_name)
