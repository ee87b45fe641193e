"""engine: mongodb as Azure Cosmos DB for MongoDB (RU): a Microsoft.DocumentDB account of kind
MongoDB, and in it one MongoDB database of the same name holding the size's shared throughput.

size -> manual RU/s (tables.MONGO_THROUGHPUT), changed in place through the database's
throughputSettings; version -> apiProperties.serverVersion (upgraded in place);
multi_az -> the region's isZoneRedundant (fixed once made: the plan replaces);
backup.retention_days -> the periodic policy's retention in hours. Cosmos provisions no
storage: storage_gb (what the plan prices as data stored) and backup.window are kept in the
private bytes. The account key is the password (sensitive); the endpoint, port and a
connection string without the key are the outputs, so no key reaches a plan or a log.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from google.protobuf import struct_pb2

from genesys_provider_azure import tables
from genesys_provider_azure.clients import AzureClients
from genesys_provider_azure.common import (
    absent,
    as_private,
    by_id,
    delete_or_not_found,
    group_of,
    listed,
    name_of,
    pick,
    private_json,
    refuse_foreign,
    system_tags,
    tags_with_token,
    user_tags,
)

ACCOUNT_TYPE = "microsoft.documentdb/databaseaccounts"
SIZE_OF_THROUGHPUT: dict[int, Any] = {ru: size for size, ru in tables.MONGO_THROUGHPUT.items()}
STATES = {
    "Creating": "creating",
    "Succeeded": "available",
    "Updating": "modifying",
    "Deleting": "deleting",
    "Failed": "failed",
}
_KEY_IN_URL = re.compile(r"^(mongodb://[^:/@]+):[^@]*@")


def account_body(config: Any, location: str, tags: Mapping[str, str]) -> dict[str, Any]:
    """The account's ARM JSON (the SDK takes it as is)."""
    days = config.backup.retention_days
    hours = days * 24 if days else tables.MONGO_BACKUP_DEFAULT_HOURS
    return {
        "location": location,
        "kind": "MongoDB",
        "tags": dict(tags),
        "properties": {
            "databaseAccountOfferType": "Standard",
            "locations": [
                {
                    "locationName": location,
                    "failoverPriority": 0,
                    "isZoneRedundant": config.multi_az,
                }
            ],
            "apiProperties": {"serverVersion": config.version or tables.MONGO_DEFAULT_VERSION},
            "backupPolicy": {
                "type": "Periodic",
                "periodicModeProperties": {
                    "backupIntervalInMinutes": tables.MONGO_BACKUP_INTERVAL_MINUTES,
                    "backupRetentionIntervalInHours": hours,
                },
            },
        },
    }


def without_key(connection_string: str) -> str:
    """`mongodb://NAME:KEY@HOST...` -> `mongodb://NAME@HOST...`: an output safe to show."""
    return _KEY_IN_URL.sub(r"\1@", connection_string)


