"""ApsaraDB for MongoDB (`dds`) of `genesys-emulator alibaba` through the real
aliyun-python-sdk-dds request classes, only the endpoint changed."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from genesys_emulators.testing import running

PASSWORD = "Genesys-Test-1"
REGION = "us-east-1"


def rpc_client(ready: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """call(product_key, RequestClass, **setters) through the SDK's AcsClient."""
    from aliyunsdkcore.client import AcsClient

    settings = ready["settings"]
    client = AcsClient(
        settings["access_key_id"], settings["access_key_secret"], REGION, auto_retry=False
    )

    def call(key: str, request_class: type, **params: Any) -> dict[str, Any]:
        request = request_class()
        request.set_endpoint(ready["sdk"][key].removeprefix("http://"))
        request.set_protocol_type("http")
        for name, value in params.items():
            getattr(request, f"set_{name}")(value)
        return dict(json.loads(client.do_action_with_exception(request)))

    return call


def server_error(call: Callable[[], Any]) -> Any:
    from aliyunsdkcore.acs_exception.exceptions import ServerException

    with pytest.raises(ServerException) as caught:
        call()
    return caught.value


def wait_for(read: Callable[[], str], wanted: str, timeout: float = 5.0) -> list[str]:
    """The statuses seen until `wanted`, each once."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = read()
        if not seen or seen[-1] != status:
            seen.append(status)
        if status == wanted:
            return seen
        time.sleep(0.01)
    raise AssertionError(f"never {wanted}: {seen}")


@pytest.fixture(scope="module")
def emulator() -> Iterator[dict[str, Any]]:
    with running("alibaba") as ready:
        yield ready


@pytest.fixture(scope="module")
def vswitch(emulator: dict[str, Any]) -> dict[str, str]:
    from aliyunsdkvpc.request.v20160428 import CreateVpcRequest, CreateVSwitchRequest

    call = rpc_client(emulator)
    vpc = call("vpc", CreateVpcRequest.CreateVpcRequest, CidrBlock="10.0.0.0/16")["VpcId"]
    made = call(
        "vpc",
        CreateVSwitchRequest.CreateVSwitchRequest,
        VpcId=vpc,
        ZoneId="us-east-1a",
        CidrBlock="10.0.1.0/24",
    )
    return {"vpc": vpc, "vswitch": made["VSwitchId"]}


def _create(call: Any, vswitch: dict[str, str], **extra: Any) -> str:
    from aliyunsdkdds.request.v20151201 import CreateDBInstanceRequest

    params = {
        "Engine": "MongoDB",
        "EngineVersion": "6.0",
        "DBInstanceClass": "dds.mongo.mid",
        "DBInstanceStorage": 20,
        "VpcId": vswitch["vpc"],
        "VSwitchId": vswitch["vswitch"],
        "AccountPassword": PASSWORD,
        **extra,
    }
    params = {k: v for k, v in params.items() if v is not None}  # None: left out
    return str(
        call("dds", CreateDBInstanceRequest.CreateDBInstanceRequest, **params)["DBInstanceId"]
    )


def _status(call: Any, db_id: str) -> str:
    from aliyunsdkdds.request.v20151201 import DescribeDBInstancesRequest

    found = call("dds", DescribeDBInstancesRequest.DescribeDBInstancesRequest, DBInstanceId=db_id)[
        "DBInstances"
    ]["DBInstance"]
    return str(found[0]["DBInstanceStatus"]) if found else "gone"


def test_a_replica_set_is_created_resized_and_deleted(emulator, vswitch) -> None:
    from aliyunsdkdds.request.v20151201 import (
        DeleteDBInstanceRequest,
        DescribeDBInstanceAttributeRequest,
        ModifyDBInstanceSpecRequest,
    )

    call = rpc_client(emulator)
    db_id = _create(
        call,
        vswitch,
        DBInstanceDescription="docs",
        ClientToken="tok-1",
        Tags=[{"Key": "team", "Value": "web"}],
    )
    assert db_id.startswith("dds-")
    assert _create(call, vswitch, ClientToken="tok-1") == db_id  # the token's instance again
    # describes show Creating at least once (shows_every_state), however loaded the machine
    assert wait_for(lambda: _status(call, db_id), "Running") == ["Creating", "Running"]
    attribute = call(
        "dds",
        DescribeDBInstanceAttributeRequest.DescribeDBInstanceAttributeRequest,
        DBInstanceId=db_id,
    )["DBInstances"]["DBInstance"][0]
    assert (attribute["DBInstanceDescription"], attribute["Engine"]) == ("docs", "MongoDB")
    assert (attribute["VPCId"], attribute["ZoneId"]) == (vswitch["vpc"], "us-east-1a")
    assert attribute["ReplicaSetName"].startswith("mgset-")
    nodes = attribute["ReplicaSets"]["ReplicaSet"]
    assert [(n["ReplicaSetRole"], n["ConnectionDomain"], n["ConnectionPort"]) for n in nodes] == [
        ("Primary", f"{db_id}.mongodb.rds.aliyuncs.com", "3717"),
        ("Secondary", f"{db_id}-1.mongodb.rds.aliyuncs.com", "3717"),
    ]
    assert attribute["Tags"]["Tag"] == [{"Key": "team", "Value": "web"}]
    assert PASSWORD not in str(attribute)

    spec = ModifyDBInstanceSpecRequest.ModifyDBInstanceSpecRequest
    call(
        "dds",
        spec,
        DBInstanceId=db_id,
        DBInstanceClass="dds.mongo.standard",
        DBInstanceStorage="40",
    )
    refused = server_error(lambda: call("dds", spec, DBInstanceId=db_id, DBInstanceStorage="50"))
    assert refused.get_error_code() == "OperationDenied.DBInstanceStatus"  # mid-change
    assert wait_for(lambda: _status(call, db_id), "Running")[0] == "DBInstanceClassChanging"
    shrink = server_error(lambda: call("dds", spec, DBInstanceId=db_id, DBInstanceStorage="20"))
    assert shrink.get_error_code() == "InvalidDBInstanceStorage.Decrease"

    call("dds", DeleteDBInstanceRequest.DeleteDBInstanceRequest, DBInstanceId=db_id)
    assert wait_for(lambda: _status(call, db_id), "gone")[0] == "Deleting"
    missing = server_error(
        lambda: call(
            "dds",
            DescribeDBInstanceAttributeRequest.DescribeDBInstanceAttributeRequest,
            DBInstanceId=db_id,
        )
    )
    assert (missing.get_http_status(), missing.get_error_code()) == (
        404,
        "InvalidDBInstanceId.NotFound",
    )


def test_describe_filters_by_tag_and_status_and_pages(emulator, vswitch) -> None:
    from aliyunsdkdds.request.v20151201 import DescribeDBInstancesRequest

    call = rpc_client(emulator)
    ids = [_create(call, vswitch, Tags=[{"Key": "batch", "Value": "b"}]) for _ in range(3)]
    describe = DescribeDBInstancesRequest.DescribeDBInstancesRequest
    tagged = call("dds", describe, Tags=[{"Key": "batch", "Value": "b"}], PageSize=30)
    assert sorted(d["DBInstanceId"] for d in tagged["DBInstances"]["DBInstance"]) == sorted(ids)
    assert tagged["TotalCount"] == 3
    first = call("dds", describe, Tags=[{"Key": "batch", "Value": "b"}], PageSize=30, PageNumber=2)
    assert first["DBInstances"]["DBInstance"] == []
    for db_id in ids:
        wait_for(lambda db_id=db_id: _status(call, db_id), "Running")
    running_now = call("dds", describe, DBInstanceStatus="Running", VpcId=vswitch["vpc"])
    assert set(ids) <= {d["DBInstanceId"] for d in running_now["DBInstances"]["DBInstance"]}
    bad_page = server_error(lambda: call("dds", describe, PageSize=20))
    assert bad_page.get_error_code() == "InvalidPageSize.Malformed"


def test_what_the_api_refuses(emulator, vswitch) -> None:
    from aliyunsdkdds.request.v20151201 import ResetAccountPasswordRequest

    call = rpc_client(emulator)
    cases = {
        "InvalidDBInstanceClass.NotFound": {"DBInstanceClass": "dds.mongo.huge"},
        "InvalidEngineVersion.Malformed": {"EngineVersion": "3.0"},
        "InvalidDBInstanceStorage.Malformed": {"DBInstanceStorage": 25},
        "InvalidAccountPassword.Format": {"AccountPassword": "short"},
        "InvalidZoneId.Duplicate": {"SecondaryZoneId": "us-east-1a"},
        "MissingParameter": {"VSwitchId": None},  # NetworkType VPC, the default
    }
    for code, extra in cases.items():
        assert (
            server_error(lambda extra=extra: _create(call, vswitch, **extra)).get_error_code()
            == code
        )
    classic = _create(call, vswitch, NetworkType="Classic", VpcId=None, VSwitchId=None)
    db_id = _create(call, vswitch)
    wait_for(lambda: _status(call, db_id), "Running")
    from aliyunsdkdds.request.v20151201 import DescribeDBInstancesRequest

    found = call(
        "dds", DescribeDBInstancesRequest.DescribeDBInstancesRequest, DBInstanceId=classic
    )["DBInstances"]["DBInstance"]
    assert (found[0]["NetworkType"], found[0]["ZoneId"]) == ("Classic", "us-east-1a")
    reset = ResetAccountPasswordRequest.ResetAccountPasswordRequest
    call("dds", reset, DBInstanceId=db_id, AccountName="root", AccountPassword="Another-Pass-2")
    weak = server_error(
        lambda: call(
            "dds", reset, DBInstanceId=db_id, AccountName="root", AccountPassword="alllowercase"
        )
    )
    assert weak.get_error_code() == "InvalidAccountPassword.Format"
