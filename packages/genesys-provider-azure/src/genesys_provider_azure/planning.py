"""PlanResources: translation (sizes, images, SKUs), replacement decisions and monthly cost.
Pure functions of the request: no Azure call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from genesys.provider.v1 import provider_pb2
from google.protobuf.message import Message

from genesys_provider_azure import tables
from genesys_provider_azure.schema import FORCE_NEW
from genesys_provider_azure.validation import validate

MONTH = tables.HOURS_PER_MONTH


def translate(which: str, body: Any) -> None:
    if which == "instance":
        body.provider_type = tables.instance_size_for(body.size, body.provider_type)
        body.provider_image = tables.IMAGES.get(body.image, body.image)
    elif which == "database":
        body.provider_class = tables.database_sku_for(body.size)[0]
    elif which == "volume":
        body.provider_type = tables.VOLUME_SKUS.get(
            body.volume_class or "standard", body.volume_class
        )


def requires_replace(which: str, desired: Message, prior: Message) -> list[str]:
    """Force-new attributes whose desired value differs from the recorded one (an empty
    desired value is the provider's choice, not a change; booleans always count)."""
    changed = []
    for name in sorted(FORCE_NEW.get(which, ())):
        field = desired.DESCRIPTOR.fields_by_name.get(name)
        if field is None:
            continue
        want, have = getattr(desired, name), getattr(prior, name)
        if field.type == field.TYPE_BOOL:
            if bool(want) != bool(have):
                changed.append(name)
        elif not _is_empty(want) and _normalised(want) != _normalised(have):
            changed.append(name)
    return changed


def _is_empty(value: Any) -> bool:
    return value.ByteSize() == 0 if isinstance(value, Message) else not value


def _normalised(value: Any) -> Any:
    if isinstance(value, Message):
        return value.SerializeToString(deterministic=True)
    if isinstance(value, (str, int, float, bool, bytes)):
        return value
    return dict(value.items()) if hasattr(value, "items") else sorted(value)


def _hourly(
    label: str, hourly: float | None, extra: float = 0.0, extra_label: str = ""
) -> provider_pb2.CostEstimate:
    if hourly is None:
        return provider_pb2.CostEstimate(unknown=True, components=[f"no price known for {label}"])
    components = [f"{label}: {MONTH} hours x ${hourly}"]
    if extra:
        components.append(extra_label)
    return provider_pb2.CostEstimate(
        monthly_usd=round(hourly * MONTH + extra, 2), hourly_usd=hourly, components=components
    )


def _database_cost(r: Any) -> provider_pb2.CostEstimate:
    hourly = tables.DATABASE_HOURLY.get(r.provider_class)
    if hourly is None:
        return provider_pb2.CostEstimate(
            unknown=True, components=[f"no price known for {r.provider_class}"]
        )
    copies = 2 if r.multi_az else 1  # zone-redundant HA runs a standby
    storage = tables.postgres_storage_for(r.storage_gb) or r.storage_gb
    storage_usd = storage * tables.DATABASE_STORAGE_GB_MONTH * copies
    return provider_pb2.CostEstimate(
        monthly_usd=round(hourly * MONTH * copies + storage_usd, 2),
        hourly_usd=round(hourly * copies, 4),
        components=[
            f"flexible server {r.provider_class}: {MONTH * copies} hours x ${hourly}",
            f"storage: {storage * copies} GB-months x ${tables.DATABASE_STORAGE_GB_MONTH}",
        ],
    )


def _volume_cost(r: Any) -> provider_pb2.CostEstimate:
    per_gb = tables.DISK_GB_MONTH.get(r.provider_type)
    if per_gb is None:
        return provider_pb2.CostEstimate(
            unknown=True, components=[f"no price known for {r.provider_type}"]
        )
    return provider_pb2.CostEstimate(
        monthly_usd=round(r.size_gb * per_gb, 2),
        components=[f"managed disk {r.provider_type}: {r.size_gb} GB-months x ${per_gb}"],
    )


COSTS: dict[str, Callable[[Any], provider_pb2.CostEstimate]] = {
    "instance": lambda r: _hourly(
        f"virtual machine {r.provider_type}",
        tables.VM_HOURLY.get(r.provider_type),
        tables.OS_DISK_MONTH,
        f"os disk: ${tables.OS_DISK_MONTH}/month",
    ),
    "database": _database_cost,
    "volume": lambda r: _volume_cost(r),
    "load_balancer": lambda r: _hourly(
        "load balancer (Standard, first 5 rules)", tables.LOAD_BALANCER_HOURLY
    ),
    "cdn": lambda r: provider_pb2.CostEstimate(
        monthly_usd=tables.FRONT_DOOR_MONTH,
        components=[
            f"Front Door Standard base fee: ${tables.FRONT_DOOR_MONTH}/month (one per "
            f"resource group, shared) + ${tables.FRONT_DOOR_GB}/GB transferred"
        ],
    ),
    "bucket": lambda r: provider_pb2.CostEstimate(
        components=[f"usage-based: ${tables.BLOB_GB_MONTH}/GB-month stored"]
    ),
    "function": lambda r: provider_pb2.CostEstimate(
        components=[
            f"usage-based: ${tables.FUNCTION_EXECUTION_MILLION} per million "
            f"executions + ${tables.FUNCTION_GB_SECOND}/GB-s"
        ]
    ),
}


def cost_of(which: str, body: Any) -> provider_pb2.CostEstimate:
    compute = COSTS.get(which)
    if compute is None:
        return provider_pb2.CostEstimate(monthly_usd=0.0, components=["no charge"])
    return compute(body)


def plan_item(index: int, item: Any) -> provider_pb2.PlannedResource:
    which = item.desired.WhichOneof("body")
    planned = provider_pb2.PlannedResource(index=index)
    unknown = {path.split(".")[0].split("[")[0] for path in item.unknown_attributes}
    planned.diagnostics.extend(
        d for d in validate(item.desired, index) if d.attribute_path.split(".")[0] not in unknown
    )
    if which is None:
        return planned
    planned.translated.CopyFrom(item.desired)
    body = getattr(planned.translated, which)
    translate(which, body)
    if item.HasField("prior") and item.prior.WhichOneof("body") == which:
        forced = set(
            requires_replace(which, getattr(item.desired, which), getattr(item.prior, which))
        )
        forced |= {n for n in FORCE_NEW.get(which, ()) if n in unknown}
        planned.requires_replace.extend(sorted(forced))
    planned.cost.CopyFrom(cost_of(which, body))
    return planned
