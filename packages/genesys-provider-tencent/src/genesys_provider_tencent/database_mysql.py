"""Database, engine mysql: TencentDB for MySQL (CDB), reached through `database.Databases`.

Pay-as-you-go instances (CreateDBInstanceHour) in a VPC subnet; `multi_az` is DeployMode 1
with a standby in another zone. Size is memory (tables.MYSQL_MEMORY_MB; CDB sells memory
sizes, the CPU follows). Backups are the backup config: days kept (CDB keeps 7 to 1830) and
an hourly start window. Removal: IsolateDBInstance (status 4), then OfflineIsolatedInstances.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.reads import chunked
from genesys_plugin_sdk.tags import TOKEN_TAG, client_token
from genesys_plugin_sdk.waiters import Waiter

from genesys_provider_tencent import tables
from genesys_provider_tencent.clients import TencentClients
from genesys_provider_tencent.common import read_private, retag, struct, tag_dict, user_tags

STATE_WORDS = {0: "creating", 1: "available", 4: "isolated", 5: "deleting"}
RUNNING, ISOLATED = 1, 4


def is_mysql_id(ident: str) -> bool:
    return ident.startswith("cdb-")


def mysql_from(raw: Mapping[str, Any], backup: Mapping[str, Any], private: bytes) -> pb.Database:
    kept = read_private(private)
    memory = int(raw.get("Memory") or 0)
    start, end = int(backup.get("StartTimeMin") or 0), int(backup.get("StartTimeMax") or 0)
    return pb.Database(
        id=raw["InstanceId"],
        name=raw.get("InstanceName", ""),
        engine=pb.DATABASE_ENGINE_MYSQL,
        version=str(raw.get("EngineVersion", "")),
        size=tables.size_of_mysql_memory(memory),
        provider_class=f"mysql.{memory}mb",
        storage_gb=int(raw.get("Volume") or 0),
        multi_az=int(raw.get("DeployMode") or 0) == 1,
        backup=pb.BackupConfig(
            retention_days=int(backup.get("BackupExpireDays") or 0),
            window=f"{start:02d}:00-{end:02d}:00" if backup else "",
        ),
        endpoint=f"{raw.get('Vip')}:{raw.get('Vport')}",
        port=int(raw.get("Vport") or 0),
        username="root",
        password=str(kept.get("password", "")),
        state=STATE_WORDS.get(int(raw.get("Status") or 0), str(raw.get("Status"))),
        subnet_ids=list(kept.get("subnet_ids") or [raw.get("UniqSubnetId", "")]),
        tags=user_tags(tag_dict(raw.get("TagList"), "TagKey", "TagValue")),
        provider_data=struct(
            {"zone": raw.get("Zone"), "vpc_id": raw.get("UniqVpcId"), "status": raw.get("Status")}
        ),
        private=private,
    )


class MySql:
    """The MySQL half of the database kind (the Databases handler dispatches to it)."""

    def __init__(self, clients: TencentClients) -> None:
        self.clients = clients
        self.waiter: Waiter[int] = Waiter(self.states, what="MySQL instance", timing=clients.timing)

    def raw(self, ids: list[str]) -> Iterator[dict[str, Any]]:
        for part in chunked(sorted(set(ids)), 100):
            yield from (
                self.clients.call(
                    "cdb", "DescribeDBInstances", {"InstanceIds": part, "Limit": 100}
                ).get("Items")
                or []
            )

    def states(self, ids: list[str]) -> dict[str, int]:
        return {r["InstanceId"]: int(r.get("Status") or 0) for r in self.raw(ids)}

    def _backup(self, raw: dict[str, Any]) -> dict[str, Any]:
        return self.clients.call("cdb", "DescribeBackupConfig", {"InstanceId": raw["InstanceId"]})

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        raws = list(self.raw(ids))
        return {
            raw["InstanceId"]: backup
            if isinstance(backup, Exception)
            else mysql_from(raw, backup, privates.get(raw["InstanceId"], b""))
            for raw, backup in self.clients.pool.fan_out(self._backup, raws)
        }

    def list_all(self) -> list[pb.Database]:
        raws = list(self.clients.paged("cdb", "DescribeDBInstances", {}, "Items"))
        return [
            mysql_from(raw, backup, b"")
            for raw, backup in self.clients.pool.fan_out(self._backup, raws)
            if not isinstance(backup, Exception)
        ]

    def find_by_token(self, token: str) -> str | None:
        wanted = client_token(token, 127)
        found = self.clients.call("cdb", "DescribeDBInstances", {"TagKeysForSearch": [TOKEN_TAG]})
        for raw in found.get("Items") or []:
            if tag_dict(raw.get("TagList"), "TagKey", "TagValue").get(TOKEN_TAG) == wanted:
                return str(raw["InstanceId"])
        return None

    def create(
        self, config: pb.DatabaseConfig, token: str, subnet: dict[str, Any], password: str
    ) -> str:
        memory = tables.mysql_memory_for(config.size)
        nodes: dict[str, Any] = {}
        if config.multi_az:
            others = [z for z in self.clients.zones() if z != subnet["Zone"]]
            nodes = {"DeployMode": 1, "SlaveZone": others[0] if others else subnet["Zone"]}
        tags = {**config.tags, TOKEN_TAG: client_token(token, 127)} if token else dict(config.tags)
        params = {
            "GoodsNum": 1,
            "Memory": memory,
            "Volume": max(config.storage_gb, 25),
            "EngineVersion": tables.mysql_version_for(config.version),
            "UniqVpcId": subnet["VpcId"],
            "UniqSubnetId": subnet["SubnetId"],
            "Zone": subnet["Zone"],
            "InstanceName": config.name,
            "Password": password,
            "SecurityGroup": list(config.security_group_ids),
            "InstanceRole": "master",
            "ResourceTags": [{"TagKey": k, "TagValue": v} for k, v in tags.items()],
            **nodes,
        }
        if token:
            params["ClientToken"] = client_token(token, 64)
        ident = str(self.clients.call("cdb", "CreateDBInstanceHour", params)["InstanceIds"][0])
        self.waiter.wait_for(ident, {RUNNING})
        return ident

    def set_password(self, ident: str, password: str) -> None:
        self.waiter.wait_for(ident, {RUNNING})
        self.clients.call(
            "cdb",
            "ModifyAccountPassword",
            {
                "InstanceId": ident,
                "NewPassword": password,
                "Accounts": [{"User": "root", "Host": "%"}],
            },
        )

    def set_backup(self, ident: str, backup: pb.BackupConfig) -> None:
        params: dict[str, Any] = {"InstanceId": ident}
        if backup.retention_days:
            params["ExpireDays"] = backup.retention_days
        if backup.window:
            start, _, end = backup.window.partition("-")
            params["StartTime"] = f"{start[:2]}:00-{end[:2]}:00"
        if len(params) > 1:
            self.clients.call("cdb", "ModifyBackupConfig", params)

    def update(self, current: pb.Database, config: pb.DatabaseConfig, changed: set[str]) -> None:
        memory = tables.mysql_memory_for(config.size)
        volume = max(config.storage_gb or current.storage_gb, 25)
        if memory != tables.mysql_memory_for(current.size) or volume != current.storage_gb:
            self.clients.call(
                "cdb",
                "UpgradeDBInstance",
                {"InstanceId": current.id, "Memory": memory, "Volume": volume},
            )
            self.waiter.wait_for(current.id, {RUNNING})
        if "backup" in changed:
            self.set_backup(current.id, config.backup)
        if "tags" in changed:
            name = self.clients.resource_name("cdb", f"instanceId/{current.id}")
            retag(self.clients, name, current.tags, config.tags)

    def delete(self, ident: str) -> None:
        if self.states([ident]).get(ident) != ISOLATED:
            self.clients.call("cdb", "IsolateDBInstance", {"InstanceId": ident})
            self.waiter.wait_for(ident, {ISOLATED})
        self.clients.call("cdb", "OfflineIsolatedInstances", {"InstanceIds": [ident]})
        self.waiter.wait_gone(ident)


def check_mysql(config: Any) -> None:
    if config.backup.retention_days and config.backup.retention_days < 7:
        raise errors.InvalidArgument(
            "MySQL keeps backups 7 to 1830 days", attribute_path="config.backup.retention_days"
        )
