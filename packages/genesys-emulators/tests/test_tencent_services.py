"""Tencent emulator through the real SDKs: COS (cos-python-sdk-v5), PostgreSQL and SCF."""

from __future__ import annotations

import base64
import io
import json
import time
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from genesys_emulators.tencent import sdk
from genesys_emulators.tencent.sdk import cos_client
from genesys_emulators.testing import running
from qcloud_cos.cos_exception import CosServiceError
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


def cos_refused(operation: Any, **params: Any) -> CosServiceError:
    with pytest.raises(CosServiceError) as caught:
        operation(**params)
    return caught.value


# ------------------------------------------------------------------ COS


def test_bucket_names_carry_the_appid(ready: dict[str, Any]) -> None:
    cos = cos_client(ready["sdk"]["cos"])
    bucket = f"app-data-{ready['account']}"
    cos.create_bucket(Bucket=bucket)
    assert (
        cos_refused(cos.create_bucket, Bucket=bucket).get_error_code() == "BucketAlreadyOwnedByYou"
    )
    assert cos_refused(cos.create_bucket, Bucket="no-appid").get_error_code() == "InvalidBucketName"
    assert (
        cos_refused(cos.create_bucket, Bucket="other-1300000000").get_error_code() == "AccessDenied"
    )
    assert bucket in [b["Name"] for b in cos.list_buckets()["Buckets"]["Bucket"]]
    cos.head_bucket(Bucket=bucket)
    assert (
        cos_refused(cos.head_bucket, Bucket=f"missing-{ready['account']}").get_status_code() == 404
    )


def test_versioning_and_delete_markers(ready: dict[str, Any]) -> None:
    cos = cos_client(ready["sdk"]["cos"])
    bucket = f"versions-{ready['account']}"
    cos.create_bucket(Bucket=bucket)
    cos.put_bucket_versioning(Bucket=bucket, Status="Enabled")
    assert cos.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    first = cos.put_object(Bucket=bucket, Key="state.json", Body=b"one")["x-cos-version-id"]
    cos.put_object(Bucket=bucket, Key="state.json", Body=b"two")
    assert cos.get_object(Bucket=bucket, Key="state.json")["Body"].get_raw_stream().read() == b"two"
    old = cos.get_object(Bucket=bucket, Key="state.json", VersionId=first)
    assert old["Body"].get_raw_stream().read() == b"one"
    cos.delete_object(Bucket=bucket, Key="state.json")
    assert (
        cos_refused(cos.get_object, Bucket=bucket, Key="state.json").get_error_code() == "NoSuchKey"
    )
    versions = cos.list_objects_versions(Bucket=bucket)
    assert len(versions["Version"]) == 2 and len(versions["DeleteMarker"]) == 1
    assert cos_refused(cos.delete_bucket, Bucket=bucket).get_error_code() == "BucketNotEmpty"
    for v in versions["Version"] + versions["DeleteMarker"]:
        cos.delete_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])
    cos.delete_bucket(Bucket=bucket)


def test_conditional_writes(ready: dict[str, Any]) -> None:
    cos = cos_client(ready["sdk"]["cos"])
    bucket = f"cas-{ready['account']}"
    cos.create_bucket(Bucket=bucket)
    etag = cos.put_object(Bucket=bucket, Key="k", Body=b"v1", IfNoneMatch="*")["ETag"]
    again = cos_refused(cos.put_object, Bucket=bucket, Key="k", Body=b"x", IfNoneMatch="*")
    assert again.get_status_code() == 412
    cos.put_object(Bucket=bucket, Key="k", Body=b"v2", IfMatch=etag)
    stale = cos_refused(cos.put_object, Bucket=bucket, Key="k", Body=b"v3", IfMatch=etag)
    assert stale.get_error_code() == "PreconditionFailed"
    lock = cos_refused(
        cos.put_object,
        Bucket=bucket,
        Key="k",
        Body=b"x",
        Metadata={"x-cos-forbid-overwrite": "true"},
    )
    assert lock.get_error_code() == "FileAlreadyExists"


