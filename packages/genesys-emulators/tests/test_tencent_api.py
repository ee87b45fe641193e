"""Tencent emulator through the real SDK (tencentcloud-sdk-python-*): VPC, CVM, CBS, CAM, faults."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from genesys_emulators.tencent import sdk
from genesys_emulators.tencent.sdk import api_client
from genesys_emulators.testing import running
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException


@pytest.fixture(scope="module")
def ready() -> Iterator[dict[str, Any]]:
    with running("tencent") as line:
        yield line


def call(ready: dict[str, Any], product: str, action: str, **params: Any) -> dict[str, Any]:
    return sdk.call(ready["sdk"][product], product, action, params)


def refused(
    ready: dict[str, Any], product: str, action: str, **params: Any
) -> TencentCloudSDKException:
    with pytest.raises(TencentCloudSDKException) as caught:
        call(ready, product, action, **params)
    return caught.value


def network(ready: dict[str, Any], cidr: str = "10.0.0.0/16") -> tuple[str, str, str]:
    vpc = call(
        ready,
        "vpc",
        "CreateVpc",
        VpcName="main",
        CidrBlock=cidr,
        Tags=[{"Key": "Team", "Value": "platform"}],
    )["Vpc"]["VpcId"]
    subnet = call(
        ready,
        "vpc",
        "CreateSubnet",
        VpcId=vpc,
        SubnetName="public",
        CidrBlock=cidr.replace("0.0/16", "1.0/24"),
        Zone="ap-guangzhou-3",
    )
    group = call(ready, "vpc", "CreateSecurityGroup", GroupName="web", GroupDescription="web")
    return vpc, subnet["Subnet"]["SubnetId"], group["SecurityGroup"]["SecurityGroupId"]


def wait_state(ready: dict[str, Any], ids: list[str], state: str) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 30  # states last 0.05 s; the deadline is for a loaded CI
    while time.monotonic() < deadline:
        found = call(ready, "cvm", "DescribeInstances", InstanceIds=ids)["InstanceSet"]
        if all(i["InstanceState"] == state for i in found):
            return found
        time.sleep(0.02)
    raise AssertionError(f"{ids} never {state}")


def test_ready_line_names_every_product(ready: dict[str, Any]) -> None:
    assert ready["cloud"] == "tencent" and ready["account"].isdigit()
    for key in ("cvm", "cbs", "vpc", "postgres", "scf", "cos"):
        assert ready["sdk"][key].startswith("http://127.0.0.1:")
    assert ready["settings"]["endpoints"] == ready["sdk"]


def test_vpc_subnet_rules_and_in_use(ready: dict[str, Any]) -> None:
    vpc, subnet, group = network(ready, "10.1.0.0/16")
    outside = refused(
        ready,
        "vpc",
        "CreateSubnet",
        VpcId=vpc,
        SubnetName="x",
        CidrBlock="10.9.0.0/24",
        Zone="ap-guangzhou-3",
    )
    assert outside.code == "InvalidParameterValue.SubnetRange"
    overlap = refused(
        ready,
        "vpc",
        "CreateSubnet",
        VpcId=vpc,
        SubnetName="x",
        CidrBlock="10.1.1.128/25",
        Zone="ap-guangzhou-3",
    )
    assert overlap.code == "InvalidParameterValue.SubnetConflict"
    assert refused(ready, "vpc", "DeleteVpc", VpcId=vpc).code == "ResourceInUse"
    found = call(
        ready, "vpc", "DescribeVpcs", Filters=[{"Name": "tag:Team", "Values": ["platform"]}]
    )
    assert vpc in [v["VpcId"] for v in found["VpcSet"]]
    subnets = call(ready, "vpc", "DescribeSubnets", Filters=[{"Name": "vpc-id", "Values": [vpc]}])
    assert [s["SubnetId"] for s in subnets["SubnetSet"]] == [subnet]
    assert subnets["SubnetSet"][0]["AvailableIpAddressCount"] == 253
    call(
        ready,
        "vpc",
        "CreateSecurityGroupPolicies",
        SecurityGroupId=group,
        SecurityGroupPolicySet={
            "Ingress": [
                {"Protocol": "TCP", "Port": "80", "CidrBlock": "0.0.0.0/0", "Action": "ACCEPT"}
            ]
        },
    )
    policies = call(ready, "vpc", "DescribeSecurityGroupPolicies", SecurityGroupId=group)
    assert policies["SecurityGroupPolicySet"]["Ingress"][0]["Port"] == "80"
    bad = refused(
        ready,
        "vpc",
        "CreateSecurityGroupPolicies",
        SecurityGroupId=group,
        SecurityGroupPolicySet={"Ingress": [{"Protocol": "TCP", "Action": "MAYBE"}]},
    )
    assert bad.code == "InvalidParameterValue"
    assert refused(ready, "vpc", "DescribeVpcs", VpcIds=["vpc-00000000"]).code == "ResourceNotFound"


def test_instances_pending_to_running_then_resize_when_stopped(ready: dict[str, Any]) -> None:
    vpc, subnet, group = network(ready, "10.2.0.0/16")
    launch = dict(
        Placement={"Zone": "ap-guangzhou-3"},
        InstanceType="S5.MEDIUM4",
        ImageId="img-487zeit5",
        InstanceCount=3,
        SecurityGroupIds=[group],
        VirtualPrivateCloud={"VpcId": vpc, "SubnetId": subnet},
        ClientToken="tok-1",
        TagSpecification=[
            {"ResourceType": "instance", "Tags": [{"Key": "genesys-token", "Value": "tok-1"}]}
        ],
    )
    ids = call(ready, "cvm", "RunInstances", **launch)["InstanceIdSet"]
    assert len(ids) == 3
    assert call(ready, "cvm", "RunInstances", **launch)["InstanceIdSet"] == ids  # idempotent
    # the first describe shows PENDING however slow the machine (shows_every_state, cvm.py)
    first = call(ready, "cvm", "DescribeInstances", InstanceIds=ids)["InstanceSet"]
    assert {i["InstanceState"] for i in first} == {"PENDING"}
    running_ = wait_state(ready, ids, "RUNNING")
    assert {i["VirtualPrivateCloud"]["SubnetId"] for i in running_} == {subnet}
    assert all(i["CPU"] == 2 and i["Memory"] == 4 for i in running_)
    by_tag = call(
        ready,
        "cvm",
        "DescribeInstances",
        Filters=[{"Name": "tag:genesys-token", "Values": ["tok-1"]}],
        Limit=2,
    )
    assert by_tag["TotalCount"] == 3 and len(by_tag["InstanceSet"]) == 2
    busy = refused(
        ready, "cvm", "ResetInstancesType", InstanceIds=ids[:1], InstanceType="S5.LARGE8"
    )
    assert busy.code == "UnsupportedOperation.InstanceStateRunning"
    call(ready, "cvm", "StopInstances", InstanceIds=ids[:1])
    wait_state(ready, ids[:1], "STOPPED")
    call(ready, "cvm", "ResetInstancesType", InstanceIds=ids[:1], InstanceType="S5.LARGE8")
    assert wait_state(ready, ids[:1], "STOPPED")[0]["InstanceType"] == "S5.LARGE8"
    assert (
        refused(ready, "vpc", "DeleteSecurityGroup", SecurityGroupId=group).code == "ResourceInUse"
    )
    assert refused(ready, "vpc", "DeleteSubnet", SubnetId=subnet).code == "ResourceInUse"
    call(ready, "cvm", "TerminateInstances", InstanceIds=ids)
    time.sleep(0.15)
    assert call(ready, "cvm", "DescribeInstances", InstanceIds=ids)["InstanceSet"] == []
    call(ready, "vpc", "DeleteSecurityGroup", SecurityGroupId=group)
    call(ready, "vpc", "DeleteSubnet", SubnetId=subnet)
    call(ready, "vpc", "DeleteVpc", VpcId=vpc)


def test_bad_launches_are_refused_with_cvm_codes(ready: dict[str, Any]) -> None:
    vpc, subnet, _group = network(ready, "10.3.0.0/16")
    base = dict(
        Placement={"Zone": "ap-guangzhou-3"},
        InstanceType="S5.MEDIUM4",
        ImageId="img-487zeit5",
        VirtualPrivateCloud={"VpcId": vpc, "SubnetId": subnet},
    )
    unknown = refused(ready, "cvm", "RunInstances", **{**base, "InstanceType": "S5.HUGE999"})
    assert unknown.code == "InvalidParameterValue.InstanceTypeNotFound"
    assert (
        refused(ready, "cvm", "RunInstances", **{**base, "ImageId": "img-nope0000"}).code
        == "InvalidImageId.NotFound"
    )
    sold_out_subnet = call(
        ready,
        "vpc",
        "CreateSubnet",
        VpcId=vpc,
        SubnetName="z7",
        CidrBlock="10.3.7.0/24",
        Zone="ap-guangzhou-7",
    )["Subnet"]["SubnetId"]
    sold = refused(
        ready,
        "cvm",
        "RunInstances",
        **{
            **base,
            "Placement": {"Zone": "ap-guangzhou-7"},
            "VirtualPrivateCloud": {"VpcId": vpc, "SubnetId": sold_out_subnet},
        },
    )
    assert sold.code == "ResourcesSoldOut.SpecifiedInstanceType"
    quota = call(
        ready,
        "cvm",
        "DescribeZoneInstanceConfigInfos",
        Filters=[{"Name": "zone", "Values": ["ap-guangzhou-7"]}],
    )
    assert {q["Status"] for q in quota["InstanceTypeQuotaSet"]} == {"SOLD_OUT"}
    mismatch = refused(
        ready, "cvm", "RunInstances", **{**base, "Placement": {"Zone": "ap-guangzhou-4"}}
    )
    assert mismatch.code == "InvalidParameterValue.VpcIdZoneIdNotMatch"
    types = call(
        ready,
        "cvm",
        "DescribeInstanceTypeConfigs",
        Filters=[{"Name": "instance-family", "Values": ["S5"]}],
    )["InstanceTypeConfigSet"]
    assert {"S5.MEDIUM4", "S5.LARGE16"} <= {t["InstanceType"] for t in types}
    images = call(ready, "cvm", "DescribeImages", ImageIds=["img-487zeit5"])["ImageSet"]
    assert images[0]["OsName"].startswith("Ubuntu")


def test_disks_attach_in_their_zone(ready: dict[str, Any]) -> None:
    vpc, subnet, _group = network(ready, "10.4.0.0/16")
    instance = call(
        ready,
        "cvm",
        "RunInstances",
        Placement={"Zone": "ap-guangzhou-3"},
        InstanceType="S5.SMALL2",
        ImageId="img-487zeit5",
        VirtualPrivateCloud={"VpcId": vpc, "SubnetId": subnet},
    )["InstanceIdSet"][0]
    disk = call(
        ready,
        "cbs",
        "CreateDisks",
        Placement={"Zone": "ap-guangzhou-3"},
        DiskChargeType="POSTPAID_BY_HOUR",
        DiskType="CLOUD_PREMIUM",
        DiskSize=50,
        DiskName="data",
    )["DiskIdSet"][0]
    call(ready, "cbs", "AttachDisks", DiskIds=[disk], InstanceId=instance)
    found = call(
        ready, "cbs", "DescribeDisks", Filters=[{"Name": "instance-id", "Values": [instance]}]
    )
    assert found["DiskSet"][0]["DiskState"] == "ATTACHED"
    assert refused(ready, "cbs", "TerminateDisks", DiskIds=[disk]).code == "InvalidDisk.Busy"
    call(ready, "cbs", "DetachDisks", DiskIds=[disk])
    call(ready, "cbs", "TerminateDisks", DiskIds=[disk])
    assert refused(ready, "cbs", "DescribeDisks", DiskIds=[disk]).code == "InvalidDiskId.NotFound"


def test_cam_gives_the_appid(ready: dict[str, Any]) -> None:
    who = call(ready, "cam", "GetUserAppId")
    assert str(who["AppId"]) == ready["account"]


def test_unsigned_and_unknown_calls(ready: dict[str, Any]) -> None:
    unsigned = requests.post(
        ready["sdk"]["cvm"],
        json={},
        headers={
            "X-TC-Action": "DescribeZones",
            "X-TC-Version": "2017-03-12",
            "X-TC-Region": "ap-guangzhou",
        },
        timeout=5,
    )
    assert unsigned.json()["Response"]["Error"]["Code"] == "AuthFailure.SignatureFailure"
    client = api_client("cvm", ready["sdk"]["cvm"])
    with pytest.raises(TencentCloudSDKException) as caught:
        client.call_json("NoSuchThing", {})
    assert caught.value.code == "InvalidAction"


def test_throttling_is_request_limit_exceeded_for_writes_only() -> None:
    with running("tencent", faults="throttle=1.0,seed=1") as line:
        assert call(line, "cvm", "DescribeZones")["TotalCount"] == 4
        error = refused(line, "vpc", "CreateVpc", VpcName="x", CidrBlock="10.0.0.0/16")
        assert error.code == "RequestLimitExceeded"
