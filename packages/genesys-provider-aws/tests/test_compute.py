"""EC2 instances through the plugin, checked through boto3."""

from __future__ import annotations

from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import compute_pb2, provider_pb2
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.batching import read_results


def _raw_instance(aws: Any, instance_id: str) -> dict[str, Any]:
    reservations = aws("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"]
    return dict(reservations[0]["Instances"][0])


def _subnet(aws: Any, cidr: str) -> str:
    vpc = aws("ec2").create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    return str(aws("ec2").create_subnet(VpcId=vpc, CidrBlock=cidr)["Subnet"]["SubnetId"])


def test_create_medium_instance_in_a_subnet_with_tags(conn: Any, aws: Any, suffix: str) -> None:
    subnet = _subnet(aws, "10.40.1.0/24")
    config = pb.InstanceConfig(
        name=f"web-{suffix}",
        size=pb.SIZE_MEDIUM,
        image="amazon-linux",
        subnet_id=subnet,
        user_data="#!/bin/sh\necho hi\n",
        tags={"Team": "platform"},
    )
    made = conn.compute.CreateInstance(
        compute_pb2.CreateInstanceRequest(config=config, idempotency_token=f"tok-{suffix}")
    )
    raw = _raw_instance(aws, made.id)
    tags = {t["Key"]: t["Value"] for t in raw["Tags"]}
    assert raw["InstanceType"] == "t3.medium"
    assert raw["SubnetId"] == subnet
    assert raw["State"]["Name"] == "running"
    assert tags["Team"] == "platform" and tags["Name"] == f"web-{suffix}"
    assert tags["genesys:token"] == f"tok-{suffix}"
    assert (made.size, made.provider_type, made.image) == (
        pb.SIZE_MEDIUM,
        "t3.medium",
        "amazon-linux",
    )
    assert made.provider_image == raw["ImageId"] and made.provider_image.startswith("ami-")
    assert made.tags == {"Team": "platform"} and made.state == "running"
    again = conn.compute.GetInstance(pb.GetRequest(id=made.id, private=made.private))
    assert again.user_data == config.user_data  # kept in private bytes


def test_same_token_twice_makes_one_instance(conn: Any, aws: Any, suffix: str) -> None:
    request = compute_pb2.CreateInstanceRequest(
        config=pb.InstanceConfig(name=f"idem-{suffix}", size=pb.SIZE_SMALL, image="amazon-linux"),
        idempotency_token=f"idem-{suffix}",
    )
    first = conn.compute.CreateInstance(request)
    second = conn.compute.CreateInstance(request)
    assert first.id == second.id
    found = aws("ec2").describe_instances(
        Filters=[{"Name": "tag:Name", "Values": [f"idem-{suffix}"]}]
    )
    assert sum(len(r["Instances"]) for r in found["Reservations"]) == 1


def test_update_tags_and_size_in_place_then_delete(conn: Any, aws: Any, suffix: str) -> None:
    config = pb.InstanceConfig(
        name=f"upd-{suffix}", size=pb.SIZE_SMALL, image="amazon-linux", tags={"a": "1"}
    )
    made = conn.compute.CreateInstance(compute_pb2.CreateInstanceRequest(config=config))
    config.size = pb.SIZE_LARGE
    config.tags.clear()
    config.tags["b"] = "2"
    updated = conn.compute.UpdateInstance(
        compute_pb2.UpdateInstanceRequest(id=made.id, config=config, changed=["size", "tags"])
    )
    raw = _raw_instance(aws, made.id)
    assert raw["InstanceType"] == "t3.large" and raw["State"]["Name"] == "running"
    assert updated.tags == {"b": "2"} and updated.id == made.id
    conn.compute.DeleteInstance(pb.DeleteRequest(id=made.id))
    assert _raw_instance(aws, made.id)["State"]["Name"] == "terminated"
    with pytest.raises(errors.NotFound):
        conn.compute.GetInstance(pb.GetRequest(id=made.id))
    with pytest.raises(errors.NotFound):
        conn.compute.DeleteInstance(pb.DeleteRequest(id=made.id))


def test_image_change_is_refused_in_place(conn: Any, suffix: str) -> None:
    config = pb.InstanceConfig(name=f"img-{suffix}", image="amazon-linux")
    made = conn.compute.CreateInstance(compute_pb2.CreateInstanceRequest(config=config))
    config.image = "amazon-linux-2"
    with pytest.raises(errors.InvalidArgument) as caught:
        conn.compute.UpdateInstance(
            compute_pb2.UpdateInstanceRequest(id=made.id, config=config, changed=["image"])
        )
    assert caught.value.attribute_path == "config.image"


