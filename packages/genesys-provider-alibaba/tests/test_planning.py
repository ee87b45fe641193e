"""PlanResources (Alibaba's tables on the SDK's plan_resource) over real gRPC: translation,
replacement, unknown attributes and costs."""

from __future__ import annotations

from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk.testing import InProcessConnection


def plan(conn: InProcessConnection, *items: provider_pb2.PlanItem) -> list[Any]:
    answer = conn.provider.PlanResources(provider_pb2.PlanResourcesRequest(items=items))
    return list(answer.resources)


def instance(**fields: Any) -> pb.Resource:
    return pb.Resource(instance=pb.Instance(name="web", size=pb.SIZE_SMALL, **fields))


def test_instance_translated_priced_and_replaced_on_zone(conn: InProcessConnection) -> None:
    [planned] = plan(
        conn,
        provider_pb2.PlanItem(
            desired=instance(zone="cn-hangzhou-b", image="ubuntu-22.04"),
            prior=instance(zone="cn-hangzhou-a", image="ubuntu-22.04"),
        ),
    )
    assert planned.translated.instance.provider_type == "ecs.t6-c1m1.large"
    assert list(planned.requires_replace) == ["zone"]
    assert planned.cost.monthly_usd == pytest.approx(round(0.0226 * 730, 2))
    assert planned.cost.components == ["instance ecs.t6-c1m1.large: 730 hours x $0.0226"]


def test_unknown_force_new_attribute_replaces_and_is_not_validated(
    conn: InProcessConnection,
) -> None:
    [planned] = plan(
        conn,
        provider_pb2.PlanItem(
            desired=instance(image="ubuntu-22.04"),
            prior=instance(image="ubuntu-22.04", subnet_id="vsw-1"),
            unknown_attributes=["subnet_id"],
        ),
    )
    assert list(planned.requires_replace) == ["subnet_id"]


def test_costs_of_a_standby_database_usage_and_free_kinds(conn: InProcessConnection) -> None:
    database = pb.Database(
        name="db", engine=pb.DATABASE_ENGINE_POSTGRES, size=pb.SIZE_SMALL, multi_az=True
    )
    planned = plan(
        conn,
        provider_pb2.PlanItem(desired=pb.Resource(database=database)),
        provider_pb2.PlanItem(desired=pb.Resource(bucket=pb.Bucket(name="b"))),
        provider_pb2.PlanItem(
            desired=pb.Resource(network=pb.Network(name="n", cidr="10.0.0.0/16"))
        ),
    )
    db, bucket, network = (p.cost for p in planned)
    assert db.components[0].endswith("1460 hours x $0.052") and db.hourly_usd == 0.104
    assert bucket.components[0].startswith("usage-based: $")
    assert (network.monthly_usd, list(network.components)) == (0.0, ["no charge"])


def test_mongodb_is_a_dds_replica_set_priced_once_whatever_multi_az(
    conn: InProcessConnection,
) -> None:
    database = pb.Database(
        name="docs",
        engine=pb.DATABASE_ENGINE_MONGODB,
        size=pb.SIZE_MEDIUM,
        storage_gb=100,
        multi_az=True,
    )
    [planned] = plan(conn, provider_pb2.PlanItem(desired=pb.Resource(database=database)))
    assert planned.translated.database.provider_class == "dds.mongo.standard"
    # the three-node set's hour (multi_az only spreads it) + 100 GB-months
    assert planned.cost.monthly_usd == pytest.approx(round(730 * 0.274 + 100 * 0.165, 2))
    assert list(planned.cost.components) == [
        "mongodb dds.mongo.standard replica set: 730 hours x $0.274",
        "storage: 100 GB-months x $0.165",
    ]


def test_a_go_function_without_the_toolchain_is_a_located_error(
    conn: InProcessConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    function = pb.Function(name="gofn", runtime="go1.21", handler="bootstrap")
    python = pb.Function(name="pyfn", runtime="python3.11", handler="main.handler")
    request = provider_pb2.ValidateResourcesRequest(
        resources=[pb.Resource(function=python), pb.Resource(function=function)]
    )
    assert not list(conn.provider.ValidateResources(request).diagnostics)  # go is installed
    monkeypatch.setenv("PATH", "/nonexistent")  # as on a machine without Go
    [diagnostic] = conn.provider.ValidateResources(request).diagnostics
    assert (diagnostic.index, diagnostic.attribute_path) == (1, "runtime")
    assert diagnostic.summary.startswith("runtime go1.21 needs the Go toolchain to build `source`")
