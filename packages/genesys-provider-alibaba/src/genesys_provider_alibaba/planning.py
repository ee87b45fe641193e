"""PlanResources: translation of abstract values, replacement decisions and monthly costs.

Pure functions of the request, except image aliases, which are resolved with a read-only
DescribeImages (cached; on any failure the plan shows no image id).
"""

from __future__ import annotations

import functools
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


def _hourly(label: str, hourly: float | None, copies: int = 1) -> provider_pb2.CostEstimate:
    if hourly is None or copies == 1:
        return hourly_cost(label, hourly)
    # copies x hourly (a standby node): the hourly figure is the pair's, unlike hourly_cost.
    return provider_pb2.CostEstimate(
        monthly_usd=round(hourly * MONTH * copies, 2),
        hourly_usd=round(hourly * copies, 4),
        components=[f"{label}: {MONTH * copies} hours x ${hourly}"],
    )


def _database_cost(r: Any) -> provider_pb2.CostEstimate:
    if r.engine == pb.DATABASE_ENGINE_MONGODB:
        # A replica set is three nodes whatever multi_az says (it only spreads them).
        estimate = _hourly(
            f"mongodb {r.provider_class} replica set",
            tables.MONGODB_HOURLY.get(r.provider_class),
        )
        per_gb = tables.MONGODB_STORAGE_GB_MONTH
    else:
        copies = 2 if r.multi_az else 1  # High-availability runs a standby node
        estimate = _hourly(
            f"database {r.provider_class}", tables.DATABASE_HOURLY.get(r.provider_class), copies
        )
        per_gb = tables.DATABASE_STORAGE_GB_MONTH
    if estimate.unknown:
        return estimate
    storage = r.storage_gb or tables.DEFAULT_STORAGE_GB
    estimate.monthly_usd = round(estimate.monthly_usd + storage * per_gb, 2)
    estimate.components.append(f"storage: {storage} GB-months x ${per_gb}")
    return estimate


def _volume_cost(r: Any) -> provider_pb2.CostEstimate:
    per_gb = tables.DISK_GB_MONTH.get(r.provider_type)
    if per_gb is None:
        return unknown_cost(r.provider_type)
    size = r.size_gb or 20
    return provider_pb2.CostEstimate(
        monthly_usd=round(size * per_gb, 2),
        components=[f"disk {r.provider_type}: {size} GB-months x ${per_gb}"],
    )


COSTS: dict[str, Callable[[Any], provider_pb2.CostEstimate]] = {
    "instance": lambda r: _hourly(
        f"instance {r.provider_type}", tables.INSTANCE_HOURLY.get(r.provider_type)
    ),
    "database": _database_cost,
    "bucket": lambda r: usage_based(f"${tables.OSS_GB_MONTH}/GB-month stored"),
    "function": lambda r: usage_based(
        f"${tables.FC_REQUEST_MILLION} per million requests + CU-seconds"
    ),
    "cdn": lambda r: usage_based(f"${tables.CDN_GB}/GB transferred"),
    "load_balancer": lambda r: _hourly("SLB instance", tables.SLB_HOURLY),
    "volume": lambda r: _volume_cost(r),
}


def cost_of(which: str, body: Any) -> provider_pb2.CostEstimate:
    compute = COSTS.get(which)
    return compute(body) if compute else no_charge()


def plan_item(clients: AlibabaClients, index: int, item: Any) -> provider_pb2.PlannedResource:
    return plan_resource(
        index,
        item,
        validate=validate,
        translate=functools.partial(translate, clients),
        force_new=FORCE_NEW,
        cost=cost_of,
    )
