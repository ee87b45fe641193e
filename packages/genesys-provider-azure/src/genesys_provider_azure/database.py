"""Databases: PostgreSQL and MySQL flexible servers; mongodb is Cosmos DB (cosmos.py).

Size -> SKU and tier (tables.DATABASE_SKUS); multi_az -> zone-redundant high availability;
backup.retention_days -> backupRetentionDays. PostgreSQL storage comes in fixed sizes, so a
request is rounded up (the plan says so) and the size asked is kept in the private bytes, as
are the administrator password (Azure never reads it back) and the backup window (Azure
schedules flexible-server backups itself). The endpoint is the server's FQDN.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors

from genesys_provider_azure import tables
from genesys_provider_azure.clients import AzureClients
from genesys_provider_azure.common import (
    AzureKind,
    apply_filters,
    arm_ids,
    as_private,
    by_id,
    delete_or_not_found,
    group_of,
    listed,
    name_of,
    pick,
    private_json,
    sdk_models,
    system_tags,
    tags_with_token,
    token_of,
    user_tags,
)
from genesys_provider_azure.cosmos import ACCOUNT_TYPE, CosmosMongo

ENGINE_OF_TYPE = {
    "microsoft.dbforpostgresql/flexibleservers": "postgres",
    "microsoft.dbformysql/flexibleservers": "mysql",
}
SIZE_OF: dict[str, Any] = {sku: size for size, (sku, _) in tables.DATABASE_SKUS.items()}
STATES = {
    "Ready": "available",
    "Starting": "starting",
    "Stopped": "stopped",
    "Updating": "modifying",
    "Provisioning": "creating",
    "Dropping": "deleting",
}


def storage_for(engine: str, requested: int) -> int:
    if engine == "postgres":
        return tables.postgres_storage_for(requested)
    low, _ = tables.MYSQL_STORAGE_GB
    return max(requested or tables.DEFAULT_STORAGE_GB, low)


def _fields(engine: str, config: Any, password: str | None) -> dict[str, Any]:
    """What both engines' Server models take, in the SDK's attribute names."""
    sku, tier = tables.database_sku_for(config.size or pb.SIZE_SMALL)
    backup_days = config.backup.retention_days or 7
    fields: dict[str, Any] = {
        "version": config.version or tables.DATABASE_DEFAULT_VERSION[engine],
        "storage": {"storage_size_gb": storage_for(engine, config.storage_gb)},
        "backup": {"backup_retention_days": backup_days, "geo_redundant_backup": "Disabled"},
        "high_availability": {"mode": "ZoneRedundant" if config.multi_az else "Disabled"},
        "sku": (sku, tier),
    }
    if password is not None:
        fields["administrator_login"] = config.username or tables.DEFAULT_DATABASE_USER
        fields["administrator_login_password"] = password
    return fields


class Databases(AzureKind):
    field = "database"

    def __init__(self, clients: AzureClients) -> None:
        super().__init__(clients)
        self.mongo = CosmosMongo(clients)

    def _server_api(self, engine: str) -> Any:
        return self.clients.client("postgres" if engine == "postgres" else "mysql")

    def _engine(self, config: Any) -> str:
        engine = tables.DATABASE_ENGINES.get(config.engine)
        if engine is None:
            raise errors.InvalidArgument(
                "Azure runs postgres and mysql (flexible servers) and mongodb (Cosmos DB)",
                attribute_path="config.engine",
            )
        return engine

    def create(self, config: pb.DatabaseConfig, token: str) -> pb.Database:
        engine = self._engine(config)
        if engine == "mongodb":
            return self.mongo.create(config, token)
        api, group = self._server_api(engine), self.clients.group
        existing = self.taken(
            lambda: api.servers.get(group, config.name), token, f"{engine} flexible server"
        )
        if existing is not None:
            return self._convert(existing, b"")
        password = secrets.token_urlsafe(18) + "Aa1!"
        body = _model(
            engine,
            self.clients.location,
            _fields(engine, config, password),
            tags_with_token(config.tags, token),
        )
        begin = (
            api.servers.begin_create_or_update if engine == "postgres" else api.servers.begin_create
        )
        server = begin(group, config.name, body).result()
        private = as_private(
            {
                "password": password,
                "storage_gb": config.storage_gb,
                "window": config.backup.window,
                "username": config.username or tables.DEFAULT_DATABASE_USER,
            }
        )
        return self._convert(server, private)

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        ids = arm_ids(ids)
        cosmos = [i for i in ids if _type_of(i) == ACCOUNT_TYPE]
        found: dict[str, Any] = self.mongo.read_many(cosmos, privates) if cosmos else {}
        ids = [i for i in ids if _type_of(i) != ACCOUNT_TYPE]
        servers: dict[str, Any] = {}
        for engine in {ENGINE_OF_TYPE.get(_type_of(i), "postgres") for i in ids}:
            for group in {group_of(i) for i in ids}:
                api = self._server_api(engine)
                servers.update(by_id(listed(api.servers.list_by_resource_group, group)))
        found.update(pick(ids, servers, lambda s, rid: self._convert(s, privates.get(rid, b""))))
        return found

    def find_by_token(self, token: str) -> str | None:
        for engine in ("postgres", "mysql"):
            for server in self._server_api(engine).servers.list_by_resource_group(
                self.clients.group
            ):
                if token_of(server.tags) == token:
                    return str(server.id)
        for account in self.mongo.accounts(self.clients.group):
            if token_of(account.tags) == token:
                return str(account.id)
        return None

    def update(self, request: Any) -> pb.Database:
        config = request.config
        engine = self._engine(config)
        if engine == "mongodb":
            return self.mongo.update(request)
        api = self._server_api(engine)
        group, name = group_of(request.id), name_of(request.id)
        current = api.servers.get(group, name)
        body = _model(
            engine,
            current.location,
            _fields(engine, config, None),
            {**system_tags(current.tags), **dict(config.tags)},
        )
        begin = (
            api.servers.begin_create_or_update if engine == "postgres" else api.servers.begin_create
        )
        server = begin(group, name, body).result()
        kept = private_json(request.private)
        kept.update({"storage_gb": config.storage_gb, "window": config.backup.window})
        return self._convert(server, as_private(kept))

    def delete(self, resource_id: str) -> None:
        if _type_of(resource_id) == ACCOUNT_TYPE:
            return self.mongo.delete(resource_id)
        engine = ENGINE_OF_TYPE.get(_type_of(resource_id), "postgres")
        delete_or_not_found(
            lambda: self._server_api(engine).servers.begin_delete(
                group_of(resource_id), name_of(resource_id)
            ),
            "flexible server",
            resource_id,
        )

    @apply_filters
    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Database]:
        servers = [
            self._convert(s, b"")
            for engine in ("postgres", "mysql")
            for s in self._server_api(engine).servers.list_by_resource_group(self.clients.group)
        ]
        mongo = self.mongo
        accounts = mongo.accounts(self.clients.group)
        return servers + [mongo.convert(a, mongo.database_of(a), b"") for a in accounts]

    def _convert(self, server: Any, private: bytes) -> pb.Database:
        engine = ENGINE_OF_TYPE.get(str(server.type).lower(), "postgres")
        props = server.properties if engine == "postgres" else server
        kept = private_json(private)
        storage = int(props.storage.storage_size_gb or 0) if props.storage else 0
        asked = int(kept.get("storage_gb") or 0)
        if asked and storage_for(engine, asked) == storage:
            storage = asked  # rounded up by Genesys, not changed by anyone
        mode = props.high_availability.mode if props.high_availability else "Disabled"
        sku = server.sku.name if server.sku else ""
        return pb.Database(
            id=server.id,
            name=server.name,
            engine=pb.DATABASE_ENGINE_POSTGRES
            if engine == "postgres"
            else pb.DATABASE_ENGINE_MYSQL,
            version=str(props.version or ""),
            size=SIZE_OF.get(sku, pb.SIZE_UNSPECIFIED),
            provider_class=sku,
            storage_gb=storage,
            multi_az=str(mode) != "Disabled",
            backup=pb.BackupConfig(
                retention_days=int(props.backup.backup_retention_days or 0) if props.backup else 0,
                window=kept.get("window", ""),
            ),
            endpoint=props.fully_qualified_domain_name or "",
            port=tables.DATABASE_PORTS[engine],
            username=props.administrator_login or kept.get("username", ""),
            password=kept.get("password", ""),
            state=STATES.get(str(props.state or ""), str(props.state or "").lower()),
            tags=user_tags(server.tags),
            private=private,
        )


def _type_of(resource_id: str) -> str:
    parts = resource_id.split("/")
    lowered = [p.lower() for p in parts]
    if "providers" not in lowered:
        return ""
    index = lowered.index("providers")
    return "/".join(lowered[index + 1 : index + 3])


def _model(engine: str, location: str, fields: dict[str, Any], tags: dict[str, str]) -> Any:
    sku, tier = fields.pop("sku")
    if engine == "postgres":
        pm = sdk_models("postgresqlflexibleservers")
        properties = pm.ServerProperties(
            version=fields.pop("version"),
            storage=pm.Storage(**fields.pop("storage")),
            backup=pm.Backup(**fields.pop("backup")),
            high_availability=pm.HighAvailability(**fields.pop("high_availability")),
            **fields,
        )
        return pm.Server(
            location=location, sku=pm.Sku(name=sku, tier=tier), tags=tags, properties=properties
        )
    mm = sdk_models("mysqlflexibleservers")
    return mm.Server(
        location=location,
        sku=mm.MySQLServerSku(name=sku, tier=tier),
        tags=tags,
        version=fields.pop("version"),
        storage=mm.Storage(**fields.pop("storage")),
        backup=mm.Backup(**fields.pop("backup")),
        high_availability=mm.HighAvailability(**fields.pop("high_availability")),
        **fields,
    )
