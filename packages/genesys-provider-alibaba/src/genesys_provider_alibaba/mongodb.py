"""Database, engine mongodb: ApsaraDB for MongoDB (DDS) replica-set instances.

A DDS instance has no name: the config's name is its description. Its account is `root`,
with the password given at CreateDBInstance (generated once, kept in the resource's private
bytes; the API never returns it). The endpoint is the primary node's domain, the port 3717;
provider_data.connection_string is the replica set's URI *without* the password
(`mongodb://root@<primary>:3717,<secondary>:3717/admin?replicaSet=mgset-…`). With
subnet_ids the instance goes in the first one's vSwitch; multi_az spreads the three nodes
over three zones (SecondaryZoneId / HiddenZoneId). Creating passes through `Creating`, a
resize through `DBInstanceClassChanging`, a delete through `Deleting`: a shared waiter
polls one filtered DescribeDBInstances listing for every instance being waited for.

DescribeDBInstances takes one DBInstanceId, so a batch read of many instances is the
region's listing (100 a page) kept to the ids asked for; one or two ids are read alone.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.reads import read_one
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

ROOT = "root"  # DDS's only account
ALL_DAYS = "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday"
ALONE = 2  # up to this many ids are read by id; more, by listing the region


def is_mongodb_id(resource_id: str) -> bool:
    return resource_id.startswith("dds-")


def _password() -> str:
    """24 letters/digits plus the classes DDS's root password rule asks for."""
    return "".join(c for c in secrets.token_urlsafe(24) if c.isalnum())[:24] + "Aa1!"


def connection_string(item: Mapping[str, Any]) -> str:
    """The replica set's URI without the password (the user adds it from `password`)."""
    nodes = (item.get("ReplicaSets") or {}).get("ReplicaSet", [])
    hosts = ",".join(f"{n['ConnectionDomain']}:{n['ConnectionPort']}" for n in nodes)
    if not hosts:
        return ""
    return f"mongodb://{ROOT}@{hosts}/admin?replicaSet={item.get('ReplicaSetName', '')}"


