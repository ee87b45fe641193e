"""Microsoft.DBforPostgreSQL and Microsoft.DBforMySQL flexible servers.

As Azure does: the SKU must exist and match its tier, the engine version must be one offered,
storage comes in the service's sizes and never shrinks, backups are kept 7-35 days
(PostgreSQL) or 1-35 (MySQL), zone-redundant high availability needs a tier above
Burstable, the administrator password is never read back, and server names are unique
across Azure (they are DNS names: NAME.postgres.database.azure.com)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from genesys_emulators.azure.model import ArmPath, Record, ResourceType, invalid, require
from genesys_emulators.core import CloudError

if TYPE_CHECKING:
    from genesys_emulators.azure.arm import Arm

# sku name -> tier
SKUS = {
    "Standard_B1ms": "Burstable",
    "Standard_B2s": "Burstable",
    "Standard_B2ms": "Burstable",
    "Standard_D2s_v3": "GeneralPurpose",
    "Standard_D4s_v3": "GeneralPurpose",
    "Standard_D8s_v3": "GeneralPurpose",
    "Standard_D2ds_v4": "GeneralPurpose",
    "Standard_D4ds_v4": "GeneralPurpose",
    "Standard_E2ds_v4": "MemoryOptimized",
    "Standard_E4ds_v4": "MemoryOptimized",
}
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]")


@dataclass(frozen=True)
class Engine:
    type_name: str
    label: str
    versions: tuple[str, ...]
    storage_sizes: tuple[int, ...]  # allowed sizes; empty: any in storage_range
    storage_range: tuple[int, int]
    retention: tuple[int, int]
    dns_suffix: str


POSTGRES = Engine(
    "Microsoft.DBforPostgreSQL/flexibleServers",
    "PostgreSQL",
    ("11", "12", "13", "14", "15", "16"),
    (32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767),
    (32, 32767),
    (7, 35),
    "postgres.database.azure.com",
)
MYSQL = Engine(
    "Microsoft.DBforMySQL/flexibleServers",
    "MySQL",
    ("5.7", "8.0.21"),
    (),
    (20, 16384),
    (1, 35),
    "mysql.database.azure.com",
)


def _builder(engine: Engine):  # type: ignore[no-untyped-def]
    def build(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
        _check_name(arm, engine, path)
        old = (existing or {}).get("properties", {})
        properties = {**old, **(body.get("properties") or {})}
        _check_sku(body, existing)
        _check_version(engine, properties, old)
        _check_storage(engine, properties, old)
        _check_backup(engine, properties)
        _check_high_availability(body, existing, properties)
        if existing is None:
            require(body, "properties.administratorLogin")
            require(body, "properties.administratorLoginPassword")
        properties.pop("administratorLoginPassword", None)
        properties["fullyQualifiedDomainName"] = f"{path.name}.{engine.dns_suffix}"
        properties["state"] = "Ready"
        return properties

    return build


def _check_name(arm: Arm, engine: Engine, path: ArmPath) -> None:
    if not _NAME.fullmatch(path.name):
        raise invalid(
            f"Server name '{path.name}' is invalid: 3-63 lower-case letters, digits "
            "and hyphens, not starting or ending with a hyphen.",
            "serverName",
            "InvalidServerName",
        )
    for record in arm.of_type(engine.type_name):
        if record["name"] == path.name and record["id"].lower() != path.resource_id().lower():
            raise CloudError(
                409,
                "ServerNameAlreadyExists",
                f"Specified server name '{path.name}' is already used.",
            )


def _check_sku(body: Record, existing: Record | None) -> None:
    sku = body.get("sku") or (existing or {}).get("sku")
    if not sku:
        raise invalid("Required parameter 'sku' is missing (null).", "sku")
    name, tier = sku.get("name"), sku.get("tier")
    if name not in SKUS:
        raise invalid(
            f"The SKU '{name}' is not supported. Supported SKUs: {', '.join(SKUS)}.",
            "sku.name",
            "InvalidSkuName",
        )
    if tier != SKUS[name]:
        raise invalid(
            f"The SKU '{name}' belongs to tier '{SKUS[name]}', not '{tier}'.",
            "sku.tier",
            "SkuTierMismatch",
        )


def _check_version(engine: Engine, properties: Record, old: Record) -> None:
    version = str(properties.get("version") or "")
    if version not in engine.versions:
        raise invalid(
            f"The {engine.label} version '{version}' is not supported. Supported "
            f"versions: {', '.join(engine.versions)}.",
            "properties.version",
            "InvalidVersion",
        )
    if old and version != str(old.get("version")):
        raise invalid(
            "Changing the server version is a major version upgrade, not an update.",
            "properties.version",
            "VersionChangeNotAllowed",
        )


def _check_storage(engine: Engine, properties: Record, old: Record) -> None:
    size = int((properties.get("storage") or {}).get("storageSizeGB") or engine.storage_range[0])
    low, high = engine.storage_range
    if (engine.storage_sizes and size not in engine.storage_sizes) or not low <= size <= high:
        allowed = ", ".join(map(str, engine.storage_sizes)) or f"{low}-{high}"
        raise invalid(
            f"Storage size {size} GB is not allowed. Allowed sizes: {allowed}.",
            "properties.storage.storageSizeGB",
            "InvalidStorageSize",
        )
    before = (old.get("storage") or {}).get("storageSizeGB")
    if before and size < int(before):
        raise invalid(
            "Storage size cannot be reduced.",
            "properties.storage.storageSizeGB",
            "StorageSizeReductionNotAllowed",
        )
    properties["storage"] = {**(properties.get("storage") or {}), "storageSizeGB": size}


def _check_backup(engine: Engine, properties: Record) -> None:
    backup = properties.setdefault("backup", {})
    days = int(backup.get("backupRetentionDays") or 7)
    low, high = engine.retention
    if not low <= days <= high:
        raise invalid(
            f"Backup retention of {days} days is outside {low}-{high}.",
            "properties.backup.backupRetentionDays",
            "InvalidBackupRetentionDays",
        )
    backup["backupRetentionDays"] = days
    backup.setdefault("geoRedundantBackup", "Disabled")


def _check_high_availability(body: Record, existing: Record | None, properties: Record) -> None:
    mode = (properties.get("highAvailability") or {}).get("mode", "Disabled")
    tier = (body.get("sku") or (existing or {}).get("sku") or {}).get("tier")
    if mode != "Disabled" and tier == "Burstable":
        raise invalid(
            "High availability is not supported for the Burstable tier.",
            "properties.highAvailability.mode",
            "HANotSupportedForBurstableSkus",
        )
    properties["highAvailability"] = {
        **(properties.get("highAvailability") or {}),
        "mode": mode,
        "state": "Healthy" if mode != "Disabled" else "NotEnabled",
    }


TYPES = tuple(
    ResourceType(engine.type_name, _builder(engine), accepted="always", kept_fields=("sku",))
    for engine in (POSTGRES, MYSQL)
)
