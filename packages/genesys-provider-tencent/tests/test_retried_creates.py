"""A create the core retries (its first attempt was throttled half-way, or its answer lost)
returns what the first attempt made, never a second resource nor "name taken"; a retried
database create hands back a fresh, working password."""

from __future__ import annotations

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import database_pb2, storage_pb2
from genesys_plugin_sdk.testing import InProcessConnection

from .conftest import Sdk


def test_a_retried_bucket_create_finds_its_bucket(
    conn: InProcessConnection, sdk: Sdk, suffix: str
) -> None:
    config = pb.BucketConfig(name=f"retried-{suffix}", versioning=True, tags={"Team": "a"})
    request = storage_pb2.CreateBucketRequest(config=config, idempotency_token=f"b-{suffix}")
    first = conn.storage.CreateBucket(request)
    again = conn.storage.CreateBucket(request)
    assert again.id == first.id == f"retried-{suffix}-{sdk.ready['account']}"
    assert dict(again.tags) == {"Team": "a"} and again.versioning


def test_a_retried_database_create_resets_the_password(
    conn: InProcessConnection, sdk: Sdk, suffix: str
) -> None:
    config = pb.DatabaseConfig(
        name=f"retried-{suffix}",
        engine=pb.DATABASE_ENGINE_POSTGRES,
        version="14",
        size=pb.SIZE_SMALL,
        storage_gb=20,
    )
    request = database_pb2.CreateDatabaseRequest(config=config, idempotency_token=f"d-{suffix}")
    first = conn.database.CreateDatabase(request)
    again = conn.database.CreateDatabase(request)
    assert again.id == first.id and again.password and again.password != first.password
    found = sdk.call(
        "postgres",
        "DescribeDBInstances",
        Filters=[{"Name": "db-instance-name", "Values": [f"retried-{suffix}"]}],
    )
    assert found["TotalCount"] == 1
    conn.database.DeleteDatabase(pb.DeleteRequest(id=first.id))
