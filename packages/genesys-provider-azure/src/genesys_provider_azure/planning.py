"""PlanResources: Azure's translation (sizes, images, SKUs) and price tables over the SDK's
plan scaffold (`genesys_plugin_sdk.planning`). Pure functions of the request: no Azure call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk.planning import (
    hourly_cost,
    no_charge,
    plan_resource,
    unknown_cost,
    usage_based,
)

from genesys_provider_azure import tables
from genesys_provider_azure.schema import FORCE_NEW
from genesys_provider_azure.validation import validate

MONTH = tables.HOURS_PER_MONTH


def translate(which: str, body: Any) -> None:
    if which == "instance":
        body.provider_type = tables.instance_size_for(body.size, body.provider_type)
        body.provider_image = tables.IMAGES.get(body.image, body.image)
    elif which == "database" and body.engine == pb.DATABASE_ENGINE_MONGODB:
        throughput = tables.mongo_throughput_for(body.size)
        body.provider_class = tables.mongo_class(throughput) if throughput else ""
    elif which == "database":
        body.provider_class = tables.database_sku_for(body.size)[0]
    elif which == "volume":
        body.provider_type = tables.VOLUME_SKUS.get(
            body.volume_class or "standard", body.volume_class
        )


def _mongodb_cost(r: Any) -> provider_pb2.CostEstimate:
    throughput = tables.mongo_throughput_for(r.size)
    if not throughput:
        return unknown_cost(f"mongodb size {r.size}")
    factor = tables.COSMOS_ZONE_REDUNDANT_FACTOR if r.multi_az else 1.0
    hourly = throughput / 100 * tables.COSMOS_RU100_HOURLY * factor
    storage_usd = r.storage_gb * tables.COSMOS_STORAGE_GB_MONTH
    zones = f" x {factor} (zone redundant)" if r.multi_az else ""
    return provider_pb2.CostEstimate(
        monthly_usd=round(hourly * MONTH + storage_usd, 2),
        hourly_usd=round(hourly, 4),
        components=[
            f"Cosmos DB {throughput} RU/s manual throughput: {MONTH} hours x "
            f"{throughput // 100} x ${tables.COSMOS_RU100_HOURLY}{zones}",
            f"data stored (storage_gb): {r.storage_gb} GB-months x "
            f"${tables.COSMOS_STORAGE_GB_MONTH}",
        ],
    )


def _database_cost(r: Any) -> provider_pb2.CostEstimate:
    if r.engine == pb.DATABASE_ENGINE_MONGODB:
        return _mongodb_cost(r)
    hourly = tables.DATABASE_HOURLY.get(r.provider_class)
    if hourly is None:
        return unknown_cost(r.provider_class)
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
        return unknown_cost(r.provider_type)
    return provider_pb2.CostEstimate(
        monthly_usd=round(r.size_gb * per_gb, 2),
        components=[f"managed disk {r.provider_type}: {r.size_gb} GB-months x ${per_gb}"],
    )


COSTS: dict[str, Callable[[Any], provider_pb2.CostEstimate]] = {
    "instance": lambda r: hourly_cost(
        f"virtual machine {r.provider_type}",
        tables.VM_HOURLY.get(r.provider_type),
        tables.OS_DISK_MONTH,
        f"os disk: ${tables.OS_DISK_MONTH}/month",
    ),
    "database": _database_cost,
    "volume": _volume_cost,
    "load_balancer": lambda r: hourly_cost(
        "load balancer (Standard, first 5 rules)", tables.LOAD_BALANCER_HOURLY
    ),
    "cdn": lambda r: provider_pb2.CostEstimate(
        monthly_usd=tables.FRONT_DOOR_MONTH,
        components=[
            f"Front Door Standard base fee: ${tables.FRONT_DOOR_MONTH}/month (one per "
            f"resource group, shared) + ${tables.FRONT_DOOR_GB}/GB transferred"
        ],
    ),
    "bucket": lambda r: usage_based(f"${tables.BLOB_GB_MONTH}/GB-month stored"),
    "function": lambda r: usage_based(
        f"${tables.FUNCTION_EXECUTION_MILLION} per million "
        f"executions + ${tables.FUNCTION_GB_SECOND}/GB-s"
    ),
}


def cost_of(which: str, body: Any) -> provider_pb2.CostEstimate:
    compute = COSTS.get(which)
    return no_charge() if compute is None else compute(body)


def plan_item(index: int, item: Any) -> provider_pb2.PlannedResource:
    planned = plan_resource(
        index, item, validate=validate, translate=translate, force_new=FORCE_NEW, cost=cost_of
    )
    if _is_mongodb(item.desired) and _is_mongodb(item.prior):
        _cosmos_replacements(item, planned)
    return planned


def _is_mongodb(resource: Any) -> bool:
    return (
        resource.WhichOneof("body") == "database"
        and resource.database.engine == pb.DATABASE_ENGINE_MONGODB
    )


def _cosmos_replacements(item: Any, planned: provider_pb2.PlannedResource) -> None:
    """Cosmos DB upgrades a server version in place but cannot change a region's zone
    redundancy: unlike a flexible server, version is an update and multi_az a replacement."""
    forced = set(planned.requires_replace) - {"version"}
    if item.desired.database.multi_az != item.prior.database.multi_az:
        forced.add("multi_az")
    del planned.requires_replace[:]
    planned.requires_replace.extend(sorted(forced))
