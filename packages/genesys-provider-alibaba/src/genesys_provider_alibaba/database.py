"""Database: RDS instances (PostgreSQL, MySQL) with their backup policy and an account;
engine mongodb goes to ApsaraDB for MongoDB (`mongodb.py`), `Databases` choosing by engine
on create and by id (`dds-…`) afterwards.

An RDS instance has no name: the config's name is its description (DBInstanceDescription).
The endpoint is the connection string RDS gives (`pgm-….pg.rds.aliyuncs.com`), the port
separate. With subnet_ids the instance is placed in the first one's vSwitch (its VPC and
zone); the VPC's CIDR is allowed to connect. The account password is generated once and
kept in the resource's private bytes (the API never returns it). Creating passes through
`Creating`, a class change through `DBInstanceClassChanging`: a shared waiter polls
DescribeDBInstances for every instance being waited for.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_in_chunks, read_one
from genesys_plugin_sdk.tags import TOKEN_TAG
from genesys_plugin_sdk.waiters import Waiter

from genesys_provider_alibaba import tables
from genesys_provider_alibaba.clients import AlibabaClients
from genesys_provider_alibaba.common import (
    listed,
    polled,
    private_json,
    read_private,
    retag,
    struct,
    tag_params,
    tags_of,
    token_value,
    visible_tags,
)
from genesys_provider_alibaba.mongodb import MongoDatabases, is_mongodb_id

DEFAULT_USER = "genesys"
ENGINE_OF = {"PostgreSQL": pb.DATABASE_ENGINE_POSTGRES, "MySQL": pb.DATABASE_ENGINE_MYSQL}
ALL_DAYS = "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday"


def _password() -> str:
    """24 URL-safe characters plus the classes RDS's password rule asks for."""
    return secrets.token_urlsafe(18)[:24] + "A1!"


def window_to_rds(window: str) -> str:
    """ "03:00-04:00" -> "03:00Z-04:00Z" (RDS's words, whole hours)."""
    start, _, end = window.partition("-")
    return f"{start}Z-{end}Z"


def window_from_rds(window: str) -> str:
    return window.replace("Z", "")


