"""MongoDB databases (TencentDB for MongoDB) over real gRPC, checked through Tencent's SDK:
create (multi-AZ replica set), read back, resize, backup rules, tags, a retried create, batch
reads in one DescribeDBInstances call, delete (isolate + offline), plan translation and cost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import database_pb2, network_pb2, provider_pb2
from genesys_emulators.core import Emulator, FaultPlan
from genesys_emulators.tencent import build
from genesys_emulators.tencent.sdk import api_client
from genesys_plugin_sdk.testing import InProcessConnection, serve_in_process
from genesys_provider_tencent import tables
from genesys_provider_tencent.clients import TencentClients
from genesys_provider_tencent.main import build_plugin
from genesys_provider_tencent.planning import plan_item
from genesys_provider_tencent.testing import configure_request

from .conftest import Sdk


def _subnet(conn: InProcessConnection, suffix: str, cidr: str) -> str:
    net = conn.network.CreateNetwork(
        network_pb2.CreateNetworkRequest(config=pb.NetworkConfig(name=f"n-{suffix}", cidr=cidr))
    )
    return conn.network.CreateSubnet(
        network_pb2.CreateSubnetRequest(
            config=pb.SubnetConfig(
                name=f"s-{suffix}", network_id=net.id, cidr=cidr.replace("0.0/16", "1.0/24")
            )
        )
    ).id


def _detail(sdk: Sdk, ident: str) -> dict[str, object]:
    found = sdk.call("mongodb", "DescribeDBInstances", InstanceIds=[ident])["InstanceDetails"]
    assert len(found) == 1
    return dict(found[0])


def test_mongodb_lifecycle(conn: InProcessConnection, sdk: Sdk, suffix: str) -> None:
    subnet = _subnet(conn, suffix, "10.51.0.0/16")
    config = pb.DatabaseConfig(
        name=f"docs-{suffix}",
        engine=pb.DATABASE_ENGINE_MONGODB,
        size=pb.SIZE_MEDIUM,
        storage_gb=40,
        multi_az=True,
        backup=pb.BackupConfig(retention_days=30, window="03:00-05:00"),
        subnet_ids=[subnet],
        tags={"Team": "search"},
    )
    db = conn.database.CreateDatabase(
        database_pb2.CreateDatabaseRequest(config=config, idempotency_token=f"m-{suffix}")
    )
    assert db.id.startswith("cmgo-") and db.endpoint.endswith(":27017")
    assert (db.username, db.engine, db.version) == ("mongouser", config.engine, "6.0")
    assert db.password and db.password not in db.provider_data.fields["connection"].string_value
    found = _detail(sdk, db.id)
    # two vCPU, 4 GB as MB, 40 GB as MB, three nodes over three zones: what Tencent shows
    assert (found["CpuNum"], found["Memory"], found["Volume"]) == (2, 4096, 40960)
    assert found["SecondaryNum"] == 2 and len(set(found["ZoneList"])) == 3  # type: ignore[arg-type]
    assert found["Status"] == 2 and found["MongoVersion"] == "MONGO_60_WT"
    rules = sdk.call("mongodb", "DescribeBackupRules", InstanceId=db.id)
    assert (rules["BackupSaveTime"], rules["BackupTime"]) == (30, 3)
    assert (db.backup.window, db.size, db.storage_gb, db.multi_az) == (
        "03:00-05:00",
        pb.SIZE_MEDIUM,
        40,
        True,
    )
    (listed,) = conn.database.ListDatabases(pb.ListRequest(filters={"name": config.name}))
    assert (listed.id, listed.engine, listed.size, listed.password) == (
        db.id,
        pb.DATABASE_ENGINE_MONGODB,
        pb.SIZE_MEDIUM,
        "",  # discovery never knows the password
    )
    bigger = pb.DatabaseConfig()
    bigger.CopyFrom(config)
    bigger.size, bigger.storage_gb = pb.SIZE_LARGE, 80
    bigger.tags["Team"] = "data"
    updated = conn.database.UpdateDatabase(
        database_pb2.UpdateDatabaseRequest(
            id=db.id, private=db.private, config=bigger, changed=["size", "storage_gb", "tags"]
        )
    )
    assert (updated.size, updated.provider_class, updated.password) == (
        pb.SIZE_LARGE,
        "mongodb.4c8g",
        db.password,
    )
    found = _detail(sdk, db.id)
    assert (found["CpuNum"], found["Memory"], found["Volume"]) == (4, 8192, 81920)
    assert {"TagKey": "Team", "TagValue": "data"} in found["Tags"]  # type: ignore[operator]
    conn.database.DeleteDatabase(pb.DeleteRequest(id=db.id))
    gone = sdk.call("mongodb", "DescribeDBInstances", InstanceIds=[db.id])
    assert gone["TotalCount"] == 0


def test_a_retried_create_finds_its_instance_and_resets_the_password(
    conn: InProcessConnection, sdk: Sdk, suffix: str
) -> None:
    subnet = _subnet(conn, suffix, "10.52.0.0/16")
    config = pb.DatabaseConfig(
        name=f"again-{suffix}", engine=pb.DATABASE_ENGINE_MONGODB, subnet_ids=[subnet]
    )
    request = database_pb2.CreateDatabaseRequest(config=config, idempotency_token=f"r-{suffix}")
    first = conn.database.CreateDatabase(request)
    again = conn.database.CreateDatabase(request)
    assert again.id == first.id and again.password != first.password
    found = sdk.call("mongodb", "DescribeDBInstances", SearchKey=f"again-{suffix}")
    assert found["TotalCount"] == 1
    conn.database.DeleteDatabase(pb.DeleteRequest(id=first.id))


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with build(FaultPlan()) as running:
        yield running


def test_reading_many_is_one_describe_call(emulator: Emulator) -> None:
    """Five replica sets are read by one DescribeDBInstances call (plus the backup rules of
    each), counted by the emulator itself."""
    vpc = api_client("vpc", emulator.urls["vpc"])
    vpc_id = vpc.call_json("CreateVpc", {"VpcName": "b", "CidrBlock": "10.0.0.0/16"})["Response"][
        "Vpc"
    ]["VpcId"]
    subnet = vpc.call_json(
        "CreateSubnet",
        {"VpcId": vpc_id, "SubnetName": "b", "CidrBlock": "10.0.0.0/24", "Zone": "ap-guangzhou-3"},
    )["Response"]["Subnet"]["SubnetId"]
    made = api_client("mongodb", emulator.urls["mongodb"]).call_json(
        "CreateDBInstanceHour",
        {
            "Memory": 2,
            "CpuCore": 1,
            "Volume": 10,
            "ReplicateSetNum": 1,
            "NodeNum": 3,
            "MongoVersion": "MONGO_60_WT",
            "MachineCode": "GE.LD.T2",
            "GoodsNum": 5,
            "ClusterType": "REPLSET",
            "Zone": "ap-guangzhou-3",
            "VpcId": vpc_id,
            "SubnetId": subnet,
            "Password": "Batch_read_1",
        },
    )
    ids = made["Response"]["InstanceIds"]
    refs = [pb.ResourceRef(kind=pb.RESOURCE_KIND_DATABASE, id=i) for i in [*ids, "cmgo-gone0000"]]
    with serve_in_process(build_plugin(TencentClients())) as conn:
        conn.provider.Configure(configure_request(emulator.ready_line()))
        before = emulator.api_calls()["mongodb"]
        pages = conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=refs))
        results = [r for page in pages for r in page.results]
        calls = emulator.api_calls()["mongodb"] - before
    read = [r.resource.database for r in results if r.HasField("resource")]
    assert sorted(d.id for d in read) == sorted(ids)
    assert all(d.engine == pb.DATABASE_ENGINE_MONGODB and d.size == pb.SIZE_SMALL for d in read)
    assert [r.not_found for r in results if not r.HasField("resource")] == [True]
    assert calls == 1 + len(ids)  # one DescribeDBInstances, one DescribeBackupRules each


def test_plan_translates_and_prices_a_replica_set() -> None:
    desired = pb.Resource(
        database=pb.Database(
            name="docs", engine=pb.DATABASE_ENGINE_MONGODB, size=pb.SIZE_SMALL, storage_gb=20
        )
    )
    planned = plan_item(0, provider_pb2.PlanItem(desired=desired))
    assert planned.translated.database.provider_class == "mongodb.1c2g"
    hourly = tables.MONGODB_NODE_HOURLY[(1, 2)]
    # three nodes x 730 hours x the node rate + three nodes' 20 GB disks
    expected = round(3 * 730 * hourly + 3 * 20 * tables.MONGODB_STORAGE_GB_MONTH, 2)
    assert planned.cost.monthly_usd == pytest.approx(expected)
    bad = pb.Resource(
        database=pb.Database(
            name="docs", engine=pb.DATABASE_ENGINE_MONGODB, version="3.2", storage_gb=400
        )
    )
    found = {
        d.attribute_path: d.summary
        for d in plan_item(0, provider_pb2.PlanItem(desired=bad)).diagnostics
    }
    assert found["version"].startswith("MongoDB 3.2 is not offered; one of 4.0")
    assert found["storage_gb"] == "a mongodb.1c2g replica set takes 10 to 250 GB of storage"
