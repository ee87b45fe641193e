"""PlanResources: translation of abstract values, replacement decisions and monthly costs.

Pure functions of the request, except image aliases, which are resolved with a read-only
DescribeImages (cached; on any failure the plan shows no image id).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from genesys.provider.v1 import provider_pb2
from google.protobuf.message import Message

from genesys_provider_alibaba import tables
from genesys_provider_alibaba.clients import AlibabaClients
from genesys_provider_alibaba.schema import FORCE_NEW
from genesys_provider_alibaba.security_groups import canonical_rules
from genesys_provider_alibaba.validation import validate

MONTH = tables.HOURS_PER_MONTH


def translate(clients: AlibabaClients, which: str, body: Any) -> None:
    """Fills the provider's values into `body` (a copy of the desired resource) in place."""
    if which == "instance":
        body.provider_type = tables.instance_type_for(body.size, body.provider_type)
        body.provider_image = _image_or_empty(clients, body.image)
    elif which == "volume":
        body.provider_type = tables.disk_category_for(body.volume_class) or body.volume_class
    elif which == "database":
        engine = tables.ENGINES.get(body.engine, "PostgreSQL")
        body.provider_class = tables.database_class_for(engine, body.size)
    elif which == "security_group":
        try:
            ingress, egress = canonical_rules(body.ingress), canonical_rules(body.egress)
        except Exception:  # invalid rules: the apply reports them with their path
            return
        del body.ingress[:], body.egress[:]
        body.ingress.extend(ingress)
        body.egress.extend(egress)


def _image_or_empty(clients: AlibabaClients, image: str) -> str:
    from genesys_provider_alibaba.compute import Instances

    failed = f"image-unresolved:{clients.region}:{image}"
    if failed in clients.cache:
        return ""
    try:
        return Instances(clients).resolve_image(image)
    except Exception:  # no credentials, unknown alias: the plan shows no image id
        clients.cache[failed] = True
        return ""


def requires_replace(which: str, desired: Message, prior: Message) -> list[str]:
    changed = []
    for name in sorted(FORCE_NEW.get(which, ())):
        field = desired.DESCRIPTOR.fields_by_name.get(name)
        if field is None:
            continue
        want, have = getattr(desired, name), getattr(prior, name)
        if field.type == field.TYPE_BOOL:
            if bool(want) != bool(have):
                changed.append(name)
            continue
        if isinstance(want, Message):
            if want.ByteSize() and want.SerializeToString(
                deterministic=True
            ) != have.SerializeToString(deterministic=True):
                changed.append(name)
            continue
        if not want:
            continue
        if hasattr(want, "items"):
            if dict(want.items()) != dict(have.items()):
                changed.append(name)
        elif isinstance(want, (str, int)):
            if want != have:
                changed.append(name)
        elif sorted(want) != sorted(have):
            changed.append(name)
    return changed


def _hourly(label: str, hourly: float | None, copies: int = 1) -> provider_pb2.CostEstimate:
    if hourly is None:
        return provider_pb2.CostEstimate(unknown=True, components=[f"no price known for {label}"])
    return provider_pb2.CostEstimate(
        monthly_usd=round(hourly * MONTH * copies, 2),
        hourly_usd=round(hourly * copies, 4),
        components=[f"{label}: {MONTH * copies} hours x ${hourly}"],
    )


def _database_cost(r: Any) -> provider_pb2.CostEstimate:
    copies = 2 if r.multi_az else 1  # High-availability runs a standby node
    estimate = _hourly(
        f"database {r.provider_class}", tables.DATABASE_HOURLY.get(r.provider_class), copies
    )
    if estimate.unknown:
        return estimate
    storage = r.storage_gb or tables.DEFAULT_STORAGE_GB
    estimate.monthly_usd = round(
        estimate.monthly_usd + storage * tables.DATABASE_STORAGE_GB_MONTH, 2
    )
    estimate.components.append(
        f"storage: {storage} GB-months x ${tables.DATABASE_STORAGE_GB_MONTH}"
    )
    return estimate


def _volume_cost(r: Any) -> provider_pb2.CostEstimate:
    per_gb = tables.DISK_GB_MONTH.get(r.provider_type)
    if per_gb is None:
        return provider_pb2.CostEstimate(
            unknown=True, components=[f"no price known for {r.provider_type}"]
        )
    size = r.size_gb or 20
    return provider_pb2.CostEstimate(
        monthly_usd=round(size * per_gb, 2),
        components=[f"disk {r.provider_type}: {size} GB-months x ${per_gb}"],
    )


def _usage(note: str) -> provider_pb2.CostEstimate:
    return provider_pb2.CostEstimate(monthly_usd=0.0, components=[f"usage-based: {note}"])


COSTS: dict[str, Callable[[Any], provider_pb2.CostEstimate]] = {
    "instance": lambda r: _hourly(
        f"instance {r.provider_type}", tables.INSTANCE_HOURLY.get(r.provider_type)
    ),
    "database": _database_cost,
    "bucket": lambda r: _usage(f"${tables.OSS_GB_MONTH}/GB-month stored"),
    "function": lambda r: _usage(f"${tables.FC_REQUEST_MILLION} per million requests + CU-seconds"),
    "cdn": lambda r: _usage(f"${tables.CDN_GB}/GB transferred"),
    "load_balancer": lambda r: _hourly("SLB instance", tables.SLB_HOURLY),
    "volume": lambda r: _volume_cost(r),
}


def plan_item(clients: AlibabaClients, index: int, item: Any) -> provider_pb2.PlannedResource:
    which = item.desired.WhichOneof("body")
    planned = provider_pb2.PlannedResource(index=index)
    unknown = {path.split(".")[0].split("[")[0] for path in item.unknown_attributes}
    planned.diagnostics.extend(
        d
        for d in validate(item.desired, index)
        if d.attribute_path.split(".")[0].split("[")[0] not in unknown
    )
    if which is None:
        return planned
    planned.translated.CopyFrom(item.desired)
    body = getattr(planned.translated, which)
    translate(clients, which, body)
    if item.HasField("prior") and item.prior.WhichOneof("body") == which:
        forced = set(
            requires_replace(which, getattr(item.desired, which), getattr(item.prior, which))
        )
        forced |= {n for n in FORCE_NEW.get(which, ()) if n in unknown}
        planned.requires_replace.extend(sorted(forced))
    compute = COSTS.get(which)
    planned.cost.CopyFrom(
        compute(body)
        if compute
        else provider_pb2.CostEstimate(monthly_usd=0.0, components=["no charge"])
    )
    return planned
