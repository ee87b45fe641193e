"""MySQL (CDB) databases and CLB load balancers over real gRPC, checked through the SDK."""

from __future__ import annotations

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import compute_pb2, database_pb2, network_pb2
from genesys_plugin_sdk.testing import InProcessConnection

from .conftest import Sdk


def _network(conn: InProcessConnection, suffix: str, cidr: str) -> tuple[str, str]:
    net = conn.network.CreateNetwork(
        network_pb2.CreateNetworkRequest(config=pb.NetworkConfig(name=f"n-{suffix}", cidr=cidr))
    )
    subnet = conn.network.CreateSubnet(
        network_pb2.CreateSubnetRequest(
            config=pb.SubnetConfig(
                name=f"s-{suffix}", network_id=net.id, cidr=cidr.replace("0.0/16", "1.0/24")
            )
        )
    )
    return net.id, subnet.id


def test_mysql_database_lifecycle(conn: InProcessConnection, sdk: Sdk, suffix: str) -> None:
    _, subnet = _network(conn, suffix, "10.31.0.0/16")
    config = pb.DatabaseConfig(
        name=f"orders-{suffix}",
        engine=pb.DATABASE_ENGINE_MYSQL,
        version="8.0",
        size=pb.SIZE_MEDIUM,
        storage_gb=50,
        multi_az=True,
        backup=pb.BackupConfig(retention_days=14, window="03:00-04:00"),
        subnet_ids=[subnet],
        tags={"Team": "shop"},
    )
    db = conn.database.CreateDatabase(
        database_pb2.CreateDatabaseRequest(config=config, idempotency_token=f"db-{suffix}")
    )
    assert db.id.startswith("cdb-") and db.password and db.endpoint.endswith(":3306")
    found = sdk.call("cdb", "DescribeDBInstances", InstanceIds=[db.id])["Items"][0]
    assert (found["Memory"], found["Volume"], found["DeployMode"]) == (4000, 50, 1)
    backup = sdk.call("cdb", "DescribeBackupConfig", InstanceId=db.id)
    assert (backup["BackupExpireDays"], backup["StartTimeMin"]) == (14, 3)
    assert db.backup.retention_days == 14 and db.size == pb.SIZE_MEDIUM
    bigger = pb.DatabaseConfig()
    bigger.CopyFrom(config)
    bigger.size = pb.SIZE_LARGE
    updated = conn.database.UpdateDatabase(
        database_pb2.UpdateDatabaseRequest(
            id=db.id, private=db.private, config=bigger, changed=["size"]
        )
    )
    assert updated.size == pb.SIZE_LARGE
    assert sdk.call("cdb", "DescribeDBInstances", InstanceIds=[db.id])["Items"][0]["Memory"] == 8000
    conn.database.DeleteDatabase(pb.DeleteRequest(id=db.id))
    assert sdk.call("cdb", "DescribeDBInstances", InstanceIds=[db.id])["TotalCount"] == 0


def test_load_balancer_with_http_and_tcp(conn: InProcessConnection, sdk: Sdk, suffix: str) -> None:
    net, subnet = _network(conn, suffix, "10.32.0.0/16")
    web = conn.compute.CreateInstance(
        compute_pb2.CreateInstanceRequest(
            config=pb.InstanceConfig(name=f"w-{suffix}", subnet_id=subnet, network_id=net)
        )
    )
    config = pb.LoadBalancerConfig(
        name=f"lb-{suffix}",
        network_id=net,
        subnet_ids=[subnet],
        target_instance_ids=[web.id],
        listeners=[
            pb.Listener(protocol="http", port=80, target_port=8080),
            pb.Listener(protocol="tcp", port=5000, target_port=5000),
        ],
    )
    lb = conn.network.CreateLoadBalancer(
        network_pb2.CreateLoadBalancerRequest(config=config, idempotency_token=f"lb-{suffix}")
    )
    assert [(lis.protocol, lis.port, lis.target_port) for lis in lb.listeners] == [
        ("http", 80, 8080),
        ("tcp", 5000, 5000),
    ]
    assert list(lb.target_instance_ids) == [web.id] and lb.dns_name
    targets = sdk.call("clb", "DescribeTargets", LoadBalancerId=lb.id)["Listeners"]
    http = next(t for t in targets if t["Protocol"] == "HTTP")
    assert http["Rules"][0]["Targets"][0]["InstanceId"] == web.id  # layer 7: on a rule
    fewer = pb.LoadBalancerConfig()
    fewer.CopyFrom(config)
    del fewer.listeners[1:]
    updated = conn.network.UpdateLoadBalancer(
        network_pb2.UpdateLoadBalancerRequest(
            id=lb.id, private=lb.private, config=fewer, changed=["listeners"]
        )
    )
    assert [lis.port for lis in updated.listeners] == [80]
    conn.network.DeleteLoadBalancer(pb.DeleteRequest(id=lb.id))
    assert sdk.call("clb", "DescribeLoadBalancers", LoadBalancerIds=[lb.id])["TotalCount"] == 0
    conn.compute.DeleteInstance(pb.DeleteRequest(id=web.id))