class RdsDatabases(KindHandler):
    field = "database"

    def __init__(self, clients: AlibabaClients) -> None:
        self.clients = clients
        self.waiter: Waiter[str] = Waiter(
            self._statuses, what="database", timing=clients.timing, max_batch=30
        )

    def describe(self, **params: Any) -> Iterator[dict[str, Any]]:
        yield from self.clients.pages(
            "rds", "DescribeDBInstances", ("Items", "DBInstance"), PageSize=100, **params
        )

    def _by_ids(self, ids: list[str]) -> Iterable[dict[str, Any]]:
        return self.describe(DBInstanceId=",".join(ids))

    def _statuses(self, ids: list[str]) -> dict[str, str]:
        return polled(
            lambda: {raw["DBInstanceId"]: str(raw["DBInstanceStatus"]) for raw in self._by_ids(ids)}
        )

    def _from(self, raw: Mapping[str, Any], private: bytes) -> pb.Database:
        """The instance with its attribute detail and backup policy (two more reads)."""
        db_id = raw["DBInstanceId"]
        detail = self.clients.rpc("rds", "DescribeDBInstanceAttribute", DBInstanceId=db_id)
        item = detail["Items"]["DBInstanceAttribute"][0]
        backup = self.clients.rpc("rds", "DescribeBackupPolicy", DBInstanceId=db_id)
        kept = read_private(private)
        engine = item.get("Engine", "")
        return pb.Database(
            id=db_id,
            name=item.get("DBInstanceDescription", ""),
            engine=ENGINE_OF.get(engine, pb.DATABASE_ENGINE_UNSPECIFIED),
            version=tables.config_version(engine, item.get("EngineVersion", "")),
            size=tables.size_of_database_class(item.get("DBInstanceClass", "")),
            provider_class=item.get("DBInstanceClass", ""),
            storage_gb=int(item.get("DBInstanceStorage") or 0),
            multi_az=item.get("Category") == "HighAvailability",
            backup=pb.BackupConfig(
                retention_days=int(backup.get("BackupRetentionPeriod") or 0),
                window=window_from_rds(str(backup.get("PreferredBackupTime", ""))),
            ),
            endpoint=item.get("ConnectionString", ""),
            port=int(item.get("Port") or 0),
            username=str(kept.get("username", "")),
            password=str(kept.get("password", "")),
            state=str(item.get("DBInstanceStatus", "")).lower(),
            subnet_ids=[item["VSwitchId"]] if item.get("VSwitchId") else [],
            tags=visible_tags(tags_of(raw.get("Tags"))),
            provider_data=struct(
                {
                    "category": item.get("Category"),
                    "zone": item.get("ZoneId"),
                    "vpc_id": item.get("VpcId"),
                }
            ),
            private=private_json(kept) if kept else b"",
        )

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        raws = read_in_chunks(ids, self._by_ids, 30, id_of=lambda raw: str(raw["DBInstanceId"]))
        found: dict[str, Any] = {}
        for raw, outcome in self.clients.pool.fan_out(
            lambda r: self._from(r, privates.get(r["DBInstanceId"], b"")), list(raws.values())
        ):
            found[str(raw["DBInstanceId"])] = outcome
        return found

    def find_by_token(self, token: str) -> str | None:
        for raw in self.describe(Tags=json.dumps({TOKEN_TAG: token_value(token)})):
            return str(raw["DBInstanceId"])
        return None

    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Database]:
        every = (self._from(raw, b"") for raw in self.describe())
        return listed(
            every, filters, {"name": lambda d: d.name, "engine_version": lambda d: d.version}
        )

    # ------------------------------------------------------------ writing

    def _placement(self, config: pb.DatabaseConfig) -> dict[str, Any]:
        if not config.subnet_ids:
            return {"SecurityIPList": "127.0.0.1", "InstanceNetworkType": "Classic"}
        switches = self.clients.rpc("vpc", "DescribeVSwitches", VSwitchId=config.subnet_ids[0])[
            "VSwitches"
        ]["VSwitch"]
        if not switches:
            raise errors.InvalidArgument(
                f"vSwitch {config.subnet_ids[0]} not found", attribute_path="config.subnet_ids"
            )
        vswitch = switches[0]
        vpcs = self.clients.rpc("vpc", "DescribeVpcs", VpcId=vswitch["VpcId"])["Vpcs"]["Vpc"]
        cidr = vpcs[0]["CidrBlock"] if vpcs else vswitch["CidrBlock"]
        return {
            "VPCId": vswitch["VpcId"],
            "VSwitchId": vswitch["VSwitchId"],
            "ZoneId": vswitch["ZoneId"],
            "InstanceNetworkType": "VPC",
            "SecurityIPList": cidr,
        }

    def create(self, config: pb.DatabaseConfig, token: str) -> pb.Database:
        engine = tables.ENGINES.get(config.engine)
        if engine is None:
            raise errors.InvalidArgument(
                "RDS serves postgres and mysql", attribute_path="config.engine"
            )
        existing = (self.find_by_token(token) if token else None) or self._make(
            config, engine, token
        )
        self.waiter.wait_for(existing, ready={"Running"})
        self._backup(existing, config.backup)
        kept = {"username": config.username or DEFAULT_USER, "password": _password()}
        self._account(existing, kept["username"], kept["password"])
        return read_one(self, existing, private_json(kept))

    def _make(self, config: pb.DatabaseConfig, engine: str, token: str) -> str:
        """CreateDBInstance (ClientToken: a retried call returns the same instance), tagged."""
        answer = self.clients.rpc(
            "rds",
            "CreateDBInstance",
            Engine=engine,
            EngineVersion=tables.engine_version(engine, config.version),
            DBInstanceClass=tables.database_class_for(engine, config.size),
            DBInstanceStorage=config.storage_gb or tables.DEFAULT_STORAGE_GB,
            DBInstanceStorageType="cloud_essd",
            DBInstanceNetType="Intranet",
            PayType="Postpaid",
            Category="HighAvailability" if config.multi_az else "Basic",
            DBInstanceDescription=config.name or None,
            ClientToken=token_value(token) if token else None,
            **self._placement(config),
        )
        db_id = str(answer["DBInstanceId"])
        tags = tag_params(dict(config.tags), token)
        self.clients.rpc(
            "rds", "TagResources", ResourceType="INSTANCE", **{"ResourceId.1": db_id}, **tags
        )
        return db_id

    def _account(self, db_id: str, username: str, password: str) -> None:
        """The account with this password: made, or its password reset (a retried create)."""
        accounts = self.clients.rpc(
            "rds", "DescribeAccounts", DBInstanceId=db_id, AccountName=username
        )
        if accounts["Accounts"]["DBInstanceAccount"]:
            self.clients.rpc(
                "rds",
                "ResetAccountPassword",
                DBInstanceId=db_id,
                AccountName=username,
                AccountPassword=password,
            )
            return
        self.clients.rpc(
            "rds",
            "CreateAccount",
            DBInstanceId=db_id,
            AccountName=username,
            AccountPassword=password,
            AccountType="Super",
        )

    def _backup(self, db_id: str, backup: pb.BackupConfig) -> None:
        if not backup.retention_days and not backup.window:
            return
        self.clients.rpc(
            "rds",
            "ModifyBackupPolicy",
            DBInstanceId=db_id,
            BackupRetentionPeriod=backup.retention_days or None,
            PreferredBackupTime=window_to_rds(backup.window) if backup.window else None,
            PreferredBackupPeriod=ALL_DAYS,
        )

    def update(self, request: Any) -> pb.Database:
        db_id, config = request.id, request.config
        current = read_one(self, db_id, request.private)
        engine = tables.ENGINES.get(config.engine, "PostgreSQL")
        wanted_class = tables.database_class_for(engine, config.size)
        storage = config.storage_gb or current.storage_gb
        if wanted_class != current.provider_class or storage != current.storage_gb:
            self.clients.rpc(
                "rds",
                "ModifyDBInstanceSpec",
                DBInstanceId=db_id,
                DBInstanceClass=wanted_class,
                DBInstanceStorage=storage,
                PayType="Postpaid",
            )
            self.waiter.wait_for(db_id, ready={"Running"})
        if config.backup != current.backup:
            self._backup(db_id, config.backup)
        if config.name and config.name != current.name:
            self.clients.rpc(
                "rds",
                "ModifyDBInstanceDescription",
                DBInstanceId=db_id,
                DBInstanceDescription=config.name,
            )
        retag(self.clients, "rds", "INSTANCE", db_id, dict(current.tags), dict(config.tags))
        return read_one(self, db_id, request.private)

    def delete(self, resource_id: str) -> None:
        if read_one(self, resource_id).state != "running":
            self.waiter.wait_for(resource_id, ready={"Running"})  # RDS refuses mid-change
        self.clients.rpc("rds", "DeleteDBInstance", DBInstanceId=resource_id)
        self.waiter.wait_gone(resource_id)


