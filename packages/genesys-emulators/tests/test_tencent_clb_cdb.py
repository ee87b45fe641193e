"""Tencent emulator through the real SDK: CLB (listeners, rules, targets), TencentDB for
MySQL (CDB) and the Tag service."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from genesys_emulators.tencent import sdk
from genesys_emulators.testing import running
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException


@pytest.fixture(scope="module")
def ready() -> Iterator[dict[str, Any]]:
    with running("tencent") as line:
        yield line


def call(ready: dict[str, Any], product: str, action: str, **params: Any) -> dict[str, Any]:
    return sdk.call(ready["sdk"][product], product, action, params)


def refused(ready: dict[str, Any], product: str, action: str, **params: Any) -> str:
    with pytest.raises(TencentCloudSDKException) as caught:
        call(ready, product, action, **params)
    return str(caught.value.code)


def network(ready: dict[str, Any], cidr: str) -> tuple[str, str, str]:
    vpc = call(ready, "vpc", "CreateVpc", VpcName="n", CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet = call(
        ready,
        "vpc",
        "CreateSubnet",
        VpcId=vpc,
        SubnetName="s",
        CidrBlock=cidr.replace("0.0/16", "1.0/24"),
        Zone="ap-guangzhou-3",
    )
    instance = call(
        ready,
        "cvm",
        "RunInstances",
        Placement={"Zone": "ap-guangzhou-3"},
        InstanceType="S5.SMALL2",
        ImageId="img-487zeit5",
        VirtualPrivateCloud={"VpcId": vpc, "SubnetId": subnet["Subnet"]["SubnetId"]},
    )
    return vpc, subnet["Subnet"]["SubnetId"], instance["InstanceIdSet"][0]


def test_load_balancer_listeners_rules_targets(ready: dict[str, Any]) -> None:
    vpc, _, instance = network(ready, "10.20.0.0/16")
    lb = call(
        ready,
        "clb",
        "CreateLoadBalancer",
        LoadBalancerType="OPEN",
        LoadBalancerName="web",
        VpcId=vpc,
        Tags=[{"TagKey": "Team", "TagValue": "web"}],
    )["LoadBalancerIds"][0]
    described = call(ready, "clb", "DescribeLoadBalancers", LoadBalancerIds=[lb])
    assert described["LoadBalancerSet"][0]["Status"] == 0  # creating
    http = call(
        ready,
        "clb",
        "CreateListener",
        LoadBalancerId=lb,
        Ports=[80],
        Protocol="HTTP",
        ListenerNames=["http"],
    )["ListenerIds"][0]
    assert (
        refused(ready, "clb", "CreateListener", LoadBalancerId=lb, Ports=[80], Protocol="TCP")
        == "InvalidParameter.PortCheckFailed"
    )
    assert (
        refused(
            ready,
            "clb",
            "RegisterTargets",
            LoadBalancerId=lb,
            ListenerId=http,
            Targets=[{"InstanceId": instance, "Port": 8080}],
        )
        == "InvalidParameter.LocationNotFound"
    )  # layer 7: targets go on a rule
    rule = call(
        ready,
        "clb",
        "CreateRule",
        LoadBalancerId=lb,
        ListenerId=http,
        Rules=[{"Domain": "web.example.com", "Url": "/"}],
    )["LocationIds"][0]
    call(
        ready,
        "clb",
        "RegisterTargets",
        LoadBalancerId=lb,
        ListenerId=http,
        LocationId=rule,
        Targets=[{"InstanceId": instance, "Port": 8080}],
    )
    tcp = call(ready, "clb", "CreateListener", LoadBalancerId=lb, Ports=[5432], Protocol="TCP")[
        "ListenerIds"
    ][0]
    call(
        ready,
        "clb",
        "RegisterTargets",
        LoadBalancerId=lb,
        ListenerId=tcp,
        Targets=[{"InstanceId": instance, "Port": 5432}],
    )
    targets = {
        t["ListenerId"]: t
        for t in call(ready, "clb", "DescribeTargets", LoadBalancerId=lb)["Listeners"]
    }
    assert targets[http]["Rules"][0]["Targets"][0]["Port"] == 8080
    assert targets[tcp]["Targets"][0]["InstanceId"] == instance
    https = refused(
        ready,
        "clb",
        "CreateListener",
        LoadBalancerId=lb,
        Ports=[443],
        Protocol="HTTPS",
        Certificate={"CertId": "nope0000"},
    )
    assert https == "InvalidParameter"
    time.sleep(0.1)
    assert (
        call(ready, "clb", "DescribeLoadBalancers", LoadBalancerIds=[lb])["LoadBalancerSet"][0][
            "Status"
        ]
        == 1
    )
    call(ready, "clb", "DeleteLoadBalancer", LoadBalancerIds=[lb])
    assert call(ready, "clb", "DescribeLoadBalancers", LoadBalancerIds=[lb])["TotalCount"] == 0


def test_mysql_lifecycle(ready: dict[str, Any]) -> None:
    vpc, subnet, _ = network(ready, "10.21.0.0/16")
    base = dict(
        GoodsNum=1,
        Memory=2000,
        Volume=50,
        EngineVersion="8.0",
        UniqVpcId=vpc,
        UniqSubnetId=subnet,
        Zone="ap-guangzhou-3",
        InstanceName="orders",
        ResourceTags=[{"TagKey": "Team", "TagValue": "shop"}],
        DeployMode=1,
        SlaveZone="ap-guangzhou-4",
    )
    assert (
        refused(ready, "cdb", "CreateDBInstanceHour", **{**base, "Memory": 3000})
        == "InvalidParameterValue"
    )
    ident = call(ready, "cdb", "CreateDBInstanceHour", **base)["InstanceIds"][0]
    time.sleep(0.1)
    found = call(ready, "cdb", "DescribeDBInstances", InstanceIds=[ident])["Items"][0]
    assert (found["Status"], found["EngineVersion"], found["Vport"]) == (1, "8.0", 3306)
    call(
        ready, "cdb", "ModifyBackupConfig", InstanceId=ident, ExpireDays=14, StartTime="03:00-04:00"
    )
    backup = call(ready, "cdb", "DescribeBackupConfig", InstanceId=ident)
    assert (backup["BackupExpireDays"], backup["StartTimeMin"]) == (14, 3)
    assert (
        refused(ready, "cdb", "OfflineIsolatedInstances", InstanceIds=[ident]) == "OperationDenied"
    )
    assert refused(ready, "vpc", "DeleteSubnet", SubnetId=subnet) == "ResourceInUse"
    call(ready, "cdb", "IsolateDBInstance", InstanceId=ident)
    time.sleep(0.1)
    call(ready, "cdb", "OfflineIsolatedInstances", InstanceIds=[ident])
    time.sleep(0.1)
    assert call(ready, "cdb", "DescribeDBInstances", InstanceIds=[ident])["TotalCount"] == 0


def test_tags_change_through_the_tag_service(ready: dict[str, Any]) -> None:
    vpc, _, instance = network(ready, "10.22.0.0/16")
    resource = f"qcs::cvm:ap-guangzhou:uin/100000000001:instance/{instance}"
    call(
        ready,
        "tag",
        "ModifyResourceTags",
        Resource=resource,
        ReplaceTags=[{"TagKey": "Team", "TagValue": "web"}],
    )
    found = call(ready, "cvm", "DescribeInstances", InstanceIds=[instance])["InstanceSet"][0]
    assert found["Tags"] == [{"Key": "Team", "Value": "web"}]
    call(ready, "tag", "ModifyResourceTags", Resource=resource, DeleteTags=[{"TagKey": "Team"}])
    assert (
        call(ready, "cvm", "DescribeInstances", InstanceIds=[instance])["InstanceSet"][0]["Tags"]
        == []
    )
    with pytest.raises(TencentCloudSDKException) as caught:
        call(ready, "tag", "ModifyResourceTags", Resource="qcs::cvm:ap-guangzhou:uin/1:nope/x")
    assert caught.value.code == "InvalidParameterValue.ResourceDescriptionError"
    assert vpc
