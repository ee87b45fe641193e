"""GetSchema facts, ValidateResources and PlanResources: translation of abstract values,
replacement decisions and monthly costs. Pure functions of the request: nothing here
contacts Google.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk.schema import PriceList, SchemaFacts, Setting, provider_schema
from google.protobuf.message import Message

from genesys_provider_gcp import tables

FORCE_NEW: dict[str, frozenset[str]] = {
    # Compute cannot rename an instance or move it between zones or networks.
    "instance": frozenset(
        {"name", "image", "zone", "subnet_id", "network_id", "key_pair", "user_data"}
    ),
    "bucket": frozenset({"name"}),
    "volume": frozenset({"name", "encrypted", "zone", "volume_class"}),
    "volume_attachment": frozenset({"volume_id", "instance_id", "device"}),
    "network": frozenset({"name", "cidr", "tags"}),
    "subnet": frozenset({"name", "network_id", "cidr", "zone", "public", "tags"}),
    "security_group": frozenset({"name", "network_id"}),
    "load_balancer": frozenset({"name", "internal", "network_id"}),
    "database": frozenset({"name", "engine", "username", "subnet_ids"}),
    "function": frozenset({"name"}),
    "layer": frozenset({"name"}),
    "cdn": frozenset({"name", "origin_bucket_id", "https"}),
    "certificate": frozenset({"name", "domain", "tags"}),
}
REQUIRED: dict[str, frozenset[str]] = {
    "volume": frozenset({"name"}),
    "volume_attachment": frozenset({"volume_id", "instance_id"}),
    "load_balancer": frozenset({"name", "listeners"}),
    "bucket": frozenset({"name"}),
    "network": frozenset({"name"}),
    "subnet": frozenset({"network_id", "cidr"}),
    "security_group": frozenset({"name", "network_id"}),
    "database": frozenset({"name", "engine"}),
    "function": frozenset({"name", "runtime", "handler", "code"}),
    "cdn": frozenset({"origin_bucket_id"}),
    "certificate": frozenset({"domain"}),
}
KINDS = (
    "instance",
    "volume",
    "volume_attachment",
    "bucket",
    "network",
    "subnet",
    "security_group",
    "load_balancer",
    "database",
    "function",
    "cdn",
    "certificate",
)
SETTINGS = (
    Setting("project", "string", "GCP project id (else the config's `project`, else ADC's)"),
    Setting("region", "string", "GCP region (else the config's `region`, else us-central1)"),
    Setting("zone", "string", "zone for zonal resources (default: the region's first)"),
    Setting("credentials", "string", "application-default (default) or anonymous (emulators)"),
    Setting(
        "endpoints", "map", "per-API endpoint URLs: compute, sql, functions, storage, firestore"
    ),
    Setting("poll_interval", "int", "longest pause between readiness polls, seconds (default 1)"),
    Setting("wait_timeout", "int", "seconds a create/delete may wait (default 900)"),
)
FACTS = SchemaFacts(force_new=FORCE_NEW, required=REQUIRED, settings=SETTINGS, kinds=KINDS)


def schema() -> provider_pb2.ProviderSchema:
    regions = tables.price_tables()
    region, entries = regions[0]
    answer = provider_schema(
        FACTS,
        translations=tables.translation_tables(),
        prices=PriceList(as_of=tables.PRICES_AS_OF, region=region, entries=entries),
    )
    for region, entries in regions[1:]:
        table = answer.prices.add(as_of=tables.PRICES_AS_OF, region=region)
        for item, usd, unit in entries:
            table.entries.add(item=item, usd=usd, unit=unit)
    return answer


# ---------------------------------------------------------------- validation


def _error(index: int, path: str, summary: str) -> pb.Diagnostic:
    return pb.Diagnostic(
        severity=pb.Diagnostic.SEVERITY_ERROR, summary=summary, attribute_path=path, index=index
    )


def _instance_problems(body: Any) -> Iterator[tuple[str, str]]:
    if body.provider_type and body.provider_type not in tables.KNOWN_MACHINE_TYPES:
        known = ", ".join(sorted(tables.KNOWN_MACHINE_TYPES))
        yield "provider_type", f"unknown GCP machine type {body.provider_type!r}; one of {known}"
    try:
        tables.image_source(body.image)
    except ValueError as exc:
        yield "image", str(exc)
    if body.name and not re.match(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", body.name):
        yield (
            "name",
            (
                f"instance name {body.name!r}: GCP names are lower-case letters, digits and '-', "
                "starting with a letter"
            ),
        )


def _function_problems(body: Any) -> Iterator[tuple[str, str]]:
    if body.runtime and body.runtime not in tables.RUNTIMES:
        known = ", ".join(sorted(tables.RUNTIMES))
        yield (
            "runtime",
            f"runtime {body.runtime!r} is not offered by Cloud Functions; one of {known}",
        )
    elif body.runtime.startswith("go"):
        from genesys_plugin_sdk.go_build import go_toolchain, missing_toolchain_message

        if go_toolchain() is None:
            yield "runtime", missing_toolchain_message(body.runtime)
    for position, trigger in enumerate(body.triggers):
        if trigger.type not in ("http", ""):
            yield f"triggers[{position}].type", f"trigger type {trigger.type!r}: only http here"


# Firestore's rule for database and user creds ids (both 4 to 63 characters).
_FIRESTORE_ID = re.compile(r"^[a-z][a-z0-9-]{2,61}[a-z0-9]$")


def _mongodb_problems(body: Any) -> Iterator[tuple[str, str]]:
    if body.name and not _FIRESTORE_ID.match(body.name):
        yield (
            "name",
            f"Firestore database id {body.name!r}: 4 to 63 characters of a-z, 0-9 and '-', "
            "starting with a letter and ending with a letter or digit",
        )
    if body.username and not _FIRESTORE_ID.match(body.username):
        yield (
            "username",
            f"Firestore user creds id {body.username!r}: 4 to 63 characters of a-z, 0-9 and "
            "'-', starting with a letter and ending with a letter or digit",
        )


def _database_problems(body: Any) -> Iterator[tuple[str, str]]:
    if body.engine == pb.DATABASE_ENGINE_MONGODB:
        yield from _mongodb_problems(body)
        return
    offered = (
        pb.DATABASE_ENGINE_POSTGRES,
        pb.DATABASE_ENGINE_MYSQL,
        pb.DATABASE_ENGINE_UNSPECIFIED,
    )
    if body.engine not in offered:
        yield "engine", "Cloud SQL runs postgres and mysql only"
        return  # its version (sqlite 3) is not a postgres version: naming one would mislead
    engine = "mysql" if body.engine == pb.DATABASE_ENGINE_MYSQL else "postgres"
    if body.version and body.version not in tables.DATABASE_VERSIONS[engine]:
        known = ", ".join(tables.DATABASE_VERSIONS[engine])
        yield "version", f"{engine} {body.version} is not offered by Cloud SQL; one of {known}"


def _load_balancer_problems(body: Any) -> Iterator[tuple[str, str]]:
    from genesys_provider_gcp.load_balancers import listener_problems

    return listener_problems(body)


def _security_group_problems(body: Any) -> Iterator[tuple[str, str]]:
    if len({tuple(sorted(r.cidr_blocks)) for r in body.ingress}) > 1:
        yield "ingress", "on GCP one group's ingress rules share their source ranges (one firewall)"


PROBLEMS: dict[str, Callable[[Any], Iterator[tuple[str, str]]]] = {
    "instance": _instance_problems,
    "function": _function_problems,
    "database": _database_problems,
    "load_balancer": _load_balancer_problems,
    "security_group": _security_group_problems,
}
LABELLED = ("instance", "volume", "bucket", "database", "function")


def validate(resource: pb.Resource, index: int) -> Iterator[pb.Diagnostic]:
    """What GCP would refuse, found before anything is created (one diagnostic each)."""
    which = resource.WhichOneof("body")
    if which is None:
        return
    body: Any = getattr(resource, which)
    if which in LABELLED and body.tags and not _is_mongodb(which, body):
        try:
            tables.labels_for(dict(body.tags))
        except ValueError as exc:
            yield _error(index, "tags", str(exc))
    for path, why in PROBLEMS.get(which, lambda _: iter(()))(body):
        yield _error(index, path, why)


def _is_mongodb(which: str, body: Any) -> bool:
    return which == "database" and body.engine == pb.DATABASE_ENGINE_MONGODB


def _warning(index: int, path: str, summary: str) -> pb.Diagnostic:
    return pb.Diagnostic(
        severity=pb.Diagnostic.SEVERITY_WARNING, summary=summary, attribute_path=path, index=index
    )


def mongodb_notes(region: str, body: Any, index: int) -> list[pb.Diagnostic]:
    """What a mongodb database's config says that Firestore has no field for."""
    notes = [
        _warning(
            index,
            "size",
            "mongodb is Firestore Enterprise with MongoDB compatibility: serverless, nothing "
            f"to size; billed per read unit (${tables.FIRESTORE_READ_UNITS_MILLION}/million), "
            f"write unit (${tables.FIRESTORE_WRITE_UNITS_MILLION}/million) and GiB stored",
        )
    ]
    if body.multi_az and region not in tables.FIRESTORE_MULTI_REGIONS:
        notes.append(
            _error(
                index,
                "multi_az",
                f"no Firestore multi-region for {region}; multi_az needs "
                f"one of {', '.join(tables.FIRESTORE_MULTI_REGIONS)}",
            )
        )
    unmapped = {
        "version": "Firestore has no MongoDB version to choose",
        "tags": "Firestore databases take no labels",
        "subnet_ids": "Firestore is reached at its TLS endpoint, not in a subnet",
    }
    for field, why in unmapped.items():
        if getattr(body, field):
            notes.append(_warning(index, field, f"{why}: {field} kept as written, not applied"))
    if body.backup.window:
        why = "Firestore picks the time of a scheduled backup"
        notes.append(_warning(index, "backup.window", f"{why}: the window is kept, not applied"))
    return notes


