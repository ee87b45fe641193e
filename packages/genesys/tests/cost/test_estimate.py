"""Pricing a plan through a plugin's PlanResources over real gRPC."""

from __future__ import annotations

import pytest
from genesys.cost import complete_costs, estimate_plan, price_tables
from genesys.engine.plan import UNKNOWN, Action
from genesys.provider.v1 import provider_pb2_grpc
from genesys_plugin_sdk import Plugin
from genesys_plugin_sdk.testing import serve_in_process

XLARGE, LARGE, MEDIUM, SMALL = 0.1664 * 730, 0.0832 * 730, 0.0416 * 730, 0.0208 * 730


@pytest.fixture
def mixed_plan(change, plan_of):
    return plan_of(
        change("compute.new", "instance", Action.CREATE, {"size": "xlarge"}, cost=XLARGE),
        change("compute.grown", "instance", Action.UPDATE, {"size": "large"},
               prior={"size": "medium", "provider_type": "t3.medium"}, cost=LARGE),
        change("compute.same", "instance", Action.NOOP, {"size": "small", "subnet_id": UNKNOWN},
               prior={"size": "small", "provider_type": "t3.small"}),
        change("compute.gone", "instance", Action.DELETE,
               prior={"size": "medium", "provider_type": "t3.medium"}),
        change("serverless.fn", "function", Action.CREATE, {"name": "fn", "memory_mb": 128}),
    )


def test_every_resource_is_priced_before_and_after_in_one_call(priced_plugin, mixed_plan):
    report = estimate_plan(priced_plugin, mixed_plan)

    assert priced_plugin.priced.calls == [7]  # 4 afters + 3 befores
    by_address = {r.address: r for r in report.resources}
    assert by_address["compute.new"].after.monthly == pytest.approx(XLARGE)
    assert by_address["compute.new"].before.monthly == 0.0
    assert by_address["compute.grown"].before.monthly == pytest.approx(MEDIUM)
    assert by_address["compute.grown"].after.monthly == pytest.approx(LARGE)
    assert by_address["compute.same"].after.monthly == pytest.approx(SMALL)
    assert by_address["compute.same"].translation == "t3.small"
    assert by_address["compute.gone"].after.monthly == 0.0
    assert by_address["compute.gone"].before.monthly == pytest.approx(MEDIUM)
    assert report.unpriced == ["serverless.fn"]
    assert report.total_monthly == pytest.approx(XLARGE + LARGE + SMALL)
    assert report.past_total_monthly == pytest.approx(MEDIUM + SMALL + MEDIUM)
    assert report.diff_total_monthly == pytest.approx(XLARGE + LARGE - 2 * MEDIUM)


def test_components_keep_quantity_unit_and_price(priced_plugin, mixed_plan):
    report = estimate_plan(priced_plugin, mixed_plan)
    [component] = report.resources[0].after.components
    assert (component.name, component.quantity, component.unit, component.price) == (
        "instance t3.xlarge", 730.0, "hours", 0.1664)
    assert report.resources[0].after.hourly == pytest.approx(0.1664)


def test_complete_costs_fills_the_plan_so_totals_cover_unchanged_resources(
        priced_plugin, mixed_plan):
    assert mixed_plan.by_address()["compute.same"].monthly_cost is None

    complete_costs(priced_plugin, mixed_plan)

    changes = mixed_plan.by_address()
    assert changes["compute.same"].monthly_cost == pytest.approx(SMALL)
    assert changes["compute.same"].provider_values == {"provider_type": "t3.small"}
    assert changes["compute.grown"].prior_monthly_cost == pytest.approx(MEDIUM)
    assert changes["compute.gone"].prior_monthly_cost == pytest.approx(MEDIUM)
    assert mixed_plan.monthly_cost == pytest.approx(XLARGE + LARGE + SMALL)
    assert mixed_plan.prior_monthly_cost == pytest.approx(2 * MEDIUM + SMALL)


def test_large_plans_are_priced_in_batches(priced_plugin, change, plan_of):
    plan = plan_of(*(change(f"compute.w[{i}]", "instance", Action.CREATE, {"size": "small"})
                     for i in range(2500)))
    report = estimate_plan(priced_plugin, plan)
    assert priced_plugin.priced.calls == [1000, 1000, 500]
    assert report.total_monthly == pytest.approx(2500 * SMALL)
    assert report.resources[-1].after.monthly == pytest.approx(SMALL)


def test_price_table_date_comes_from_the_schema(priced_plugin):
    info = price_tables(priced_plugin)
    assert (info.as_of, info.region) == ("2024-11-01", "us-east-1")


def test_a_plugin_that_cannot_price_leaves_costs_unknown(change, plan_of):
    # PlanResources is optional for plugins: without it costs are unknown, not an error.
    silent = Plugin(name="silent", version="0", provider=provider_pb2_grpc.ProviderServicer())
    plan = plan_of(change("compute.a", "instance", Action.CREATE, {"size": "small"}))
    with serve_in_process(silent) as conn:
        report = estimate_plan(conn, plan)
    assert report.unpriced == ["compute.a"]
    assert report.total_monthly == 0
