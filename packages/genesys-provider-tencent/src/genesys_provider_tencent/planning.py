"""PlanResources: translation of abstract values, replacement decisions and monthly costs.

Pure functions of the request: no cloud call (image aliases are a table, not a lookup). The
per-item flow (validate, translate, force-new comparison, cost) and the cost lines are the
SDK's `planning`; what is here is Tencent's tables.
"""

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

from genesys_provider_tencent import tables
from genesys_provider_tencent.schema import FORCE_NEW
from genesys_provider_tencent.security_groups import canonical_rules
from genesys_provider_tencent.validation import validate

MONTH = tables.HOURS_PER_MONTH


def translate(which: str, body: Any) -> None:
    """Fills provider values into `body` (a copy of the desired resource) in place."""
    if which == "instance":
        body.provider_type = tables.instance_type_for(body.size, body.provider_type)
        body.provider_image = tables.image_id_for(body.image) or ""
    elif which == "database" and body.engine == pb.DATABASE_ENGINE_MONGODB:
        body.provider_class = tables.mongodb_class(tables.mongodb_spec_for(body.size))
    elif which == "database" and body.engine == pb.DATABASE_ENGINE_MYSQL:
        body.provider_class = f"mysql.{tables.mysql_memory_for(body.size)}mb"
    elif which == "database":
        body.provider_class = tables.database_spec_for(body.size)
    elif which == "volume":
        body.provider_type = tables.volume_type_for(body.volume_class)
    elif which == "security_group":
        try:
            ingress, egress = canonical_rules(body.ingress), canonical_rules(body.egress)
        except Exception:  # invalid rules: ValidateResources and create report them
            return
        del body.ingress[:], body.egress[:]
        body.ingress.extend(ingress)
        body.egress.extend(egress)


def _instance_cost(r: Any) -> provider_pb2.CostEstimate:
    disk = tables.SYSTEM_DISK["DiskSize"] * tables.SYSTEM_DISK_GB_MONTH
    return hourly_cost(
        f"instance {r.provider_type}",
        tables.INSTANCE_HOURLY.get(r.provider_type),
        disk,
        f"system disk: {tables.SYSTEM_DISK['DiskSize']} GB-months x ${tables.SYSTEM_DISK_GB_MONTH}",
    )


def _mongodb_cost(r: Any) -> provider_pb2.CostEstimate:
    """A replica set: every node is billed its spec's hour and its own disk."""
    spec = tables.mongodb_spec_for(r.size)
    hourly = tables.MONGODB_NODE_HOURLY[spec]
    nodes = tables.MONGODB_NODES
    storage = r.storage_gb or tables.DEFAULT_STORAGE_GB
    monthly = hourly * MONTH * nodes + storage * tables.MONGODB_STORAGE_GB_MONTH * nodes
    return provider_pb2.CostEstimate(
        monthly_usd=round(monthly, 2),
        hourly_usd=round(hourly * nodes, 4),
        components=[
            f"replica set {r.provider_class}: {nodes} nodes x {MONTH} hours x ${hourly} "
            f"(estimate, {tables.MONGODB_PRICES_AS_OF})",
            f"storage: {storage * nodes} GB-months x ${tables.MONGODB_STORAGE_GB_MONTH}",
        ],
    )


def _database_cost(r: Any) -> provider_pb2.CostEstimate:
    if r.engine == pb.DATABASE_ENGINE_MONGODB:
        return _mongodb_cost(r)
    if r.engine == pb.DATABASE_ENGINE_MYSQL:
        hourly = tables.MYSQL_HOURLY.get(tables.mysql_memory_for(r.size))
    else:
        hourly = tables.DATABASE_HOURLY.get(r.provider_class)
    if hourly is None:
        return unknown_cost(r.provider_class)
    nodes = 2 if r.multi_az else 1  # a standby node is a second instance with its own disk
    storage = r.storage_gb or tables.DEFAULT_STORAGE_GB
    monthly = hourly * MONTH * nodes + storage * tables.DATABASE_STORAGE_GB_MONTH * nodes
    return provider_pb2.CostEstimate(
        monthly_usd=round(monthly, 2),
        hourly_usd=round(hourly * nodes, 4),
        components=[
            f"database {r.provider_class}: {MONTH * nodes} hours x ${hourly}",
            f"storage: {storage * nodes} GB-months x ${tables.DATABASE_STORAGE_GB_MONTH}",
        ],
    )


COSTS: dict[str, Callable[[Any], provider_pb2.CostEstimate]] = {
    "instance": _instance_cost,
    "database": _database_cost,
    "bucket": lambda r: usage_based(f"${tables.COS_GB_MONTH}/GB-month stored"),
    "function": lambda r: usage_based(f"${tables.SCF_REQUEST_MILLION} per million requests + GB-s"),
    "cdn": lambda r: usage_based(f"${tables.CDN_GB}/GB transferred"),
    "volume": lambda r: _volume_cost(r),
    "load_balancer": lambda r: hourly_cost("CLB instance", tables.CLB_HOURLY),
}


def _volume_cost(r: Any) -> provider_pb2.CostEstimate:
    per_gb = tables.VOLUME_GB_MONTH.get(r.provider_type)
    if per_gb is None:
        return unknown_cost(r.provider_type)
    size = r.size_gb or 10
    return provider_pb2.CostEstimate(
        monthly_usd=round(size * per_gb, 2),
        components=[f"disk {r.provider_type}: {size} GB-months x ${per_gb}"],
    )


def cost_of(which: str, body: Any) -> provider_pb2.CostEstimate:
    compute = COSTS.get(which)
    return compute(body) if compute is not None else no_charge()


def plan_item(index: int, item: Any) -> provider_pb2.PlannedResource:
    return plan_resource(
        index, item, validate=validate, translate=translate, force_new=FORCE_NEW, cost=cost_of
    )
