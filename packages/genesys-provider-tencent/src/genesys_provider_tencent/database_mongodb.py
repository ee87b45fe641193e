"""Database, engine mongodb: TencentDB for MongoDB, reached through `database.Databases`.

A pay-as-you-go replica set (CreateDBInstanceHour, ClusterType REPLSET, three nodes) in a VPC
subnet; `multi_az` spreads the three nodes over three zones the product sells in
(DescribeSpecInfo). Size is the nodes' CPU + memory spec (tables.MONGODB_SPECS); requests
name Memory/Volume in GB, DescribeDBInstances answers in MB. The account is `mongouser`,
its password generated on create, returned once (sensitive) and kept in private bytes.
Backups are the backup rules: days kept (7 to 365) and a start hour; the configured window
is kept in the private bytes too, since Tencent keeps only its start. The endpoint is
"vip:27017". Removal: IsolateDBInstance, then OfflineIsolatedDBInstance, each followed to
its end through DescribeAsyncRequestInfo.
"""

from __future__ import annotations

import secrets
import string
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

STATE_WORDS = {0: "creating", 1: "modifying", 2: "available", -2: "isolated", -3: "isolated"}
RUNNING, ISOLATED = 2, -3
BATCH = 100  # DescribeDBInstances takes up to 100 ids a call


def is_mongodb_id(ident: str) -> bool:
    return ident.startswith("cmgo-")


def mongodb_password() -> str:
    """20 letters and digits between marks: within the product's rule (8-32 characters of
    letters, digits and !@#%^*()_, at least two kinds)."""
    alphabet = string.ascii_letters + string.digits
    return "Gx" + "".join(secrets.choice(alphabet) for _ in range(20)) + "_9a"


def _window(rules: Mapping[str, Any], kept: Mapping[str, Any]) -> str:
    if not rules:
        return ""
    hour = int(rules.get("BackupTime") or 0)
    configured = str(kept.get("window") or "")
    if configured[:2].isdigit() and int(configured[:2]) == hour:
        return configured
    return f"{hour:02d}:00-{(hour + 1) % 24:02d}:00"


