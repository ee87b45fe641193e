"""Provider service: metadata, schema, configuration, identity, validation, plan, batch read."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import compute_pb2, network_pb2, provider_pb2, storage_pb2
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.batching import read_results
from genesys_plugin_sdk.testing import serve_in_process
from genesys_provider_aws.main import build_plugin
from google.protobuf import struct_pb2


def test_metadata_is_cheap_and_complete(conn: Any) -> None:
    meta = conn.provider.GetMetadata(provider_pb2.GetMetadataRequest())
    assert (meta.name, meta.version, meta.protocol_version) == ("aws", "0.1.0", 1)
    assert len(meta.capabilities) == 13 and list(meta.state_backends) == ["s3"]
    assert set(meta.outcomes) == {"static-site", "api"}
    code = (
        "import sys; from genesys_provider_aws.provider import metadata; metadata(); "
        "import genesys_provider_aws.main; print('boto3' in sys.modules, 'botocore' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_schema_has_tables_prices_and_force_new(conn: Any) -> None:
    schema = conn.provider.GetSchema(provider_pb2.GetSchemaRequest())
    translations = {t.name: dict(t.entries) for t in schema.translations}
    assert translations["instance.size"]["medium"] == "t3.medium"
    assert translations["database.size"]["large"] == "db.t3.large"
    assert "ubuntu-lts" in translations["instance.image"]
    (prices,) = schema.prices
    assert prices.as_of and any(e.item == "instance:t3.medium" for e in prices.entries)
    kinds = {k.kind: {a.name: a for a in k.attributes} for k in schema.kinds}
    assert kinds[pb.RESOURCE_KIND_INSTANCE]["image"].force_new
    assert not kinds[pb.RESOURCE_KIND_INSTANCE]["size"].force_new
    assert kinds[pb.RESOURCE_KIND_DATABASE]["password"].sensitive


def test_configure_rejects_bad_settings_and_authenticate_names_the_account(
    conn: Any, moto_url: str
) -> None:
    settings = struct_pb2.Struct()
    settings.update({"endpont": moto_url})
    diagnostics = conn.provider.ValidateProviderConfig(
        provider_pb2.ConfigureRequest(settings=settings)
    ).diagnostics
    assert diagnostics[0].attribute_path == "settings.endpont"
    with serve_in_process(build_plugin()) as other, pytest.raises(errors.InvalidArgument):
        other.provider.Configure(provider_pb2.ConfigureRequest(endpoints={"ec2": "ftp://nope"}))
    identity = conn.provider.Authenticate(provider_pb2.AuthenticateRequest())
    assert identity.account_id == "123456789012" and identity.region == "us-east-1"


def test_validate_resources_flags_problems_by_index(conn: Any) -> None:
    resources = [
        pb.Resource(instance=pb.Instance(image="ubuntu-lts")),
        pb.Resource(database=pb.Database(name="db", engine=pb.DATABASE_ENGINE_MONGODB)),
        pb.Resource(bucket=pb.Bucket(name="Bad_Name", encryption=True)),
        pb.Resource(
            function=pb.Function(
                name="f", runtime="python3.11", triggers=[pb.Trigger(type="queue")]
            )
        ),
    ]
    found = conn.provider.ValidateResources(
        provider_pb2.ValidateResourcesRequest(resources=resources)
    ).diagnostics
    assert sorted((d.index, d.attribute_path) for d in found) == [
        (1, "engine"),
        (2, "name"),
        (3, "triggers[0].type"),
    ]


def test_an_engine_aws_lacks_is_named_in_the_config_s_words(conn: Any) -> None:
    sqlite = pb.Resource(database=pb.Database(name="db", engine=pb.DATABASE_ENGINE_SQLITE))
    found = conn.provider.ValidateResources(
        provider_pb2.ValidateResourcesRequest(resources=[sqlite])
    ).diagnostics
    assert [d.summary for d in found] == ["engine sqlite is not offered on AWS (postgres, mysql)"]


def test_plan_translates_prices_and_marks_replacements(conn: Any) -> None:
    desired = pb.Resource(instance=pb.Instance(size=pb.SIZE_MEDIUM, image="amazon-linux"))
    prior = pb.Resource(
        instance=pb.Instance(size=pb.SIZE_SMALL, image="ubuntu-lts", zone="us-east-1a")
    )
    database = pb.Resource(
        database=pb.Database(
            engine=pb.DATABASE_ENGINE_POSTGRES, size=pb.SIZE_MEDIUM, storage_gb=100, multi_az=True
        )
    )
    items = [
        provider_pb2.PlanItem(desired=desired, prior=prior),
        provider_pb2.PlanItem(desired=database),
    ]
    planned = conn.provider.PlanResources(provider_pb2.PlanResourcesRequest(items=items)).resources
    instance = planned[0].translated.instance
    assert instance.provider_type == "t3.medium" and instance.provider_image.startswith("ami-")
    assert list(planned[0].requires_replace) == ["image"]  # zone left empty: no change
    assert planned[0].cost.monthly_usd == pytest.approx(0.0416 * 730, abs=0.01)
    assert planned[1].translated.database.provider_class == "db.t3.medium"
    assert planned[1].cost.monthly_usd == pytest.approx((0.072 * 730 + 100 * 0.115) * 2, abs=0.01)


def test_plan_treats_unknown_attributes_as_coming_not_missing(conn: Any) -> None:
    # The cdn's bucket and the instance's subnet are made in the same run: known after apply.
    cdn = pb.Resource(cdn=pb.Cdn(name="site", domain="example.com", https=True))
    desired = pb.Resource(instance=pb.Instance(size=pb.SIZE_SMALL, image="ubuntu-lts"))
    prior = pb.Resource(
        instance=pb.Instance(size=pb.SIZE_SMALL, image="ubuntu-lts", subnet_id="subnet-1")
    )
    items = [
        provider_pb2.PlanItem(desired=cdn, unknown_attributes=["origin_bucket_id"]),
        provider_pb2.PlanItem(desired=cdn),
        provider_pb2.PlanItem(desired=desired, prior=prior, unknown_attributes=["subnet_id"]),
    ]
    planned = conn.provider.PlanResources(provider_pb2.PlanResourcesRequest(items=items)).resources
    assert [d.attribute_path for d in planned[0].diagnostics] == ["certificate_id"]  # a warning
    assert "origin_bucket_id" in [d.attribute_path for d in planned[1].diagnostics]
    assert list(planned[2].requires_replace) == ["subnet_id"]  # a new subnet: a new instance


def test_read_resources_mixes_kinds_tokens_and_missing(conn: Any, suffix: str) -> None:
    instance = conn.compute.CreateInstance(
        compute_pb2.CreateInstanceRequest(
            config=pb.InstanceConfig(image="amazon-linux"), idempotency_token=f"r-{suffix}"
        )
    )
    network = conn.network.CreateNetwork(
        network_pb2.CreateNetworkRequest(
            config=pb.NetworkConfig(cidr="10.7.0.0/16"), idempotency_token=f"n-{suffix}"
        )
    )
    conn.storage.CreateBucket(
        storage_pb2.CreateBucketRequest(config=pb.BucketConfig(name=f"rr-{suffix}"))
    )
    refs = [
        pb.ResourceRef(kind=pb.RESOURCE_KIND_INSTANCE, idempotency_token=f"r-{suffix}"),
        pb.ResourceRef(kind=pb.RESOURCE_KIND_NETWORK, idempotency_token=f"n-{suffix}"),
        pb.ResourceRef(kind=pb.RESOURCE_KIND_BUCKET, id=f"rr-{suffix}"),
        pb.ResourceRef(kind=pb.RESOURCE_KIND_BUCKET, id=f"gone-{suffix}"),
        pb.ResourceRef(kind=pb.RESOURCE_KIND_SECURITY_GROUP, idempotency_token="never-used"),
        pb.ResourceRef(kind=pb.RESOURCE_KIND_LAYER, id="not-an-arn"),
        pb.ResourceRef(kind=pb.RESOURCE_KIND_BUCKET, id="Not A Bucket Name!"),
    ]
    results = {
        r.index: r
        for r in read_results(
            conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=refs))
        )
    }
    assert results[0].resource.instance.id == instance.id
    assert results[1].resource.network.id == network.id
    assert results[2].resource.bucket.name == f"rr-{suffix}"
    assert results[3].not_found and results[4].not_found
    assert results[5].not_found  # an id that cannot be an ARN names nothing
    assert results[6].error.kind == pb.ERROR_KIND_INVALID_ARGUMENT  # per-ref error, stream goes on