def test_bucket_configuration_documents(ready: dict[str, Any]) -> None:
    cos = cos_client(ready["sdk"]["cos"])
    bucket = f"configured-{ready['account']}"
    cos.create_bucket(Bucket=bucket, ACL="private")
    assert cos_refused(cos.get_bucket_encryption, Bucket=bucket).get_status_code() == 404
    cos.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rule": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    rule = cos.get_bucket_encryption(Bucket=bucket)["Rule"]
    assert rule[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    put = cos.put_object(Bucket=bucket, Key="a/b.txt", Body=b"x")
    assert put["x-cos-server-side-encryption"] == "AES256"
    cos.put_bucket_lifecycle(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rule": [
                {
                    "ID": "expire",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "Expiration": {"Days": 90},
                }
            ]
        },
    )
    assert cos.get_bucket_lifecycle(Bucket=bucket)["Rule"][0]["Expiration"]["Days"] == "90"
    cos.put_bucket_tagging(
        Bucket=bucket, Tagging={"TagSet": {"Tag": [{"Key": "Purpose", "Value": "x"}]}}
    )
    assert cos.get_bucket_tagging(Bucket=bucket)["TagSet"]["Tag"][0]["Key"] == "Purpose"
    listed = cos.list_objects(Bucket=bucket, Prefix="a/")
    assert [c["Key"] for c in listed["Contents"]] == ["a/b.txt"]
    assert not cos.get_bucket_acl(Bucket=bucket)["AccessControlList"]["Grant"][0].get("URI")


# ------------------------------------------------------------------ PostgreSQL