class CosmosMongo:
    """The mongodb engine of the database kind (Databases hands it mongodb configs and ids)."""

    def __init__(self, clients: AzureClients) -> None:
        self.clients = clients

    def _api(self) -> Any:
        return self.clients.client("cosmos")

    def create(self, config: Any, token: str) -> pb.Database:
        api, group, name = self._api(), self.clients.group, config.name
        self.clients.ensure_group()
        existing = absent(lambda: api.database_accounts.get(group, name))
        if existing is not None:
            refuse_foreign(existing, token, "Cosmos DB account")
        body = account_body(config, self.clients.location, tags_with_token(config.tags, token))
        account = api.database_accounts.begin_create_or_update(group, name, body).result()
        database = self._database_with(account, tables.mongo_throughput_for(config.size))
        private = {
            **self._credentials(group, name),
            "storage_gb": config.storage_gb,
            "window": config.backup.window,
        }
        return self.convert(account, database, as_private(private))

    def _database_with(self, account: Any, throughput: int) -> Any:
        """The account's database holding `throughput`: made when missing (a create that
        stopped between the account and its database is finished by a retry or an update),
        its throughput changed in place when it differs."""
        api, group, name = self._api(), group_of(account.id), account.name
        database = self.database_of(account)
        if database is None:
            options = {"throughput": throughput}
            request = {"properties": {"resource": {"id": name}, "options": options}}
            return api.mongo_db_resources.begin_create_update_mongo_db_database(
                group, name, name, request
            ).result()
        if _throughput(database) != throughput:
            api.mongo_db_resources.begin_update_mongo_db_database_throughput(
                group, name, name, {"properties": {"resource": {"throughput": throughput}}}
            ).result()
            database = self.database_of(account)
        return database

    def _credentials(self, group: str, name: str) -> dict[str, str]:
        """The primary key (the password) and the primary connection string without it."""
        api = self._api()
        strings = api.database_accounts.list_connection_strings(group, name)
        primary = next(
            (s for s in strings.connection_strings or [] if s.key_kind == "Primary"), None
        )
        return {
            "password": api.database_accounts.list_keys(group, name).primary_master_key,
            "connection_string": without_key(primary.connection_string) if primary else "",
        }

    def accounts(self, group: str) -> list[Any]:
        every = listed(self._api().database_accounts.list_by_resource_group, group)
        return [a for a in every if a.kind == "MongoDB"]

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        """One list per resource group, then each found account's database (its throughput)."""
        found: dict[str, Any] = {}
        for group in {group_of(i) for i in ids}:
            found.update(by_id(self.accounts(group)))
        return pick(
            ids,
            found,
            lambda account, rid: self.convert(
                account, self.database_of(account), privates.get(rid, b"")
            ),
        )

    def database_of(self, account: Any) -> Any:
        group, name = group_of(account.id), account.name
        return absent(
            lambda: self._api().mongo_db_resources.get_mongo_db_database(group, name, name)
        )

    def update(self, request: Any) -> pb.Database:
        config, api = request.config, self._api()
        group, name = group_of(request.id), name_of(request.id)
        current = api.database_accounts.get(group, name)
        tags = {**system_tags(current.tags), **dict(config.tags)}
        account = api.database_accounts.begin_create_or_update(
            group, name, account_body(config, current.location, tags)
        ).result()
        database = self._database_with(account, tables.mongo_throughput_for(config.size))
        kept = private_json(request.private)
        if not kept.get("password"):  # adopted, or found by token after a crash
            kept.update(self._credentials(group, name))
        kept.update({"storage_gb": config.storage_gb, "window": config.backup.window})
        return self.convert(account, database, as_private(kept))

    def delete(self, resource_id: str) -> None:
        delete_or_not_found(
            lambda: self._api().database_accounts.begin_delete(
                group_of(resource_id), name_of(resource_id)
            ),
            "Cosmos DB account",
            resource_id,
        )

    def convert(self, account: Any, database: Any, private: bytes) -> pb.Database:
        props, kept = account.properties, private_json(private)
        throughput = _throughput(database) if database is not None else 0
        regions = props.locations or []
        hours = _retention_hours(props.backup_policy)
        data = struct_pb2.Struct()
        data.update({"connection_string": kept.get("connection_string", ""), "kind": "MongoDB"})
        return pb.Database(
            id=account.id,
            name=account.name,
            engine=pb.DATABASE_ENGINE_MONGODB,
            version=_text(props.api_properties.server_version if props.api_properties else ""),
            size=SIZE_OF_THROUGHPUT.get(throughput, pb.SIZE_UNSPECIFIED),
            provider_class=tables.mongo_class(throughput) if throughput else "",
            storage_gb=int(kept.get("storage_gb") or 0),
            multi_az=bool(regions and regions[0].is_zone_redundant),
            backup=pb.BackupConfig(
                retention_days=hours // 24 if hours >= 24 else 0, window=kept.get("window", "")
            ),
            endpoint=f"{account.name}.{tables.MONGO_HOST_SUFFIX}",
            port=tables.MONGO_PORT,
            username=account.name,  # Cosmos DB for MongoDB signs in as the account
            password=kept.get("password", ""),
            state=STATES.get(_text(props.provisioning_state), "unknown"),
            tags=user_tags(account.tags),
            provider_data=data,
            private=private,
        )


def _text(value: Any) -> str:
    """The SDK's enums (ServerVersion.SIX0) as Azure spells them ("6.0")."""
    return str(value.value if isinstance(value, Enum) else value or "")


def _throughput(database: Any) -> int:
    options = database.properties.options if database.properties else None
    return int(options.throughput or 0) if options else 0


def _retention_hours(policy: Any) -> int:
    periodic = getattr(policy, "periodic_mode_properties", None)
    return int(periodic.backup_retention_interval_in_hours or 0) if periodic else 0