def label_notes(body: Any, index: int) -> list[pb.Diagnostic]:
    """The tag -> label mapping, shown in the plan where it changes something (a warning:
    the only non-error diagnostic the protocol has)."""
    tags = dict(getattr(body, "tags", {}) or {})
    if not tags or body.DESCRIPTOR.name in ("Network", "Subnet", "SecurityGroup", "LoadBalancer"):
        return []  # kinds without labels keep their tags as written (in the description)
    try:
        labels = tables.labels_for(tags)
    except ValueError:
        return []  # validate reports it as an error
    changed = [
        f"{key}={value} -> {tables.label_key(key)}={labels[tables.label_key(key)]}"
        for key, value in sorted(tags.items())
        if (tables.label_key(key), labels[tables.label_key(key)]) != (key, value)
    ]
    if not changed:
        return []
    summary = "tags become GCP labels (lower-case, other characters as _): " + ", ".join(changed)
    return [
        pb.Diagnostic(
            severity=pb.Diagnostic.SEVERITY_WARNING,
            summary=summary,
            attribute_path="tags",
            index=index,
        )
    ]


# ---------------------------------------------------------------- translation and cost


def translate(which: str, body: Any) -> None:
    if which == "instance":
        body.provider_type = tables.machine_type_for(body.size, body.provider_type)
        try:
            body.provider_image = tables.image_source(body.image)
        except ValueError:
            body.provider_image = ""
    elif _is_mongodb(which, body):
        body.provider_class = tables.MONGODB_CLASS
    elif which == "database":
        body.provider_class = tables.database_tier_for(body.size)
    elif which == "volume":
        body.provider_type = tables.VOLUME_TYPES.get(body.volume_class, "pd-balanced")