def subnet_for(ready: dict[str, Any], cidr: str) -> tuple[str, str]:
    vpc = call(ready, "vpc", "CreateVpc", VpcName="db", CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet = call(
        ready,
        "vpc",
        "CreateSubnet",
        VpcId=vpc,
        SubnetName="db",
        CidrBlock=cidr.replace("0.0/16", "2.0/24"),
        Zone="ap-guangzhou-3",
    )
    return vpc, subnet["Subnet"]["SubnetId"]


def wait_pg(ready: dict[str, Any], ident: str, status: str) -> dict[str, Any]:
    for _ in range(100):
        found = call(ready, "postgres", "DescribeDBInstanceAttribute", DBInstanceId=ident)
        if found["DBInstance"]["DBInstanceStatus"] == status:
            return dict(found["DBInstance"])
        time.sleep(0.02)
    raise AssertionError(f"{ident} never {status}")


def pg_request(vpc: str, subnet: str, **over: Any) -> dict[str, Any]:
    """A valid CreateInstances body (PostgreSQL 14, medium) with `over` on top."""
    return {
        "SpecCode": "pg.it.medium4",
        "Storage": 100,
        "InstanceCount": 1,
        "Period": 1,
        "Zone": "ap-guangzhou-3",
        "Charset": "UTF8",
        "AdminName": "genesys",
        "AdminPassword": "Secret-pass-1",
        "DBMajorVersion": "14",
        "VpcId": vpc,
        "SubnetId": subnet,
        **over,
    }


def test_postgres_lifecycle_and_backups(ready: dict[str, Any]) -> None:
    vpc, subnet = subnet_for(ready, "172.16.0.0/16")
    created = call(
        ready,
        "postgres",
        "CreateInstances",
        **pg_request(vpc, subnet),
        Name="app-db",
        DBNodeSet=[
            {"Role": "Primary", "Zone": "ap-guangzhou-3"},
            {"Role": "Standby", "Zone": "ap-guangzhou-4"},
        ],
        TagList=[{"TagKey": "Team", "TagValue": "platform"}],
    )
    ident = created["DBInstanceIdSet"][0]
    assert (
        refused(
            ready, "postgres", "ModifyBackupPlan", DBInstanceId=ident, BaseBackupRetentionPeriod=7
        )
        == "OperationDenied.InstanceStatusLimitOpError"
    )
    db = wait_pg(ready, ident, "running")
    assert db["DBMajorVersion"] == "14" and db["DBInstanceNetInfo"][0]["Port"] == 5432
    call(
        ready,
        "postgres",
        "ModifyBackupPlan",
        DBInstanceId=ident,
        BaseBackupRetentionPeriod=7,
        MinBackupStartTime="03:00:00",
        MaxBackupStartTime="04:00:00",
    )
    plan = call(ready, "postgres", "DescribeBackupPlans", DBInstanceId=ident)["Plans"][0]
    assert plan["BaseBackupRetentionPeriod"] == 7 and plan["MinBackupStartTime"] == "03:00:00"
    listed = call(
        ready,
        "postgres",
        "DescribeDBInstances",
        Filters=[{"Name": "db-tag-key", "Values": ["Team"]}],
    )
    assert [d["DBInstanceId"] for d in listed["DBInstanceSet"]] == [ident]
    assert refused(ready, "vpc", "DeleteSubnet", SubnetId=subnet) == "ResourceInUse"
    assert (
        refused(ready, "postgres", "DestroyDBInstance", DBInstanceId=ident)
        == "OperationDenied.InstanceStatusLimitOpError"
    )
    call(ready, "postgres", "IsolateDBInstances", DBInstanceIdSet=[ident])
    wait_pg(ready, ident, "isolated")
    call(ready, "postgres", "DestroyDBInstance", DBInstanceId=ident)
    time.sleep(0.15)
    assert (
        refused(ready, "postgres", "DescribeDBInstanceAttribute", DBInstanceId=ident)
        == "ResourceNotFound.InstanceNotFoundError"
    )
    call(ready, "vpc", "DeleteSubnet", SubnetId=subnet)


def test_postgres_refuses_bad_input(ready: dict[str, Any]) -> None:
    vpc, subnet = subnet_for(ready, "172.17.0.0/16")
    base = pg_request(vpc, subnet)
    assert (
        refused(ready, "postgres", "CreateInstances", **{**base, "SpecCode": "pg.nope"})
        == "InvalidParameterValue.SpecNotRecognizedError"
    )
    assert (
        refused(ready, "postgres", "CreateInstances", **{**base, "AdminPassword": "short"})
        == "InvalidParameterValue"
    )
    assert (
        refused(ready, "postgres", "CreateInstances", **{**base, "DBMajorVersion": "9"})
        == "InvalidParameterValue.InvalidPGVersion"
    )


# ------------------------------------------------------------------ SCF


def zipped(source: str) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("main.py", source)
    return base64.b64encode(buffer.getvalue()).decode()


HANDLER = """
import os
def handler(event, context):
    if event.get("httpMethod"):
        return {"statusCode": 200, "body": "hello " + event["path"]}
    return {"db": os.environ.get("DB_HOST"), "echo": event.get("x")}
"""


def test_function_invoke_runs_the_handler(ready: dict[str, Any]) -> None:
    call(
        ready,
        "scf",
        "CreateFunction",
        FunctionName="api-handler",
        Runtime="Python3.11",
        Handler="main.handler",
        MemorySize=512,
        Timeout=30,
        Code={"ZipFile": zipped(HANDLER)},
        Environment={"Variables": [{"Key": "DB_HOST", "Value": "10.0.2.5"}]},
    )
    assert (
        refused(
            ready,
            "scf",
            "CreateFunction",
            FunctionName="api-handler",
            Code={"ZipFile": zipped(HANDLER)},
        )
        == "ResourceInUse.Function"
    )
    for _ in range(50):
        if call(ready, "scf", "GetFunction", FunctionName="api-handler")["Status"] == "Active":
            break
        time.sleep(0.02)
    result = call(
        ready, "scf", "Invoke", FunctionName="api-handler", ClientContext=json.dumps({"x": 7})
    )["Result"]
    assert result["InvokeResult"] == 0
    assert json.loads(result["RetMsg"]) == {"db": "10.0.2.5", "echo": 7}
    trigger = call(
        ready,
        "scf",
        "CreateTrigger",
        FunctionName="api-handler",
        TriggerName="url",
        Type="http",
        TriggerDesc=json.dumps({"AuthType": "NONE"}),
    )["TriggerInfo"]
    url = json.loads(trigger["TriggerDesc"])["UrlConfig"]["ExtranetUrl"]
    answer = requests.get(url + "/api/items", timeout=10)
    assert answer.status_code == 200 and answer.text == "hello /api/items"
    call(ready, "scf", "UpdateFunctionConfiguration", FunctionName="api-handler", MemorySize=256)
    assert call(ready, "scf", "GetFunction", FunctionName="api-handler")["MemorySize"] == 256
    call(ready, "scf", "DeleteFunction", FunctionName="api-handler")
    assert (
        refused(ready, "scf", "GetFunction", FunctionName="api-handler")
        == "ResourceNotFound.Function"
    )


LAYER = """
def greet(name):
    return "hello " + name
"""
USES_LAYER = """
import greeting
def handler(event, context):
    return greeting.greet(event["name"])
"""


def zipped_as(name: str, source: str) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr(name, source)
    return base64.b64encode(buffer.getvalue()).decode()


def test_layers_are_on_the_handlers_path(ready: dict[str, Any]) -> None:
    version = call(
        ready,
        "scf",
        "PublishLayerVersion",
        LayerName="greeting",
        CompatibleRuntimes=["Python3.11"],
        Content={"ZipFile": zipped_as("greeting.py", LAYER)},
    )["LayerVersion"]
    assert version == 1
    assert (
        refused(
            ready,
            "scf",
            "CreateFunction",
            FunctionName="greeter",
            Runtime="Python3.11",
            Handler="main.handler",
            Code={"ZipFile": zipped_as("main.py", USES_LAYER)},
            Layers=[{"LayerName": "greeting", "LayerVersion": 9}],
        )
        == "ResourceNotFound.LayerVersion"
    )
    call(
        ready,
        "scf",
        "CreateFunction",
        FunctionName="greeter",
        Runtime="Python3.11",
        Handler="main.handler",
        Code={"ZipFile": zipped_as("main.py", USES_LAYER)},
        Layers=[{"LayerName": "greeting", "LayerVersion": version}],
    )
    for _ in range(50):
        if call(ready, "scf", "GetFunction", FunctionName="greeter")["Status"] == "Active":
            break
        time.sleep(0.02)
    layers = call(ready, "scf", "GetFunction", FunctionName="greeter")["Layers"]
    assert [(x["LayerName"], x["LayerVersion"]) for x in layers] == [("greeting", 1)]
    result = call(
        ready, "scf", "Invoke", FunctionName="greeter", ClientContext=json.dumps({"name": "cos"})
    )["Result"]
    assert json.loads(result["RetMsg"]) == "hello cos"
    assert (
        refused(ready, "scf", "DeleteLayerVersion", LayerName="greeting", LayerVersion=1)
        == "ResourceInUse.LayerVersion"
    )
    call(ready, "scf", "DeleteFunction", FunctionName="greeter")
    call(ready, "scf", "DeleteLayerVersion", LayerName="greeting", LayerVersion=1)
    assert (
        refused(ready, "scf", "GetLayerVersion", LayerName="greeting", LayerVersion=1)
        == "ResourceNotFound.LayerVersion"
    )


def test_postgres_admin_password_reset(ready: dict[str, Any]) -> None:
    vpc, subnet = subnet_for(ready, "172.18.0.0/16")
    body = pg_request(vpc, subnet, SpecCode="pg.it.small2", Storage=20)
    ident = call(ready, "postgres", "CreateInstances", **body)["DBInstanceIdSet"][0]
    wait_pg(ready, ident, "running")
    call(
        ready,
        "postgres",
        "ResetAccountPassword",
        DBInstanceId=ident,
        UserName="genesys",
        Password="Another-pass-2",
    )
    assert (
        refused(
            ready,
            "postgres",
            "ResetAccountPassword",
            DBInstanceId=ident,
            UserName="nobody",
            Password="Another-pass-2",
        )
        == "InvalidParameterValue"
    )
    assert (
        refused(
            ready,
            "postgres",
            "ResetAccountPassword",
            DBInstanceId=ident,
            UserName="genesys",
            Password="weak",
        )
        == "InvalidParameterValue"
    )
