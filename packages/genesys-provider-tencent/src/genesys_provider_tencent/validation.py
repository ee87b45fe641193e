"""ValidateResources: what Tencent Cloud would reject, found before any API call.

One function per kind returns (severity, summary, attribute path) triples; the SDK's
`validate_kinds` turns them into Diagnostics carrying the resource's index.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk.go_build import go_toolchain, missing_toolchain_message
from genesys_plugin_sdk.planning import validate_kinds

from genesys_provider_tencent import tables

ERROR = pb.Diagnostic.SEVERITY_ERROR
WARNING = pb.Diagnostic.SEVERITY_WARNING
Finding = tuple[Any, str, str]

_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_INSTANCE_TYPE = re.compile(r"^[A-Z0-9]+\.[A-Z0-9]+$")
_WINDOW = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
_FUNCTION_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$")


def _instance(r: pb.Instance) -> list[Finding]:
    found: list[Finding] = []
    if r.image and tables.image_id_for(r.image) is None:
        known = ", ".join(sorted(tables.IMAGE_ALIASES))
        found.append(
            (
                ERROR,
                f"unknown image {r.image!r}: use an image id (img-...) or one of {known}",
                "image",
            )
        )
    if r.provider_type and not _INSTANCE_TYPE.match(r.provider_type):
        found.append(
            (
                ERROR,
                f"{r.provider_type!r} is not a CVM instance type (e.g. S5.MEDIUM4)",
                "provider_type",
            )
        )
    return found


def _bucket(r: pb.Bucket) -> list[Finding]:
    found: list[Finding] = []
    if not _BUCKET_NAME.match(r.name) or len(r.name) > 50 or r.name.endswith("-"):
        found.append(
            (
                ERROR,
                f"{r.name!r} is not a COS bucket name: lower-case letters, digits "
                "and -, at most 50 (the APPID suffix is added)",
                "name",
            )
        )
    if r.lifecycle.delete_after_days < 0:
        found.append(
            (ERROR, "delete_after_days must be 0 (never) or more", "lifecycle.delete_after_days")
        )
    return found


def _database(r: pb.Database) -> list[Finding]:
    found: list[Finding] = []
    if r.engine == pb.DATABASE_ENGINE_MYSQL:
        return _mysql(r)
    if r.engine == pb.DATABASE_ENGINE_MONGODB:
        return _mongodb(r)
    if r.engine not in (pb.DATABASE_ENGINE_POSTGRES, pb.DATABASE_ENGINE_UNSPECIFIED):
        found.append(
            (ERROR, "the tencent provider offers postgres, mysql and mongodb databases", "engine")
        )
    elif r.version and r.version.split(".")[0] not in tables.POSTGRES_VERSIONS:
        found.append(
            (
                ERROR,
                f"PostgreSQL {r.version} is not offered; one of "
                f"{', '.join(tables.POSTGRES_VERSIONS)}",
                "version",
            )
        )
    if r.storage_gb and (r.storage_gb < 10 or r.storage_gb % 10):
        found.append((ERROR, "storage must be a multiple of 10 GB, at least 10", "storage_gb"))
    if r.backup.window and not _WINDOW.match(r.backup.window):
        found.append(
            (ERROR, f"backup window {r.backup.window!r} is not HH:MM-HH:MM", "backup.window")
        )
    if r.backup.retention_days and not 3 <= r.backup.retention_days <= 7300:
        found.append((ERROR, "backup retention is from 3 to 7300 days", "backup.retention_days"))
    return found


def _mysql(r: pb.Database) -> list[Finding]:
    found: list[Finding] = []
    if tables.mysql_version_for(r.version) not in tables.MYSQL_VERSIONS:
        found.append(
            (
                ERROR,
                f"MySQL {r.version} is not offered; one of {', '.join(tables.MYSQL_VERSIONS)}",
                "version",
            )
        )
    if r.storage_gb and (r.storage_gb < 25 or r.storage_gb % 5):
        found.append((ERROR, "MySQL storage is a multiple of 5 GB, at least 25", "storage_gb"))
    if r.backup.retention_days and not 7 <= r.backup.retention_days <= 1830:
        found.append((ERROR, "MySQL keeps backups 7 to 1830 days", "backup.retention_days"))
    return found


def _mongodb(r: pb.Database) -> list[Finding]:
    found: list[Finding] = [
        (
            WARNING,
            "TencentDB for MongoDB is priced from estimated rates "
            f"({tables.MONGODB_PRICES_AS_OF}), not from Tencent's price page",
            "engine",
        )
    ]
    if tables.mongodb_version_for(r.version) is None:
        known = ", ".join(tables.MONGODB_VERSIONS)
        found.append((ERROR, f"MongoDB {r.version} is not offered; one of {known}", "version"))
    spec = tables.mongodb_spec_for(r.size)
    most = tables.MONGODB_MAX_STORAGE_GB[spec]
    if r.storage_gb and not tables.MONGODB_MIN_STORAGE_GB <= r.storage_gb <= most:
        found.append(
            (
                ERROR,
                f"a {tables.mongodb_class(spec)} replica set takes "
                f"{tables.MONGODB_MIN_STORAGE_GB} to {most} GB of storage",
                "storage_gb",
            )
        )
    low, high = tables.MONGODB_BACKUP_DAYS
    if r.backup.retention_days and not low <= r.backup.retention_days <= high:
        found.append(
            (ERROR, f"MongoDB keeps backups {low} to {high} days", "backup.retention_days")
        )
    if r.backup.window and not _WINDOW.match(r.backup.window):
        found.append(
            (ERROR, f"backup window {r.backup.window!r} is not HH:MM-HH:MM", "backup.window")
        )
    if r.username and r.username != tables.MONGODB_USERNAME:
        found.append(
            (
                ERROR,
                f"TencentDB for MongoDB makes the account {tables.MONGODB_USERNAME}; leave "
                "username unset or set it to that",
                "username",
            )
        )
    return found


def _function(r: pb.Function) -> list[Finding]:
    found: list[Finding] = []
    if r.name and not _FUNCTION_NAME.match(r.name):
        found.append(
            (
                ERROR,
                f"{r.name!r} is not an SCF function name (2-60 letters, digits, - "
                "or _, starting with a letter)",
                "name",
            )
        )
    if r.runtime and tables.scf_runtime_for(r.runtime) is None:
        known = ", ".join(sorted(tables.RUNTIMES))
        found.append(
            (ERROR, f"runtime {r.runtime!r} is not offered by SCF; one of {known}", "runtime")
        )
    if r.runtime.startswith("go") and tables.scf_runtime_for(r.runtime) is not None:
        found += _go(r)
    if r.memory_mb and (not 64 <= r.memory_mb <= 3072 or r.memory_mb % 64):
        found.append((ERROR, "memory must be a multiple of 64 MB from 64 to 3072", "memory_mb"))
    if r.timeout_s and not 1 <= r.timeout_s <= 900:
        found.append((ERROR, "timeout must be from 1 to 900 seconds", "timeout_s"))
    for i, trigger in enumerate(r.triggers):
        if trigger.type != "http":
            found.append(
                (
                    ERROR,
                    f"trigger type {trigger.type!r} is not offered yet (http is)",
                    f"triggers[{i}].type",
                )
            )
    return found


def _go(r: pb.Function) -> list[Finding]:
    found: list[Finding] = []
    if go_toolchain() is None:
        found.append((ERROR, missing_toolchain_message(r.runtime), "runtime"))
    if r.handler == "scf_bootstrap":
        found.append(
            (ERROR, "scf_bootstrap is SCF's start script; name the Go binary otherwise", "handler")
        )
    return found


def _cidr(r: Any) -> list[Finding]:
    try:
        ipaddress.IPv4Network(r.cidr, strict=True)
    except ValueError as exc:
        return [(ERROR, f"{r.cidr!r} is not an IPv4 CIDR block: {exc}", "cidr")]
    return []


def _cdn(r: pb.Cdn) -> list[Finding]:
    if not r.domain:
        return [(ERROR, "a Tencent CDN needs a domain (the site's own name)", "domain")]
    return []


CHECKS: dict[str, Callable[[Any], list[Finding]]] = {
    "instance": _instance,
    "bucket": _bucket,
    "database": _database,
    "function": _function,
    "cdn": _cdn,
    "network": _cidr,
    "subnet": _cidr,
}


def validate(resource: pb.Resource, index: int) -> list[pb.Diagnostic]:
    if resource.WhichOneof("body") is None:
        return []  # nothing of Tencent's to check (the SDK would call it an error)
    return validate_kinds(CHECKS, resource, index)
