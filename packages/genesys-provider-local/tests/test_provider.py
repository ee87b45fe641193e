"""The Provider service: metadata, schema, settings, identity, validation, plan, faults."""

from __future__ import annotations

import time

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2, storage_pb2
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.testing import serve_in_process
from genesys_provider_local.main import build_plugin

from .conftest import configure_request, served


def test_metadata_is_served_before_configure(root):
    with serve_in_process(build_plugin()) as conn:
        meta = conn.provider.GetMetadata(provider_pb2.GetMetadataRequest())
        assert meta.name == "local" and meta.version == "0.1.0" and meta.protocol_version == 1
        assert len(meta.capabilities) == 13 and meta.max_parallelism == 16
        with pytest.raises(errors.FailedPrecondition) as caught:
            conn.storage.GetBucket(pb.GetRequest(id="x"))
        assert "Configure" in str(caught.value)


def test_schema_declares_facts_translations_and_free_prices(conn):
    schema = conn.provider.GetSchema(provider_pb2.GetSchemaRequest())
    facts = {(pb.ResourceKind.Name(k.kind), a.name): a for k in schema.kinds for a in k.attributes}
    assert facts[("RESOURCE_KIND_INSTANCE", "image")].force_new
    assert not facts[("RESOURCE_KIND_INSTANCE", "tags")].force_new
    assert facts[("RESOURCE_KIND_INSTANCE", "private_ip")].computed
    assert facts[("RESOURCE_KIND_NETWORK", "cidr")].force_new
    assert facts[("RESOURCE_KIND_DATABASE", "engine")].force_new
    assert facts[("RESOURCE_KIND_DATABASE", "password")].sensitive
    assert facts[("RESOURCE_KIND_BUCKET", "name")].required
    tables = {t.name: dict(t.entries) for t in schema.translations}
    assert tables["instance.size"]["medium"] == "local.medium"
    assert "label only" in tables["instance.provider_type"]["local.medium"]
    assert {e.usd for e in schema.prices[0].entries} == {0.0} and schema.prices[0].as_of
    assert [s.name for s in schema.provider_settings][:2] == ["root", "latency_ms"]


def test_settings_are_validated_with_hints(conn, root):
    bad = configure_request(root, latencyms=5, rate_limit={"burst": 0, "per_second": 1})
    diagnostics = conn.provider.ValidateProviderConfig(bad).diagnostics
    paths = {d.attribute_path for d in diagnostics}
    assert paths == {"settings.latencyms", "settings.rate_limit.burst"}
    assert "did you mean 'latency_ms'" in diagnostics[0].summary
    with pytest.raises(errors.InvalidArgument) as caught:
        conn.provider.Configure(bad)
    assert caught.value.attribute_path == "settings.latencyms"
    assert not conn.provider.ValidateProviderConfig(configure_request(root)).diagnostics


def test_root_defaults_under_the_working_dir(tmp_path):
    with serve_in_process(build_plugin()) as conn:
        request = provider_pb2.ConfigureRequest(working_dir=str(tmp_path), project="demo")
        conn.provider.Configure(request)
        bucket = pb.BucketConfig(name="bucket-1")
        conn.storage.CreateBucket(storage_pb2.CreateBucketRequest(config=bucket))
        assert (tmp_path / ".genesys" / "local" / "buckets" / "bucket-1").is_dir()
        identity = conn.provider.Authenticate(provider_pb2.AuthenticateRequest())
        assert identity.account_id.startswith("local-") and identity.region == "local"
        assert identity.project_id == "demo"


def test_validate_resources_reports_each_problem_with_its_index(conn):
    resources = [
        pb.Resource(network=pb.Network(name="ok", cidr="10.0.0.0/16")),
        pb.Resource(network=pb.Network(name="bad", cidr="10.0.0.0/33")),
        pb.Resource(function=pb.Function(name="f", runtime="java21", handler="a.b")),
        pb.Resource(database=pb.Database(name="d", engine=pb.DATABASE_ENGINE_MYSQL)),
        pb.Resource(instance=pb.Instance(name="i", provider_type="c5.large")),
    ]
    response = conn.provider.ValidateResources(
        provider_pb2.ValidateResourcesRequest(resources=resources)
    )
    found = sorted((d.index, d.attribute_path) for d in response.diagnostics)
    assert found == [(1, "cidr"), (2, "runtime"), (3, "engine"), (4, "provider_type")]
    assert response.diagnostics[-1].severity == pb.Diagnostic.SEVERITY_WARNING


