"""Database: Cloud SQL instances (PostgreSQL, MySQL) through the Cloud SQL Admin API; engine
mongodb is Firestore with MongoDB compatibility (firestore.py), told apart by its id.

A database's id is its instance name. Size -> tier comes from `tables` (db-custom-*);
multi_az -> availability REGIONAL (a standby in another zone); backup window "HH:MM-HH:MM"
-> backup start time, retention days -> retained daily backups. The endpoint is the
instance's primary IP address (what clients set as DB_HOST), the port the engine's.

Creating makes the instance, then the user Genesys hands out with a generated password
(`postgres` / `root`, or `username`); the password is known at create only (Cloud SQL never
returns it), kept in the resource's private bytes so reads keep reporting it.
"""

from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_each, read_one
from genesys_plugin_sdk.tags import TOKEN_LABEL, label_token

from genesys_provider_gcp import tables
from genesys_provider_gcp.clients import GcpClients
from genesys_provider_gcp.common import (
    filtered,
    labels_for,
    private_json,
    read_private,
    struct,
    tags_of,
)
from genesys_provider_gcp.errors import TABLE, TRANSLATOR, is_not_found
from genesys_provider_gcp.firestore import FirestoreDatabases, is_firestore_id

ENGINES = {pb.DATABASE_ENGINE_POSTGRES: "postgres", pb.DATABASE_ENGINE_MYSQL: "mysql"}
DEFAULT_USERS = {"postgres": "postgres", "mysql": "root"}
STATES = {"RUNNABLE": "available", "PENDING_CREATE": "creating", "MAINTENANCE": "modifying"}


def engine_and_version(database_version: str) -> tuple[Any, str]:
    for engine, versions in tables.DATABASE_VERSIONS.items():
        for version, name in versions.items():
            if name == database_version:
                enum = next(k for k, v in ENGINES.items() if v == engine)
                return enum, version
    return pb.DATABASE_ENGINE_UNSPECIFIED, database_version


def database_version(config: pb.DatabaseConfig) -> str:
    engine = ENGINES.get(config.engine)
    if engine is None:
        raise errors.InvalidArgument(
            "Cloud SQL runs postgres and mysql only", attribute_path="config.engine"
        )
    version = config.version or tables.DEFAULT_DATABASE_VERSION[engine]
    known = tables.DATABASE_VERSIONS[engine]
    if version not in known:
        raise errors.InvalidArgument(
            f"{engine} {version} is not offered by Cloud SQL; one of {', '.join(known)}",
            attribute_path="config.version",
        )
    return known[version]


def database_from(raw: Any, private: bytes = b"") -> pb.Database:
    kept = read_private(private)
    engine, version = engine_and_version(_enum_name(raw.database_version))
    settings = raw.settings
    backup = settings.backup_configuration
    address = next(
        (ip.ip_address for ip in raw.ip_addresses if _enum_name(ip.type_) == "PRIMARY"), ""
    )
    start = backup.start_time
    window = f"{start}-{_plus_hour(start)}" if start else ""
    retention = backup.backup_retention_settings.retained_backups or 0
    return pb.Database(
        id=raw.name,
        name=raw.name,
        engine=engine,
        version=version,
        size=tables.size_of_tier(settings.tier),
        provider_class=settings.tier,
        storage_gb=int(settings.data_disk_size_gb or 0),
        multi_az=_enum_name(settings.availability_type) == "REGIONAL",
        backup=pb.BackupConfig(retention_days=retention if backup.enabled else 0, window=window),
        endpoint=address,
        port=tables.DATABASE_PORTS.get(ENGINES.get(engine, ""), 0),
        username=str(kept.get("username", "")),
        password=str(kept.get("password", "")),
        state=STATES.get(_enum_name(raw.state), _enum_name(raw.state).lower()),
        tags=tags_of(dict(settings.user_labels), kept.get("tags") or {}),
        provider_data=struct(
            {
                "connection_name": raw.connection_name,
                "self_link": raw.self_link,
                "zone": raw.gce_zone,
            }
        ),
        private=private,
    )


def _enum_name(value: Any) -> str:
    return str(getattr(value, "name", value) or "")


def _plus_hour(start: str) -> str:
    hours, _, minutes = start.partition(":")
    return f"{(int(hours) + 1) % 24:02d}:{minutes or '00'}"


