"""ValidateResources: what AWS would reject (or silently change), found before any API call.

One function per kind returns (severity, summary, attribute path) triples; `validate` turns them
into protocol Diagnostics carrying the resource's index.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk.go_build import go_toolchain, missing_toolchain_message

from genesys_provider_aws import tables

ERROR = pb.Diagnostic.SEVERITY_ERROR
WARNING = pb.Diagnostic.SEVERITY_WARNING
Finding = tuple[Any, str, str]

_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")
_DB_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_WINDOW = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
_PROVIDER_TYPE = re.compile(r"^[a-z0-9]+[a-z0-9-]*\.[a-z0-9]+$")


def _instance(r: pb.Instance) -> list[Finding]:
    found: list[Finding] = []
    if r.image and not tables.is_image_id(r.image) and r.image not in tables.IMAGE_ALIASES:
        known = ", ".join(sorted(tables.IMAGE_ALIASES))
        found.append(
            (ERROR, f"unknown image {r.image!r}: use an AMI id or one of {known}", "image")
        )
    if r.provider_type and not _PROVIDER_TYPE.match(r.provider_type):
        found.append((ERROR, f"{r.provider_type!r} is not an EC2 instance type", "provider_type"))
    return found


def _bucket(r: pb.Bucket) -> list[Finding]:
    found: list[Finding] = []
    if not _BUCKET_NAME.match(r.name) or ".." in r.name or _is_ip(r.name):
        found.append(
            (ERROR, f"{r.name!r} is not a valid S3 bucket name (3-63 of a-z 0-9 . -)", "name")
        )
    if not r.encryption:
        found.append(
            (
                WARNING,
                "S3 encrypts every object (SSE-S3) since 2023; "
                "encryption: false keeps that default",
                "encryption",
            )
        )
    if r.lifecycle.delete_after_days < 0:
        found.append(
            (ERROR, "delete_after_days must be 0 (never) or more", "lifecycle.delete_after_days")
        )
    if r.website.error_document and not r.website.index_document:
        found.append((ERROR, "a website needs index_document", "website.index_document"))
    return found


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


def _volume(r: pb.Volume) -> list[Finding]:
    found: list[Finding] = []
    if tables.volume_type_for(r.volume_class) not in tables.EBS_VOLUME_TYPES:
        found.append(
            (
                ERROR,
                f"unknown volume class {r.volume_class!r} (standard, ssd or an EBS type)",
                "volume_class",
            )
        )
    if not 0 <= r.size_gb <= 16384:
        found.append((ERROR, "EBS volumes are 1 to 16384 GiB", "size_gb"))
    return found


def _cidr(cidr: str, path: str) -> list[Finding]:
    try:
        network = ipaddress.ip_network(cidr, strict=True)
    except ValueError as exc:
        return [(ERROR, f"invalid CIDR {cidr!r}: {exc}", path)]
    if network.version != 4 or not 16 <= network.prefixlen <= 28:
        return [(ERROR, f"CIDR {cidr} must be an IPv4 block between /16 and /28", path)]
    return []


def _network(r: pb.Network) -> list[Finding]:
    return _cidr(r.cidr, "cidr")


def _subnet(r: pb.Subnet) -> list[Finding]:
    return _cidr(r.cidr, "cidr")


def _security_group(r: pb.SecurityGroup) -> list[Finding]:
    found: list[Finding] = []
    for path, rules in (("ingress", r.ingress), ("egress", r.egress)):
        for index, rule in enumerate(rules):
            if (rule.protocol or "all").lower() not in ("tcp", "udp", "icmp", "all", "-1"):
                found.append(
                    (ERROR, f"unknown protocol {rule.protocol!r}", f"{path}[{index}].protocol")
                )
            if not rule.cidr_blocks and not rule.source_security_group_id:
                found.append(
                    (
                        ERROR,
                        "a rule needs cidr_blocks or source_security_group_id",
                        f"{path}[{index}]",
                    )
                )
    return found


def _load_balancer(r: pb.LoadBalancer) -> list[Finding]:
    found: list[Finding] = []
    words = {(listener.protocol or "http").lower() for listener in r.listeners}
    if not (words <= {"http", "https"} or words <= {"tcp", "udp", "tls"}):
        found.append((ERROR, "listeners must be all http/https or all tcp/udp/tls", "listeners"))
    if words <= {"http", "https"} and len(r.subnet_ids) < 2:
        found.append(
            (
                ERROR,
                "an application load balancer needs subnets in at least two zones",
                "subnet_ids",
            )
        )
    for index, listener in enumerate(r.listeners):
        if listener.protocol.lower() in ("https", "tls") and not listener.certificate_id:
            found.append(
                (
                    ERROR,
                    f"a {listener.protocol} listener needs certificate_id",
                    f"listeners[{index}].certificate_id",
                )
            )
    return found


def _engine_word(engine: int) -> str:
    """The config's word for an engine (`sqlite`), not the protobuf enum's name."""
    return pb.DatabaseEngine.Name(engine).removeprefix("DATABASE_ENGINE_").lower()


def _database(r: pb.Database) -> list[Finding]:
    found: list[Finding] = []
    if r.engine == pb.DATABASE_ENGINE_MONGODB:
        found.append((WARNING, "mongodb is Amazon DocumentDB: planned and priced, but this "
                      "plugin cannot apply it yet (use postgres or mysql to apply)", "engine"))
    elif r.engine not in tables.DATABASE_ENGINES:
        found.append(
            (
                ERROR,
                f"engine {_engine_word(r.engine)} is not offered on AWS "
                "(postgres, mysql)",
                "engine",
            )
        )
    if not _DB_NAME.match(r.name) or len(r.name) > 63:
        found.append((ERROR, f"{r.name!r} is not a valid RDS identifier", "name"))
    if r.storage_gb and not 20 <= r.storage_gb <= 65536:
        found.append((ERROR, "RDS storage is 20 to 65536 GB", "storage_gb"))
    if r.backup.window and not _WINDOW.match(r.backup.window):
        found.append((ERROR, "backup window must be HH:MM-HH:MM (UTC)", "backup.window"))
    if not 0 <= r.backup.retention_days <= 35:
        found.append((ERROR, "backup retention is 0 to 35 days", "backup.retention_days"))
    return found


def _function(r: pb.Function) -> list[Finding]:
    found: list[Finding] = []
    if tables.lambda_runtime_for(r.runtime) not in tables.LAMBDA_RUNTIMES:
        found.append((ERROR, f"runtime {r.runtime!r} is not a Lambda runtime", "runtime"))
    elif r.runtime.startswith("go") and go_toolchain() is None:
        found.append((ERROR, missing_toolchain_message(r.runtime), "runtime"))
    if r.memory_mb and not 128 <= r.memory_mb <= 10240:
        found.append((ERROR, "Lambda memory is 128 to 10240 MB", "memory_mb"))
    if r.timeout_s and not 1 <= r.timeout_s <= 900:
        found.append((ERROR, "Lambda timeout is 1 to 900 seconds", "timeout_s"))
    for index, trigger in enumerate(r.triggers):
        if trigger.type != "http":
            found.append(
                (
                    ERROR,
                    f"trigger type {trigger.type!r} is not supported on AWS yet (http only)",
                    f"triggers[{index}].type",
                )
            )
    return found


def _layer(r: pb.Layer) -> list[Finding]:
    from genesys_provider_aws.layers import DESCRIPTION_LIMIT

    if len(json.dumps(dict(r.tags))) > DESCRIPTION_LIMIT - 60:
        return [(ERROR, "layer tags must fit in the 256-character layer description", "tags")]
    return []


def _cdn(r: pb.Cdn) -> list[Finding]:
    found: list[Finding] = []
    if not r.origin_bucket_id:
        found.append((ERROR, "a cdn needs origin_bucket_id", "origin_bucket_id"))
    region = r.certificate_id.split(":")[3] if r.certificate_id.count(":") >= 5 else ""
    if region and region != "us-east-1":
        found.append(
            (ERROR, "CloudFront takes ACM certificates from us-east-1 only", "certificate_id")
        )
    if r.domain and not r.certificate_id:
        found.append(
            (
                WARNING,
                "a custom domain without certificate_id serves only CloudFront's own name "
                "over https",
                "certificate_id",
            )
        )
    return found


def _certificate(r: pb.Certificate) -> list[Finding]:
    return [] if r.domain else [(ERROR, "a certificate needs a domain", "domain")]


CHECKS: dict[str, Callable[[Any], list[Finding]]] = {
    "instance": _instance,
    "bucket": _bucket,
    "volume": _volume,
    "network": _network,
    "subnet": _subnet,
    "security_group": _security_group,
    "load_balancer": _load_balancer,
    "database": _database,
    "function": _function,
    "layer": _layer,
    "cdn": _cdn,
    "certificate": _certificate,
}


def validate(resource: pb.Resource, index: int) -> list[pb.Diagnostic]:
    which = resource.WhichOneof("body")
    if which is None:
        return [pb.Diagnostic(severity=ERROR, summary="empty resource", index=index)]
    check = CHECKS.get(which)
    findings = check(getattr(resource, which)) if check else []
    return [
        pb.Diagnostic(severity=severity, summary=summary, attribute_path=path, index=index)
        for severity, summary, path in findings
    ]
