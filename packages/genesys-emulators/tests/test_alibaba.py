"""`genesys-emulator alibaba` through Alibaba Cloud's real SDKs (aliyunsdk* for the RPC
products, oss2 for OSS, alibabacloud_fc20230330 for Function Compute), only the endpoint
changed: the emulator run as its own process, as users and the plugin's tests run it."""

from __future__ import annotations

import base64
import io
import json
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from genesys_emulators.testing import running

REGION = "us-east-1"


@pytest.fixture(scope="module")
def emulator() -> Iterator[dict[str, Any]]:
    with running("alibaba") as ready:
        yield ready


def rpc_client(ready: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """call(product_key, RequestClass, **params) with the old SDK's AcsClient."""
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
def network(emulator: dict[str, Any]) -> dict[str, str]:
    from aliyunsdkecs.request.v20140526 import CreateSecurityGroupRequest
    from aliyunsdkvpc.request.v20160428 import (
        CreateVpcRequest,
        CreateVSwitchRequest,
        DescribeVpcsRequest,
    )

    call = rpc_client(emulator)
    vpc = call(
        "vpc", CreateVpcRequest.CreateVpcRequest, CidrBlock="10.0.0.0/16", VpcName="main-vpc"
    )
    vpc_id = vpc["VpcId"]

    def vpc_status() -> str:
        found = call("vpc", DescribeVpcsRequest.DescribeVpcsRequest, VpcId=vpc_id)["Vpcs"]["Vpc"]
        return str(found[0]["Status"])

    assert wait_for(vpc_status, "Available") in (["Pending", "Available"], ["Available"])
    vswitch = call(
        "vpc",
        CreateVSwitchRequest.CreateVSwitchRequest,
        VpcId=vpc_id,
        ZoneId="us-east-1a",
        CidrBlock="10.0.1.0/24",
    )["VSwitchId"]
    group = call(
        "ecs",
        CreateSecurityGroupRequest.CreateSecurityGroupRequest,
        VpcId=vpc_id,
        SecurityGroupName="web-sg",
    )
    return {"vpc": vpc_id, "vswitch": vswitch, "group": group["SecurityGroupId"]}


def test_a_vswitch_outside_its_vpc_or_in_an_unknown_zone_is_refused(emulator, network) -> None:
    from aliyunsdkvpc.request.v20160428 import CreateVSwitchRequest, DeleteVpcRequest

    call = rpc_client(emulator)
    outside = server_error(
        lambda: call(
            "vpc",
            CreateVSwitchRequest.CreateVSwitchRequest,
            VpcId=network["vpc"],
            ZoneId="us-east-1a",
            CidrBlock="10.9.0.0/24",
        )
    )
    assert (
        outside.get_error_code() == "InvalidCidrBlock.Malformed"
        and outside.get_http_status() == 400
    )
    zone = server_error(
        lambda: call(
            "vpc",
            CreateVSwitchRequest.CreateVSwitchRequest,
            VpcId=network["vpc"],
            ZoneId="us-east-1z",
            CidrBlock="10.0.9.0/24",
        )
    )
    assert zone.get_error_code() == "InvalidZoneId.NotFound"
    in_use = server_error(
        lambda: call("vpc", DeleteVpcRequest.DeleteVpcRequest, VpcId=network["vpc"])
    )
    assert in_use.get_error_code() == "DependencyViolation.VSwitch"
    assert in_use.get_request_id()


def test_instances_start_through_pending_and_change_type_only_when_stopped(
    emulator, network
) -> None:
    from aliyunsdkecs.request.v20140526 import (
        DeleteInstanceRequest,
        DescribeInstancesRequest,
        ModifyInstanceSpecRequest,
        RunInstancesRequest,
        StartInstanceRequest,
        StopInstanceRequest,
    )

    call = rpc_client(emulator)
    launch = dict(
        ImageId="ubuntu_22_04_x64_20G_alibase_20240130.vhd",
        VSwitchId=network["vswitch"],
        SecurityGroupIdss=[network["group"]],
        Amount=3,
        InstanceName="web-server",
        Tags=[{"Key": "Team", "Value": "platform"}],
    )
    unknown = server_error(
        lambda: call(
            "ecs", RunInstancesRequest.RunInstancesRequest, InstanceType="ecs.nope.large", **launch
        )
    )
    assert unknown.get_error_code() == "InvalidInstanceType.NotFound"
    ids = call(
        "ecs",
        RunInstancesRequest.RunInstancesRequest,
        InstanceType="ecs.t6-c1m2.large",
        ClientToken="tok-1",
        **launch,
    )
    ids = ids["InstanceIdSets"]["InstanceIdSet"]
    again = call(
        "ecs",
        RunInstancesRequest.RunInstancesRequest,
        InstanceType="ecs.t6-c1m2.large",
        ClientToken="tok-1",
        **launch,
    )
    assert len(ids) == 3 and again["InstanceIdSets"]["InstanceIdSet"] == ids  # idempotent

    def describe(**filters: Any) -> dict[str, Any]:
        return call("ecs", DescribeInstancesRequest.DescribeInstancesRequest, **filters)

    def status() -> str:
        return str(describe(InstanceIds=json.dumps(ids[:1]))["Instances"]["Instance"][0]["Status"])

    assert wait_for(status, "Running")[-2:] == ["Starting", "Running"]
    page = describe(InstanceIds=json.dumps(ids), PageSize=2, PageNumber=2)
    assert page["TotalCount"] == 3 and len(page["Instances"]["Instance"]) == 1
    tagged = describe(VSwitchId=network["vswitch"], Tags=[{"Key": "Team", "Value": "platform"}])[
        "Instances"
    ]["Instance"]
    assert sorted(i["InstanceId"] for i in tagged) == sorted(ids)
    first = tagged[0]
    assert first["VpcAttributes"]["VpcId"] == network["vpc"] and first["ZoneId"] == "us-east-1a"
    assert first["VpcAttributes"]["PrivateIpAddress"]["IpAddress"][0].startswith("10.0.1.")

    target = ids[0]
    running_spec = server_error(
        lambda: call(
            "ecs",
            ModifyInstanceSpecRequest.ModifyInstanceSpecRequest,
            InstanceId=target,
            InstanceType="ecs.t6-c1m4.large",
        )
    )
    assert running_spec.get_error_code() == "IncorrectInstanceStatus"
    call("ecs", StopInstanceRequest.StopInstanceRequest, InstanceId=target)
    wait_for(
        lambda: str(
            describe(InstanceIds=json.dumps([target]))["Instances"]["Instance"][0]["Status"]
        ),
        "Stopped",
    )
    call(
        "ecs",
        ModifyInstanceSpecRequest.ModifyInstanceSpecRequest,
        InstanceId=target,
        InstanceType="ecs.t6-c1m4.large",
    )
    call("ecs", StartInstanceRequest.StartInstanceRequest, InstanceId=target)
    wait_for(
        lambda: str(
            describe(InstanceIds=json.dumps([target]))["Instances"]["Instance"][0]["Status"]
        ),
        "Running",
    )
    after = describe(InstanceIds=json.dumps([target]))["Instances"]["Instance"][0]
    assert after["InstanceType"] == "ecs.t6-c1m4.large" and after["Memory"] == 8192

    from aliyunsdkvpc.request.v20160428 import DeleteVSwitchRequest

    busy = server_error(
        lambda: call("vpc", DeleteVSwitchRequest.DeleteVSwitchRequest, VSwitchId=network["vswitch"])
    )
    assert busy.get_error_code() == "DependencyViolation"
    not_stopped = server_error(
        lambda: call("ecs", DeleteInstanceRequest.DeleteInstanceRequest, InstanceId=ids[1])
    )
    assert not_stopped.get_error_code() == "IncorrectInstanceStatus"
    for instance_id in ids:
        call("ecs", DeleteInstanceRequest.DeleteInstanceRequest, InstanceId=instance_id, Force=True)
    assert describe(InstanceIds=json.dumps(ids))["Instances"]["Instance"] == []


def test_security_group_rules(emulator, network) -> None:
    from aliyunsdkecs.request.v20140526 import (
        AuthorizeSecurityGroupRequest,
        DescribeSecurityGroupAttributeRequest,
    )

    call = rpc_client(emulator)
    rule = dict(
        SecurityGroupId=network["group"],
        IpProtocol="tcp",
        PortRange="443/443",
        SourceCidrIp="0.0.0.0/0",
    )
    call("ecs", AuthorizeSecurityGroupRequest.AuthorizeSecurityGroupRequest, **rule)
    bad = server_error(
        lambda: call(
            "ecs",
            AuthorizeSecurityGroupRequest.AuthorizeSecurityGroupRequest,
            **{**rule, "PortRange": "0/99999"},
        )
    )
    assert bad.get_error_code() == "InvalidPortRange.Malformed"
    rules = call(
        "ecs",
        DescribeSecurityGroupAttributeRequest.DescribeSecurityGroupAttributeRequest,
        SecurityGroupId=network["group"],
    )
    assert [(p["IpProtocol"], p["PortRange"]) for p in rules["Permissions"]["Permission"]] == [
        ("TCP", "443/443")
    ]


def test_rds_postgres_with_backups_databases_and_accounts(emulator, network) -> None:
    from aliyunsdkrds.request.v20140815 import (
        CreateAccountRequest,
        CreateDatabaseRequest,
        CreateDBInstanceRequest,
        DescribeBackupPolicyRequest,
        DescribeDBInstanceAttributeRequest,
        DescribeDBInstancesRequest,
        ModifyBackupPolicyRequest,
    )

    call = rpc_client(emulator)
    create = dict(
        Engine="PostgreSQL",
        EngineVersion="14.0",
        DBInstanceClass="pg.n2.medium.2c",
        DBInstanceStorage=100,
        DBInstanceNetType="Intranet",
        SecurityIPList="10.0.0.0/16",
        PayType="Postpaid",
        VSwitchId=network["vswitch"],
        VPCId=network["vpc"],
        InstanceNetworkType="VPC",
        Category="HighAvailability",
    )
    wrong = server_error(
        lambda: call(
            "rds",
            CreateDBInstanceRequest.CreateDBInstanceRequest,
            **{**create, "EngineVersion": "9.1"},
        )
    )
    assert wrong.get_error_code() == "InvalidEngineVersion.Malformed"
    made = call("rds", CreateDBInstanceRequest.CreateDBInstanceRequest, **create)
    db_id = made["DBInstanceId"]
    assert made["ConnectionString"] == f"{db_id}.pg.rds.aliyuncs.com" and made["Port"] == "5432"

    def status() -> str:
        items = call(
            "rds", DescribeDBInstancesRequest.DescribeDBInstancesRequest, DBInstanceId=db_id
        )["Items"]["DBInstance"]
        return str(items[0]["DBInstanceStatus"])

    assert wait_for(status, "Running") in (["Creating", "Running"], ["Running"])
    call(
        "rds",
        ModifyBackupPolicyRequest.ModifyBackupPolicyRequest,
        DBInstanceId=db_id,
        BackupRetentionPeriod=7,
        PreferredBackupTime="03:00Z-04:00Z",
        PreferredBackupPeriod="Monday",
    )
    policy = call(
        "rds", DescribeBackupPolicyRequest.DescribeBackupPolicyRequest, DBInstanceId=db_id
    )
    assert (policy["BackupRetentionPeriod"], policy["PreferredBackupTime"]) == (
        "7",
        "03:00Z-04:00Z",
    )
    call(
        "rds",
        CreateDatabaseRequest.CreateDatabaseRequest,
        DBInstanceId=db_id,
        DBName="app",
        CharacterSetName="UTF8",
    )
    call(
        "rds",
        CreateAccountRequest.CreateAccountRequest,
        DBInstanceId=db_id,
        AccountName="app",
        AccountPassword="s3cret-pass",
    )
    attribute = call(
        "rds",
        DescribeDBInstanceAttributeRequest.DescribeDBInstanceAttributeRequest,
        DBInstanceId=db_id,
    )
    item = attribute["Items"]["DBInstanceAttribute"][0]
    assert (item["Engine"], item["EngineVersion"], item["DBInstanceStorage"]) == (
        "PostgreSQL",
        "14.0",
        100,
    )
    assert item["VSwitchId"] == network["vswitch"] and item["Category"] == "HighAvailability"


def test_oss_versioning_and_conditional_writes(emulator) -> None:
    import oss2

    settings = emulator["settings"]
    auth = oss2.Auth(settings["access_key_id"], settings["access_key_secret"])
    bucket = oss2.Bucket(auth, emulator["sdk"]["oss"], "app-data")  # an IP endpoint: path style
    bucket.create_bucket()
    with pytest.raises(oss2.exceptions.ServerError) as taken:
        bucket.create_bucket()
    assert taken.value.code == "BucketAlreadyExists"
    bucket.put_bucket_versioning(oss2.models.BucketVersioningConfig("Enabled"))
    assert bucket.get_bucket_versioning().status == "Enabled"
    bucket.put_bucket_encryption(oss2.models.ServerSideEncryptionRule("AES256"))
    assert bucket.get_bucket_encryption().sse_algorithm == "AES256"
    first = bucket.put_object(
        "state/snapshot.json", b"one", headers={"x-oss-forbid-overwrite": "true"}
    )
    with pytest.raises(oss2.exceptions.ServerError) as exists:
        bucket.put_object("state/snapshot.json", b"two", headers={"x-oss-forbid-overwrite": "true"})
    assert exists.value.code == "FileAlreadyExists" and exists.value.status == 409
    second = bucket.put_object("state/snapshot.json", b"two", headers={"If-Match": first.etag})
    with pytest.raises(oss2.exceptions.PreconditionFailed):
        bucket.put_object("state/snapshot.json", b"three", headers={"If-Match": first.etag})
    assert bucket.get_object("state/snapshot.json").read() == b"two"
    assert (
        bucket.get_object("state/snapshot.json", params={"versionId": first.versionid}).read()
        == b"one"
    )
    versions = bucket.list_object_versions(prefix="state/").versions
    assert [v.versionid for v in versions] == [second.versionid, first.versionid]
    assert [o.key for o in oss2.ObjectIterator(bucket, prefix="state/")] == ["state/snapshot.json"]
    with pytest.raises(oss2.exceptions.ServerError) as not_empty:
        bucket.delete_bucket()
    assert not_empty.value.code == "BucketNotEmpty"
    assert bucket.get_bucket_info().versioning_status == "Enabled"


def _zip(source: str) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("main.py", source)
    return base64.b64encode(buffer.getvalue()).decode()


def test_function_compute_runs_the_handler_behind_an_http_trigger(emulator) -> None:
    from alibabacloud_fc20230330 import models
    from alibabacloud_fc20230330.client import Client
    from alibabacloud_tea_openapi.models import Config

    settings = emulator["settings"]
    fc = Client(
        Config(
            access_key_id=settings["access_key_id"],
            access_key_secret=settings["access_key_secret"],
            endpoint=emulator["sdk"]["fc"].removeprefix("http://"),
            protocol="http",
            region_id=REGION,
        )
    )
    code = (
        "import os\n"
        "def handler(event, context):\n"
        "    return {'db': os.environ['DB_HOST'], 'got': event}\n"
    )
    fc.create_function(
        models.CreateFunctionRequest(
            body=models.CreateFunctionInput(
                function_name="api-handler",
                runtime="python3.10",
                handler="main.handler",
                memory_size=512,
                timeout=30,
                environment_variables={"DB_HOST": "pgm-1.pg.rds.aliyuncs.com"},
                code=models.InputCodeLocation(zip_file=_zip(code)),
            )
        )
    )
    got = fc.get_function("api-handler", models.GetFunctionRequest()).body
    assert (got.memory_size, got.environment_variables["DB_HOST"]) == (
        512,
        "pgm-1.pg.rds.aliyuncs.com",
    )
    trigger = fc.create_trigger(
        "api-handler",
        models.CreateTriggerRequest(
            body=models.CreateTriggerInput(
                trigger_name="http",
                trigger_type="http",
                trigger_config=json.dumps({"authType": "anonymous", "methods": ["GET", "POST"]}),
            )
        ),
    ).body
    assert trigger.http_trigger.url_internet.startswith("https://")
    answer = fc.invoke_function(
        "api-handler", models.InvokeFunctionRequest(body=io.BytesIO(b'{"x": 1}'))
    )
    assert json.loads(answer.body.read()) == {"db": "pgm-1.pg.rds.aliyuncs.com", "got": {"x": 1}}
    from Tea.exceptions import TeaException

    with pytest.raises(TeaException) as unknown:
        fc.get_function("nope", models.GetFunctionRequest())
    assert unknown.value.code == "FunctionNotFound" and unknown.value.statusCode == 404


def test_sts_identity_and_signature_parameters_are_required(emulator) -> None:
    from aliyunsdksts.request.v20150401 import GetCallerIdentityRequest

    who = rpc_client(emulator)("sts", GetCallerIdentityRequest.GetCallerIdentityRequest)
    assert who["AccountId"] == emulator["account"]
    url = emulator["sdk"]["ecs"] + "/?Action=DescribeRegions&Version=2014-05-26&Format=JSON"
    with pytest.raises(urllib.error.HTTPError) as unsigned:
        urllib.request.urlopen(url, timeout=5)
    body = json.loads(unsigned.value.read())
    assert body["Code"] == "MissingAccessKeyId" and body["RequestId"] and "Message" in body


def test_faults_throttle_mutating_calls_with_throttling_user() -> None:
    from aliyunsdkvpc.request.v20160428 import CreateVpcRequest, DescribeVpcsRequest

    with running("alibaba", faults="throttle=1.0,seed=3") as ready:
        call = rpc_client(ready)
        throttled = server_error(
            lambda: call("vpc", CreateVpcRequest.CreateVpcRequest, CidrBlock="10.0.0.0/16")
        )
        assert throttled.get_error_code() == "Throttling.User"
        assert call("vpc", DescribeVpcsRequest.DescribeVpcsRequest)["TotalCount"] == 0  # reads pass


def test_slb_load_balancer_listeners_and_backends(emulator, network) -> None:
    from aliyunsdkecs.request.v20140526 import RunInstancesRequest
    from aliyunsdkslb.request.v20140515 import (
        AddBackendServersRequest,
        CreateLoadBalancerHTTPListenerRequest,
        CreateLoadBalancerRequest,
        DescribeLoadBalancersRequest,
        StartLoadBalancerListenerRequest,
    )

    call = rpc_client(emulator)
    lb = call(
        "slb", CreateLoadBalancerRequest.CreateLoadBalancerRequest, VSwitchId=network["vswitch"]
    )
    lb_id = lb["LoadBalancerId"]
    listener = dict(LoadBalancerId=lb_id, ListenerPort=80, BackendServerPort=8080, Bandwidth=-1)
    call(
        "slb",
        CreateLoadBalancerHTTPListenerRequest.CreateLoadBalancerHTTPListenerRequest,
        **listener,
    )
    taken = server_error(
        lambda: call(
            "slb",
            CreateLoadBalancerHTTPListenerRequest.CreateLoadBalancerHTTPListenerRequest,
            **listener,
        )
    )
    assert taken.get_error_code() == "ListenerAlreadyExists"

    def status() -> str:
        found = call(
            "slb", DescribeLoadBalancersRequest.DescribeLoadBalancersRequest, LoadBalancerId=lb_id
        )
        return str(found["LoadBalancers"]["LoadBalancer"][0]["LoadBalancerStatus"])

    assert status() == "inactive"
    call(
        "slb",
        StartLoadBalancerListenerRequest.StartLoadBalancerListenerRequest,
        LoadBalancerId=lb_id,
        ListenerPort=80,
    )
    assert status() == "active"
    unknown = server_error(
        lambda: call(
            "slb",
            AddBackendServersRequest.AddBackendServersRequest,
            LoadBalancerId=lb_id,
            BackendServers=json.dumps([{"ServerId": "i-nope", "Weight": 100}]),
        )
    )
    assert unknown.get_error_code() == "InvalidBackendServers.ServerIdNotExist"
    server = call(
        "ecs",
        RunInstancesRequest.RunInstancesRequest,
        InstanceType="ecs.t6-c1m1.large",
        ImageId="ubuntu_22_04_x64_20G_alibase_20240130.vhd",
        VSwitchId=network["vswitch"],
        SecurityGroupId=network["group"],
    )["InstanceIdSets"]["InstanceIdSet"][0]
    call(
        "slb",
        AddBackendServersRequest.AddBackendServersRequest,
        LoadBalancerId=lb_id,
        BackendServers=json.dumps([{"ServerId": server, "Weight": 100}]),
    )
    found = call(
        "slb", DescribeLoadBalancersRequest.DescribeLoadBalancersRequest, LoadBalancerId=lb_id
    )
    backends = found["LoadBalancers"]["LoadBalancer"][0]["BackendServers"]["BackendServer"]
    assert [b["ServerId"] for b in backends] == [server]
    # JoinSecurityGroup is newer than the installed aliyunsdkslb: the core's CommonRequest.
    from aliyunsdkcore.client import AcsClient
    from aliyunsdkcore.request import CommonRequest
    from aliyunsdkecs.request.v20140526 import DeleteSecurityGroupRequest

    join = CommonRequest(
        domain=emulator["sdk"]["slb"].removeprefix("http://"),
        version="2014-05-15",
        action_name="JoinSecurityGroup",
        product="slb",
    )
    join.set_protocol_type("http")
    for name, value in (
        ("RegionId", REGION),
        ("LoadBalancerId", lb_id),
        ("SecurityGroupIds", json.dumps([network["group"]])),
    ):
        join.add_query_param(name, value)
    settings = emulator["settings"]
    client = AcsClient(settings["access_key_id"], settings["access_key_secret"], REGION)
    client.do_action_with_exception(join)
    in_use = server_error(
        lambda: call(
            "ecs",
            DeleteSecurityGroupRequest.DeleteSecurityGroupRequest,
            SecurityGroupId=network["group"],
        )
    )
    assert in_use.get_error_code() == "DependencyViolation"


def test_disks_attach_to_an_instance_of_their_zone(emulator, network) -> None:
    from aliyunsdkecs.request.v20140526 import (
        AttachDiskRequest,
        CreateDiskRequest,
        DeleteDiskRequest,
        DescribeDisksRequest,
        DetachDiskRequest,
        RunInstancesRequest,
    )

    call = rpc_client(emulator)
    server = call(
        "ecs",
        RunInstancesRequest.RunInstancesRequest,
        InstanceType="ecs.t6-c1m1.large",
        ImageId="ubuntu_22_04_x64_20G_alibase_20240130.vhd",
        VSwitchId=network["vswitch"],
        SecurityGroupId=network["group"],
    )["InstanceIdSets"]["InstanceIdSet"][0]
    far = call(
        "ecs",
        CreateDiskRequest.CreateDiskRequest,
        ZoneId="us-east-1b",
        Size=40,
        DiskCategory="cloud_essd",
    )["DiskId"]
    near = call(
        "ecs",
        CreateDiskRequest.CreateDiskRequest,
        ZoneId="us-east-1a",
        Size=40,
        DiskCategory="cloud_essd",
    )["DiskId"]

    def status(disk_id: str) -> str:
        disks = call(
            "ecs", DescribeDisksRequest.DescribeDisksRequest, DiskIds=json.dumps([disk_id])
        )
        return str(disks["Disks"]["Disk"][0]["Status"])

    wait_for(lambda: status(near), "Available")
    wait_for(lambda: status(far), "Available")
    wait_for(lambda: _instance_status(call, server), "Running")
    other_zone = server_error(
        lambda: call("ecs", AttachDiskRequest.AttachDiskRequest, InstanceId=server, DiskId=far)
    )
    assert other_zone.get_error_code() == "InvalidDiskId.ZoneMismatch"
    call("ecs", AttachDiskRequest.AttachDiskRequest, InstanceId=server, DiskId=near)
    assert wait_for(lambda: status(near), "In_use")[-2:] in (["Attaching", "In_use"], ["In_use"])
    busy = server_error(lambda: call("ecs", DeleteDiskRequest.DeleteDiskRequest, DiskId=near))
    assert busy.get_error_code() == "IncorrectDiskStatus"
    call("ecs", DetachDiskRequest.DetachDiskRequest, InstanceId=server, DiskId=near)
    wait_for(lambda: status(near), "Available")
    call("ecs", DeleteDiskRequest.DeleteDiskRequest, DiskId=near)


def _instance_status(call: Callable[..., dict[str, Any]], instance_id: str) -> str:
    from aliyunsdkecs.request.v20140526 import DescribeInstancesRequest

    found = call(
        "ecs",
        DescribeInstancesRequest.DescribeInstancesRequest,
        InstanceIds=json.dumps([instance_id]),
    )
    return str(found["Instances"]["Instance"][0]["Status"])
