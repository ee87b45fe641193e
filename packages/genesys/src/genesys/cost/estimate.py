"""Ask the provider plugin what a plan costs, before and after: batched PlanResources calls.

The engine's plan already carries the monthly cost of what it creates or changes. A full
breakdown also needs unchanged resources and what changed ones cost before, so this module
prices two states per resource through the same RPC, with no side effects and no network
beyond the plugin (its price tables ship with it):

- after: the desired attributes of everything the plan leaves in place;
- before: the recorded attributes of everything already in state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from genesys.cost.report import (
    FREE,
    NO_ESTIMATE,
    CostComponent,
    CostReport,
    Estimate,
    ResourceCost,
    string_tags,
)
from genesys.engine.convert import attributes_to_message
from genesys.engine.plan import UNKNOWN, Action, Plan, ResourceChange
from genesys.errors import PluginError
from genesys.kinds import KINDS, Kind, kind_of
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk import errors as perr

PLAN_BATCH = 1000
_BOOKKEEPING = frozenset({"private", "provider_data"})


@dataclass(frozen=True)
class PriceTableInfo:
    as_of: str = ""
    region: str = ""


@dataclass
class _Priced:
    estimate: Estimate
    provider_values: dict[str, str]


def _has_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unknown(v) for v in value)
    return False


def resource_message(kind: Kind, attributes: dict[str, Any]) -> pb.Resource | None:
    """A `pb.Resource` of `kind` from config or recorded attributes (unknowns left out);
    None when the attributes do not fit the message."""
    fields = kind.message.DESCRIPTOR.fields_by_name
    known: dict[str, Any] = {}
    for name, value in attributes.items():
        if name == "code" and isinstance(value, dict):  # config code -> recorded digest
            name, value = "code_sha256", value.get("sha256", "")
        if name in fields and name not in _BOOKKEEPING and not _has_unknown(value):
            known[name] = value
    try:
        body = attributes_to_message(kind.message, known)
    except (ValueError, TypeError):
        return None
    return pb.Resource(**{kind.oneof_field: body})


def _estimate_of(planned: provider_pb2.PlannedResource) -> _Priced:
    values: dict[str, str] = {}
    if planned.HasField("translated"):
        body = getattr(planned.translated, kind_of(planned.translated).oneof_field)
        values = {
            f.name: str(v) for f, v in body.ListFields()
            if f.name.startswith("provider_") and f.name != "provider_data"
        }
    if not planned.HasField("cost") or planned.cost.unknown:
        return _Priced(NO_ESTIMATE, values)
    cost = planned.cost
    components = tuple(CostComponent.parse(c) for c in cost.components)
    return _Priced(Estimate.of(cost.monthly_usd, cost.hourly_usd or None, components), values)


def _price(conn: Any, items: list[tuple[str, pb.Resource]]) -> list[_Priced]:
    """One estimate per (address, resource), in order, in batches of PLAN_BATCH."""
    priced: list[_Priced] = []
    for start in range(0, len(items), PLAN_BATCH):
        chunk = items[start : start + PLAN_BATCH]
        request = provider_pb2.PlanResourcesRequest(
            items=[provider_pb2.PlanItem(address=a, desired=r) for a, r in chunk]
        )
        try:
            response = conn.provider.PlanResources(request)
        except perr.Unimplemented:  # optional for plugins: prices unknown
            return [_Priced(NO_ESTIMATE, {}) for _ in items]
        except perr.ProviderError as err:
            raise PluginError(f"provider could not price the plan: {err}") from None
        by_index = {p.index: _estimate_of(p) for p in response.resources}
        priced.extend(by_index.get(i, _Priced(NO_ESTIMATE, {})) for i in range(len(chunk)))
    return priced


def _states(change: ResourceChange) -> list[tuple[str, dict[str, Any]]]:
    states = []
    if change.action is not Action.DELETE:
        states.append(("after", change.after))
    if change.prior is not None:
        states.append(("before", change.prior.attributes))
    return states


def estimate_plan(conn: Any, plan: Plan, *, config_name: str = "",
                  prices: PriceTableInfo | None = None) -> CostReport:
    """Price every resource of the plan before and after, through the plugin."""
    slots: list[tuple[int, str]] = []
    items: list[tuple[str, pb.Resource]] = []
    for index, change in enumerate(plan.changes):
        for state, attributes in _states(change):
            message = resource_message(KINDS[change.kind], attributes)
            if message is not None:
                slots.append((index, state))
                items.append((change.address, message))
    answers = dict(zip(slots, _price(conn, items), strict=True))
    resources = [_resource_cost(i, c, answers) for i, c in enumerate(plan.changes)]
    prices = prices or PriceTableInfo()
    return CostReport(resources, provider=plan.provider, prices_as_of=prices.as_of,
                      price_region=prices.region, config_name=config_name)


def _resource_cost(index: int, change: ResourceChange,
                   answers: dict[tuple[int, str], _Priced]) -> ResourceCost:
    after = answers.get((index, "after"))
    before = answers.get((index, "before"))
    values = dict(change.provider_values) or (after.provider_values if after else {})
    if not values and before is not None:
        values = before.provider_values
    return ResourceCost(
        address=change.address,
        kind=change.kind,
        action=change.action,
        after=_pick(change.action is Action.DELETE, after),
        before=_pick(change.prior is None, before),
        provider_values=values,
        tags=string_tags(change.after or (change.prior.attributes if change.prior else {})),
    )


def _pick(free: bool, priced: _Priced | None) -> Estimate:
    if free:
        return FREE
    return priced.estimate if priced is not None else NO_ESTIMATE


def complete_costs(conn: Any, plan: Plan) -> CostReport:
    """Fill every change's `monthly_cost` and `prior_monthly_cost` (unchanged resources
    included), so `plan.monthly_cost`, its change and `max_cost_per_month` see the whole
    bill. Returns the full report."""
    report = estimate_plan(conn, plan)
    for change, cost in zip(plan.changes, report.resources, strict=True):
        if change.action is not Action.DELETE:
            change.monthly_cost = cost.after.monthly
            if not change.provider_values:
                change.provider_values = dict(cost.provider_values)
        if change.prior is not None:
            change.prior_monthly_cost = cost.before.monthly
    plan.costs_complete = True
    return report


def price_tables(conn: Any) -> PriceTableInfo:
    """The date and region of the plugin's shipped price table (GetSchema)."""
    try:
        schema = conn.provider.GetSchema(provider_pb2.GetSchemaRequest())
    except perr.ProviderError:
        return PriceTableInfo()
    dates = sorted({t.as_of for t in schema.prices if t.as_of})
    regions = sorted({t.region for t in schema.prices if t.region})
    return PriceTableInfo(as_of=", ".join(dates), region=", ".join(regions))
