"""Cost breakdowns from a plan's own figures: the table and the Infracost-style JSON."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from genesys.cost import CostComponent, format_cost, report_from_plan, report_to_infracost
from genesys.engine.plan import Action

ROOT_KEYS = {"version", "currency", "projects", "totalHourlyCost", "totalMonthlyCost",
             "pastTotalHourlyCost", "pastTotalMonthlyCost", "diffTotalHourlyCost",
             "diffTotalMonthlyCost", "timeGenerated", "summary"}
PROJECT_KEYS = {"name", "metadata", "pastBreakdown", "breakdown", "diff", "summary"}
COMPONENT_KEYS = {"name", "unit", "hourlyQuantity", "monthlyQuantity", "price", "hourlyCost",
                  "monthlyCost"}


@pytest.fixture
def plan(change, plan_of):
    created = change("compute.web", "instance", Action.CREATE, {"size": "xlarge",
                     "tags": {"Team": "web"}}, cost=121.472)
    created.provider_values = {"provider_type": "t3.xlarge"}
    return plan_of(
        created,
        change("database.db", "database", Action.UPDATE, {"size": "large"},
               prior={"size": "medium"}, cost=105.85, prior_cost=52.56),
        change("storage.logs", "bucket", Action.NOOP, {}, prior={}, cost=0.0),
        change("compute.old", "instance", Action.DELETE, prior={"size": "small"},
               prior_cost=15.184),
    )


def test_totals_past_and_diff_follow_the_plan(plan):
    report = report_from_plan(plan, config_name="genesys.yaml")
    assert report.total_monthly == pytest.approx(121.472 + 105.85)
    assert report.past_total_monthly == pytest.approx(52.56 + 15.184)
    assert report.diff_total_monthly == pytest.approx(121.472 + 105.85 - 52.56 - 15.184)
    assert [r.diff for r in report.resources] == pytest.approx([121.472, 53.29, 0.0, -15.184])


def test_table_shows_each_resource_its_translation_and_the_total(plan):
    text = format_cost(report_from_plan(plan, config_name="genesys.yaml"), "table")
    lines = text.splitlines()
    assert lines[0] == "Monthly cost estimate (genesys.yaml): provider aws"
    web = next(line for line in lines if line.startswith("compute.web"))
    assert web.split() == ["compute.web", "create", "t3.xlarge", "$121.47", "-", "+$121.47"]
    old = next(line for line in lines if line.startswith("compute.old"))
    assert old.split() == ["compute.old", "delete", "instance", "-", "$15.18", "-$15.18"]
    total = next(line for line in lines if line.startswith("OVERALL TOTAL"))
    assert total.split()[-3:] == ["$227.32", "$67.74", "+$159.58"]
    assert "Monthly cost: $227.32 (was $67.74, +$159.58)" in text


def test_infracost_json_has_the_root_totals_and_breakdowns(plan):
    when = datetime(2024, 11, 2, 10, 0, tzinfo=timezone.utc)
    data = report_to_infracost(report_from_plan(plan, config_name="genesys.yaml"), now=when)

    assert set(data) == ROOT_KEYS
    assert (data["version"], data["currency"]) == ("0.2", "USD")
    assert data["totalMonthlyCost"] == "227.322"
    assert data["pastTotalMonthlyCost"] == "67.744"
    assert data["diffTotalMonthlyCost"] == "159.578"
    assert data["timeGenerated"] == "2024-11-02T10:00:00Z"
    [project] = data["projects"]
    assert set(project) == PROJECT_KEYS
    names = {k: [r["name"] for r in project[k]["resources"]]
             for k in ("breakdown", "pastBreakdown", "diff")}
    assert names["breakdown"] == ["compute.web", "database.db", "storage.logs"]
    assert names["pastBreakdown"] == ["database.db", "storage.logs", "compute.old"]
    assert names["diff"] == ["compute.web", "database.db", "compute.old"]
    assert project["diff"]["totalMonthlyCost"] == "159.578"
    web = project["breakdown"]["resources"][0]
    assert web["monthlyCost"] == "121.472" and web["tags"] == {"Team": "web"}
    assert web["metadata"]["providerValues"] == {"provider_type": "t3.xlarge"}
    assert project["summary"]["totalDetectedResources"] == 3
    assert json.loads(format_cost(report_from_plan(plan), "json"))["totalMonthlyCost"]


def test_unpriced_resources_count_as_zero_and_are_listed(change, plan_of):
    plan = plan_of(change("serverless.fn", "function", Action.CREATE, {}, cost=None))
    report = report_from_plan(plan)
    assert report.unpriced == ["serverless.fn"] and report.total_monthly == 0
    assert "No price known for: serverless.fn" in format_cost(report, "table")
    data = report_to_infracost(report)
    assert data["projects"][0]["summary"]["totalNoPriceResources"] == 1
    assert data["projects"][0]["breakdown"]["resources"][0]["monthlyCost"] is None


def test_components_parse_into_infracost_line_items():
    parsed = CostComponent.parse("database db.t3.medium: 730 hours x $0.072")
    assert (parsed.name, parsed.quantity, parsed.unit, parsed.price) == (
        "database db.t3.medium", 730.0, "hours", 0.072)
    assert parsed.monthly == pytest.approx(52.56)
    storage = CostComponent.parse("storage: 100 GB-months x $0.115")
    assert (storage.unit, storage.monthly) == ("GB-months", pytest.approx(11.5))
    free_text = CostComponent.parse("first 1M requests free")
    assert (free_text.name, free_text.monthly) == ("first 1M requests free", None)


def test_components_render_under_their_resource(change, plan_of):
    from genesys.cost import Estimate, ResourceCost
    from genesys.cost.formats import render_table, report_to_infracost
    from genesys.cost.report import FREE, CostReport

    component = CostComponent.parse("instance t3.small: 730 hours x $0.0208")
    cost = ResourceCost("compute.a", "instance", Action.CREATE,
                        Estimate.of(15.184, None, (component,)), FREE)
    report = CostReport([cost], provider="aws", prices_as_of="2024-11-01",
                        price_region="us-east-1")
    text = render_table(report)
    assert "prices as of 2024-11-01, us-east-1" in text.splitlines()[0]
    assert "└─ instance t3.small (730 hours x $0.0208)" in text
    [item] = report_to_infracost(report)["projects"][0]["breakdown"]["resources"][0][
        "costComponents"]
    assert set(item) == COMPONENT_KEYS
    assert (item["monthlyQuantity"], item["price"], item["monthlyCost"]) == (
        "730", "0.0208", "15.184")