class Databases(KindHandler):
    """The database kind: RDS for postgres/mysql, DDS for mongodb."""

    field = "database"

    def __init__(self, clients: AlibabaClients) -> None:
        self.rds = RdsDatabases(clients)
        self.mongo = MongoDatabases(clients)

    def _for(self, resource_id: str) -> Any:
        return self.mongo if is_mongodb_id(resource_id) else self.rds

    def create(self, config: pb.DatabaseConfig, token: str) -> pb.Database:
        if config.engine == pb.DATABASE_ENGINE_MONGODB:
            return self.mongo.create(config, token)
        return self.rds.create(config, token)

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        mongo = [i for i in ids if is_mongodb_id(i)]
        rds = [i for i in ids if not is_mongodb_id(i)]
        found = self.rds.read_many(rds, privates) if rds else {}
        if mongo:
            found.update(self.mongo.read_many(mongo, privates))
        return found

    def find_by_token(self, token: str) -> str | None:
        return self.rds.find_by_token(token) or self.mongo.find_by_token(token)

    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Database]:
        yield from self.rds.list(filters)
        yield from self.mongo.list(filters)

    def update(self, request: Any) -> pb.Database:
        return self._for(request.id).update(request)  # type: ignore[no-any-return]

    def delete(self, resource_id: str) -> None:
        self._for(resource_id).delete(resource_id)


def kinds(clients: AlibabaClients) -> list[KindHandler]:
    return [Databases(clients)]
