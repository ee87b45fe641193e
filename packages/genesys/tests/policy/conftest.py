"""Builders of real Plans for the policy tests (fixtures: importlib mode forbids imports
between test modules)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from genesys.config.desired import DesiredResource, Location
from genesys.engine.plan import Action, Plan, ResourceChange
from genesys.state import ResourceRecord

ChangeFactory = Callable[..., ResourceChange]


def _change(address: str, kind: str, after: dict[str, Any] | None = None, *,
            action: Action = Action.CREATE, cost: float | None = None,
            line: int = 0) -> ResourceChange:
    after = dict(after or {})
    desired = None
    if action is not Action.DELETE:
        desired = DesiredResource(address, kind, after, location=Location("genesys.yaml", line, 5))
    prior = None
    if action is not Action.CREATE:
        prior = ResourceRecord(address, kind, "aws", f"id-{address}", dict(after))
    return ResourceChange(address, kind, action, desired=desired, prior=prior,
                          after=after if desired else {}, monthly_cost=cost)


@pytest.fixture
def change() -> ChangeFactory:
    return _change


@pytest.fixture
def plan_of() -> Callable[..., Plan]:
    def build(*changes: ResourceChange) -> Plan:
        return Plan(provider="aws", lineage="l-1", serial=3, config_digest="d",
                    changes=list(changes))

    return build