def test_bad_instance_type_and_image_are_invalid_arguments(conn: Any) -> None:
    bad_type = pb.InstanceConfig(name="bad", image="amazon-linux", provider_type="t3.bogus")
    with pytest.raises(errors.InvalidArgument) as caught:
        conn.compute.CreateInstance(compute_pb2.CreateInstanceRequest(config=bad_type))
    assert caught.value.attribute_path == "config.size"
    assert caught.value.provider_code.startswith("InvalidInstanceType")
    with pytest.raises(errors.InvalidArgument) as caught:
        conn.compute.CreateInstance(
            compute_pb2.CreateInstanceRequest(config=pb.InstanceConfig(image="ami-12345678"))
        )
    assert caught.value.attribute_path == "config.image"
    with pytest.raises(errors.InvalidArgument):
        conn.compute.CreateInstance(
            compute_pb2.CreateInstanceRequest(config=pb.InstanceConfig(image="windows-95"))
        )


def test_discover_and_adopt_what_boto3_made(conn: Any, aws: Any, suffix: str) -> None:
    ami = conn.compute.CreateInstance(
        compute_pb2.CreateInstanceRequest(
            config=pb.InstanceConfig(name=f"ref-{suffix}", image="amazon-linux")
        )
    ).provider_image
    made = aws("ec2").run_instances(
        ImageId=ami,
        InstanceType="t3.xlarge",
        MinCount=1,
        MaxCount=1,
        UserData="echo adopted",
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": f"hand-{suffix}"}]}
        ],
    )["Instances"][0]["InstanceId"]
    found = list(
        conn.compute.DiscoverInstances(pb.DiscoverRequest(filters={"name": f"hand-{suffix}"}))
    )
    assert [i.id for i in found] == [made]
    assert found[0].size == pb.SIZE_XLARGE and found[0].image == "amazon-linux"
    assert found[0].user_data == "echo adopted"
    adopted = conn.compute.AdoptInstance(pb.AdoptRequest(id=made))
    assert adopted.name == f"hand-{suffix}" and adopted.provider_type == "t3.xlarge"
    with pytest.raises(errors.InvalidArgument):
        list(conn.compute.ListInstances(pb.ListRequest(filters={"colour": "blue"})))


def test_batch_read_of_100_instances_uses_few_calls(
    conn: Any, aws: Any, count_calls: Any, suffix: str
) -> None:
    ami = conn.compute.CreateInstance(
        compute_pb2.CreateInstanceRequest(config=pb.InstanceConfig(image="amazon-linux"))
    ).provider_image
    launched = aws("ec2").run_instances(
        ImageId=ami, InstanceType="t3.small", MinCount=100, MaxCount=100
    )
    ids = [i["InstanceId"] for i in launched["Instances"]]
    refs = [pb.ResourceRef(kind=pb.RESOURCE_KIND_INSTANCE, id=i) for i in ids]
    refs.append(pb.ResourceRef(kind=pb.RESOURCE_KIND_INSTANCE, id="i-0000000000000dead"))
    counter = count_calls("ec2")
    request = provider_pb2.ReadResourcesRequest(refs=refs)
    results = list(read_results(conn.provider.ReadResources(request)))
    assert len(results) == 101
    by_index = {r.index: r for r in results}
    assert {by_index[i].resource.instance.id for i in range(100)} == set(ids)
    assert by_index[100].not_found
    assert counter.calls == ["DescribeInstances"]  # one filtered call for 101 refs


def test_ubuntu_alias_falls_back_to_describe_images(conn: Any, aws: Any) -> None:
    # moto has no Canonical SSM parameters: the alias resolves through DescribeImages.
    made = conn.compute.CreateInstance(
        compute_pb2.CreateInstanceRequest(config=pb.InstanceConfig(image="ubuntu-lts"))
    )
    (image,) = aws("ec2").describe_images(ImageIds=[made.provider_image])["Images"]
    assert image["OwnerId"] == "099720109477" and "ubuntu" in image["Name"]
    assert made.image == "ubuntu-lts"


def test_concurrent_instance_waits_share_describe_calls(
    conn: Any, aws: Any, plugin_clients: Any, suffix: str
) -> None:
    """Six creates waiting at once are served by a few DescribeInstances, not six or more."""
    import threading

    from genesys_provider_aws.compute import wait_state

    launched = aws("ec2").run_instances(
        ImageId=aws("ec2").describe_images(Owners=["amazon"])["Images"][0]["ImageId"],
        MinCount=6,
        MaxCount=6,
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": f"w-{suffix}"}]}
        ],
    )
    ids = [i["InstanceId"] for i in launched["Instances"]]
    polled: list[list[str]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        for f in params.get("Filters", []):
            if f["Name"] == "instance-id" and set(f["Values"]) & set(ids):
                polled.append(list(f["Values"]))

    ec2 = plugin_clients.client("ec2")
    ec2.meta.events.register("provide-client-params.ec2.DescribeInstances", record)
    states: dict[str, str] = {}
    try:
        threads = [
            threading.Thread(
                target=lambda i=i: states.__setitem__(
                    i, wait_state(plugin_clients, i, "running", b"").state
                )
            )
            for i in ids
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        ec2.meta.events.unregister("provide-client-params.ec2.DescribeInstances", record)
    assert states == dict.fromkeys(ids, "running")
    assert 1 <= len(polled) < len(ids)
    assert max(len(p) for p in polled) >= 2  # one call asked about several instances
    aws("ec2").terminate_instances(InstanceIds=ids)
