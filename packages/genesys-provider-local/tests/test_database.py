"""Databases: sqlite files always; real PostgreSQL clusters when the binaries exist."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
from pathlib import Path

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import database_pb2, provider_pb2
from genesys_plugin_sdk import errors
from genesys_provider_local import postgres

from .conftest import leftovers, served


def create(conn, token="", **config):
    request = database_pb2.CreateDatabaseRequest(
        config=pb.DatabaseConfig(**config), idempotency_token=token
    )
    return conn.database.CreateDatabase(request)


def test_sqlite_database_is_a_usable_file(conn, root):
    db = create(conn, name="app", engine=pb.DATABASE_ENGINE_SQLITE, size=pb.SIZE_SMALL)
    path = Path(db.endpoint.removeprefix("sqlite:///"))
    assert db.endpoint.startswith("sqlite:////") and path.is_file()
    assert db.state == "available" and db.provider_class == "local.db.small"
    with sqlite3.connect(path) as client:
        client.execute("CREATE TABLE t (x)")
        client.execute("INSERT INTO t VALUES (42)")
    with sqlite3.connect(path) as client:
        assert client.execute("SELECT x FROM t").fetchone() == (42,)

    update = database_pb2.UpdateDatabaseRequest(
        id=db.id,
        config=pb.DatabaseConfig(name="app", engine=pb.DATABASE_ENGINE_SQLITE, size=pb.SIZE_LARGE),
        changed=["size"],
    )
    assert conn.database.UpdateDatabase(update).provider_class == "local.db.large"
    conn.database.DeleteDatabase(pb.DeleteRequest(id=db.id))
    assert not path.exists() and leftovers(root) == []


def test_engines_not_offered_are_unimplemented(conn):
    with pytest.raises(errors.Unimplemented) as caught:
        create(conn, name="x", engine=pb.DATABASE_ENGINE_MYSQL)
    assert "mysql" in str(caught.value)
    resources = [pb.Resource(database=pb.Database(name="x", engine=pb.DATABASE_ENGINE_MONGODB))]
    response = conn.provider.ValidateResources(
        provider_pb2.ValidateResourcesRequest(resources=resources)
    )
    assert [d.attribute_path for d in response.diagnostics] == ["engine"]
    assert response.diagnostics[0].severity == pb.Diagnostic.SEVERITY_ERROR


@pytest.mark.skipif(
    not postgres.installations(),
    reason="PostgreSQL server binaries (initdb, pg_ctl) are not installed",
)
def test_postgres_database_is_a_real_cluster(tmp_path):
    # As root, pytest's 0700 temp dirs are out of the postgres user's reach: the cluster then
    # lives under the system temp dir, linked from the root (postgres.cluster_home).
    root = tmp_path / "root"
    try:
        with served(root) as conn:
            db = create(conn, name="appdb", engine=pb.DATABASE_ENGINE_POSTGRES, username="app")
            host, port = db.endpoint.split(":")
            assert host == "127.0.0.1" and int(port) == db.port and db.state == "running"
            assert db.password and db.username == "app"
            socket.create_connection((host, db.port), timeout=5).close()
            if shutil.which("psql"):
                query = subprocess.run(
                    ["psql", "-h", host, "-p", port, "-U", "app", "-d", "appdb", "-tAc",
                     "select current_database()"],
                    env={"PGPASSWORD": db.password, "PATH": "/usr/bin:/bin"},
                    capture_output=True, text=True, timeout=30,
                )  # fmt: skip
                assert query.stdout.strip() == "appdb", query.stderr
            assert "password" in [
                a.name
                for k in conn.provider.GetSchema(provider_pb2.GetSchemaRequest()).kinds
                if k.kind == pb.RESOURCE_KIND_DATABASE
                for a in k.attributes
                if a.sensitive
            ]
            data_dir = Path(db.provider_data["data_dir"])
            assert (root / "databases" / db.id / "pg" / "data").resolve() == data_dir.resolve()
            postgres.stop(data_dir)
            assert conn.database.GetDatabase(pb.GetRequest(id=db.id)).state == "stopped"
            conn.database.DeleteDatabase(pb.DeleteRequest(id=db.id))
            assert not data_dir.exists() and leftovers(root) == []
    finally:
        for data in root.glob("databases/*/pg/data"):
            postgres.stop(data)
