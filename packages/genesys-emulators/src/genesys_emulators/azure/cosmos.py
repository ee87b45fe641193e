"""Microsoft.DocumentDB: Azure Cosmos DB accounts (kind MongoDB: Cosmos DB for MongoDB, RU
based), their MongoDB databases and a database's shared throughput.

As Azure does: an account name is 3-44 lower-case letters, digits and hyphens and a DNS name
unique across Azure (NAME.documents.azure.com, NAME.mongo.cosmos.azure.com); an account PUT
answers 200 with `provisioningState: Creating` and an `Azure-AsyncOperation` URL; a database
or throughput PUT answers 202 with no body; a delete answers 202. An account's kind and a
region's zone redundancy cannot change; the server version is one Azure offers; periodic
backups run every 60-1440 minutes and are kept 8-720 hours; manual throughput is at least
400 RU/s in steps of 100, autoscale at least 1000 RU/s in steps of 1000. Keys are read only
through POST .../listKeys and .../listConnectionStrings, never in the account's GET.
"""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from typing import TYPE_CHECKING, Any

from genesys_emulators.azure.model import ArmPath, Record, ResourceType, require
from genesys_emulators.core import CloudError

if TYPE_CHECKING:
    from genesys_emulators.azure.arm import Arm

ACCOUNT = "Microsoft.DocumentDB/databaseAccounts"
MONGO_DATABASE = "Microsoft.DocumentDB/databaseAccounts/mongodbDatabases"
THROUGHPUT = "Microsoft.DocumentDB/databaseAccounts/mongodbDatabases/throughputSettings"
KINDS = ("GlobalDocumentDB", "MongoDB", "Parse")
SERVER_VERSIONS = ("3.2", "3.6", "4.0", "4.2", "5.0", "6.0", "7.0")
MONGO_PORT = 10255
_ACCOUNT_NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,42}[a-z0-9]")
_DATABASE_NAME = re.compile(r"[^/\\#?\s][^/\\#?]{0,254}")


def _bad(message: str) -> CloudError:
    # The Cosmos DB resource provider words its refusals as BadRequest, status 400.
    return CloudError(400, "BadRequest", message)


# ------------------------------------------------------------------ accounts