def mongodb_from(raw: Mapping[str, Any], rules: Mapping[str, Any], private: bytes) -> pb.Database:
    kept = read_private(private)
    spec = (int(raw.get("CpuNum") or 0), int(raw.get("Memory") or 0) // 1024)
    status = int(raw.get("Status") or 0)
    return pb.Database(
        id=raw["InstanceId"],
        name=raw.get("InstanceName", ""),
        engine=pb.DATABASE_ENGINE_MONGODB,
        version=tables.mongodb_version_of(str(raw.get("MongoVersion", ""))),
        size=tables.size_of_mongodb_spec(spec),
        provider_class=tables.mongodb_class(spec),
        storage_gb=int(raw.get("Volume") or 0) // 1024,
        multi_az=len(set(raw.get("ZoneList") or [])) > 1,
        backup=pb.BackupConfig(
            retention_days=int(rules.get("BackupSaveTime") or 0), window=_window(rules, kept)
        ),
        endpoint=f"{raw.get('Vip')}:{raw.get('Vport')}",
        port=int(raw.get("Vport") or 0),
        username=tables.MONGODB_USERNAME,
        password=str(kept.get("password", "")),
        state=STATE_WORDS.get(status, str(status)),
        subnet_ids=list(kept.get("subnet_ids") or [raw.get("SubnetId", "")]),
        tags=user_tags(tag_dict(raw.get("Tags"), "TagKey", "TagValue")),
        provider_data=struct(
            {
                "zone": raw.get("Zone"),
                "zones": list(raw.get("ZoneList") or []),
                "vpc_id": raw.get("VpcId"),
                "status": status,
                "mongo_version": raw.get("MongoVersion"),
                "nodes": int(raw.get("SecondaryNum") or 0) + 1,
                "connection": f"mongodb://{tables.MONGODB_USERNAME}@{raw.get('Vip')}:"
                f"{raw.get('Vport')}/admin",  # no password: it is the sensitive field
            }
        ),
        private=private,
    )


class MongoDb:
    """The MongoDB part of the database kind (the Databases handler dispatches to it)."""

    def __init__(self, clients: TencentClients) -> None:
        self.clients = clients
        self.waiter: Waiter[int] = Waiter(
            self.states, what="MongoDB instance", timing=clients.timing
        )
        self.tasks: Waiter[str] = Waiter(
            self._task_states, what="MongoDB task", timing=clients.timing
        )

    def raw(self, ids: list[str]) -> Iterator[dict[str, Any]]:
        for part in chunked(sorted(set(ids)), BATCH):
            answer = self.clients.call(
                "mongodb", "DescribeDBInstances", {"InstanceIds": part, "Limit": BATCH}
            )
            yield from answer.get("InstanceDetails") or []

    def states(self, ids: list[str]) -> dict[str, int]:
        return {r["InstanceId"]: int(r.get("Status") or 0) for r in self.raw(ids)}

    def _task_states(self, ids: list[str]) -> dict[str, str]:
        return {
            i: str(
                self.clients.call("mongodb", "DescribeAsyncRequestInfo", {"AsyncRequestId": i})[
                    "Status"
                ]
            )
            for i in ids
        }

    def _rules(self, raw: dict[str, Any]) -> dict[str, Any]:
        return self.clients.call(
            "mongodb", "DescribeBackupRules", {"InstanceId": raw["InstanceId"]}
        )

    def _with_rules(self, raws: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], Any]]:
        return iter(self.clients.pool.fan_out(self._rules, raws))

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        return {
            raw["InstanceId"]: rules
            if isinstance(rules, Exception)
            else mongodb_from(raw, rules, privates.get(raw["InstanceId"], b""))
            for raw, rules in self._with_rules(list(self.raw(ids)))
        }

    def list_all(self) -> list[pb.Database]:
        raws = list(self.clients.paged("mongodb", "DescribeDBInstances", {}, "InstanceDetails"))
        return [
            mongodb_from(raw, rules, b"")
            for raw, rules in self._with_rules(raws)
            if not isinstance(rules, Exception)
        ]

    def find_by_token(self, token: str) -> str | None:
        tag = {"TagKey": TOKEN_TAG, "TagValue": client_token(token, 127)}
        found = self.clients.call("mongodb", "DescribeDBInstances", {"Tags": [tag]})
        for raw in found.get("InstanceDetails") or []:
            if int(raw.get("Status") or 0) != ISOLATED:
                return str(raw["InstanceId"])
        return None

    # ------------------------------------------------------------ writing

    def _zones(self, primary: str) -> list[str]:
        """Three zones the product sells in, the subnet's first (TencentDB's multi-AZ rule)."""
        answer = self.clients.call("mongodb", "DescribeSpecInfo", {})
        sold = sorted({s["Zone"] for s in answer.get("SpecInfoList") or []} - {primary})
        if len(sold) < 2:
            raise errors.FailedPrecondition(
                f"multi_az needs three zones selling MongoDB in {self.clients.region}; "
                f"found {', '.join([primary, *sold])}",
                attribute_path="config.multi_az",
            )
        return [primary, *sold[:2]]

    def create(
        self, config: pb.DatabaseConfig, token: str, subnet: dict[str, Any], password: str
    ) -> str:
        cpu, memory = tables.mongodb_spec_for(config.size)
        tags = {**config.tags, TOKEN_TAG: client_token(token, 127)} if token else dict(config.tags)
        params: dict[str, Any] = {
            "Memory": memory,
            "CpuCore": cpu,
            "Volume": config.storage_gb or tables.DEFAULT_STORAGE_GB,
            "ReplicateSetNum": 1,
            "NodeNum": tables.MONGODB_NODES,
            "MongoVersion": tables.mongodb_version_for(config.version),
            "MachineCode": tables.MONGODB_MACHINE,
            "GoodsNum": 1,
            "ClusterType": "REPLSET",
            "Zone": subnet["Zone"],
            "VpcId": subnet["VpcId"],
            "SubnetId": subnet["SubnetId"],
            "Password": password,
            "InstanceName": config.name,
            "SecurityGroup": list(config.security_group_ids),
            "Tags": [{"TagKey": k, "TagValue": v} for k, v in tags.items()],
        }
        if config.multi_az:
            params["AvailabilityZoneList"] = self._zones(subnet["Zone"])
        answer = self.clients.call("mongodb", "CreateDBInstanceHour", params)
        ident = str(answer["InstanceIds"][0])
        self.waiter.wait_for(ident, {RUNNING}, failed={ISOLATED})
        return ident

    def set_password(self, ident: str, password: str) -> None:
        self.waiter.wait_for(ident, {RUNNING}, failed={ISOLATED})
        answer = self.clients.call(
            "mongodb",
            "ResetDBInstancePassword",
            {"InstanceId": ident, "UserName": tables.MONGODB_USERNAME, "Password": password},
        )
        self._finish(answer)

    def set_backup(self, ident: str, backup: pb.BackupConfig) -> None:
        if not backup.retention_days and not backup.window:
            return
        params: dict[str, Any] = {
            "InstanceId": ident,
            "BackupMethod": 0,  # logical: what local-disk (GE.LD.T2) instances offer alike
            "BackupTime": int(backup.window[:2]) if backup.window else 0,
        }
        if backup.retention_days:
            params["BackupRetentionPeriod"] = backup.retention_days
        self.clients.call("mongodb", "SetBackupRules", params)

    def update(self, current: pb.Database, config: pb.DatabaseConfig, changed: set[str]) -> None:
        cpu, memory = tables.mongodb_spec_for(config.size)
        volume = config.storage_gb or current.storage_gb
        if (cpu, memory) != tables.mongodb_spec_for(current.size) or volume != current.storage_gb:
            self.clients.call(
                "mongodb",
                "ModifyDBInstanceSpec",
                {"InstanceId": current.id, "Memory": memory, "Volume": volume, "Cpu": cpu},
            )
            self.waiter.wait_for(current.id, {RUNNING})
        if "backup" in changed:
            self.set_backup(current.id, config.backup)
        if "tags" in changed:
            name = self.clients.resource_name("mongodb", f"instance/{current.id}")
            retag(self.clients, name, current.tags, config.tags)

    def delete(self, ident: str) -> None:
        if self.states([ident]).get(ident) != ISOLATED:
            self._finish(self.clients.call("mongodb", "IsolateDBInstance", {"InstanceId": ident}))
        self._finish(
            self.clients.call("mongodb", "OfflineIsolatedDBInstance", {"InstanceId": ident})
        )
        self.waiter.wait_gone(ident)

    def _finish(self, answer: Mapping[str, Any]) -> None:
        """Follow an async task to its end; a failed task is the call's failure."""
        task = str(answer.get("AsyncRequestId") or "")
        if task:
            self.tasks.wait_for(task, {"success"}, failed={"failed", "paused", "undoed"})


def check_mongodb(config: Any) -> None:
    if tables.mongodb_version_for(config.version) is None:
        raise errors.InvalidArgument(
            f"MongoDB {config.version} is not offered; one of {', '.join(tables.MONGODB_VERSIONS)}",
            attribute_path="config.version",
        )