def _hourly(label: str, hourly: float | None) -> provider_pb2.CostEstimate:
    if hourly is None:
        return provider_pb2.CostEstimate(unknown=True, components=[f"no price known for {label}"])
    month = tables.HOURS_PER_MONTH
    return provider_pb2.CostEstimate(
        monthly_usd=round(hourly * month, 2),
        hourly_usd=hourly,
        components=[f"{label}: {month} h x ${hourly}"],
    )


def _usage(note: str) -> provider_pb2.CostEstimate:
    return provider_pb2.CostEstimate(monthly_usd=0.0, components=[f"usage-based: {note}"])


def mongodb_cost(region: str, body: Any) -> provider_pb2.CostEstimate:
    """Stored data at the config's storage (an estimate: Firestore bills what is stored),
    read and write units usage-based."""
    location = tables.FIRESTORE_MULTI_REGIONS.get(region, "") if body.multi_az else region
    hourly = tables.FIRESTORE_STORED_GIB_HOURLY.get(location)
    if hourly is None:
        return provider_pb2.CostEstimate(
            unknown=True, components=[f"no Firestore price known for {location or region}"]
        )
    stored = body.storage_gb or tables.DEFAULT_STORAGE_GB
    month = tables.HOURS_PER_MONTH
    backups = f"usage-based: backups ${tables.FIRESTORE_BACKUP_GIB_HOURLY:.5f} per GiB-hour kept"
    return provider_pb2.CostEstimate(
        monthly_usd=round(stored * hourly * month, 2),
        hourly_usd=round(stored * hourly, 4),
        components=[
            f"Firestore stored data (storage as the estimate): {stored} GiB x {month} h "
            f"x ${hourly}",
            f"usage-based: ${tables.FIRESTORE_READ_UNITS_MILLION} per million read units, "
            f"${tables.FIRESTORE_WRITE_UNITS_MILLION} per million write units",
            *([backups] if body.backup.retention_days else []),
        ],
    )


