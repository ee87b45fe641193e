"""Rule evaluation on real Plans: verdicts, enforcement levels, waivers, the cost limit."""

from __future__ import annotations

from genesys.config.model import Policies
from genesys.engine.plan import UNKNOWN, Action
from genesys.policy import PolicySetting, active_settings, check_plan


def _failed(report):
    return sorted((f.rule, f.address) for f in report.violations)


def test_public_unencrypted_and_untagged_buckets_are_each_named(change, plan_of):
    plan = plan_of(
        change("storage.public", "bucket",
               {"public_access": True, "encryption": True, "tags": {"Team": "a"}}),
        change("storage.plain", "bucket", {"encryption": False, "tags": {"Team": "a"}}),
        change("storage.untagged", "bucket", {"encryption": True, "tags": {}}),
        change("storage.good", "bucket", {"encryption": True, "tags": {"Team": "a"}}),
    )
    policies = Policies(no_public_buckets=True, require_encryption=True, require_tags=["Team"])

    report = check_plan(plan, policies)

    assert _failed(report) == [
        ("no_public_buckets", "storage.public"),
        ("require_encryption", "storage.plain"),
        ("require_tags", "storage.untagged"),
    ]
    assert report.blocking
    assert report.passed == 9 and report.failed == 3
    assert report.summary().startswith("9 passed, 3 failed")
    by_rule = {f.rule: f for f in report.violations}
    assert by_rule["no_public_buckets"].fix.startswith("set `public_access: false`")
    assert by_rule["require_encryption"].fix == "set `encryption: true`"
    assert by_rule["require_tags"].message == "missing required tags: Team"


def test_volumes_need_encrypted_and_instances_need_tags(change, plan_of):
    plan = plan_of(
        change("storage.data", "volume", {"size_gb": 10, "encrypted": False}),
        change("compute.web[0]", "instance", {"size": "small", "tags": {"Team": ""}}),
    )
    report = check_plan(plan, Policies(require_encryption=True, require_tags=["Team", "Env"]))

    assert _failed(report) == [
        ("require_encryption", "storage.data"),
        ("require_tags", "compute.web[0]"),
        ("require_tags", "storage.data"),
    ]
    tags = next(f for f in report.violations if f.address == "compute.web[0]")
    assert tags.message == "missing required tags: Team, Env"  # an empty value is missing


def test_deletions_are_not_judged_and_unchanged_resources_are(change, plan_of):
    plan = plan_of(
        change("storage.old", "bucket", {"public_access": True}, action=Action.DELETE),
        change("storage.kept", "bucket", {"public_access": True}, action=Action.NOOP),
    )
    report = check_plan(plan, Policies(no_public_buckets=True))

    assert _failed(report) == [("no_public_buckets", "storage.kept")]


def test_unknown_values_are_not_violations(change, plan_of):
    plan = plan_of(change("storage.v", "volume", {"encrypted": UNKNOWN, "tags": UNKNOWN}))
    report = check_plan(plan, Policies(require_encryption=True, require_tags=["Team"]))
    assert report.violations == []


def test_advisory_violations_warn_without_blocking(change, plan_of):
    plan = plan_of(change("storage.public", "bucket", {"public_access": True}))
    policies = Policies.model_validate(
        {"no_public_buckets": {"value": True, "enforcement": "advisory"}}
    )

    report = check_plan(plan, policies)

    assert [f.address for f in report.advisory_failures] == ["storage.public"]
    assert report.mandatory_failures == []
    assert not report.blocking


def test_a_waiver_with_a_reason_unblocks_one_resource_only(change, plan_of):
    plan = plan_of(
        change("storage.site", "bucket", {"public_access": True}),
        change("storage.other", "bucket", {"public_access": True}),
    )
    reason = "public website assets, reviewed by security"

    report = check_plan(plan, Policies(no_public_buckets=True),
                        overrides={"storage.site": {"no_public_buckets": reason}})

    assert _failed(report) == [("no_public_buckets", "storage.other")]
    [waived] = report.waived
    assert (waived.address, waived.reason) == ("storage.site", reason)