class MongoDatabases:
    """The database kind's verbs for engine mongodb (the `Databases` handler dispatches)."""

    label = "database"  # for read_one's messages

    def __init__(self, clients: AlibabaClients) -> None:
        self.clients = clients
        self.waiter: Waiter[str] = Waiter(
            self._statuses, what="database", timing=clients.timing, max_batch=100
        )

    def describe(self, **params: Any) -> Iterator[dict[str, Any]]:
        yield from self.clients.pages(
            "dds", "DescribeDBInstances", ("DBInstances", "DBInstance"), PageSize=100, **params
        )

    def _by_ids(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        wanted = set(ids)
        if len(wanted) <= ALONE:
            raws = [raw for i in sorted(wanted) for raw in self.describe(DBInstanceId=i)]
        else:
            raws = list(self.describe())
        return {str(r["DBInstanceId"]): r for r in raws if r["DBInstanceId"] in wanted}

    def _statuses(self, ids: list[str]) -> dict[str, str]:
        return polled(
            lambda: {i: str(raw["DBInstanceStatus"]) for i, raw in self._by_ids(ids).items()}
        )

    def _from(self, raw: Mapping[str, Any], private: bytes) -> pb.Database:
        """The instance with its attribute detail (nodes) and backup policy."""
        db_id = str(raw["DBInstanceId"])
        detail = self.clients.rpc("dds", "DescribeDBInstanceAttribute", DBInstanceId=db_id)
        item = detail["DBInstances"]["DBInstance"][0]
        backup = self.clients.rpc("dds", "DescribeBackupPolicy", DBInstanceId=db_id)
        kept = read_private(private)
        primary = (item.get("ReplicaSets") or {}).get("ReplicaSet", [{}])[0]
        return pb.Database(
            id=db_id,
            name=item.get("DBInstanceDescription", ""),
            engine=pb.DATABASE_ENGINE_MONGODB,
            version=str(item.get("EngineVersion", "")),
            size=tables.size_of_database_class(item.get("DBInstanceClass", "")),
            provider_class=item.get("DBInstanceClass", ""),
            storage_gb=int(item.get("DBInstanceStorage") or 0),
            multi_az=bool(item.get("SecondaryZoneId")),
            backup=pb.BackupConfig(
                retention_days=int(backup.get("BackupRetentionPeriod") or 0),
                window=str(backup.get("PreferredBackupTime", "")).replace("Z", ""),
            ),
            endpoint=primary.get("ConnectionDomain", ""),
            port=int(primary.get("ConnectionPort") or 0),
            username=ROOT,
            password=str(kept.get("password", "")),
            state=str(item.get("DBInstanceStatus", "")).lower(),
            subnet_ids=[item["VSwitchId"]] if item.get("VSwitchId") else [],
            tags=visible_tags(tags_of(raw.get("Tags"), "Key", "Value")),
            provider_data=struct(
                {
                    "service": "ApsaraDB for MongoDB",
                    "connection_string": connection_string(item),
                    "replica_set": item.get("ReplicaSetName"),
                    "zone": item.get("ZoneId"),
                    "vpc_id": item.get("VPCId"),
                }
            ),
            private=private_json(kept) if kept else b"",
        )

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        raws = self._by_ids(ids)
        found: dict[str, Any] = {}
        for raw, outcome in self.clients.pool.fan_out(
            lambda r: self._from(r, privates.get(r["DBInstanceId"], b"")), list(raws.values())
        ):
            found[str(raw["DBInstanceId"])] = outcome
        return found

    def find_by_token(self, token: str) -> str | None:
        for raw in self.describe(**tag_params({}, token)):
            return str(raw["DBInstanceId"])
        return None

    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Database]:
        every = (self._from(raw, b"") for raw in self.describe())
        return listed(
            every, filters, {"name": lambda d: d.name, "engine_version": lambda d: d.version}
        )

    # ------------------------------------------------------------ writing

    def _placement(self, config: pb.DatabaseConfig) -> dict[str, Any]:
        """VpcId/VSwitchId/ZoneId of the first subnet, and the other zones for multi_az."""
        if not config.subnet_ids:
            zone = self._zones()[0]
            # No network: the classic network, as for RDS (where a region still offers it).
            placed: dict[str, Any] = {
                "NetworkType": "Classic",
                "ZoneId": zone,
                "SecurityIPList": "127.0.0.1",
            }
        else:
            found = self.clients.rpc("vpc", "DescribeVSwitches", VSwitchId=config.subnet_ids[0])
            switches = found["VSwitches"]["VSwitch"]
            if not switches:
                raise errors.InvalidArgument(
                    f"vSwitch {config.subnet_ids[0]} not found", attribute_path="config.subnet_ids"
                )
            zone = switches[0]["ZoneId"]
            placed = {
                "NetworkType": "VPC",
                "VpcId": switches[0]["VpcId"],
                "VSwitchId": switches[0]["VSwitchId"],
                "ZoneId": zone,
                "SecurityIPList": switches[0]["CidrBlock"],
            }
        if config.multi_az:
            others = [z for z in self._zones() if z != zone]
            if len(others) < 2:
                raise errors.InvalidArgument(
                    f"multi_az needs three zones; {self.clients.region} has {len(others) + 1}",
                    attribute_path="config.multi_az",
                )
            placed.update(SecondaryZoneId=others[0], HiddenZoneId=others[1])
        return placed

    def _zones(self) -> tuple[str, ...]:
        zones = self.clients.rpc("vpc", "DescribeZones")["Zones"]["Zone"]
        return tuple(sorted(str(z["ZoneId"]) for z in zones))

    def create(self, config: pb.DatabaseConfig, token: str) -> pb.Database:
        kept = {"username": ROOT, "password": _password()}
        existing = self.find_by_token(token) if token else None
        if existing is None:
            existing = self._make(config, kept["password"], token)
        else:  # a retried create: the first attempt's password is unknown, so set ours
            self.waiter.wait_for(existing, ready={"Running"})
            self.clients.rpc(
                "dds",
                "ResetAccountPassword",
                DBInstanceId=existing,
                AccountName=ROOT,
                AccountPassword=kept["password"],
            )
        self.waiter.wait_for(existing, ready={"Running"})
        self._backup(existing, config.backup)
        return read_one(self, existing, private_json(kept))

    def _make(self, config: pb.DatabaseConfig, password: str, token: str) -> str:
        """CreateDBInstance, tagged at creation (the token tag too), ClientToken set."""
        answer = self.clients.rpc(
            "dds",
            "CreateDBInstance",
            Engine="MongoDB",
            EngineVersion=config.version or tables.DEFAULT_VERSIONS["MongoDB"],
            DBInstanceClass=tables.database_class_for("MongoDB", config.size),
            DBInstanceStorage=config.storage_gb or tables.DEFAULT_STORAGE_GB,
            ReplicationFactor="3",
            StorageEngine="WiredTiger",
            ChargeType="PostPaid",
            AccountPassword=password,
            DBInstanceDescription=config.name or None,
            ClientToken=token_value(token) if token else None,
            **self._placement(config),
            **tag_params(dict(config.tags), token),
        )
        return str(answer["DBInstanceId"])

    def _backup(self, db_id: str, backup: pb.BackupConfig) -> None:
        if not backup.retention_days and not backup.window:
            return
        start, _, end = backup.window.partition("-")
        self.clients.rpc(
            "dds",
            "ModifyBackupPolicy",
            DBInstanceId=db_id,
            BackupRetentionPeriod=backup.retention_days or None,
            PreferredBackupTime=f"{start}Z-{end}Z" if backup.window else None,
            PreferredBackupPeriod=ALL_DAYS,
        )

    def update(self, request: Any) -> pb.Database:
        db_id, config = request.id, request.config
        current = read_one(self, db_id, request.private)
        wanted_class = tables.database_class_for("MongoDB", config.size)
        storage = config.storage_gb or current.storage_gb
        if wanted_class != current.provider_class or storage != current.storage_gb:
            self.clients.rpc(
                "dds",
                "ModifyDBInstanceSpec",
                DBInstanceId=db_id,
                DBInstanceClass=wanted_class,
                DBInstanceStorage=str(storage),
                EffectiveTime="Immediately",
            )
            self.waiter.wait_for(db_id, ready={"Running"})
        if config.backup != current.backup:
            self._backup(db_id, config.backup)
        if config.name and config.name != current.name:
            self.clients.rpc(
                "dds",
                "ModifyDBInstanceDescription",
                DBInstanceId=db_id,
                DBInstanceDescription=config.name,
            )
        retag(self.clients, "dds", "INSTANCE", db_id, dict(current.tags), dict(config.tags))
        return read_one(self, db_id, request.private)

    def delete(self, resource_id: str) -> None:
        if read_one(self, resource_id).state != "running":
            self.waiter.wait_for(resource_id, ready={"Running"})  # DDS refuses mid-change
        self.clients.rpc("dds", "DeleteDBInstance", DBInstanceId=resource_id)
        self.waiter.wait_gone(resource_id)