def database_cost(region: str, body: Any) -> provider_pb2.CostEstimate:
    if body.engine == pb.DATABASE_ENGINE_MONGODB:
        return mongodb_cost(region, body)
    resources = tables.tier_resources(body.provider_class)
    if resources is None or region not in tables.SQL_VCPU_HOURLY:
        return provider_pb2.CostEstimate(
            unknown=True, components=[f"no price known for {body.provider_class}"]
        )
    cpus, memory = resources
    copies = 2 if body.multi_az else 1  # HA (REGIONAL) is billed twice
    hourly = (
        cpus * tables.SQL_VCPU_HOURLY[region] + memory * tables.SQL_MEMORY_GB_HOURLY[region]
    ) * copies
    storage = body.storage_gb or tables.DEFAULT_STORAGE_GB
    storage_usd = storage * tables.SQL_SSD_GB_MONTH[region] * copies
    month = tables.HOURS_PER_MONTH
    return provider_pb2.CostEstimate(
        monthly_usd=round(hourly * month + storage_usd, 2),
        hourly_usd=round(hourly, 4),
        components=[
            f"Cloud SQL {body.provider_class} x{copies}: {month} h x ${hourly:.4f}",
            f"SSD storage: {storage * copies} GB-months x ${tables.SQL_SSD_GB_MONTH[region]}",
        ],
    )


def _volume_cost(body: Any) -> provider_pb2.CostEstimate:
    per_gb = tables.DISK_GB_MONTH.get(body.provider_type)
    if per_gb is None:
        return provider_pb2.CostEstimate(
            unknown=True, components=[f"no price known for {body.provider_type}"]
        )
    size = body.size_gb or 10
    return provider_pb2.CostEstimate(
        monthly_usd=round(size * per_gb, 2),
        components=[f"{body.provider_type}: {size} GB-months x ${per_gb}"],
    )


def cost_of(region: str, which: str, body: Any) -> provider_pb2.CostEstimate:
    costs: dict[str, Callable[[Any], provider_pb2.CostEstimate]] = {
        "instance": lambda r: _hourly(
            f"instance {r.provider_type}", tables.instance_hourly(region, r.provider_type)
        ),
        "database": lambda r: database_cost(region, r),
        "bucket": lambda r: _usage(f"${tables.GCS_STANDARD_GB_MONTH}/GB-month stored"),
        "function": lambda r: _usage(
            f"${tables.FUNCTIONS_INVOCATIONS_MILLION} per million invocations + GB-seconds"
        ),
        "cdn": lambda r: _hourly("forwarding rule", tables.FORWARDING_RULE_HOURLY),
        "volume": _volume_cost,
        "load_balancer": lambda r: _hourly(
            f"{max(len(r.listeners), 1)} forwarding rule(s)",
            tables.FORWARDING_RULE_HOURLY * max(len(r.listeners), 1),
        ),
    }
    compute = costs.get(which)
    return (
        compute(body)
        if compute
        else provider_pb2.CostEstimate(monthly_usd=0.0, components=["no charge"])
    )


def requires_replace(which: str, desired: Message, prior: Message, unknown: set[str]) -> list[str]:
    changed = set()
    for name in FORCE_NEW.get(which, frozenset()):
        field = desired.DESCRIPTOR.fields_by_name.get(name)
        if field is None:
            continue
        want, have = getattr(desired, name), getattr(prior, name)
        if name in unknown:
            changed.add(name)
        elif field.type == field.TYPE_BOOL:
            if bool(want) != bool(have):
                changed.add(name)
        elif _present(want) and _normal(want) != _normal(have):
            changed.add(name)
    return sorted(changed)


def _present(value: Any) -> bool:
    return value.ByteSize() > 0 if isinstance(value, Message) else bool(value)


def _normal(value: Any) -> Any:
    if isinstance(value, Message):
        return value.SerializeToString(deterministic=True)
    if hasattr(value, "items"):
        return dict(value.items())
    if isinstance(value, (str, int, float, bool, bytes)):
        return value
    return sorted(value)


def plan_item(region: str, index: int, item: Any) -> provider_pb2.PlannedResource:
    which = item.desired.WhichOneof("body")
    planned = provider_pb2.PlannedResource(index=index)
    unknown = {p.split(".")[0].split("[")[0] for p in item.unknown_attributes}
    planned.diagnostics.extend(
        d for d in validate(item.desired, index) if d.attribute_path.split(".")[0] not in unknown
    )
    if which is None:
        return planned
    desired_body = getattr(item.desired, which)
    if _is_mongodb(which, desired_body):
        planned.diagnostics.extend(mongodb_notes(region, desired_body, index))
    else:
        planned.diagnostics.extend(label_notes(desired_body, index))
    planned.translated.CopyFrom(item.desired)
    body = getattr(planned.translated, which)
    translate(which, body)
    if item.HasField("prior") and item.prior.WhichOneof("body") == which:
        desired, prior = getattr(item.desired, which), getattr(item.prior, which)
        replace = requires_replace(which, desired, prior, unknown)
        if _is_mongodb(which, desired) and desired.multi_az != prior.multi_az:
            replace = sorted({*replace, "multi_az"})  # a Firestore location is immutable
        planned.requires_replace.extend(replace)
    planned.cost.CopyFrom(cost_of(region, which, body))
    return planned