def test_a_waiver_on_a_counted_name_covers_every_instance(change, plan_of):
    plan = plan_of(*(change(f"compute.web[{i}]", "instance", {"tags": {}}) for i in range(3)),
                   change("compute.webby", "instance", {"tags": {}}))
    report = check_plan(plan, Policies(require_tags=["Team"]),
                        overrides={"compute.web": {"require_tags": "legacy fleet"}})
    assert len(report.waived) == 3
    assert _failed(report) == [("require_tags", "compute.webby")]


def test_waivers_written_on_the_desired_resource_are_honoured(change, plan_of):
    public = change("storage.site", "bucket", {"public_access": True})
    public.desired.policy_overrides = {"no_public_buckets": "static website"}  # type: ignore[union-attr]
    report = check_plan(plan_of(public), Policies(no_public_buckets=True))
    assert report.violations == [] and report.waived[0].reason == "static website"


def test_max_cost_blocks_three_xlarge_instances_and_names_the_total(change, plan_of):
    xlarge = 0.1664 * 730
    plan = plan_of(*(change(f"compute.big[{i}]", "instance", {"size": "xlarge"}, cost=xlarge)
                     for i in range(3)))

    report = check_plan(plan, Policies(max_cost_per_month=10))

    [violation] = report.violations
    assert violation.rule == "max_cost_per_month" and violation.address == ""
    assert violation.subject == "plan total"
    assert "$364.42/month exceeds the limit $10.00" in violation.message
    assert "compute.big[0] $121.47" in violation.fix
    assert report.monthly_cost is not None and round(report.monthly_cost, 2) == 364.42
    assert report.blocking


def _unpriced_plan(change, plan_of):
    return plan_of(
        change("compute.a", "instance", {}, cost=30.0),
        change("compute.b", "instance", {"size": "xlarge"}, cost=None, line=7),
        change("compute.c", "instance", {}, action=Action.DELETE, cost=500.0),
    )


def test_a_mandatory_cost_limit_fails_each_unpriced_resource_by_default(change, plan_of):
    report = check_plan(_unpriced_plan(change, plan_of), Policies(max_cost_per_month=50))

    assert report.unpriced == ["compute.b"]
    [unpriced] = report.violations
    assert (unpriced.rule, unpriced.address, unpriced.enforcement) == (
        "max_cost_per_month", "compute.b", "mandatory")
    assert unpriced.message == "no price is known for this resource; the limit cannot be checked"
    assert "unknown_price: warn" in unpriced.fix
    assert str(unpriced.location) == "genesys.yaml:7:5"
    assert report.blocking
    total = next(f for f in report.findings if f.address == "")
    assert total.status == "passed" and "1 resources without a price" in total.message


def test_unknown_price_warn_reports_without_blocking(change, plan_of):
    policies = Policies.model_validate(
        {"max_cost_per_month": {"value": 50, "unknown_price": "warn"}}
    )
    report = check_plan(_unpriced_plan(change, plan_of), policies)

    assert [(f.address, f.enforcement) for f in report.violations] == [("compute.b", "advisory")]
    assert not report.blocking


def test_an_advisory_cost_limit_warns_on_unpriced_unless_told_to_fail(change, plan_of):
    advisory = Policies.model_validate(
        {"max_cost_per_month": {"value": 50, "enforcement": "advisory"}}
    )
    assert advisory.unknown_price_handling("max_cost_per_month") == "warn"
    warned = check_plan(_unpriced_plan(change, plan_of), advisory)
    assert [f.address for f in warned.advisory_failures] == ["compute.b"]

    strict = Policies.model_validate(
        {"max_cost_per_month": {"value": 50, "enforcement": "advisory", "unknown_price": "fail"}}
    )
    assert strict.unknown_price_handling("max_cost_per_month") == "fail"
    assert Policies(max_cost_per_month=1).unknown_price_handling("max_cost_per_month") == "fail"


