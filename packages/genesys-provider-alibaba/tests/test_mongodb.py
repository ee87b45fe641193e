"""engine mongodb (ApsaraDB for MongoDB) through the plugin over real gRPC: a retried create
with the same token finds the same instance (and gives it a password it knows), a read by
token alone finds it, a batch read of MongoDB and RDS ids at once is one DDS listing, and a
delete waits until DDS has dropped it."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import database_pb2, provider_pb2
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.batching import read_results
from genesys_plugin_sdk.testing import InProcessConnection


def _config(name: str, engine: int = pb.DATABASE_ENGINE_MONGODB) -> pb.DatabaseConfig:
    return pb.DatabaseConfig(name=name, engine=engine, size=pb.SIZE_SMALL, storage_gb=20)


def _dds_requests(ready: dict[str, Any]) -> int:
    with urllib.request.urlopen(f"{ready['sdk']['dds']}/_genesys/requests") as answer:
        return int(json.load(answer)["dds"])


def _create(conn: InProcessConnection, config: pb.DatabaseConfig, token: str = "") -> Any:
    request = database_pb2.CreateDatabaseRequest(config=config, idempotency_token=token)
    return conn.database.CreateDatabase(request)


def test_a_retried_create_finds_the_instance_and_a_token_read_too(
    conn: InProcessConnection, suffix: str
) -> None:
    made = _create(conn, _config(f"docs-{suffix}"), f"tok-{suffix}")
    assert made.id.startswith("dds-") and made.state == "running"
    assert (made.username, made.port, made.provider_class) == ("root", 3717, "dds.mongo.mid")
    assert made.endpoint == f"{made.id}.mongodb.rds.aliyuncs.com"
    uri = made.provider_data["connection_string"]
    assert uri.startswith(f"mongodb://root@{made.endpoint}:3717,") and made.password not in uri
    retried = _create(conn, _config(f"docs-{suffix}"), f"tok-{suffix}")
    assert retried.id == made.id and retried.password and retried.password != made.password
    ref = pb.ResourceRef(kind=pb.RESOURCE_KIND_DATABASE, idempotency_token=f"tok-{suffix}")
    (found,) = read_results(
        conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=[ref]))
    )
    assert found.resource.database.id == made.id
    conn.database.DeleteDatabase(pb.DeleteRequest(id=made.id))
    with pytest.raises(errors.NotFound):
        conn.database.GetDatabase(pb.GetRequest(id=made.id))


def test_a_batch_read_is_one_dds_listing_beside_rds(
    conn: InProcessConnection, ready: dict[str, Any], suffix: str
) -> None:
    mongo = [_create(conn, _config(f"batch-{n}-{suffix}")).id for n in range(4)]
    postgres = _create(conn, _config(f"pg-{suffix}", pb.DATABASE_ENGINE_POSTGRES)).id
    ids = [*mongo, postgres, "dds-0000000000000"]
    refs = [pb.ResourceRef(kind=pb.RESOURCE_KIND_DATABASE, id=i) for i in ids]
    before = _dds_requests(ready)
    results = list(
        read_results(conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=refs)))
    )
    # one DescribeDBInstances listing + DescribeDBInstanceAttribute and DescribeBackupPolicy
    # for each of the four found
    assert _dds_requests(ready) - before == 1 + 4 * 2
    by_index = {r.index: r for r in results}
    assert [by_index[i].resource.database.id for i in range(5)] == [*mongo, postgres]
    assert by_index[4].resource.database.engine == pb.DATABASE_ENGINE_POSTGRES
    assert by_index[5].not_found
    for db_id in [*mongo, postgres]:
        conn.database.DeleteDatabase(pb.DeleteRequest(id=db_id))
