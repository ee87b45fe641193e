"""ValidateResources: what Alibaba Cloud would reject, found before any API call.

Each check returns (severity, summary, attribute path) findings; `validate` turns them into
Diagnostics carrying the resource's index, so the core names the resource's address.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk.go_build import go_toolchain, missing_toolchain_message
from genesys_plugin_sdk.planning import Finding, validate_kinds

from genesys_provider_alibaba import tables

ERROR = pb.Diagnostic.SEVERITY_ERROR
WARNING = pb.Diagnostic.SEVERITY_WARNING

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
_ECS_TYPE = re.compile(r"^ecs\.[a-z0-9-]+\.[a-z0-9]+$")
_WINDOW = re.compile(r"^([01]\d|2[0-3]):00-([01]\d|2[0-3]):00$")
_FUNCTION = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,127}$")


def _instance(r: pb.Instance) -> list[Finding]:
    found: list[Finding] = []
    if r.image and not tables.is_image_id(r.image) and r.image not in tables.IMAGE_ALIASES:
        known = ", ".join(sorted(tables.IMAGE_ALIASES))
        found.append(
            (ERROR, f"unknown image {r.image!r}: use an image id or one of {known}", "image")
        )
    if r.provider_type and not _ECS_TYPE.match(r.provider_type):
        found.append(
            (
                ERROR,
                f"{r.provider_type!r} is not an ECS instance type (ecs.<family>.<size>)",
                "provider_type",
            )
        )
    return found


def _bucket(r: pb.Bucket) -> list[Finding]:
    if _BUCKET.match(r.name):
        return []
    return [(ERROR, f"{r.name!r} is not a valid OSS bucket name (3-63 of a-z 0-9 -)", "name")]


def _cidr(value: str, path: str, low: int, high: int) -> list[Finding]:
    try:
        network = ipaddress.IPv4Network(value)
    except ValueError:
        return [(ERROR, f"{value!r} is not an IPv4 CIDR block", path)]
    if not low <= network.prefixlen <= high:
        return [(ERROR, f"{value}: Alibaba allows a /{low} to /{high} here", path)]
    return []


def _database(r: pb.Database) -> list[Finding]:
    engine = tables.ENGINES.get(r.engine)
    if engine is None:
        return [
            (
                ERROR,
                "Alibaba runs postgres and mysql (RDS) and mongodb (ApsaraDB for MongoDB)",
                "engine",
            )
        ]
    found = _mongodb(r) if engine == "MongoDB" else _rds(r)
    if r.backup.window and not _WINDOW.match(r.backup.window):
        found.append(
            (
                ERROR,
                f"backup window {r.backup.window!r}: Alibaba takes whole hours, e.g. 03:00-04:00",
                "backup.window",
            )
        )
    if r.backup.retention_days and not 7 <= r.backup.retention_days <= 730:
        found.append((ERROR, "Alibaba keeps backups 7 to 730 days", "backup.retention_days"))
    return found


def _rds(r: pb.Database) -> list[Finding]:
    if r.storage_gb and r.storage_gb < 20:
        return [(ERROR, "RDS storage starts at 20 GB", "storage_gb")]
    return []


def _mongodb(r: pb.Database) -> list[Finding]:
    # The cost table shows the main price list's date: say this row is an estimate.
    found: list[Finding] = [
        (
            WARNING,
            "ApsaraDB for MongoDB is priced from estimated rates "
            f"({tables.MONGODB_PRICES_AS_OF}), not from Alibaba's price list",
            "engine",
        )
    ]
    if r.version and r.version not in tables.MONGODB_VERSIONS:
        offered = ", ".join(tables.MONGODB_VERSIONS)
        found.append((ERROR, f"ApsaraDB for MongoDB offers {offered}", "version"))
    if r.username and r.username != "root":
        found.append(
            (ERROR, "ApsaraDB for MongoDB's account is root: leave username unset", "username")
        )
    if r.storage_gb and (not 10 <= r.storage_gb <= 3000 or r.storage_gb % 10):
        found.append(
            (ERROR, "ApsaraDB for MongoDB storage is 10 to 3000 GB in steps of 10", "storage_gb")
        )
    return found


def _function(r: pb.Function) -> list[Finding]:
    found: list[Finding] = []
    if not _FUNCTION.match(r.name):
        found.append((ERROR, f"{r.name!r} is not a valid Function Compute name", "name"))
    if r.runtime and r.runtime not in tables.RUNTIMES:
        found.append(
            (ERROR, f"runtime {r.runtime!r}: one of {', '.join(tables.RUNTIMES)}", "runtime")
        )
    elif r.runtime.startswith("go") and go_toolchain() is None:
        found.append((ERROR, missing_toolchain_message(r.runtime), "runtime"))
    if r.memory_mb and (r.memory_mb < 128 or r.memory_mb % 64):
        found.append((ERROR, "memory must be a multiple of 64 MB from 128", "memory_mb"))
    return found


CHECKS: dict[str, Callable[[Any], list[Finding]]] = {
    "instance": _instance,
    "bucket": _bucket,
    "network": lambda r: _cidr(r.cidr, "cidr", 8, 28) if r.cidr else [],
    "subnet": lambda r: _cidr(r.cidr, "cidr", 16, 29) if r.cidr else [],
    "database": _database,
    "function": _function,
    "certificate": lambda r: (
        [] if r.domain else [(ERROR, "a certificate needs a domain", "domain")]
    ),
}


def validate(resource: pb.Resource, index: int) -> list[pb.Diagnostic]:
    return validate_kinds(CHECKS, resource, index)
