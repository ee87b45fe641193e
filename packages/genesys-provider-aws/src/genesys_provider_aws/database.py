"""Database service: RDS DB instances (postgres, mysql).

The DB instance identifier is the config's name and the resource id. The master password is
generated here (`secrets`), sent to RDS, returned once in Database.password on create (the core
stores it as sensitive) and never logged; reads cannot tell it. A create retried with the same
token finds the instance by its token tag and sets a fresh password so the core gets a working
one. The version asked for ("14") is kept in the tag genesys:version, so RDS's minor version
("14.12") does not read as drift.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindFunctions
from genesys_plugin_sdk.waiters import Waiter

from genesys_provider_aws import tables
from genesys_provider_aws.clients import AwsClients, chunked
from genesys_provider_aws.common import (
    arns_by_token,
    match_tag_filters,
    struct,
    tag_changes,
    tag_dict,
    tag_list,
    user_tags,
)
from genesys_provider_aws.errors import call_or_none
from genesys_provider_aws.readers import KindReader, read_one

VERSION_TAG = "genesys:version"
LIST_FILTERS = {"name": "db-instance-id", "engine": "engine"}
FORCE_NEW = ("name", "engine", "username", "subnet_ids")
PASSWORD_ALPHABET = string.ascii_letters + string.digits
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def generate_password(length: int = 28) -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def _reported_version(actual: str, asked: str) -> str:
    """The version as asked ("14") while RDS runs a release of it ("14.12")."""
    if asked and (actual == asked or actual.startswith(asked + ".")):
        return asked
    return actual


def database_from(raw: Mapping[str, Any], password: str = "") -> pb.Database:
    tags = tag_dict(raw.get("TagList"))
    endpoint = raw.get("Endpoint") or {}
    host, port = endpoint.get("Address", ""), int(endpoint.get("Port", 0) or 0)
    group = raw.get("DBSubnetGroup") or {}
    return pb.Database(
        id=raw["DBInstanceIdentifier"],
        name=raw["DBInstanceIdentifier"],
        engine=tables.engine_of(raw.get("Engine", "")),
        version=_reported_version(raw.get("EngineVersion", ""), tags.get(VERSION_TAG, "")),
        size=tables.size_of_database_class(raw.get("DBInstanceClass", "")),
        provider_class=raw.get("DBInstanceClass", ""),
        storage_gb=int(raw.get("AllocatedStorage", 0)),
        multi_az=bool(raw.get("MultiAZ")),
        backup=pb.BackupConfig(
            retention_days=int(raw.get("BackupRetentionPeriod", 0)),
            window=raw.get("PreferredBackupWindow", ""),
        ),
        endpoint=f"{host}:{port}" if host else "",
        port=port,
        username=raw.get("MasterUsername", ""),
        password=password,
        state=raw.get("DBInstanceStatus", ""),
        subnet_ids=sorted(s["SubnetIdentifier"] for s in group.get("Subnets", [])),
        tags=user_tags(tags),
        provider_data=struct(
            {
                "arn": raw.get("DBInstanceArn"),
                "engine": raw.get("Engine"),
                "engine_version": raw.get("EngineVersion"),
                "zone": raw.get("AvailabilityZone"),
                "subnet_group": group.get("DBSubnetGroupName"),
                "security_group_ids": [
                    g["VpcSecurityGroupId"] for g in raw.get("VpcSecurityGroups", [])
                ],
                "storage_encrypted": raw.get("StorageEncrypted"),
            }
        ),
    )


def describe(clients: AwsClients, filters: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    paginator = clients.client("rds").get_paginator("describe_db_instances")
    for page in paginator.paginate(Filters=filters) if filters else paginator.paginate():
        for raw in page.get("DBInstances", []):
            if raw.get("DBInstanceStatus") != "deleting":
                yield raw


def read_many(clients: AwsClients, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for chunk in chunked(sorted(set(ids)), 100):
        for raw in describe(clients, [{"Name": "db-instance-id", "Values": chunk}]):
            found[raw["DBInstanceIdentifier"]] = database_from(raw)
    return found


def find_by_token(clients: AwsClients, token: str) -> str | None:
    for arn in arns_by_token(clients, token, ["rds:db"]):
        return arn.rsplit(":", 1)[-1]
    return None


READER = KindReader("database", "database", read_many, find_by_token)


FAILED_STATUSES = frozenset({"failed", "incompatible-parameters", "storage-full"})


def _status_of(raw: Mapping[str, Any]) -> str:
    return str(raw.get("DBInstanceStatus", ""))


def _all_statuses(clients: AwsClients, ids: list[str]) -> dict[str, Any]:
    """Every listed instance by id, deleting ones too (`describe` hides those)."""
    paginator = clients.client("rds").get_paginator("describe_db_instances")
    pages = paginator.paginate(Filters=[{"Name": "db-instance-id", "Values": ids}])
    return {raw["DBInstanceIdentifier"]: raw for page in pages for raw in page["DBInstances"]}


def _waiter(clients: AwsClients) -> Waiter[Any]:
    """Every database wait of the process, served by one DescribeDBInstances per poll."""
    return clients.waiter("database", partial(_all_statuses, clients), describe=_status_of)


def _wait_available(clients: AwsClients, identifier: str, password: str = "") -> pb.Database:
    raw = _waiter(clients).wait_for(
        identifier,
        ready=lambda found: _status_of(found) == "available",
        failed=lambda found: _status_of(found) in FAILED_STATUSES,
    )
    return database_from(raw, password)


def _engine(config: pb.DatabaseConfig) -> str:
    engine = tables.DATABASE_ENGINES.get(config.engine)
    if config.engine == pb.DATABASE_ENGINE_MONGODB:
        raise errors.InvalidArgument(
            "mongodb (Amazon DocumentDB) is planned and priced, but this plugin cannot create "
            "it yet; the closest it can apply is postgres or mysql",
            attribute_path="config.engine",
        )
    if engine is None:
        raise errors.InvalidArgument(
            f"engine {pb.DatabaseEngine.Name(config.engine)} is not offered by RDS here; "
            "use postgres or mysql",
            attribute_path="config.engine",
        )
    return engine


def _check_identifier(name: str) -> None:
    if not (1 <= len(name) <= 63 and _IDENTIFIER.match(name)):
        raise errors.InvalidArgument(
            f"database name {name!r} must be 1-63 lowercase letters, digits and single hyphens, "
            "starting with a letter",
            attribute_path="config.name",
        )


def _subnet_group(clients: AwsClients, config: pb.DatabaseConfig) -> str:
    if not config.subnet_ids:
        return ""
    name = f"genesys-{config.name}"
    rds = clients.client("rds")
    exists = call_or_none(
        rds.describe_db_subnet_groups, "DBSubnetGroupNotFoundFault", DBSubnetGroupName=name
    )
    if exists is None:
        rds.create_db_subnet_group(
            DBSubnetGroupName=name,
            DBSubnetGroupDescription=f"subnets of database {config.name} (genesys)",
            SubnetIds=list(config.subnet_ids),
        )
    return name


def create(clients: AwsClients, config: pb.DatabaseConfig, token: str) -> pb.Database:
    engine = _engine(config)
    _check_identifier(config.name)
    password = generate_password()
    existing = find_by_token(clients, token) if token else None
    if existing is not None:  # an earlier attempt made it: hand back a password that works
        clients.client("rds").modify_db_instance(
            DBInstanceIdentifier=existing, MasterUserPassword=password, ApplyImmediately=True
        )
        return _wait_available(clients, existing, password)
    args: dict[str, Any] = {
        "DBInstanceIdentifier": config.name,
        "Engine": engine,
        "DBInstanceClass": tables.database_class_for(config.size),
        "AllocatedStorage": config.storage_gb or tables.DEFAULT_STORAGE_GB,
        "MultiAZ": config.multi_az,
        "BackupRetentionPeriod": config.backup.retention_days,
        "MasterUsername": config.username or tables.DEFAULT_DATABASE_USERNAME,
        "MasterUserPassword": password,
        "StorageEncrypted": True,
        "CopyTagsToSnapshot": True,
        "Tags": tag_list(
            config.tags, token=token, extra={VERSION_TAG: config.version} if config.version else {}
        ),
    }
    if config.version:
        args["EngineVersion"] = config.version
    if config.backup.window:
        args["PreferredBackupWindow"] = config.backup.window
    if config.security_group_ids:
        args["VpcSecurityGroupIds"] = list(config.security_group_ids)
    group = _subnet_group(clients, config)
    if group:
        args["DBSubnetGroupName"] = group
    clients.client("rds").create_db_instance(**args)
    return _wait_available(clients, config.name, password)


def _modifications(
    current: pb.Database, config: pb.DatabaseConfig, changed: set[str]
) -> dict[str, Any]:
    mods: dict[str, Any] = {}
    if "version" in changed and config.version and config.version != current.version:
        mods["EngineVersion"] = config.version
        mods["AllowMajorVersionUpgrade"] = (
            config.version.split(".")[0] != current.version.split(".")[0]
        )
    if "size" in changed and tables.database_class_for(config.size) != current.provider_class:
        mods["DBInstanceClass"] = tables.database_class_for(config.size)
    if "storage_gb" in changed and config.storage_gb != current.storage_gb:
        if config.storage_gb < current.storage_gb:
            raise errors.InvalidArgument(
                "RDS storage cannot shrink; a smaller size needs a new database",
                attribute_path="config.storage_gb",
            )
        mods["AllocatedStorage"] = config.storage_gb
    if "multi_az" in changed and config.multi_az != current.multi_az:
        mods["MultiAZ"] = config.multi_az
    if changed & {"backup", "backup.retention_days", "backup.window"}:
        mods["BackupRetentionPeriod"] = config.backup.retention_days
        if config.backup.window:
            mods["PreferredBackupWindow"] = config.backup.window
    if "security_group_ids" in changed and config.security_group_ids:
        mods["VpcSecurityGroupIds"] = list(config.security_group_ids)
    return mods


def update(clients: AwsClients, request: Any) -> pb.Database:
    changed = set(request.changed)
    blocked = sorted(changed & set(FORCE_NEW))
    if blocked:
        raise errors.InvalidArgument(
            f"changing {blocked[0]} replaces the database", attribute_path=f"config.{blocked[0]}"
        )
    identifier, config = request.id, request.config
    current = read_one(READER, clients, identifier)
    rds = clients.client("rds")
    mods = _modifications(current, config, changed)
    if mods:
        rds.modify_db_instance(DBInstanceIdentifier=identifier, ApplyImmediately=True, **mods)
    arn = str(current.provider_data["arn"])
    desired_tags = dict(config.tags)
    to_set, to_remove = tag_changes(dict(current.tags), desired_tags)
    if "EngineVersion" in mods:
        to_set[VERSION_TAG] = config.version
    if to_set:
        rds.add_tags_to_resource(
            ResourceName=arn, Tags=[{"Key": k, "Value": v} for k, v in to_set.items()]
        )
    if to_remove:
        rds.remove_tags_from_resource(ResourceName=arn, TagKeys=to_remove)
    return _wait_available(clients, identifier)


def delete(clients: AwsClients, identifier: str) -> None:
    """Deletes without a final snapshot and with its automated backups, as Terraform does by
    default: a destroy leaves nothing behind (and nothing billed)."""
    current = read_one(READER, clients, identifier)
    rds = clients.client("rds")
    rds.delete_db_instance(
        DBInstanceIdentifier=identifier, SkipFinalSnapshot=True, DeleteAutomatedBackups=True
    )
    _waiter(clients).wait_gone(identifier)
    group = (
        str(current.provider_data["subnet_group"])
        if "subnet_group" in current.provider_data
        else ""
    )
    if group.startswith("genesys-"):
        call_or_none(
            rds.delete_db_subnet_group, "DBSubnetGroupNotFoundFault", DBSubnetGroupName=group
        )


def list_databases(clients: AwsClients, filters: Mapping[str, str]) -> Iterator[pb.Database]:
    server_side = [
        {"Name": LIST_FILTERS[k], "Values": v.split(",")}
        for k, v in filters.items()
        if k in LIST_FILTERS
    ]
    for raw in describe(clients, server_side):
        database = database_from(raw)
        if match_tag_filters(filters, dict(database.tags), LIST_FILTERS):
            yield database


def kinds(clients: AwsClients) -> list[KindFunctions]:
    """The database service's kinds (the SDK generates the servicer from them)."""
    return [
        READER.bind(
            clients,
            create_fn=partial(create, clients),
            update_fn=partial(update, clients),
            delete_fn=partial(delete, clients),
            list_fn=partial(list_databases, clients),
        )
    ]
