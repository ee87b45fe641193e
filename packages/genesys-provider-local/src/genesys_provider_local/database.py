"""DatabaseService: sqlite files and real PostgreSQL clusters under <root>/databases/<id>/.

- sqlite: <dir>/<name>.sqlite3, a valid (empty) database file; endpoint sqlite:///<path>;
  state "available" while the file exists.
- postgres: a cluster of its own on a free 127.0.0.1 port (postgres.py); endpoint
  "127.0.0.1:<port>", username as asked (default "postgres"), a generated password; state
  "running" or "stopped" as the postmaster is alive or not. The password is in the create
  response only (the core keeps it in its state); the registry never holds it, and reads
  leave it out. It is kept sealed (sealed.py) for a create retried with the same token.
- mysql, mongodb: not offered (UNIMPLEMENTED; ValidateResources says so up front).
Sizes, storage, multi-AZ and backups are recorded labels.
"""

from __future__ import annotations

import secrets
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors

from genesys_provider_local import postgres, sealed, tables
from genesys_provider_local.fs import make_dir, remove_path
from genesys_provider_local.ops import KindOps, struct
from genesys_provider_local.registry import FAILED, Row

DEFAULT_USERNAME = "postgres"
PASSWORD_FILE = "password.sealed"
# Written into the sqlite header: marks files this provider made ("GNSY").
SQLITE_APPLICATION_ID = 0x474E5359


def _engine_word(engine: int) -> str:
    return pb.DatabaseEngine.Name(engine).removeprefix("DATABASE_ENGINE_").lower()


def _fact(database: pb.Database, key: str) -> str:
    value = database.provider_data.fields.get(key)
    return value.string_value if value is not None else ""


class DatabaseOps(KindOps[pb.Database]):
    kind = pb.RESOURCE_KIND_DATABASE

    def directory(self, rid: str) -> Path:
        return self.path("databases", rid)

    def check(self, config: Any, fields: set[str] | None = None) -> None:
        if config.engine in (pb.DATABASE_ENGINE_MYSQL, pb.DATABASE_ENGINE_MONGODB):
            raise errors.Unimplemented(
                f"the local provider does not offer {_engine_word(config.engine)}; "
                "use engine: postgres or engine: sqlite",
                attribute_path="config.engine",
            )
        if config.engine == pb.DATABASE_ENGINE_POSTGRES:
            problem = postgres.availability_problem(config.version)
            if problem is not None and problem[1]:
                raise errors.FailedPrecondition(problem[0], attribute_path="config.engine")
        super().check(config, fields)

    def create(self, config: Any, token: str) -> pb.Database:
        database = super().create(config, token)
        sealed_password = self.directory(database.id) / PASSWORD_FILE
        if database.engine == pb.DATABASE_ENGINE_POSTGRES and sealed_password.is_file():
            database.password = sealed.unseal(self.rt.root, sealed_password, database.id)
        return database

    def build(self, rid: str, config: pb.DatabaseConfig) -> tuple[pb.Database, dict[str, Any]]:
        directory = make_dir(self.directory(rid), 0o700)
        database = pb.Database(
            id=rid,
            name=config.name,
            engine=config.engine,
            version=(
                postgres.version_made(config.version)
                if config.engine == pb.DATABASE_ENGINE_POSTGRES
                else config.version
            ),
            size=config.size,
            provider_class=tables.DATABASE_CLASSES.get(config.size, "local.db.small"),
            storage_gb=config.storage_gb,
            multi_az=config.multi_az,
            backup=config.backup,
            subnet_ids=config.subnet_ids,
            tags=config.tags,
        )
        if config.engine == pb.DATABASE_ENGINE_SQLITE:
            self._build_sqlite(directory, database)
        else:
            self._build_postgres(directory, database, config.username or DEFAULT_USERNAME)
        return database, {}

    def _build_sqlite(self, directory: Path, database: pb.Database) -> None:
        path = directory / f"{database.name}.sqlite3"
        with closing(sqlite3.connect(str(path))) as conn:
            conn.execute(f"PRAGMA application_id = {SQLITE_APPLICATION_ID}")
            conn.commit()
        database.endpoint = f"sqlite:///{path}"
        database.state = "available"
        database.provider_data.CopyFrom(struct(path=str(path), engine="sqlite"))

    def _build_postgres(self, directory: Path, database: pb.Database, username: str) -> None:
        password = secrets.token_urlsafe(24)
        cluster = postgres.create(directory, database.name, username, password, database.version)
        sealed.seal(self.rt.root, directory / PASSWORD_FILE, password, database.id)
        database.endpoint = f"127.0.0.1:{cluster.port}"
        database.port = cluster.port
        database.username = username
        # Not set on the message: it is what the registry stores; create() adds it to the
        # response alone.
        database.state = "running"
        database.provider_data.CopyFrom(
            struct(
                data_dir=str(cluster.data_dir),
                socket_dir=str(cluster.socket_dir),
                log_file=str(cluster.log_file),
                server_version=cluster.server_version,
                restart=f"pg_ctl start -D {cluster.data_dir} -l {cluster.log_file}",
            )
        )

    def _data_dir(self, rid: str) -> Path:
        return self.directory(rid) / "pg" / "data"

    def destroy(self, rid: str, message: pb.Database | None) -> None:
        directory = self.directory(rid)
        home = directory / "pg"
        if (home / "data").is_dir():
            postgres.stop(home / "data")
        if home.is_symlink():  # the cluster lives outside the root (see postgres.cluster_home)
            remove_path(home.resolve(), home.resolve().parent)
        sockets = _fact(message, "socket_dir") if message is not None else ""
        if sockets and self.rt.root not in Path(sockets).parents:
            remove_path(Path(sockets), Path(sockets).parent)
        remove_path(directory, self.rt.root)

    def observe(self, row: Row) -> bytes | None:
        if row.status == FAILED:
            return row.body
        if not self.directory(row.id).is_dir():
            return None
        database = pb.Database.FromString(row.body)
        if database.password:
            self._seal_stored_password(row, database)
        if database.engine == pb.DATABASE_ENGINE_POSTGRES:
            running = postgres.is_running(self._data_dir(row.id))
            database.state = "running" if running else "stopped"
        elif not Path(_fact(database, "path")).is_file():
            return None
        return database.SerializeToString()

    def _seal_stored_password(self, row: Row, database: pb.Database) -> None:
        """A registry written by an older version kept the password in the row: seal it
        (for a create retried by token) and rewrite the row without it."""
        path = self.directory(row.id) / PASSWORD_FILE
        if not path.exists():
            sealed.seal(self.rt.root, path, database.password, row.id)
        database.password = ""
        body = database.SerializeToString()
        self.rt.registry.save(row.id, status=row.status, body=body, aux=row.aux, name=row.name)

    def on_update(
        self, rid: str, message: pb.Database, aux: dict[str, Any], config: Any, fields: set[str]
    ) -> dict[str, Any]:
        message.provider_class = tables.DATABASE_CLASSES.get(message.size, "local.db.small")
        return aux
