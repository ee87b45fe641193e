"""Instances over real gRPC against the emulator: create (token-idempotent), batch reads by
id and token, and the refusals a user meets, each typed and located."""

from __future__ import annotations

from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import compute_pb2, network_pb2, provider_pb2
from genesys_emulators.testing import running
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.testing import InProcessConnection, serve_in_process
from genesys_provider_tencent.clients import TencentClients
from genesys_provider_tencent.main import build_plugin
from genesys_provider_tencent.testing import configure_request

from .conftest import Sdk


def network(conn: InProcessConnection, suffix: str, zone: str = "") -> tuple[str, str]:
    net = conn.network.CreateNetwork(
        network_pb2.CreateNetworkRequest(
            config=pb.NetworkConfig(name=f"net-{suffix}", cidr="10.8.0.0/16"),
            idempotency_token=f"net-{suffix}",
        )
    )
    subnet = conn.network.CreateSubnet(
        network_pb2.CreateSubnetRequest(
            config=pb.SubnetConfig(
                name=f"sub-{suffix}", network_id=net.id, cidr="10.8.1.0/24", zone=zone
            ),
            idempotency_token=f"sub-{suffix}",
        )
    )
    return net.id, subnet.id


def create(conn: InProcessConnection, config: pb.InstanceConfig, token: str) -> pb.Instance:
    request = compute_pb2.CreateInstanceRequest(config=config, idempotency_token=token)
    return conn.compute.CreateInstance(request)


def test_instances_created_once_and_read_in_one_batch(
    conn: InProcessConnection, sdk: Sdk, suffix: str
) -> None:
    net, subnet = network(conn, suffix)
    config = pb.InstanceConfig(
        name=f"web-{suffix}",
        size=pb.SIZE_MEDIUM,
        image="ubuntu-lts",
        network_id=net,
        tags={"Team": "platform"},
    )
    made = [create(conn, config, f"tok-{suffix}-{i}") for i in range(3)]
    assert create(conn, config, f"tok-{suffix}-0").id == made[0].id  # a retried create
    assert {m.state for m in made} == {"running"} and made[0].provider_type == "S5.MEDIUM4"
    assert made[0].subnet_id == subnet and made[0].image == "ubuntu-lts"
    found = sdk.call("cvm", "DescribeInstances", InstanceIds=[m.id for m in made])["InstanceSet"]
    assert {i["InstanceType"] for i in found} == {"S5.MEDIUM4"}
    refs = [pb.ResourceRef(kind=pb.RESOURCE_KIND_INSTANCE, id=m.id) for m in made]
    refs += [
        pb.ResourceRef(kind=pb.RESOURCE_KIND_INSTANCE, id="ins-gone0000"),
        pb.ResourceRef(kind=pb.RESOURCE_KIND_INSTANCE, idempotency_token=f"tok-{suffix}-2"),
    ]
    pages = conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=refs))
    results = {r.index: r for page in pages for r in page.results}
    assert [results[i].resource.instance.id for i in range(3)] == [m.id for m in made]
    assert results[3].not_found and results[4].resource.instance.id == made[2].id
    listed = list(conn.compute.ListInstances(pb.ListRequest(filters={"network_id": net})))
    assert sorted(i.id for i in listed) == sorted(m.id for m in made)
    for m in made:
        conn.compute.DeleteInstance(pb.DeleteRequest(id=m.id))
    with pytest.raises(errors.NotFound):
        conn.compute.GetInstance(pb.GetRequest(id=made[0].id))


def test_bad_input_is_typed_and_located(conn: InProcessConnection, sdk: Sdk, suffix: str) -> None:
    net, subnet = network(conn, suffix)
    unknown = pb.InstanceConfig(name="x", provider_type="S5.HUGE999", network_id=net)
    with pytest.raises(errors.InvalidArgument) as caught:
        create(conn, unknown, "")
    assert caught.value.attribute_path == "config.provider_type"
    assert caught.value.provider_code == "InvalidParameterValue.InstanceTypeNotFound"
    _, sold_subnet = network(conn, suffix + "z", zone="ap-guangzhou-7")
    sold = pb.InstanceConfig(name="x", size=pb.SIZE_SMALL, subnet_id=sold_subnet)
    with pytest.raises(errors.InvalidArgument) as caught:
        create(conn, sold, "")
    assert caught.value.attribute_path == "config.zone" and "sold out" in caught.value.message
    instance = create(conn, pb.InstanceConfig(name="busy", network_id=net), f"busy-{suffix}")
    with pytest.raises(errors.FailedPrecondition) as in_use:
        conn.network.DeleteSubnet(pb.DeleteRequest(id=subnet))
    assert in_use.value.provider_code == "ResourceInUse" and instance.id in in_use.value.message
    with pytest.raises(errors.InvalidArgument) as bad_cidr:
        conn.network.CreateNetwork(
            network_pb2.CreateNetworkRequest(
                config=pb.NetworkConfig(name="bad", cidr="10.0.0.0/33")
            )
        )
    assert bad_cidr.value.attribute_path == "config.cidr"


def test_no_credentials_is_unauthenticated(
    ready: dict[str, Any], monkeypatch: Any, tmp_path: Any
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.tencentcloud/credentials
    for name in ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    with serve_in_process(build_plugin(TencentClients())) as conn:
        conn.provider.Configure(configure_request(ready, secret_id="", secret_key=""))
        with pytest.raises(errors.Unauthenticated) as caught:
            conn.provider.Authenticate(provider_pb2.AuthenticateRequest())
    assert "TENCENTCLOUD_SECRET_ID" in caught.value.message


def test_throttling_is_retryable_with_a_delay() -> None:
    with (
        running("tencent", faults="throttle=1.0,seed=3") as ready,
        serve_in_process(build_plugin(TencentClients())) as conn,
    ):
        conn.provider.Configure(configure_request(ready))
        identity = conn.provider.Authenticate(provider_pb2.AuthenticateRequest())  # reads pass
        assert identity.account_id == ready["account"]
        with pytest.raises(errors.Throttled) as caught:
            conn.network.CreateNetwork(
                network_pb2.CreateNetworkRequest(
                    config=pb.NetworkConfig(name="n", cidr="10.0.0.0/16")
                )
            )
    assert caught.value.provider_code == "RequestLimitExceeded" and caught.value.retry_after > 0


def test_server_errors_are_unavailable() -> None:
    with (
        running("tencent", faults="error=1.0,seed=3") as ready,
        serve_in_process(build_plugin(TencentClients())) as conn,
    ):
        conn.provider.Configure(configure_request(ready))
        with pytest.raises(errors.Unavailable) as caught:
            conn.network.CreateNetwork(
                network_pb2.CreateNetworkRequest(
                    config=pb.NetworkConfig(name="n", cidr="10.0.0.0/16")
                )
            )
    assert caught.value.provider_code == "InternalError"
