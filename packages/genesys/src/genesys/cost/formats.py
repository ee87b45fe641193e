"""A CostReport as a table (people) or as Infracost-style JSON (machines).

The JSON follows the Infracost output format version 0.2: money as decimal strings, one
project per config, `breakdown` (after apply), `pastBreakdown` (state as it is) and `diff`,
and the root totals `totalMonthlyCost`, `pastTotalMonthlyCost`, `diffTotalMonthlyCost`
(plus the hourly ones), so tools that read Infracost files can read ours.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from genesys.cost.report import HOURS_PER_MONTH, CostComponent, CostReport, Estimate, ResourceCost
from genesys.engine.plan import Action

COST_FORMATS = ("table", "json")
INFRACOST_VERSION = "0.2"


def format_cost(report: CostReport, output: str = "table") -> str:
    if output == "table":
        return render_table(report)
    if output == "json":
        return json.dumps(report_to_infracost(report), indent=2)
    raise ValueError(f"unknown cost format {output!r}; expected one of {COST_FORMATS}")


# ---------------------------------------------------------------- table


def money(value: float | None) -> str:
    return "-" if value is None else f"${value:,.2f}"


def signed(value: float) -> str:
    sign = "+" if value >= 0 else "-"
    return f"{sign}${abs(value):,.2f}"


def _row(cost: ResourceCost) -> list[str]:
    after = None if cost.action is Action.DELETE else cost.after.monthly
    before = cost.before.monthly if cost.action is not Action.CREATE else None
    return [
        cost.address,
        cost.action.value,
        cost.translation or cost.kind,
        money(after),
        money(before),
        signed(cost.diff) if cost.diff else "",
    ]


def _component_lines(cost: ResourceCost, width: int) -> list[str]:
    components = (cost.before if cost.action is Action.DELETE else cost.after).components
    lines = []
    for number, component in enumerate(components):
        branch = "└─" if number == len(components) - 1 else "├─"
        figure = money(component.monthly) if component.monthly is not None else ""
        lines.append(f"  {branch} {component.name_with_quantity():<{width - 5}} {figure}".rstrip())
    return lines


def render_table(report: CostReport) -> str:
    header = ["NAME", "ACTION", "TYPE", "MONTHLY", "BEFORE", "CHANGE"]
    rows = [_row(c) for c in report.resources]
    total = ["OVERALL TOTAL", "", "", money(report.total_monthly),
             money(report.past_total_monthly), signed(report.diff_total_monthly)]
    widths = [max(len(r[i]) for r in [header, *rows, total]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        left = [c.ljust(w) for c, w in zip(cells[:3], widths[:3], strict=True)]
        right = [c.rjust(w) for c, w in zip(cells[3:], widths[3:], strict=True)]
        return "  ".join(left + right).rstrip()

    out = [_title(report), "", line(header)]
    for cost, row in zip(report.resources, rows, strict=True):
        out.append(line(row))
        out.extend(_component_lines(cost, sum(widths[:3]) + 4))
    out += ["", line(total), "", _summary(report)]
    if report.unpriced:
        out.append(f"No price known for: {', '.join(report.unpriced)} (counted as $0)")
    return "\n".join(out)


def _title(report: CostReport) -> str:
    where = f" ({report.config_name})" if report.config_name else ""
    prices = ""
    if report.prices_as_of:
        region = f", {report.price_region}" if report.price_region else ""
        prices = f"; prices as of {report.prices_as_of}{region}"
    return f"Monthly cost estimate{where}: provider {report.provider or '?'}{prices}"


def _summary(report: CostReport) -> str:
    return (f"Monthly cost: {money(report.total_monthly)} "
            f"(was {money(report.past_total_monthly)}, {signed(report.diff_total_monthly)})")


# ---------------------------------------------------------------- infracost json


def decimal(value: float | None) -> str | None:
    """Money as Infracost writes it: a decimal string without float noise."""
    if value is None:
        return None
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def _component_json(component: CostComponent) -> dict[str, Any]:
    monthly = component.monthly
    return {
        "name": component.name,
        "unit": component.unit,
        "hourlyQuantity": decimal(None if component.quantity is None
                                  else component.quantity / HOURS_PER_MONTH),
        "monthlyQuantity": decimal(component.quantity),
        "price": decimal(component.price),
        "hourlyCost": decimal(None if monthly is None else monthly / HOURS_PER_MONTH),
        "monthlyCost": decimal(monthly),
    }


def _resource_json(report: CostReport, cost: ResourceCost, estimate: Estimate) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": cost.address,
        "metadata": {"kind": cost.kind, "action": cost.action.value,
                     "providerValues": cost.provider_values, "provider": report.provider,
                     "pricesAsOf": report.prices_as_of, "priceRegion": report.price_region},
        "hourlyCost": decimal(estimate.hourly),
        "monthlyCost": decimal(estimate.monthly),
        "costComponents": [_component_json(c) for c in estimate.components],
    }
    if cost.tags:
        data["tags"] = cost.tags
    return data


def _breakdown(report: CostReport, pairs: list[tuple[ResourceCost, Estimate]]) -> dict[str, Any]:
    return {
        "resources": [_resource_json(report, c, e) for c, e in pairs],
        "totalHourlyCost": decimal(sum(e.hourly or 0.0 for _, e in pairs)),
        "totalMonthlyCost": decimal(sum(e.monthly or 0.0 for _, e in pairs)),
    }


def _diff_estimate(cost: ResourceCost) -> Estimate:
    return Estimate(cost.diff, (cost.after.hourly or 0.0) - (cost.before.hourly or 0.0))


def _project_summary(report: CostReport) -> dict[str, Any]:
    live = [c for c in report.resources if c.action is not Action.DELETE]
    counts: dict[str, int] = {}
    for cost in live:
        counts[cost.kind] = counts.get(cost.kind, 0) + 1
    no_price: dict[str, int] = {}
    for cost in live:
        if cost.after.monthly is None:
            no_price[cost.kind] = no_price.get(cost.kind, 0) + 1
    return {
        "totalDetectedResources": len(live),
        "totalSupportedResources": len(live) - sum(no_price.values()),
        "totalUnsupportedResources": 0,
        "totalUsageBasedResources": 0,
        "totalNoPriceResources": sum(no_price.values()),
        "supportedResourceCounts": counts,
        "unsupportedResourceCounts": {},
        "noPriceResourceCounts": no_price,
    }


def report_to_infracost(report: CostReport, *, now: datetime | None = None) -> dict[str, Any]:
    after = [(c, c.after) for c in report.resources if c.action is not Action.DELETE]
    before = [(c, c.before) for c in report.resources if c.action is not Action.CREATE]
    changed = [(c, _diff_estimate(c)) for c in report.resources if c.diff]
    summary = _project_summary(report)
    project = {
        "name": report.config_name or "genesys",
        "metadata": {"path": report.config_name, "type": "genesys_config"},
        "pastBreakdown": _breakdown(report, before),
        "breakdown": _breakdown(report, after),
        "diff": _breakdown(report, changed),
        "summary": summary,
    }
    generated = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "version": INFRACOST_VERSION,
        "currency": report.currency,
        "projects": [project],
        "totalHourlyCost": decimal(report.total_hourly),
        "totalMonthlyCost": decimal(report.total_monthly),
        "pastTotalHourlyCost": decimal(report.past_total_hourly),
        "pastTotalMonthlyCost": decimal(report.past_total_monthly),
        "diffTotalHourlyCost": decimal(report.total_hourly - report.past_total_hourly),
        "diffTotalMonthlyCost": decimal(report.diff_total_monthly),
        "timeGenerated": generated,
        "summary": summary,
    }
