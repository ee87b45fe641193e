"""A priced test plugin served over real gRPC, and builders of real Plans.

The plugin implements only Provider.PlanResources/GetSchema from the protocol, pricing
instances by abstract size from a small table ("instance t3.xlarge: 730 hours x $0.1664"),
as a third-party plugin written from the protocol docs would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from genesys.config.desired import DesiredResource
from genesys.engine.plan import Action, Plan, ResourceChange
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys.state import ResourceRecord
from genesys_plugin_sdk import Plugin
from genesys_plugin_sdk.testing import serve_in_process

TYPES = {pb.SIZE_SMALL: "t3.small", pb.SIZE_MEDIUM: "t3.medium", pb.SIZE_LARGE: "t3.large",
         pb.SIZE_XLARGE: "t3.xlarge"}
HOURLY = {"t3.small": 0.0208, "t3.medium": 0.0416, "t3.large": 0.0832, "t3.xlarge": 0.1664}


class PricedProvider(provider_pb2_grpc.ProviderServicer):
    def __init__(self) -> None:
        self.calls: list[int] = []  # items per PlanResources call

    def GetSchema(self, request: Any, context: Any) -> provider_pb2.ProviderSchema:
        table = provider_pb2.PriceTable(as_of="2024-11-01", region="us-east-1")
        table.entries.add(item="instance:t3.small", usd=0.0208, unit="hour")
        return provider_pb2.ProviderSchema(prices=[table])

    def PlanResources(self, request: Any, context: Any) -> provider_pb2.PlanResourcesResponse:
        self.calls.append(len(request.items))
        response = provider_pb2.PlanResourcesResponse()
        for index, item in enumerate(request.items):
            planned = response.resources.add(index=index)
            which = item.desired.WhichOneof("body")
            if which == "instance":
                self._instance(item.desired.instance, planned)
            elif which == "bucket":
                planned.cost.CopyFrom(provider_pb2.CostEstimate(monthly_usd=0.0))
            else:
                planned.cost.unknown = True
        return response

    @staticmethod
    def _instance(desired: pb.Instance, planned: provider_pb2.PlannedResource) -> None:
        instance_type = desired.provider_type or TYPES.get(desired.size, "t3.small")
        planned.translated.instance.CopyFrom(pb.Instance(provider_type=instance_type))
        hourly = HOURLY[instance_type]
        planned.cost.CopyFrom(provider_pb2.CostEstimate(
            monthly_usd=hourly * 730, hourly_usd=hourly,
            components=[f"instance {instance_type}: 730 hours x ${hourly}"]))


@pytest.fixture
def priced_plugin() -> Iterator[Any]:
    provider = PricedProvider()
    with serve_in_process(Plugin(name="priced", version="0.0.1", provider=provider)) as conn:
        conn.priced = provider
        yield conn


def _change(address: str, kind: str, action: Action, after: dict[str, Any] | None = None,
            prior: dict[str, Any] | None = None, cost: float | None = None,
            prior_cost: float | None = None) -> ResourceChange:
    desired = None if action is Action.DELETE else DesiredResource(address, kind, dict(after or {}))
    record = None if prior is None else ResourceRecord(address, kind, "aws", f"i-{address}", prior)
    return ResourceChange(address, kind, action, desired=desired, prior=record,
                          after=dict(after or {}), monthly_cost=cost,
                          prior_monthly_cost=prior_cost)


@pytest.fixture
def change() -> Callable[..., ResourceChange]:
    return _change


@pytest.fixture
def plan_of() -> Callable[..., Plan]:
    def build(*changes: ResourceChange) -> Plan:
        return Plan(provider="aws", lineage="l", serial=1, config_digest="d",
                    changes=list(changes))

    return build