class Databases(KindHandler):
    field = "database"

    def __init__(self, clients: GcpClients) -> None:
        self.clients = clients
        self.mongodb = FirestoreDatabases(clients)

    @property
    def api(self) -> Any:
        return self.clients.sql("SqlInstancesServiceClient")

    def _read(self, name: str, private: bytes) -> pb.Database | None:
        try:
            raw = self.api.get(request={"project": self.clients.project, "instance": name})
        except Exception as exc:
            if is_not_found(exc):
                return None
            raise
        return database_from(raw, private)

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        firestore = [i for i in ids if is_firestore_id(i)]
        found = self.mongodb.read_many(firestore, privates) if firestore else {}
        sql = [i for i in ids if not is_firestore_id(i)]
        return {**found, **(self._read_sql(sql, privates) if sql else {})}

    def _read_sql(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        if len(ids) <= 2:
            return read_each(
                self.clients.pool, ids, lambda i: self._read(i, privates.get(i, b"")), TRANSLATOR
            )
        # Many: one list call (Cloud SQL lists every instance of the project in a page or two).
        wanted = set(ids)
        found: dict[str, Any] = {}
        for raw in self._list_raw():
            if raw.name in wanted:
                found[raw.name] = database_from(raw, privates.get(raw.name, b""))
        return found

    def _list_raw(self) -> Iterator[Any]:
        token = ""
        while True:
            page = self.api.list(request={"project": self.clients.project, "page_token": token})
            yield from page.items
            token = page.next_page_token
            if not token:
                return

    def find_by_token(self, token: str) -> str | None:
        wanted = label_token(token)
        for raw in self._list_raw():
            if raw.settings.user_labels.get(TOKEN_LABEL) == wanted:
                return str(raw.name)
        return None

    def wait(self, operation: Any) -> None:
        operations = self.clients.sql("SqlOperationsServiceClient")
        deadline = time.monotonic() + self.clients.settings.wait_timeout
        delay = 0.02
        while _enum_name(operation.status) != "DONE":
            if time.monotonic() > deadline:
                raise errors.Unavailable(
                    f"timed out waiting for Cloud SQL operation {operation.name}"
                )
            time.sleep(delay)
            delay = min(delay * 2, max(self.clients.settings.poll_interval, 0.02))
            operation = operations.get(
                request={"project": self.clients.project, "operation": operation.name}
            )
        if operation.error.errors:
            from genesys_plugin_sdk.cloud_errors import CloudError

            first = operation.error.errors[0]
            raise TABLE.classify(
                CloudError(code=first.code, message=first.message, http_status=400)
            )

    def _settings(self, config: pb.DatabaseConfig, token: str) -> dict[str, Any]:
        backup: dict[str, Any] = {"enabled": config.backup.retention_days > 0}
        if config.backup.retention_days:
            backup["backup_retention_settings"] = {
                "retained_backups": config.backup.retention_days,
                "retention_unit": "COUNT",
            }
        if config.backup.window:
            backup["start_time"] = config.backup.window.split("-")[0]
        return {
            "tier": tables.database_tier_for(config.size),
            "data_disk_size_gb": config.storage_gb or tables.DEFAULT_STORAGE_GB,
            "availability_type": "REGIONAL" if config.multi_az else "ZONAL",
            "backup_configuration": backup,
            "user_labels": labels_for(config.tags, token),
        }

    def create(self, config: pb.DatabaseConfig, token: str) -> pb.Database:
        if config.engine == pb.DATABASE_ENGINE_MONGODB:
            return self.mongodb.create(config)
        engine = ENGINES.get(config.engine, "")
        username = config.username or DEFAULT_USERS.get(engine, "admin")
        existing = self.find_by_token(token) if token else None
        password = secrets.token_urlsafe(24)
        if existing is None:
            body = {
                "name": config.name,
                "database_version": database_version(config),
                "region": self.clients.region,
                "settings": self._settings(config, token),
            }
            self.wait(self.api.insert(request={"project": self.clients.project, "body": body}))
            existing = config.name
        self._set_user(existing, username, password)
        private = private_json(
            {"tags": dict(config.tags), "username": username, "password": password}
        )
        return read_one(self, existing, private)  # type: ignore[no-any-return]

    def _set_user(self, instance: str, username: str, password: str) -> None:
        users = self.clients.sql("SqlUsersServiceClient")
        where = {"project": self.clients.project, "instance": instance}
        listed = {u.name for u in users.list(request=where).items}
        body = {"name": username, "password": password}
        if username in listed:
            self.wait(users.update(request={**where, "name": username, "body": body}))
        else:
            self.wait(users.insert(request={**where, "body": body}))

    def update(self, request: Any) -> pb.Database:
        if is_firestore_id(request.id):
            return self.mongodb.update(request)
        raw = self.api.get(request={"project": self.clients.project, "instance": request.id})
        token = raw.settings.user_labels.get(TOKEN_LABEL, "")
        settings = self._settings(request.config, "")
        settings["user_labels"] = {
            **settings["user_labels"],
            **({TOKEN_LABEL: token} if token else {}),
        }
        body = {"settings": settings}
        self.wait(
            self.api.patch(
                request={"project": self.clients.project, "instance": request.id, "body": body}
            )
        )
        private = private_json({**read_private(request.private), "tags": dict(request.config.tags)})
        return read_one(self, request.id, private)  # type: ignore[no-any-return]

    def delete(self, resource_id: str) -> None:
        if is_firestore_id(resource_id):
            return self.mongodb.delete(resource_id)
        self.wait(
            self.api.delete(request={"project": self.clients.project, "instance": resource_id})
        )

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Database]:
        every = itertools.chain(map(database_from, self._list_raw()), self.mongodb.list())
        return filtered(every, filters)
