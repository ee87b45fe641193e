from __future__ import annotations

from genesys.config.desired import DesiredResource, Ref, Template
from genesys.engine.apply import build_graph
from genesys.engine.plan import UNKNOWN, Action, Plan
from genesys.engine.planner import ProviderFacts, diff_resources, select_targets
from genesys.state import ResourceRecord

FACTS = ProviderFacts(
    force_new={"network": frozenset({"cidr"}), "subnet": frozenset({"cidr", "network_id"})},
    sensitive={"database": frozenset({"password"})},
)


def _net(cidr: str = "10.0.0.0/16", tags: dict[str, str] | None = None) -> DesiredResource:
    return DesiredResource(
        "network.main", "network", {"name": "main", "cidr": cidr, "tags": tags or {}}
    )


def _subnet() -> DesiredResource:
    return DesiredResource(
        "network.main.subnet.a",
        "subnet",
        {"name": "a", "cidr": "10.0.1.0/24", "network_id": Ref("network.main", "id")},
        depends_on={"network.main"},
    )


def _record(
    address: str, kind: str, rid: str, deps: list[str] | None = None, **attrs: object
) -> ResourceRecord:
    return ResourceRecord(
        address=address,
        kind=kind,
        provider="local",
        id=rid,
        attributes={"id": rid, **attrs},
        dependencies=deps or [],
    )


def _changes(desired, records, **kw):
    return {
        c.address: c for c in diff_resources(desired, records, FACTS, {"account_id": "42"}, **kw)
    }


def test_everything_new_is_created_and_refs_are_unknown() -> None:
    changes = _changes([_net(), _subnet()], {})
    assert changes["network.main"].action is Action.CREATE
    assert changes["network.main.subnet.a"].action is Action.CREATE
    assert changes["network.main.subnet.a"].after["network_id"] is UNKNOWN


def test_matching_state_is_a_noop_with_refs_resolved_from_state() -> None:
    records = {
        "network.main": _record(
            "network.main", "network", "net-1", name="main", cidr="10.0.0.0/16"
        ),
        "network.main.subnet.a": _record(
            "network.main.subnet.a",
            "subnet",
            "sub-1",
            ["network.main"],
            name="a",
            cidr="10.0.1.0/24",
            network_id="net-1",
        ),
    }
    changes = _changes([_net(), _subnet()], records)
    assert {c.action for c in changes.values()} == {Action.NOOP}


def test_tag_change_updates_in_place_and_cidr_change_replaces_with_dependents() -> None:
    records = {
        "network.main": _record(
            "network.main", "network", "net-1", name="main", cidr="10.0.0.0/16"
        ),
        "network.main.subnet.a": _record(
            "network.main.subnet.a",
            "subnet",
            "sub-1",
            ["network.main"],
            name="a",
            cidr="10.0.1.0/24",
            network_id="net-1",
        ),
    }
    updated = _changes([_net(tags={"Team": "x"}), _subnet()], records)
    assert updated["network.main"].action is Action.UPDATE
    assert updated["network.main"].changed_attributes == ["tags"]
    assert updated["network.main.subnet.a"].action is Action.NOOP

    replaced = _changes([_net(cidr="10.1.0.0/16"), _subnet()], records)
    assert replaced["network.main"].action is Action.REPLACE
    # its subnet's network_id becomes unknown, and network_id forces replacement
    assert replaced["network.main.subnet.a"].action is Action.REPLACE


def test_removed_from_config_is_deleted_children_first() -> None:
    records = {
        "network.main": _record(
            "network.main", "network", "net-1", name="main", cidr="10.0.0.0/16"
        ),
        "network.main.subnet.a": _record(
            "network.main.subnet.a",
            "subnet",
            "sub-1",
            ["network.main"],
            name="a",
            cidr="10.0.1.0/24",
            network_id="net-1",
        ),
    }
    changes = diff_resources([], records, FACTS, {})
    assert [c.action for c in changes] == [Action.DELETE, Action.DELETE]
    graph = build_graph(Plan("local", "l", 1, "d", changes))
    assert graph["destroy:network.main"] == {"destroy:network.main.subnet.a"}


def test_destroy_plans_every_record_for_deletion() -> None:
    records = {"network.main": _record("network.main", "network", "net-1", cidr="10.0.0.0/16")}
    changes = _changes([_net()], records, destroy=True)
    assert changes["network.main"].action is Action.DELETE


def test_identity_templates_resolve() -> None:
    bucket = DesiredResource(
        "storage.b",
        "bucket",
        {
            "name": Template(("state-", Ref("", "account_id"))),
        },
    )
    assert _changes([bucket], {})["storage.b"].after["name"] == "state-42"


def test_replace_graph_destroys_before_creating() -> None:
    records = {
        "network.main": _record("network.main", "network", "net-1", name="main", cidr="10.0.0.0/16")
    }
    changes = diff_resources([_net(cidr="10.9.0.0/16"), _subnet()], records, FACTS, {})
    graph = build_graph(Plan("local", "l", 1, "d", changes))
    assert graph["create:network.main"] == {"destroy:network.main"}
    assert graph["create:network.main.subnet.a"] == {"create:network.main"}


def test_target_keeps_dependencies() -> None:
    changes = diff_resources([_net(), _subnet()], {}, FACTS, {})
    assert [c.address for c in select_targets(changes, ["network.main.subnet.a"])] == [
        "network.main",
        "network.main.subnet.a",
    ]
