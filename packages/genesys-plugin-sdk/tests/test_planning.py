"""The shared PlanResources pieces: cost lines, force-new comparison, the per-item plan."""

from __future__ import annotations

from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk.planning import (
    changed_force_new,
    hourly_cost,
    no_charge,
    plan_resource,
    unknown_cost,
    usage_based,
    validate_kinds,
)


def test_cost_lines() -> None:
    vm = hourly_cost("vm B1s", 0.0104, 4.81, "os disk: $4.81/month")
    assert vm.monthly_usd == round(0.0104 * 730 + 4.81, 2) and vm.hourly_usd == 0.0104
    assert list(vm.components) == ["vm B1s: 730 hours x $0.0104", "os disk: $4.81/month"]
    assert list(hourly_cost("lb", 0.025).components) == ["lb: 730 hours x $0.025"]
    missing = hourly_cost("vm Huge", None)
    assert missing.unknown and list(missing.components) == ["no price known for vm Huge"]
    assert unknown_cost("x") == missing.__class__(unknown=True, components=["no price known for x"])
    assert list(no_charge().components) == ["no charge"] and not no_charge().unknown
    assert list(usage_based("$1/GB").components) == ["usage-based: $1/GB"]


def test_changed_force_new_ignores_empty_desired_values_but_not_booleans() -> None:
    prior = pb.Instance(name="a", image="ubuntu", subnet_id="s-1", tags={"k": "v"})
    same_but_unset = pb.Instance(name="a", subnet_id="s-1")
    names = ["name", "image", "subnet_id", "tags", "no_such_field"]
    assert changed_force_new(same_but_unset, prior, names) == []
    moved = pb.Instance(name="b", image="debian", subnet_id="s-1", tags={"k": "w"})
    assert changed_force_new(moved, prior, names) == ["image", "name", "tags"]
    old, new = pb.Bucket(name="b", versioning=True), pb.Bucket(name="b")
    assert changed_force_new(new, old, ["versioning"]) == ["versioning"]


def _validate(resource: Any, index: int) -> list[pb.Diagnostic]:
    return [
        pb.Diagnostic(summary="bad subnet", attribute_path="subnet_id", index=index),
        pb.Diagnostic(summary="bad tag", attribute_path="tags[env]", index=index),
        pb.Diagnostic(summary="bad name", attribute_path="name", index=index),
    ]


def _translate(kind: str, body: Any) -> None:
    body.provider_type = f"{kind}-{pb.Size.Name(body.size)}"


def _cost(kind: str, body: Any) -> provider_pb2.CostEstimate:
    return hourly_cost(body.provider_type, 0.5)


def _plan(item: provider_pb2.PlanItem) -> provider_pb2.PlannedResource:
    return plan_resource(
        3,
        item,
        validate=_validate,
        translate=_translate,
        force_new={"instance": ["name", "image", "subnet_id"]},
        cost=_cost,
    )


def test_plan_resource_translates_prices_and_decides_replacement() -> None:
    desired = pb.Resource(instance=pb.Instance(name="web", size=pb.SIZE_SMALL, image="x"))
    prior = pb.Resource(instance=pb.Instance(name="web", image="y", subnet_id="s-1"))
    item = provider_pb2.PlanItem(
        desired=desired, prior=prior, unknown_attributes=["subnet_id", "tags.env"]
    )
    planned = _plan(item)
    assert planned.index == 3
    assert [d.summary for d in planned.diagnostics] == ["bad name"]  # none on unknowns
    assert planned.translated.instance.provider_type == "instance-SIZE_SMALL"
    assert planned.translated.instance.image == "x"
    assert list(planned.requires_replace) == ["image", "subnet_id"]  # unknown may change
    assert planned.cost.monthly_usd == 365.0
    created = _plan(provider_pb2.PlanItem(desired=desired))
    assert list(created.requires_replace) == [] and len(created.diagnostics) == 3
    empty = _plan(provider_pb2.PlanItem())
    assert not empty.HasField("translated") and len(empty.diagnostics) == 3


def test_validate_kinds_runs_the_kinds_check_and_refuses_an_empty_resource() -> None:
    error = pb.Diagnostic.SEVERITY_ERROR
    checks = {"bucket": lambda b: [(error, f"bad name {b.name}", "name")] if "_" in b.name else []}
    bad = validate_kinds(checks, pb.Resource(bucket=pb.Bucket(name="a_b")), 4)
    assert [(d.severity, d.summary, d.attribute_path, d.index) for d in bad] == [
        (error, "bad name a_b", "name", 4)
    ]
    assert validate_kinds(checks, pb.Resource(bucket=pb.Bucket(name="ab")), 4) == []
    assert validate_kinds(checks, pb.Resource(network=pb.Network(name="n")), 0) == []
    empty = validate_kinds(checks, pb.Resource(), 2)
    assert [(d.severity, d.summary, d.index) for d in empty] == [(error, "empty resource", 2)]
