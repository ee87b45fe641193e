"""Monthly cost estimates of a plan, from the provider plugins' shipped price tables.

    from genesys.cost import estimate_plan, format_cost, price_tables

    report = estimate_plan(session.conn, plan, prices=price_tables(session.conn))
    print(format_cost(report, "table"))     # or "json" (Infracost's format)

`complete_costs(conn, plan)` fills every change's monthly cost and prior monthly cost in
place (unchanged resources included), so a plan's total, its change and the
`max_cost_per_month` policy see the whole bill; `report_from_plan(plan)` builds a report from
those figures without calling the plugin.
"""

from __future__ import annotations

from genesys.cost.estimate import (
    PriceTableInfo,
    complete_costs,
    estimate_plan,
    price_tables,
    resource_message,
)
from genesys.cost.formats import COST_FORMATS, format_cost, render_table, report_to_infracost
from genesys.cost.report import (
    HOURS_PER_MONTH,
    CostComponent,
    CostReport,
    Estimate,
    ResourceCost,
    report_from_plan,
)

__all__ = [
    "COST_FORMATS",
    "HOURS_PER_MONTH",
    "CostComponent",
    "CostReport",
    "Estimate",
    "PriceTableInfo",
    "ResourceCost",
    "complete_costs",
    "estimate_plan",
    "format_cost",
    "price_tables",
    "render_table",
    "report_from_plan",
    "report_to_infracost",
    "resource_message",
]