def test_a_waived_unpriced_resource_is_not_reported(change, plan_of):
    report = check_plan(_unpriced_plan(change, plan_of), Policies(max_cost_per_month=50),
                        overrides={"compute.b": {"max_cost_per_month": "priced by hand"}})
    assert report.violations == [] and report.unpriced == []


def test_a_cost_waiver_leaves_the_resource_out_of_the_total(change, plan_of):
    plan = plan_of(change("database.main", "database", {}, cost=200.0),
                   change("compute.a", "instance", {}, cost=5.0))
    report = check_plan(plan, Policies(max_cost_per_month=10),
                        overrides={"database.main": {"max_cost_per_month": "budgeted apart"}})
    assert report.violations == [] and report.monthly_cost == 5.0
    assert report.waived[0].address == "database.main"


def test_max_cost_is_placed_at_its_policy_line(change, plan_of):
    from genesys.config.desired import Location

    plan = plan_of(change("compute.a", "instance", {}, cost=50.0))
    report = check_plan(plan, Policies(max_cost_per_month=1),
                        locate=lambda path: Location("genesys.yaml", 40, 3) if path ==
                        "policies.max_cost_per_month" else Location("genesys.yaml"))
    assert str(report.violations[0].location) == "genesys.yaml:40:3"


def test_no_policies_means_nothing_to_check(change, plan_of):
    plan = plan_of(change("storage.public", "bucket", {"public_access": True}))
    for policies in (None, Policies()):
        report = check_plan(plan, policies)
        assert report.findings == [] and not report.blocking
        assert report.summary() == "0 passed, 0 failed"


def test_settings_come_from_the_config_block_with_their_levels():
    policies = Policies.model_validate({
        "require_tags": {"value": ["Team"], "enforcement": "advisory"},
        "max_cost_per_month": 100,
    })
    assert active_settings(policies) == [
        PolicySetting("require_tags", ["Team"], "advisory"),
        PolicySetting("max_cost_per_month", 100.0, "mandatory", unknown_price="fail"),
    ]
    given = [PolicySetting("no_public_buckets", True)]
    assert active_settings(given) == given


def test_fixes_point_at_the_block_that_made_the_resource(change, plan_of):
    site = change("outcome.static-site.bucket", "bucket", {"public_access": True, "tags": {}})
    site.desired.origin = "outcome static-site"  # type: ignore[union-attr]
    group = change("network.main.security_group.web", "security_group", {"tags": {}})
    group.desired.origin = "implicit"  # type: ignore[union-attr]

    report = check_plan(plan_of(site, group),
                        Policies(no_public_buckets=True, require_tags=["Team"]))

    fixes = {(f.rule, f.address): f.fix for f in report.violations}
    assert fixes[("no_public_buckets", site.address)].startswith("set `enable_cdn: true`")
    assert fixes[("require_tags", site.address)].endswith("to the outcome block (static-site)")
    assert fixes[("require_tags", group.address)].startswith("declare this security group")


def test_both_seed_forms_give_the_same_policies_and_the_same_verdicts(change, plan_of):
    from pathlib import Path

    from genesys.config import load_config

    examples = Path(__file__).resolve().parents[4] / "examples" / "seed"
    yaml_policies = load_config(examples / "genesys.yaml").policies
    toml_policies = load_config(examples / "genesys.toml").policies
    expected = [
        PolicySetting("no_public_buckets", True),
        PolicySetting("require_encryption", True),
        PolicySetting("require_tags", ["Environment", "Team"], "advisory"),
        PolicySetting("max_cost_per_month", 1000.0, unknown_price="fail"),
    ]
    assert active_settings(yaml_policies) == active_settings(toml_policies) == expected
    plan = plan_of(change("compute.web", "instance", {"tags": {"Team": "a"}}, cost=1200.0))
    verdicts = [[(f.rule, f.status) for f in check_plan(plan, p).findings]
                for p in (yaml_policies, toml_policies)]
    assert verdicts[0] == verdicts[1] == [("require_tags", "failed"),
                                          ("max_cost_per_month", "failed")]
