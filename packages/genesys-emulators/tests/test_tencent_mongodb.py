"""Tencent emulator through the real SDK (tencentcloud-sdk-python-mongodb): TencentDB for
MongoDB replica sets - purchase, batch describe, resize, isolate and offline, async tasks,
and the product's own refusals."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from genesys_emulators.tencent import sdk
from genesys_emulators.testing import running
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

PASSWORD = "Genesys_2026pw"


@pytest.fixture(scope="module")
def ready() -> Iterator[dict[str, Any]]:
    with running("tencent") as line:
        yield line


def call(ready: dict[str, Any], product: str, action: str, **params: Any) -> dict[str, Any]:
    return sdk.call(ready["sdk"][product], product, action, params)


def refused(ready: dict[str, Any], action: str, **params: Any) -> str:
    with pytest.raises(TencentCloudSDKException) as caught:
        call(ready, "mongodb", action, **params)
    return str(caught.value.code)


def subnet(ready: dict[str, Any], cidr: str) -> tuple[str, str]:
    vpc = call(ready, "vpc", "CreateVpc", VpcName="m", CidrBlock=cidr)["Vpc"]["VpcId"]
    made = call(
        ready,
        "vpc",
        "CreateSubnet",
        VpcId=vpc,
        SubnetName="m",
        CidrBlock=cidr.replace("0.0/16", "1.0/24"),
        Zone="ap-guangzhou-3",
    )
    return vpc, made["Subnet"]["SubnetId"]


def purchase(vpc: str, subnet_id: str, **changes: Any) -> dict[str, Any]:
    return {
        "Memory": 4,
        "Volume": 20,
        "ReplicateSetNum": 1,
        "NodeNum": 3,
        "MongoVersion": "MONGO_60_WT",
        "MachineCode": "GE.LD.T2",
        "CpuCore": 2,
        "GoodsNum": 1,
        "ClusterType": "REPLSET",
        "Zone": "ap-guangzhou-3",
        "VpcId": vpc,
        "SubnetId": subnet_id,
        "Password": PASSWORD,
        "InstanceName": "docs",
        "Tags": [{"TagKey": "team", "TagValue": "data"}],
        **changes,
    }


def describe(ready: dict[str, Any], *ids: str) -> dict[str, dict[str, Any]]:
    found = call(ready, "mongodb", "DescribeDBInstances", InstanceIds=list(ids))
    return {d["InstanceId"]: d for d in found["InstanceDetails"]}


def until(ready: dict[str, Any], ident: str, status: int) -> dict[str, Any]:
    for _ in range(100):
        found = describe(ready, ident)
        if ident in found and found[ident]["Status"] == status:
            return found[ident]
        time.sleep(0.02)
    raise AssertionError(f"{ident} never reached status {status}")


def task_done(ready: dict[str, Any], request_id: str) -> None:
    for _ in range(100):
        answer = call(ready, "mongodb", "DescribeAsyncRequestInfo", AsyncRequestId=request_id)
        if answer["Status"] == "success":
            return
        assert answer["Status"] == "running"
        time.sleep(0.02)
    raise AssertionError(f"task {request_id} never finished")


def test_replica_set_lifecycle(ready: dict[str, Any]) -> None:
    vpc, subnet_id = subnet(ready, "10.40.0.0/16")
    made = call(
        ready,
        "mongodb",
        "CreateDBInstanceHour",
        **purchase(
            vpc,
            subnet_id,
            AvailabilityZoneList=["ap-guangzhou-3", "ap-guangzhou-4", "ap-guangzhou-6"],
        ),
    )
    (ident,) = made["InstanceIds"]
    assert ident.startswith("cmgo-") and made["DealId"]
    assert describe(ready, ident)[ident]["Status"] in (0, 2)  # awaiting initialisation first
    detail = until(ready, ident, 2)
    # Memory and Volume go in as GB and come back as MB, as on Tencent.
    assert (detail["Memory"], detail["Volume"], detail["CpuNum"]) == (4096, 20480, 2)
    assert (detail["SecondaryNum"], detail["Vport"], detail["MongoVersion"]) == (
        2,
        27017,
        "MONGO_60_WT",
    )
    assert detail["Vip"].startswith("10.40.1.") and detail["VpcId"] == vpc
    assert detail["ZoneList"] == ["ap-guangzhou-3", "ap-guangzhou-4", "ap-guangzhou-6"]
    assert detail["Tags"] == [{"TagKey": "team", "TagValue": "data"}]
    deal = call(ready, "mongodb", "DescribeDBInstanceDeal", DealId=made["DealId"])
    assert (deal["Status"], deal["Action"], deal["InstanceId"]) == (4, "purchase", ident)

    resized = call(
        ready, "mongodb", "ModifyDBInstanceSpec", InstanceId=ident, Memory=8, Volume=40, Cpu=4
    )
    assert describe(ready, ident)[ident]["Status"] in (1, 2)  # processing, then running
    assert until(ready, ident, 2)["Memory"] == 8192
    deal = call(ready, "mongodb", "DescribeDBInstanceDeal", DealId=resized["DealId"])
    assert (deal["Status"], deal["Action"]) == (4, "upgrade")

    call(ready, "mongodb", "RenameInstance", InstanceId=ident, NewName="docs-2")
    call(
        ready,
        "mongodb",
        "SetBackupRules",
        InstanceId=ident,
        BackupMethod=1,
        BackupTime=3,
        BackupRetentionPeriod=30,
    )
    rules = call(ready, "mongodb", "DescribeBackupRules", InstanceId=ident)
    assert (rules["BackupMethod"], rules["BackupTime"], rules["BackupSaveTime"]) == (1, 3, 30)

    isolating = call(ready, "mongodb", "IsolateDBInstance", InstanceId=ident)
    task_done(ready, isolating["AsyncRequestId"])
    assert describe(ready, ident)[ident]["Status"] == -3  # isolated (pay-as-you-go)
    assert refused(ready, "IsolateDBInstance", InstanceId=ident) == (
        "InvalidParameterValue.InstanceHasBeenIsolated"
    )
    offline = call(ready, "mongodb", "OfflineIsolatedDBInstance", InstanceId=ident)
    task_done(ready, offline["AsyncRequestId"])
    assert describe(ready, ident) == {}  # gone: a batch read simply lacks it
    assert refused(ready, "RenameInstance", InstanceId=ident, NewName="x") == (
        "InvalidParameterValue.NotFoundInstance"
    )


def test_batch_describe_and_filters(ready: dict[str, Any]) -> None:
    vpc, subnet_id = subnet(ready, "10.41.0.0/16")
    ids = call(ready, "mongodb", "CreateDBInstanceHour", **purchase(vpc, subnet_id, GoodsNum=3))[
        "InstanceIds"
    ]
    assert len(ids) == 3
    assert set(describe(ready, *ids)) == set(ids)  # one call reads them all
    page = call(ready, "mongodb", "DescribeDBInstances", SubnetId=subnet_id, Limit=2)
    assert page["TotalCount"] == 3 and len(page["InstanceDetails"]) == 2
    tagged = call(
        ready,
        "mongodb",
        "DescribeDBInstances",
        Tags=[{"TagKey": "team", "TagValue": "data"}],
        VpcId=vpc,
    )
    assert tagged["TotalCount"] == 3
    untagged = call(
        ready, "mongodb", "DescribeDBInstances", Tags=[{"TagKey": "team", "TagValue": "x"}]
    )
    assert untagged["TotalCount"] == 0
    assert refused(ready, "DescribeDBInstances", Limit=500) == (
        "InvalidParameterValue.LimitParaOutOfRange"
    )
    for ident in ids:
        until(ready, ident, 2)
        call(ready, "mongodb", "IsolateDBInstance", InstanceId=ident)


def test_refusals_in_the_products_words(ready: dict[str, Any]) -> None:
    vpc, subnet_id = subnet(ready, "10.42.0.0/16")
    cases = {
        "InvalidParameterValue.SpecNotOnSale": {"Memory": 3},
        "InvalidParameterValue.MongoVersionError": {"MongoVersion": "MONGO_26"},
        "InvalidParameterValue.PasswordRuleFailed": {"Password": "short"},
        "InvalidParameterValue.ZoneClosed": {"Zone": "ap-guangzhou-7"},
        "InvalidParameterValue.ZoneError": {"Zone": "ap-shanghai-2"},
        "InvalidParameterValue.VpcIdOrSubnetIdNotFound": {"SubnetId": "subnet-nothere"},
        "InvalidParameterValue.SecondaryNumError": {"NodeNum": 2},
        "InvalidParameterValue.ClusterTypeError": {"ClusterType": "SHARD"},
    }
    for code, change in cases.items():
        assert refused(ready, "CreateDBInstanceHour", **purchase(vpc, subnet_id, **change)) == code
    # the disk of 1C2GB stops at 250 GB
    assert (
        refused(
            ready,
            "CreateDBInstanceHour",
            **purchase(vpc, subnet_id, Memory=2, CpuCore=1, Volume=300),
        )
        == "InvalidParameterValue.SpecNotOnSale"
    )
    (ident,) = call(ready, "mongodb", "CreateDBInstanceHour", **purchase(vpc, subnet_id))[
        "InstanceIds"
    ]
    until(ready, ident, 2)
    # memory up while the disk shrinks: the product refuses mixed changes
    assert refused(ready, "ModifyDBInstanceSpec", InstanceId=ident, Memory=8, Volume=10) == (
        "InvalidParameterValue.ModifyModeError"
    )
    assert refused(ready, "OfflineIsolatedDBInstance", InstanceId=ident) == (
        "InvalidParameterValue.IllegalStatusToOffline"
    )
    assert (
        refused(
            ready, "ResetDBInstancePassword", InstanceId=ident, UserName="root", Password=PASSWORD
        )
        == "InvalidParameterValue.UserNotFound"
    )
    reset = call(
        ready,
        "mongodb",
        "ResetDBInstancePassword",
        InstanceId=ident,
        UserName="mongouser",
        Password="Another_pw1",
    )
    task_done(ready, reset["AsyncRequestId"])


def test_tags_change_through_the_tag_service(ready: dict[str, Any]) -> None:
    vpc, subnet_id = subnet(ready, "10.43.0.0/16")
    (ident,) = call(ready, "mongodb", "CreateDBInstanceHour", **purchase(vpc, subnet_id))[
        "InstanceIds"
    ]
    call(
        ready,
        "tag",
        "ModifyResourceTags",
        Resource=f"qcs::mongodb:ap-guangzhou:uin/100000000001:instance/{ident}",
        ReplaceTags=[{"TagKey": "team", "TagValue": "search"}],
    )
    assert describe(ready, ident)[ident]["Tags"] == [{"TagKey": "team", "TagValue": "search"}]
