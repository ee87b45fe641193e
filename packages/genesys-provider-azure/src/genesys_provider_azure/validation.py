"""ValidateResources: what Azure would refuse (or quietly change), found before any call.

One function per kind returns (severity, summary, attribute path) triples; the SDK's
`validate_kinds` turns them into protocol Diagnostics carrying the resource's index.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk.planning import Finding, validate_kinds

from genesys_provider_azure import tables

ERROR = pb.Diagnostic.SEVERITY_ERROR
WARNING = pb.Diagnostic.SEVERITY_WARNING
_VM_SIZE = re.compile(r"Standard_[A-Za-z0-9_]+|Basic_[A-Za-z0-9_]+")
_URN = re.compile(r"[^:]+:[^:]+:[^:]+:[^:]+")
_BINARY = re.compile(r"[A-Za-z0-9_.-]+")


def _name(kind: str, name: str) -> list[Finding]:
    problem = tables.name_problem(kind, name) if name else ""
    return [(ERROR, problem, "name")] if problem else []


def _instance(r: pb.Instance) -> list[Finding]:
    found = _name("virtual machine", r.name)
    if r.image and r.image not in tables.IMAGES and not _URN.fullmatch(r.image):
        known = ", ".join(tables.IMAGES)
        found.append(
            (
                ERROR,
                f"unknown image {r.image!r}: use publisher:offer:sku:version or one of {known}",
                "image",
            )
        )
    if r.provider_type and not _VM_SIZE.fullmatch(r.provider_type):
        found.append(
            (
                ERROR,
                f"{r.provider_type!r} is not an Azure VM size (Standard_<family><vCPUs>...)",
                "provider_type",
            )
        )
    if not r.provider_type and r.size and r.size not in tables.VM_SIZES:
        found.append((ERROR, "no Azure VM size for this size", "size"))
    if r.zone and r.zone.rsplit("-", 1)[-1] not in tables.ZONES:
        found.append((ERROR, f"zone {r.zone!r}: Azure zones are 1, 2 and 3", "zone"))
    if len(r.security_group_ids) > 1:
        found.append(
            (
                ERROR,
                "Azure attaches one network security group to a VM's network "
                "interface; name one security group",
                "security_group_ids",
            )
        )
    return found


def _bucket(r: pb.Bucket) -> list[Finding]:
    found = _name("blob container", r.name)
    if not r.encryption:
        found.append(
            (
                WARNING,
                "Azure Storage always encrypts data at rest (AES-256, "
                "Microsoft-managed keys); encryption: false keeps that",
                "encryption",
            )
        )
    if r.lifecycle.delete_after_days < 0:
        found.append(
            (ERROR, "delete_after_days must be 0 (never) or more", "lifecycle.delete_after_days")
        )
    return found


def _mongodb(r: pb.Database) -> list[Finding]:
    """Cosmos DB for MongoDB (RU): what Azure refuses, and what the mapping leaves out."""
    found = _name("cosmos db account", r.name)
    if r.version and r.version not in tables.MONGO_VERSIONS:
        offered = ", ".join(tables.MONGO_VERSIONS)
        found.append((ERROR, f"Cosmos DB for MongoDB serves versions {offered}", "version"))
    if r.size and r.size not in tables.MONGO_THROUGHPUT:
        found.append((ERROR, "no Cosmos DB throughput for this size", "size"))
    days = r.backup.retention_days
    if days and not 1 <= days <= tables.MONGO_BACKUP_MAX_DAYS:
        limit = tables.MONGO_BACKUP_MAX_DAYS
        found.append(
            (ERROR, f"Cosmos DB keeps periodic backups 1-{limit} days", "backup.retention_days")
        )
    if r.username and r.username != r.name:
        found.append(
            (
                WARNING,
                "Cosmos DB for MongoDB signs in as the account (the database's name) with "
                "the account key: username is not used",
                "username",
            )
        )
    if r.backup.window:
        found.append(
            (
                WARNING,
                "Cosmos DB takes periodic backups every 4 hours: backup.window is "
                "recorded, not applied",
                "backup.window",
            )
        )
    if r.storage_gb:
        found.append(
            (
                WARNING,
                "Cosmos DB provisions no storage: storage_gb is priced as data stored and "
                "grows with use",
                "storage_gb",
            )
        )
    return found


def _database(r: pb.Database) -> list[Finding]:
    engine = tables.DATABASE_ENGINES.get(r.engine)
    if engine == "mongodb":
        return _mongodb(r)
    found = _name("flexible server", r.name)
    if engine is None:
        summary = "Azure runs postgres and mysql (flexible servers) and mongodb (Cosmos DB)"
        return [*found, (ERROR, summary, "engine")]
    if r.version and r.version not in tables.DATABASE_VERSIONS[engine]:
        found.append(
            (
                ERROR,
                f"{engine} version {r.version!r} is not offered; one of "
                f"{', '.join(tables.DATABASE_VERSIONS[engine])}",
                "version",
            )
        )
    _, tier = tables.database_sku_for(r.size or pb.SIZE_SMALL)
    if r.multi_az and tier == "Burstable":
        found.append(
            (
                ERROR,
                "multi_az (zone-redundant high availability) needs size medium "
                "or larger: Azure offers no high availability on Burstable servers",
                "multi_az",
            )
        )
    low, high = tables.BACKUP_RETENTION_DAYS[engine]
    days = r.backup.retention_days
    if days and not low <= days <= high:
        found.append(
            (
                ERROR,
                f"{engine} flexible servers keep backups {low}-{high} days",
                "backup.retention_days",
            )
        )
    if engine == "postgres" and r.storage_gb:
        rounded = tables.postgres_storage_for(r.storage_gb)
        if not rounded:
            found.append((ERROR, "PostgreSQL flexible servers hold at most 32767 GB", "storage_gb"))
        elif rounded != r.storage_gb:
            found.append(
                (
                    WARNING,
                    f"PostgreSQL flexible-server storage comes in fixed sizes: "
                    f"{r.storage_gb} GB is provisioned as {rounded} GB",
                    "storage_gb",
                )
            )
    if r.backup.window:
        found.append(
            (
                WARNING,
                "Azure schedules flexible-server backups itself: "
                "backup.window is recorded, not applied",
                "backup.window",
            )
        )
    return found


def _function(r: pb.Function) -> list[Finding]:
    found = _name("function app", r.name)
    if r.runtime and r.runtime not in tables.RUNTIMES:
        found.append(
            (
                ERROR,
                f"runtime {r.runtime!r} is not offered; one of {', '.join(tables.RUNTIMES)}",
                "runtime",
            )
        )
    if r.timeout_s > 600:
        found.append((ERROR, "Consumption-plan functions run at most 600 s", "timeout_s"))
    if r.runtime in tables.GO_RUNTIMES:
        found.extend(_go_function(r))
    return found


def _go_function(r: pb.Function) -> list[Finding]:
    """A Go function is built here before it is deployed: it needs the toolchain, and its
    handler names the executable (go_functions.py)."""
    from genesys_plugin_sdk.go_build import go_toolchain, missing_toolchain_message

    found: list[Finding] = []
    if go_toolchain() is None:
        found.append((ERROR, missing_toolchain_message(r.runtime), "runtime"))
    if r.handler and not _BINARY.fullmatch(r.handler):
        found.append(
            (
                ERROR,
                f"handler {r.handler!r} names the Go executable to build: letters, digits, "
                "'_', '.' and '-' (e.g. bootstrap)",
                "handler",
            )
        )
    return found


def _volume(r: pb.Volume) -> list[Finding]:
    found = _name("virtual machine", r.name)  # managed disks: the same 1-80 character rule
    if r.size_gb < 1 or r.size_gb > 32767:
        found.append((ERROR, "managed disks hold 1-32767 GB", "size_gb"))
    sku = tables.VOLUME_SKUS.get(r.volume_class or "standard", r.volume_class)
    if sku not in tables.DISK_SKUS:
        found.append(
            (
                ERROR,
                f"volume_class {r.volume_class!r}: standard, ssd or one of "
                f"{', '.join(tables.DISK_SKUS)}",
                "volume_class",
            )
        )
    if not r.encrypted:
        found.append(
            (
                WARNING,
                "Azure encrypts managed disks at rest (platform-managed keys); "
                "encrypted: false keeps that",
                "encrypted",
            )
        )
    return found


CHECKS: dict[str, Callable[[Any], list[Finding]]] = {
    "volume": _volume,
    "instance": _instance,
    "bucket": _bucket,
    "network": lambda r: _name("virtual network", r.name),
    "subnet": lambda r: _name("subnet", r.name),
    "security_group": lambda r: _name("network security group", r.name),
    "database": _database,
    "function": _function,
}


def validate(resource: pb.Resource, index: int) -> list[pb.Diagnostic]:
    return validate_kinds(CHECKS, resource, index)