def test_plan_translates_and_flags_replacements(conn):
    desired = pb.Resource(instance=pb.Instance(name="web", size=pb.SIZE_LARGE, image="debian"))
    prior = pb.Resource(instance=pb.Instance(name="web", size=pb.SIZE_SMALL, image="ubuntu-lts"))
    db = pb.Resource(database=pb.Database(name="d", engine=pb.DATABASE_ENGINE_SQLITE))
    prior_db = pb.Resource(
        database=pb.Database(name="d", engine=pb.DATABASE_ENGINE_SQLITE, username="postgres")
    )
    items = [
        provider_pb2.PlanItem(address="compute.web", desired=desired, prior=prior),
        provider_pb2.PlanItem(address="database.d", desired=db, prior=prior_db),
        provider_pb2.PlanItem(
            address="database.m",
            desired=pb.Resource(database=pb.Database(name="m", engine=pb.DATABASE_ENGINE_MYSQL)),
        ),
    ]
    planned = conn.provider.PlanResources(provider_pb2.PlanResourcesRequest(items=items)).resources
    assert planned[0].translated.instance.provider_type == "local.large"
    assert planned[0].translated.instance.provider_image.startswith("host:")
    assert list(planned[0].requires_replace) == ["image"]
    assert planned[0].cost.monthly_usd == 0.0 and planned[0].cost.components
    assert list(planned[1].requires_replace) == []  # empty username: the provider's choice
    assert planned[1].translated.database.provider_class == "local.db.small"
    assert [d.attribute_path for d in planned[2].diagnostics] == ["engine"]


def test_injected_latency_and_rate_limit(root):
    # 1/s: the third create is throttled unless the three come 1 s apart (at 5/s, 200 ms:
    # the two 50 ms calls between them and a loaded machine's scheduling came close)
    settings = {"latency_ms": 50, "rate_limit": {"burst": 2, "per_second": 1}}
    with served(root, **settings) as conn:
        started = time.monotonic()
        for name in ("b-one", "b-two"):
            conn.storage.CreateBucket(
                storage_pb2.CreateBucketRequest(config=pb.BucketConfig(name=name))
            )
        assert time.monotonic() - started >= 0.1
        with pytest.raises(errors.Throttled) as caught:
            conn.storage.CreateBucket(
                storage_pb2.CreateBucketRequest(config=pb.BucketConfig(name="b-three"))
            )
        assert 0 < caught.value.retry_after <= 1.0
        time.sleep(caught.value.retry_after)
        conn.storage.CreateBucket(
            storage_pb2.CreateBucketRequest(config=pb.BucketConfig(name="b-three"))
        )
        conn.storage.GetBucket(pb.GetRequest(id="b-one"))  # reads are never throttled


def _unavailable_pattern(root, seed):
    """Which of 20 creates the provider refused as UNAVAILABLE, and what it then holds."""
    refused = []
    with served(root, unavailable_rate=0.5, fault_seed=seed) as conn:
        for i in range(20):
            request = storage_pb2.CreateBucketRequest(config=pb.BucketConfig(name=f"u-{i}"))
            try:
                conn.storage.CreateBucket(request)
            except errors.Unavailable:
                refused.append(i)
        held = {b.name for b in conn.storage.ListBuckets(pb.ListRequest())}
    return refused, held


def test_injected_unavailable_is_seeded_and_has_no_effect(tmp_path):
    first, held = _unavailable_pattern(tmp_path / "a", seed=7)
    assert 0 < len(first) < 20
    assert held == {f"u-{i}" for i in range(20) if i not in first}  # refused: nothing made
    assert _unavailable_pattern(tmp_path / "b", seed=7)[0] == first  # repeatable


def test_shutdown_refuses_new_mutations(conn):
    conn.provider.Shutdown(provider_pb2.ShutdownRequest())
    assert conn.shutdown_requested.is_set()
    with pytest.raises(errors.Unavailable):
        conn.storage.CreateBucket(
            storage_pb2.CreateBucketRequest(config=pb.BucketConfig(name="late"))
        )


def test_references_known_only_after_apply_are_not_missing(conn):
    subnet = pb.Resource(subnet=pb.Subnet(name="s", cidr="10.0.1.0/24"))  # network_id: a ref
    response = conn.provider.ValidateResources(
        provider_pb2.ValidateResourcesRequest(resources=[subnet])
    )
    assert list(response.diagnostics) == []
    desired = pb.Resource(instance=pb.Instance(name="vm", size=pb.SIZE_SMALL))
    prior = pb.Resource(instance=pb.Instance(name="vm", size=pb.SIZE_SMALL, subnet_id="subnet-1"))
    items = [
        provider_pb2.PlanItem(desired=subnet, unknown_attributes=["network_id"]),
        provider_pb2.PlanItem(desired=desired, prior=prior, unknown_attributes=["subnet_id"]),
    ]
    planned = conn.provider.PlanResources(provider_pb2.PlanResourcesRequest(items=items)).resources
    assert list(planned[0].diagnostics) == []
    assert list(planned[1].requires_replace) == ["subnet_id"]
