"""The four outputs of a policy report: cli, json, junit, sarif."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from genesys.config.model import Policies
from genesys.policy import OUTPUT_FORMATS, check_plan, format_report, refusal_message


@pytest.fixture
def report(change, plan_of):
    """One mandatory and one advisory violation, one waiver, one pass, a cost verdict."""
    plan = plan_of(
        change("storage.public", "bucket", {"public_access": True, "encryption": True,
                                            "tags": {"Team": "a"}}, line=12, cost=1.0),
        change("storage.site", "bucket", {"public_access": True, "encryption": True,
                                          "tags": {"Team": "a"}}, line=20, cost=1.0),
        change("compute.web", "instance", {"size": "small", "tags": {}}, line=30, cost=15.0),
    )
    policies = Policies.model_validate({
        "no_public_buckets": True,
        "require_tags": {"value": ["Team"], "enforcement": "advisory"},
        "max_cost_per_month": 100,
    })
    return check_plan(plan, policies,
                      overrides={"storage.site": {"no_public_buckets": "static website"}})


def test_cli_names_each_violation_with_rule_fix_and_ends_with_the_summary(report):
    text = format_report(report, "cli")
    assert "FAIL no_public_buckets [mandatory] storage.public" in text
    assert "fix: set `public_access: false`" in text
    assert "at genesys.yaml:12:5" in text
    assert "WARN require_tags [advisory] compute.web" in text
    assert "WAIVED no_public_buckets storage.site" in text and "reason: static website" in text
    assert "Estimated monthly cost: $17.00" in text
    assert text.splitlines()[-1] == "3 passed, 2 failed (1 mandatory, 1 advisory; 1 waived)"


def test_json_lists_every_finding_with_counts(report):
    data = json.loads(format_report(report, "json"))
    assert data["summary"]["passed"] == 3 and data["summary"]["failed"] == 2
    assert data["summary"]["mandatory_failed"] == 1 and data["blocking"] is True
    failed = {(r["rule"], r["address"]) for r in data["results"] if r["status"] == "failed"}
    assert failed == {("no_public_buckets", "storage.public"), ("require_tags", "compute.web")}
    waived = next(r for r in data["results"] if r["status"] == "waived")
    assert waived["reason"] == "static website"
    assert data["monthly_cost"] == 17.0
    assert {p["name"]: p["enforcement"] for p in data["policies"]}["require_tags"] == "advisory"


def test_junit_has_a_suite_per_rule_failures_typed_by_level_and_waivers_skipped(report):
    root = ET.fromstring(format_report(report, "junit"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("6", "2", "1")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"no_public_buckets", "require_tags", "max_cost_per_month"}
    cases = {c.get("name"): c for c in suites["no_public_buckets"].findall("testcase")}
    failure = cases["storage.public"].find("failure")
    assert failure is not None and failure.get("type") == "mandatory"
    assert "fix: set `public_access: false`" in (failure.text or "")
    assert cases["storage.public"].get("line") == "12"
    skipped = cases["storage.site"].find("skipped")
    assert skipped is not None and skipped.get("message") == "waived: static website"
    tag_failure = suites["require_tags"].find("testcase[@name='compute.web']/failure")
    assert tag_failure is not None and tag_failure.get("type") == "advisory"
    cost_case = suites["max_cost_per_month"].find("testcase")
    assert cost_case is not None and cost_case.get("name") == "plan total"
    assert cost_case.find("failure") is None


def test_sarif_describes_rules_and_results_with_locations_and_suppressions(report):
    data = json.loads(format_report(report, "sarif"))
    assert data["version"] == "2.1.0" and data["$schema"].endswith("sarif-2.1.0.json")
    [run] = data["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["no_public_buckets", "require_tags", "max_cost_per_month"]
    assert rules[1]["defaultConfiguration"]["level"] == "warning"
    results = run["results"]
    assert len(results) == 3  # two violations, one waiver; passes are not results
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
    public = next(r for r in results if r["ruleId"] == "no_public_buckets" and
                  "suppressions" not in r)
    assert public["level"] == "error"
    [location] = public["locations"]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "genesys.yaml"
    assert location["physicalLocation"]["region"] == {"startLine": 12, "startColumn": 5}
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "storage.public"
    waived = next(r for r in results if "suppressions" in r)
    assert waived["suppressions"] == [{"kind": "inSource", "justification": "static website"}]


@pytest.fixture
def unpriced_report(change, plan_of):
    """A mandatory cost limit with one resource missing from the price table."""
    plan = plan_of(
        change("compute.web", "instance", {"size": "small"}, line=30, cost=15.0),
        change("compute.odd", "instance", {"size": "xlarge"}, line=40, cost=None),
    )
    return check_plan(plan, Policies(max_cost_per_month=100))


def test_every_format_reports_unpriced_resources(unpriced_report):
    text = format_report(unpriced_report, "cli")
    assert "FAIL max_cost_per_month [mandatory] compute.odd" in text
    assert "Unpriced (not counted): compute.odd" in text

    data = json.loads(format_report(unpriced_report, "json"))
    assert data["unpriced"] == ["compute.odd"] and data["blocking"] is True
    assert data["unknown_price"] == "fail"
    failed = [r for r in data["results"] if r["status"] == "failed"]
    assert [(r["address"], r["message"]) for r in failed] == [
        ("compute.odd", "no price is known for this resource; the limit cannot be checked")
    ]

    root = ET.fromstring(format_report(unpriced_report, "junit"))
    cases = root.findall("testsuite[@name='max_cost_per_month']/testcase")
    assert [c.get("name") for c in cases] == ["compute.odd", "plan total"]
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("type") == "mandatory"

    sarif = json.loads(format_report(unpriced_report, "sarif"))
    [result] = sarif["runs"][0]["results"]
    assert result["level"] == "error"
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "compute.odd"
    assert result["message"]["text"].startswith("compute.odd: no price is known")


def test_refusal_names_the_blocking_addresses(report):
    assert refusal_message(report) == (
        "apply refused: 1 mandatory policy violation (storage.public); nothing was changed"
    )


def test_every_format_renders_an_empty_report(plan_of):
    empty = check_plan(plan_of(), None)
    for output in OUTPUT_FORMATS:
        assert format_report(empty, output)
    assert format_report(empty, "cli").splitlines()[-1] == "0 passed, 0 failed"
    with pytest.raises(ValueError, match="unknown policy output"):
        format_report(empty, "xml")
