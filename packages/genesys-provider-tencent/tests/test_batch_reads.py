"""Batch reads cost what the cloud's filtered list calls cost: ReadResources of 250 instances
is three DescribeInstances calls (100 ids each), counted by the emulator itself (started in
this process so its per-service call counters can be read)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from genesys_emulators.core import Emulator, FaultPlan
from genesys_emulators.tencent import build
from genesys_emulators.tencent.sdk import api_client
from genesys_plugin_sdk.testing import serve_in_process
from genesys_provider_tencent.clients import TencentClients
from genesys_provider_tencent.main import build_plugin
from genesys_provider_tencent.testing import configure_request

COUNT = 250


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with build(FaultPlan()) as running:
        yield running


def _launch(emulator: Emulator) -> list[str]:
    vpc_client = api_client("vpc", emulator.urls["vpc"])
    vpc = vpc_client.call_json("CreateVpc", {"VpcName": "b", "CidrBlock": "10.0.0.0/16"})
    vpc_id = vpc["Response"]["Vpc"]["VpcId"]
    subnet = vpc_client.call_json(
        "CreateSubnet",
        {"VpcId": vpc_id, "SubnetName": "b", "CidrBlock": "10.0.0.0/22", "Zone": "ap-guangzhou-3"},
    )
    launch = {
        "Placement": {"Zone": "ap-guangzhou-3"},
        "InstanceType": "S5.SMALL2",
        "ImageId": "img-487zeit5",
        "VirtualPrivateCloud": {
            "VpcId": vpc_id,
            "SubnetId": subnet["Response"]["Subnet"]["SubnetId"],
        },
    }
    ids: list[str] = []
    cvm = api_client("cvm", emulator.urls["cvm"])
    while len(ids) < COUNT:
        made = cvm.call_json(
            "RunInstances", {**launch, "InstanceCount": min(100, COUNT - len(ids))}
        )
        ids += made["Response"]["InstanceIdSet"]
    return ids


def test_reading_250_instances_is_three_describe_calls(emulator: Emulator) -> None:
    ids = _launch(emulator)
    refs = [pb.ResourceRef(kind=pb.RESOURCE_KIND_INSTANCE, id=i) for i in ids]
    with serve_in_process(build_plugin(TencentClients())) as conn:
        conn.provider.Configure(configure_request(emulator.ready_line()))
        before = emulator.api_calls()["cvm"]
        pages = conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=refs))
        results = [r for page in pages for r in page.results]
        calls = emulator.api_calls()["cvm"] - before
    assert len(results) == COUNT and all(r.HasField("resource") for r in results)
    assert calls == 3
