"""PlanResources: translation of abstract values, replacement decisions and monthly costs.

Pure functions of the request except for image aliases, which are resolved with read-only
lookups (cached; on any failure the plan simply shows no AMI).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from google.protobuf.message import Message

from genesys_provider_aws import tables
from genesys_provider_aws.clients import AwsClients
from genesys_provider_aws.schema import FORCE_NEW
from genesys_provider_aws.security_groups import canonical_rules
from genesys_provider_aws.validation import validate

KIND_OF_FIELD = {
    "instance": pb.RESOURCE_KIND_INSTANCE,
    "bucket": pb.RESOURCE_KIND_BUCKET,
    "volume": pb.RESOURCE_KIND_VOLUME,
    "volume_attachment": pb.RESOURCE_KIND_VOLUME_ATTACHMENT,
    "network": pb.RESOURCE_KIND_NETWORK,
    "subnet": pb.RESOURCE_KIND_SUBNET,
    "security_group": pb.RESOURCE_KIND_SECURITY_GROUP,
    "load_balancer": pb.RESOURCE_KIND_LOAD_BALANCER,
    "database": pb.RESOURCE_KIND_DATABASE,
    "function": pb.RESOURCE_KIND_FUNCTION,
    "layer": pb.RESOURCE_KIND_LAYER,
    "cdn": pb.RESOURCE_KIND_CDN,
    "certificate": pb.RESOURCE_KIND_CERTIFICATE,
}
MONTH = tables.HOURS_PER_MONTH


# ---------------------------------------------------------------- translation


def translate(clients: AwsClients, which: str, body: Any) -> None:
    """Fills provider values into `body` (a copy of the desired resource) in place."""
    if which == "instance":
        body.provider_type = tables.instance_type_for(body.size, body.provider_type)
        body.provider_image = _image_or_empty(clients, body.image)
    elif which == "database":
        body.provider_class = tables.database_class_for(body.size, body.engine)
    elif which == "volume":
        body.provider_type = tables.volume_type_for(body.volume_class)
    elif which == "security_group":
        try:
            ingress = canonical_rules(body.ingress, "ingress")
            egress = canonical_rules(body.egress, "egress")
        except Exception:  # invalid rules: ValidateResources reports them
            return
        del body.ingress[:], body.egress[:]
        body.ingress.extend(ingress)
        body.egress.extend(egress)


def _image_or_empty(clients: AwsClients, image: str) -> str:
    from genesys_provider_aws.compute import resolve_image

    failed = f"ami-unresolved:{clients.region}:{image}"
    if failed in clients.cache:
        return ""
    try:
        return resolve_image(clients, image)
    except Exception:  # no credentials, no network, unknown alias: the plan shows no AMI
        clients.cache[failed] = True  # and a big plan does not retry it per instance
        return ""


# ---------------------------------------------------------------- replacement


def requires_replace(which: str, desired: Message, prior: Message) -> list[str]:
    """Force-new attributes whose desired value differs from the recorded one.

    An empty desired value means "provider's choice" (e.g. zone) and is no change; booleans
    always count.
    """
    changed = []
    for name in sorted(FORCE_NEW[KIND_OF_FIELD[which]]):
        field = desired.DESCRIPTOR.fields_by_name.get(name)
        if field is None:
            continue
        want, have = getattr(desired, name), getattr(prior, name)
        if field.type == field.TYPE_BOOL:
            if bool(want) != bool(have):
                changed.append(name)
            continue
        if _is_empty(want):
            continue
        if _normalised(want) != _normalised(have):
            changed.append(name)
    return changed


def _is_empty(value: Any) -> bool:
    if isinstance(value, Message):
        return value.ByteSize() == 0
    return not value


def _normalised(value: Any) -> Any:
    if isinstance(value, Message):
        return value.SerializeToString(deterministic=True)
    if hasattr(value, "items"):
        return dict(value.items())
    if isinstance(value, (str, int, float, bool, bytes)):
        return value
    return sorted(value)


# ---------------------------------------------------------------- cost


def _usage(note: str) -> provider_pb2.CostEstimate:
    return provider_pb2.CostEstimate(monthly_usd=0.0, components=[f"usage-based: {note}"])


def _hourly(label: str, hourly: float | None) -> provider_pb2.CostEstimate:
    if hourly is None:
        return provider_pb2.CostEstimate(unknown=True, components=[f"no price known for {label}"])
    return provider_pb2.CostEstimate(
        monthly_usd=round(hourly * MONTH, 2),
        hourly_usd=hourly,
        components=[f"{label}: {MONTH} hours x ${hourly}"],
    )


def _documentdb_cost(r: pb.Database) -> provider_pb2.CostEstimate:
    """A DocumentDB cluster: its instances (a replica with multi_az) and shared storage."""
    hourly = tables.DOCUMENTDB_HOURLY.get(r.provider_class)
    if hourly is None:
        return provider_pb2.CostEstimate(
            unknown=True, components=[f"no price known for docdb {r.provider_class}"]
        )
    copies = 2 if r.multi_az else 1
    storage = r.storage_gb or tables.DEFAULT_STORAGE_GB
    per_gb = tables.DOCUMENTDB_STORAGE_GB_MONTH
    return provider_pb2.CostEstimate(
        monthly_usd=round(hourly * MONTH * copies + storage * per_gb, 2),
        hourly_usd=round(hourly * copies, 4),
        components=[
            f"database {r.provider_class} docdb: {MONTH * copies} hours x ${hourly}",
            f"storage: {storage} GB-months x ${per_gb}",
        ],
    )


def _database_cost(r: pb.Database) -> provider_pb2.CostEstimate:
    if r.engine == pb.DATABASE_ENGINE_MONGODB:
        return _documentdb_cost(r)
    engine = tables.DATABASE_ENGINES.get(r.engine, "")
    hourly = tables.DATABASE_HOURLY.get((engine, r.provider_class))
    if hourly is None:
        return provider_pb2.CostEstimate(
            unknown=True, components=[f"no price known for {engine} {r.provider_class}"]
        )
    copies = 2 if r.multi_az else 1
    storage = r.storage_gb or tables.DEFAULT_STORAGE_GB
    storage_usd = storage * tables.DATABASE_STORAGE_GB_MONTH * copies
    instance_usd = hourly * MONTH * copies
    return provider_pb2.CostEstimate(
        monthly_usd=round(instance_usd + storage_usd, 2),
        hourly_usd=round(hourly * copies, 4),
        components=[
            # Multi-AZ runs a standby copy: twice the hours and the storage.
            f"database {r.provider_class} {engine}: {MONTH * copies} hours x ${hourly}",
            f"storage: {storage * copies} GB-months x ${tables.DATABASE_STORAGE_GB_MONTH}",
        ],
    )


def _volume_cost(r: pb.Volume) -> provider_pb2.CostEstimate:
    per_gb = tables.VOLUME_GB_MONTH.get(r.provider_type)
    if per_gb is None:
        return provider_pb2.CostEstimate(
            unknown=True, components=[f"no price known for {r.provider_type}"]
        )
    size = r.size_gb or 8
    monthly = size * per_gb
    components = [f"volume {r.provider_type}: {size} GB-months x ${per_gb}"]
    if r.provider_type in ("io1", "io2"):
        monthly += tables.PROVISIONED_IOPS * tables.IOPS_MONTH
        components.append(f"iops: {tables.PROVISIONED_IOPS} IOPS-months x ${tables.IOPS_MONTH}")
    return provider_pb2.CostEstimate(monthly_usd=round(monthly, 2), components=components)


COSTS: dict[str, Callable[[Any], provider_pb2.CostEstimate]] = {
    "instance": lambda r: _hourly(
        f"instance {r.provider_type}", tables.INSTANCE_HOURLY.get(r.provider_type)
    ),
    "database": _database_cost,
    "volume": _volume_cost,
    "load_balancer": lambda r: _hourly("application load balancer", tables.LOAD_BALANCER_HOURLY),
    "bucket": lambda r: _usage(f"${tables.S3_GB_MONTH}/GB-month stored"),
    "function": lambda r: _usage(
        f"${tables.LAMBDA_REQUEST_MILLION} per million requests + GB-seconds"
    ),
    "cdn": lambda r: _usage(f"${tables.CLOUDFRONT_GB}/GB transferred"),
}


def cost_of(which: str, body: Any) -> provider_pb2.CostEstimate:
    compute = COSTS.get(which)
    if compute is None:
        return provider_pb2.CostEstimate(monthly_usd=0.0, components=["no charge"])
    return compute(body)


# ---------------------------------------------------------------- one item


def plan_item(clients: AwsClients, index: int, item: Any) -> provider_pb2.PlannedResource:
    which = item.desired.WhichOneof("body")
    planned = provider_pb2.PlannedResource(index=index)
    unknown = {path.split(".")[0].split("[")[0] for path in item.unknown_attributes}
    # Values known only after apply are absent from `desired`, not missing: no findings on them.
    planned.diagnostics.extend(
        d for d in validate(item.desired, index) if _root(d.attribute_path) not in unknown
    )
    if which is None:
        return planned
    planned.translated.CopyFrom(item.desired)
    body = getattr(planned.translated, which)
    translate(clients, which, body)
    if item.HasField("prior") and item.prior.WhichOneof("body") == which:
        desired, prior = getattr(item.desired, which), getattr(item.prior, which)
        forced = set(requires_replace(which, desired, prior))
        # An unknown force-new value comes from a resource being (re)created: it will differ.
        forced |= {n for n in FORCE_NEW[KIND_OF_FIELD[which]] if n in unknown}
        planned.requires_replace.extend(sorted(forced))
    planned.cost.CopyFrom(cost_of(which, body))
    return planned


def _root(attribute_path: str) -> str:
    """ "lifecycle.delete_after_days" -> "lifecycle"; "listeners[0].port" -> "listeners"."""
    return attribute_path.split(".")[0].split("[")[0]
