"""Database: TencentDB for PostgreSQL (MySQL: database_mysql, MongoDB: database_mongodb).

An instance lives in a VPC subnet: the config's first subnet, else a subnet of the region's
default VPC (a database declared without a network, as in the seed). `multi_az` adds a
standby node in another zone. The admin password is generated on create, returned once
(sensitive) and kept in the resource's private bytes. Backups are the instance's backup plan
(retention, start window). Deleting is two steps, as on Tencent: isolate, then destroy.
`endpoint` is "ip:port", like Terraform's aws_db_instance.endpoint.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_one
from genesys_plugin_sdk.tags import TOKEN_TAG, client_token
from genesys_plugin_sdk.waiters import Waiter

from genesys_provider_tencent import tables
from genesys_provider_tencent.clients import TencentClients
from genesys_provider_tencent.common import (
    by_filter,
    filtered,
    private_json,
    read_private,
    refuse_change,
    retag,
    struct,
    tag_dict,
    user_tags,
)
from genesys_provider_tencent.database_mongodb import (
    MongoDb,
    check_mongodb,
    is_mongodb_id,
    mongodb_password,
)
from genesys_provider_tencent.database_mysql import MySql, check_mysql, is_mysql_id

FORCE_NEW = ("name", "engine", "version", "username", "subnet_ids", "multi_az")
STATE_WORDS = {
    "running": "available",
    "applying": "creating",
    "initing": "creating",
    "init": "creating",
    "isolating": "deleting",
    "isolated": "isolated",
    "offlining": "deleting",
    "expanding": "modifying",
}
DB_FILTER_CHUNK = 10


def _password() -> str:
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(20))
    return f"Gx{body}-9a"  # upper, lower, digit and symbol: Tencent's password rule


def _window(window: str) -> tuple[str, str]:
    """ "03:00-04:00" -> ("03:00:00", "04:00:00")."""
    if not window:
        return tables.DEFAULT_BACKUP_WINDOW
    start, _, end = window.partition("-")
    return f"{start.strip()}:00", f"{end.strip()}:00"


def database_from(raw: Mapping[str, Any], plan: Mapping[str, Any], private: bytes) -> pb.Database:
    kept = read_private(private)
    net: dict[str, Any] = next(
        (n for n in raw.get("DBInstanceNetInfo") or [] if n.get("NetType") == "private"), {}
    )
    host, port = net.get("Address") or net.get("Ip", ""), int(net.get("Port") or 0)
    start, end = plan.get("MinBackupStartTime", ""), plan.get("MaxBackupStartTime", "")
    nodes = raw.get("DBNodeSet") or []
    spec = str(raw.get("DBInstanceClass", ""))
    return pb.Database(
        id=raw["DBInstanceId"],
        name=raw.get("DBInstanceName", ""),
        engine=pb.DATABASE_ENGINE_POSTGRES,
        version=str(raw.get("DBMajorVersion", "")),
        size=tables.size_of_database_spec(spec),
        provider_class=spec,
        storage_gb=int(raw.get("DBInstanceStorage") or 0),
        multi_az=any(n.get("Role") == "Standby" for n in nodes),
        backup=pb.BackupConfig(
            retention_days=int(plan.get("BaseBackupRetentionPeriod") or 0),
            window=f"{start[:5]}-{end[:5]}" if start else "",
        ),
        endpoint=f"{host}:{port}" if host else "",
        port=port,
        username=str(kept.get("username", "")),
        password=str(kept.get("password", "")),
        state=STATE_WORDS.get(raw.get("DBInstanceStatus", ""), str(raw.get("DBInstanceStatus"))),
        subnet_ids=list(kept.get("subnet_ids") or [raw.get("SubnetId", "")]),
        tags=user_tags(tag_dict(raw.get("TagList"), "TagKey", "TagValue")),
        provider_data=struct(
            {
                "zone": raw.get("Zone"),
                "vpc_id": raw.get("VpcId"),
                "db_version": raw.get("DBVersion"),
                "status": raw.get("DBInstanceStatus"),
            }
        ),
        private=private,
    )


class Databases(KindHandler):
    field = "database"

    def __init__(self, clients: TencentClients) -> None:
        self.clients = clients
        self.waiter: Waiter[str] = Waiter(self._states, what="database", timing=clients.timing)
        self.mysql = MySql(clients)
        self.mongodb = MongoDb(clients)

    def _describe(self, filters: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        return self.clients.paged(
            "postgres", "DescribeDBInstances", {"Filters": filters}, "DBInstanceSet"
        )

    def _raw(self, ids: list[str]) -> list[dict[str, Any]]:
        return list(by_filter(self._describe, "db-instance-id", ids, DB_FILTER_CHUNK))

    def _states(self, ids: list[str]) -> dict[str, str]:
        return {r["DBInstanceId"]: r.get("DBInstanceStatus", "") for r in self._raw(ids)}

    def _plan(self, raw: dict[str, Any]) -> dict[str, Any]:
        plans = self.clients.call(
            "postgres", "DescribeBackupPlans", {"DBInstanceId": raw["DBInstanceId"]}
        ).get("Plans") or [{}]
        return dict(plans[0])

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        found = self.mysql.read_many([i for i in ids if is_mysql_id(i)], privates)
        found |= self.mongodb.read_many([i for i in ids if is_mongodb_id(i)], privates)
        others = [i for i in ids if not is_mysql_id(i) and not is_mongodb_id(i)]
        raws = self._raw(others) if others else []
        return found | {
            raw["DBInstanceId"]: plan
            if isinstance(plan, Exception)
            else database_from(raw, plan, privates.get(raw["DBInstanceId"], b""))
            for raw, plan in self.clients.pool.fan_out(self._plan, raws)
        }

    def find_by_token(self, token: str) -> str | None:
        wanted = client_token(token, 127)
        for raw in self._describe([{"Name": "db-tag-key", "Values": [TOKEN_TAG]}]):
            if tag_dict(raw.get("TagList"), "TagKey", "TagValue").get(TOKEN_TAG) == wanted:
                return str(raw["DBInstanceId"])
        return self.mysql.find_by_token(token) or self.mongodb.find_by_token(token)

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Database]:
        raws = list(self._describe([]))
        found = [
            database_from(raw, plan, b"")
            for raw, plan in self.clients.pool.fan_out(self._plan, raws)
            if not isinstance(plan, Exception)
        ]
        found += self.mysql.list_all()
        found += self.mongodb.list_all()
        yield from filtered(found, filters, {"name": "name", "id": "id"})

    # ------------------------------------------------------------ writing

    def _placement(self, config: pb.DatabaseConfig) -> dict[str, Any]:
        """The subnet (and so VPC and zone) of the primary node."""
        if config.subnet_ids:
            filters = [{"Name": "subnet-id", "Values": [config.subnet_ids[0]]}]
        else:
            vpcs = (
                self.clients.call(
                    "vpc", "DescribeVpcs", {"Filters": [{"Name": "is-default", "Values": ["true"]}]}
                ).get("VpcSet")
                or []
            )
            if not vpcs:
                raise errors.InvalidArgument(
                    f"database needs a network: {self.clients.region} has no default VPC; set "
                    "network (and subnets) on the database",
                    attribute_path="config.subnet_ids",
                )
            filters = [{"Name": "vpc-id", "Values": [vpcs[0]["VpcId"]]}]
        subnets = list(
            self.clients.paged("vpc", "DescribeSubnets", {"Filters": filters}, "SubnetSet")
        )
        if not subnets:
            raise errors.InvalidArgument(
                "no subnet found for the database", attribute_path="config.subnet_ids"
            )
        return min(subnets, key=lambda s: (s["Zone"], s["SubnetId"]))

    def create(self, config: pb.DatabaseConfig, token: str) -> pb.Database:
        if config.engine == pb.DATABASE_ENGINE_MYSQL:
            return self._create_mysql(config, token)
        if config.engine == pb.DATABASE_ENGINE_MONGODB:
            return self._create_mongodb(config, token)
        if config.engine not in (pb.DATABASE_ENGINE_POSTGRES, pb.DATABASE_ENGINE_UNSPECIFIED):
            raise errors.Unimplemented(
                "the tencent provider offers postgres, mysql and mongodb databases",
                attribute_path="config.engine",
            )
        existing = self.find_by_token(token) if token else None
        username = config.username or tables.DEFAULT_DATABASE_USERNAME
        subnet = self._placement(config)
        kept: dict[str, Any] = {
            "username": username,
            "subnet_ids": list(config.subnet_ids) or [subnet["SubnetId"]],
        }
        kept["password"] = _password()
        if existing is not None:  # a retried create: the first password was never returned
            self.waiter.wait_for(existing, {"running"}, failed={"isolated", "offlined"})
            self.clients.call(
                "postgres",
                "ResetAccountPassword",
                {"DBInstanceId": existing, "UserName": username, "Password": kept["password"]},
            )
        else:
            params = self._create_arguments(config, token, subnet, username, kept["password"])
            existing = self.clients.call("postgres", "CreateInstances", params)["DBInstanceIdSet"][
                0
            ]
        self.waiter.wait_for(existing, {"running"}, failed={"isolated", "offlined"})
        self._set_backup(existing, config.backup)
        return read_one(self, existing, private_json(kept))

    def _create_mysql(self, config: pb.DatabaseConfig, token: str) -> pb.Database:
        check_mysql(config)
        existing = self.mysql.find_by_token(token) if token else None
        subnet = self._placement(config)
        kept: dict[str, Any] = {"subnet_ids": list(config.subnet_ids) or [subnet["SubnetId"]]}
        kept["password"] = _password()
        if existing is None:
            existing = self.mysql.create(config, token, subnet, kept["password"])
        else:  # a retried create: the first password was never returned
            self.mysql.set_password(existing, kept["password"])
        self.mysql.waiter.wait_for(existing, {1})
        self.mysql.set_backup(existing, config.backup)
        return read_one(self, existing, private_json(kept))

    def _create_mongodb(self, config: pb.DatabaseConfig, token: str) -> pb.Database:
        check_mongodb(config)
        existing = self.mongodb.find_by_token(token) if token else None
        subnet = self._placement(config)
        kept: dict[str, Any] = {
            "subnet_ids": list(config.subnet_ids) or [subnet["SubnetId"]],
            "password": mongodb_password(),
            "window": config.backup.window,
        }
        if existing is None:
            existing = self.mongodb.create(config, token, subnet, kept["password"])
        else:  # a retried create: the first password was never returned
            self.mongodb.set_password(existing, kept["password"])
        self.mongodb.set_backup(existing, config.backup)
        return read_one(self, existing, private_json(kept))

    def _create_arguments(
        self,
        config: pb.DatabaseConfig,
        token: str,
        subnet: dict[str, Any],
        username: str,
        password: str,
    ) -> dict[str, Any]:
        nodes = [{"Role": "Primary", "Zone": subnet["Zone"]}]
        if config.multi_az:
            others = [z for z in self.clients.zones() if z != subnet["Zone"]]
            nodes.append({"Role": "Standby", "Zone": others[0] if others else subnet["Zone"]})
        tags = {**config.tags, TOKEN_TAG: client_token(token, 127)} if token else dict(config.tags)
        return {
            "SpecCode": tables.database_spec_for(config.size),
            "Storage": config.storage_gb or tables.DEFAULT_STORAGE_GB,
            "InstanceCount": 1,
            "Period": 1,
            "Zone": subnet["Zone"],
            "Charset": "UTF8",
            "AdminName": username,
            "AdminPassword": password,
            "InstanceChargeType": "POSTPAID_BY_HOUR",
            "DBMajorVersion": config.version or tables.DEFAULT_POSTGRES_VERSION,
            "VpcId": subnet["VpcId"],
            "SubnetId": subnet["SubnetId"],
            "Name": config.name,
            "DBNodeSet": nodes,
            "SecurityGroupIds": list(config.security_group_ids),
            "TagList": [{"TagKey": k, "TagValue": v} for k, v in tags.items()],
        }

    def _set_backup(self, instance_id: str, backup: pb.BackupConfig) -> None:
        start, end = _window(backup.window)
        params: dict[str, Any] = {
            "DBInstanceId": instance_id,
            "MinBackupStartTime": start,
            "MaxBackupStartTime": end,
        }
        if backup.retention_days:
            params["BaseBackupRetentionPeriod"] = backup.retention_days
        self.clients.call("postgres", "ModifyBackupPlan", params)

    def update(self, request: Any) -> pb.Database:
        config = request.config
        changed = {c.split(".")[0] for c in request.changed} or {"size", "backup", "tags"}
        refuse_change(changed, FORCE_NEW, "database")
        current = read_one(self, request.id, request.private)
        if is_mongodb_id(request.id):
            check_mongodb(config)
            self.mongodb.update(current, config, changed)
            kept = {**read_private(request.private), "window": config.backup.window}
            return read_one(self, request.id, private_json(kept))
        if is_mysql_id(request.id):
            check_mysql(config)
            self.mysql.update(current, config, changed)
            return read_one(self, request.id, request.private)
        if "tags" in changed:
            name = self.clients.resource_name("postgres", f"DBInstanceId/{request.id}")
            retag(self.clients, name, current.tags, config.tags)
        spec = tables.database_spec_for(config.size)
        storage = config.storage_gb or current.storage_gb
        if spec != current.provider_class or storage != current.storage_gb:
            cpu, memory = tables.DATABASE_SPEC_SHAPES[spec]
            self.clients.call(
                "postgres",
                "ModifyDBInstanceSpec",
                {"DBInstanceId": request.id, "Memory": memory, "Storage": storage, "Cpu": cpu},
            )
            self.waiter.wait_for(request.id, {"running"})
        if "backup" in changed:
            self._set_backup(request.id, config.backup)
        return read_one(self, request.id, request.private)

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        if is_mysql_id(resource_id):
            self.mysql.delete(resource_id)
            return
        if is_mongodb_id(resource_id):
            self.mongodb.delete(resource_id)
            return
        if self._states([resource_id]).get(resource_id) != "isolated":
            self.clients.call("postgres", "IsolateDBInstances", {"DBInstanceIdSet": [resource_id]})
            self.waiter.wait_for(resource_id, {"isolated"})
        self.clients.call("postgres", "DestroyDBInstance", {"DBInstanceId": resource_id})
        self.waiter.wait_gone(resource_id)
