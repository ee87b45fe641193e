"""RDS through the plugin, checked through boto3."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import database_pb2
from genesys_plugin_sdk import errors


def _config(name: str) -> pb.DatabaseConfig:
    return pb.DatabaseConfig(
        name=name,
        engine=pb.DATABASE_ENGINE_POSTGRES,
        version="14",
        size=pb.SIZE_MEDIUM,
        storage_gb=100,
        multi_az=True,
        backup=pb.BackupConfig(retention_days=7, window="03:00-04:00"),
        tags={"Team": "data"},
    )


def test_postgres_14_multi_az_with_backups(conn: Any, aws: Any, suffix: str, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    made = conn.database.CreateDatabase(
        database_pb2.CreateDatabaseRequest(
            config=_config(f"app-db-{suffix}"), idempotency_token=f"db-{suffix}"
        )
    )
    raw = aws("rds").describe_db_instances(DBInstanceIdentifier=f"app-db-{suffix}")["DBInstances"][
        0
    ]
    assert (raw["Engine"], raw["EngineVersion"], raw["DBInstanceClass"]) == (
        "postgres",
        "14",
        "db.t3.medium",
    )
    assert (raw["AllocatedStorage"], raw["MultiAZ"], raw["BackupRetentionPeriod"]) == (100, True, 7)
    assert raw["PreferredBackupWindow"] == "03:00-04:00"
    assert (
        made.endpoint == f"{raw['Endpoint']['Address']}:{raw['Endpoint']['Port']}"
        and made.port == 5432
    )
    assert len(made.password) >= 20 and made.username == "genesys"
    assert made.password not in caplog.text  # never logged, botocore debug included
    read = conn.database.GetDatabase(pb.GetRequest(id=made.id))
    assert read.password == "" and read.version == "14" and read.size == pb.SIZE_MEDIUM
    assert read.tags == {"Team": "data"} and read.backup.retention_days == 7
    retried = conn.database.CreateDatabase(
        database_pb2.CreateDatabaseRequest(
            config=_config(f"app-db-{suffix}"), idempotency_token=f"db-{suffix}"
        )
    )
    assert retried.id == made.id and retried.password and retried.password != made.password


def test_update_size_and_backups_then_delete(conn: Any, aws: Any, suffix: str) -> None:
    config = _config(f"upd-db-{suffix}")
    made = conn.database.CreateDatabase(database_pb2.CreateDatabaseRequest(config=config))
    config.size = pb.SIZE_LARGE
    config.backup.retention_days = 14
    updated = conn.database.UpdateDatabase(
        database_pb2.UpdateDatabaseRequest(
            id=made.id, config=config, changed=["size", "backup.retention_days"]
        )
    )
    raw = aws("rds").describe_db_instances(DBInstanceIdentifier=made.id)["DBInstances"][0]
    assert raw["DBInstanceClass"] == "db.t3.large" and raw["BackupRetentionPeriod"] == 14
    assert updated.provider_class == "db.t3.large"
    with pytest.raises(errors.InvalidArgument):
        conn.database.UpdateDatabase(
            database_pb2.UpdateDatabaseRequest(id=made.id, config=config, changed=["engine"])
        )
    conn.database.DeleteDatabase(pb.DeleteRequest(id=made.id))
    with pytest.raises(errors.NotFound):
        conn.database.GetDatabase(pb.GetRequest(id=made.id))


def test_unsupported_engine_and_discovery(conn: Any, aws: Any, suffix: str) -> None:
    mongo = pb.DatabaseConfig(name=f"m-{suffix}", engine=pb.DATABASE_ENGINE_MONGODB)
    with pytest.raises(errors.InvalidArgument) as caught:
        conn.database.CreateDatabase(database_pb2.CreateDatabaseRequest(config=mongo))
    assert caught.value.attribute_path == "config.engine"
    aws("rds").create_db_instance(
        DBInstanceIdentifier=f"hand-{suffix}",
        Engine="mysql",
        DBInstanceClass="db.t3.small",
        AllocatedStorage=20,
        MasterUsername="admin",
        MasterUserPassword="not-a-secret-123",
    )
    (found,) = conn.database.DiscoverDatabases(
        pb.DiscoverRequest(filters={"name": f"hand-{suffix}"})
    )
    assert found.engine == pb.DATABASE_ENGINE_MYSQL and found.size == pb.SIZE_SMALL