def _build_account(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    _check_account_name(arm, path)
    kind = body.get("kind") or (existing or {}).get("kind") or "GlobalDocumentDB"
    if kind not in KINDS:
        raise _bad(f"Invalid kind '{kind}'. Valid kinds: {', '.join(KINDS)}.")
    if existing is not None and kind != existing.get("kind"):
        raise _bad("Cannot change the kind of an existing database account.")
    body["kind"] = kind
    old = (existing or {}).get("properties", {})
    properties = {**old, **(body.get("properties") or {})}
    if properties.get("databaseAccountOfferType") != "Standard":
        raise _bad("Property 'databaseAccountOfferType' must be 'Standard'.")
    properties["locations"] = _locations(arm, path.name, properties, old)
    _check_server_version(kind, properties)
    _check_backup(properties)
    properties.setdefault("consistencyPolicy", {"defaultConsistencyLevel": "Session"})
    properties["documentEndpoint"] = f"https://{path.name}.documents.azure.com:443/"
    regions = [
        {k: v for k, v in loc.items() if k != "isZoneRedundant"} for loc in properties["locations"]
    ]
    properties["writeLocations"] = regions[:1]
    properties["readLocations"] = regions
    properties.setdefault("instanceId", str(uuid.uuid4()))
    properties.setdefault("createMode", "Default")
    return properties


def _check_account_name(arm: Arm, path: ArmPath) -> None:
    if not _ACCOUNT_NAME.fullmatch(path.name):
        raise _bad(
            f"Database account name '{path.name}' is invalid: 3-44 characters, only "
            "lower-case letters, numbers and the '-' character, not starting or ending with '-'."
        )
    for record in arm.of_type(ACCOUNT):
        if record["name"] == path.name and record["id"].lower() != path.resource_id().lower():
            raise _bad(
                f"Dns record for {path.name} under zone Document is already taken. "
                "Please use another name for the account name."
            )


def _locations(arm: Arm, name: str, properties: Record, old: Record) -> list[Record]:
    locations = properties.get("locations") or []
    if not locations:
        raise _bad("Property 'locations' is required and must name at least one region.")
    priorities = sorted(int(loc.get("failoverPriority", 0)) for loc in locations)
    if priorities != list(range(len(locations))):
        raise _bad("Failover priorities must be unique and run from 0 (the write region).")
    before = {_region(loc): bool(loc.get("isZoneRedundant")) for loc in old.get("locations") or []}
    shaped = []
    for loc in sorted(locations, key=lambda item: int(item.get("failoverPriority", 0))):
        region = _region(loc)
        redundant = bool(loc.get("isZoneRedundant"))
        if region in before and before[region] != redundant:
            raise _bad(
                f"Zone redundant property cannot be updated for the existing region {region}. "
                "Remove the region and add it back with the new setting."
            )
        shaped.append(
            {
                "id": f"{name}-{region}",
                "locationName": loc.get("locationName"),
                "failoverPriority": int(loc.get("failoverPriority", 0)),
                "isZoneRedundant": redundant,
                "provisioningState": "Succeeded",
                "documentEndpoint": f"https://{name}-{region}.documents.azure.com:443/",
            }
        )
    return shaped


def _region(location: Record) -> str:
    return str(location.get("locationName") or "").replace(" ", "").lower()


def _check_server_version(kind: str, properties: Record) -> None:
    api = properties.get("apiProperties") or {}
    version = api.get("serverVersion")
    if kind != "MongoDB":
        if version:
            raise _bad("apiProperties.serverVersion applies only to MongoDB accounts.")
        return
    version = version or "3.6"
    if version not in SERVER_VERSIONS:
        raise _bad(
            f"Invalid server version '{version}'. Valid versions: {', '.join(SERVER_VERSIONS)}."
        )
    properties["apiProperties"] = {**api, "serverVersion": version}


def _check_backup(properties: Record) -> None:
    policy = properties.get("backupPolicy") or {"type": "Periodic"}
    if policy.get("type") == "Continuous":
        properties["backupPolicy"] = policy
        return
    periodic = dict(policy.get("periodicModeProperties") or {})
    interval = int(periodic.get("backupIntervalInMinutes") or 240)
    retention = int(periodic.get("backupRetentionIntervalInHours") or 8)
    if not 60 <= interval <= 1440:
        raise _bad(f"Backup interval of {interval} minutes is outside 60-1440.")
    if not 8 <= retention <= 720:
        raise _bad(f"Backup retention of {retention} hours is outside 8-720.")
    periodic.update(
        {
            "backupIntervalInMinutes": interval,
            "backupRetentionIntervalInHours": retention,
            "backupStorageRedundancy": periodic.get("backupStorageRedundancy") or "Geo",
        }
    )
    properties["backupPolicy"] = {"type": "Periodic", "periodicModeProperties": periodic}


def _keys(record: Record) -> dict[str, str]:
    def key_for(which: str) -> str:
        digest = hashlib.sha512(f"{record['id'].lower()}/{which}".encode()).digest()
        return base64.b64encode(digest).decode()

    return {
        "primaryMasterKey": key_for("primary"),
        "secondaryMasterKey": key_for("secondary"),
        "primaryReadonlyMasterKey": key_for("primary-readonly"),
        "secondaryReadonlyMasterKey": key_for("secondary-readonly"),
    }


def _list_keys(arm: Arm, record: Record, request: Any) -> Any:
    return _keys(record)


def _list_connection_strings(arm: Arm, record: Record, request: Any) -> Any:
    name, keys = record["name"], _keys(record)
    strings = []
    for which, key_name in (("Primary", "primaryMasterKey"), ("Secondary", "secondaryMasterKey")):
        if record.get("kind") == "MongoDB":
            value = (
                f"mongodb://{name}:{keys[key_name]}@{name}.mongo.cosmos.azure.com:{MONGO_PORT}/"
                f"?ssl=true&replicaSet=globaldb&retrywrites=false&maxIdleTimeMS=120000"
                f"&appName=@{name}@"
            )
            strings.append(_connection(value, f"{which} MongoDB Connection String", which))
        else:
            endpoint = record["properties"]["documentEndpoint"]
            value = f"AccountEndpoint={endpoint};AccountKey={keys[key_name]};"
            strings.append(_connection(value, f"{which} SQL Connection String", which))
    return {"connectionStrings": strings}


def _connection(value: str, description: str, which: str) -> Record:
    kind = "MongoDB" if value.startswith("mongodb://") else "Sql"
    return {"connectionString": value, "description": description, "keyKind": which, "type": kind}


# ---------------------------------------------------------- MongoDB databases


def _build_database(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    account = arm.find(path.parent_id)
    if account is not None and account.get("kind") != "MongoDB":
        raise _bad(
            f"Database account '{account['name']}' is not a MongoDB account (kind "
            f"{account.get('kind')}): create MongoDB databases in a kind MongoDB account."
        )
    if not _DATABASE_NAME.fullmatch(path.name):
        raise _bad(f"Database name '{path.name}' is invalid.")
    resource = require(body, "properties.resource")
    if resource.get("id") != path.name:
        raise _bad(
            f"The resource id '{resource.get('id')}' does not match the database name "
            f"'{path.name}' in the request URL."
        )
    options = (body.get("properties") or {}).get("options") or {}
    throughput = _offer(options) if options else None
    if existing is not None and throughput is not None:
        raise _bad(
            "Throughput of an existing database is changed through its throughputSettings, "
            "not its options."
        )
    if throughput is not None:
        body["_throughput"] = throughput
    stamp = hashlib.sha256(path.resource_id().lower().encode()).hexdigest()
    return {
        "resource": {"id": path.name, "_rid": stamp[:8], "_etag": f'"{stamp[8:40]}"'},
    }


def _offer(options: Record) -> Record:
    """A request's throughput (manual RU/s or autoscale's maximum), checked as Azure does."""
    autoscale = options.get("autoscaleSettings") or {}
    if autoscale:
        ceiling = int(autoscale.get("maxThroughput") or 0)
        if ceiling < 1000 or ceiling % 1000:
            raise _bad(
                f"The autoscale maximum throughput {ceiling} must be at least 1000 RU/s and a "
                "multiple of 1000."
            )
        return {"autoscaleSettings": {"maxThroughput": ceiling}, "throughput": ceiling // 10}
    throughput = int(options.get("throughput") or 0)
    if throughput < 400 or throughput % 100 or throughput > 1_000_000:
        raise _bad(
            f"The offer throughput {throughput} is invalid: manual throughput is 400-1000000 "
            "RU/s in steps of 100."
        )
    return {"throughput": throughput}


def _database_stored(arm: Arm, record: Record) -> None:
    """Throughput given with a database becomes its throughputSettings/default (as on Azure)."""
    offer = record.pop("_throughput", None)
    if offer is None:
        return
    setting_id = f"{record['id']}/throughputSettings/default"
    arm.store.put(
        "arm",
        setting_id.lower(),
        {
            "id": setting_id,
            "name": "default",
            "type": THROUGHPUT,
            "properties": {
                "resource": _throughput_resource(offer),
                "provisioningState": "Succeeded",
            },
        },
    )


def _throughput_resource(offer: Record) -> Record:
    return {**offer, "minimumThroughput": "400", "offerReplacePending": "false"}


def _view_database(arm: Arm, shown: Record) -> Record:
    """A database's GET carries its shared throughput under properties.options."""
    setting = arm.find(f"{shown['id']}/throughputSettings/default")
    properties = shown["properties"]
    properties["resource"] = {**properties["resource"], "_ts": 0}
    if setting is not None:
        offer = setting["properties"]["resource"]
        options = {"throughput": offer["throughput"]}
        if "autoscaleSettings" in offer:
            options = {"autoscaleSettings": offer["autoscaleSettings"]}
        properties["options"] = options
    properties.pop("provisioningState", None)
    return shown


def _build_throughput(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    if path.name != "default":
        raise _bad("The throughput settings of a database are named 'default'.")
    if existing is None:
        raise CloudError(
            404,
            "NotFound",
            f"Throughput settings for database '{path.pairs[1][1]}' were not found: the "
            "database has no shared throughput.",
        )
    resource = require(body, "properties.resource")
    return {"resource": _throughput_resource(_offer(resource))}


TYPES = (
    ResourceType(
        ACCOUNT,
        _build_account,
        create_status=200,
        kept_fields=("kind", "identity"),
        actions={"listKeys": _list_keys, "listConnectionStrings": _list_connection_strings},
    ),
    ResourceType(
        MONGO_DATABASE,
        _build_database,
        accepted="always",
        located=False,
        created=_database_stored,
        view=_view_database,
    ),
    ResourceType(THROUGHPUT, _build_throughput, accepted="always", located=False),
)
