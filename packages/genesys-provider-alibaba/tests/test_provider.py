"""The Provider service (Alibaba's hooks on the SDK's ProviderBase) over real gRPC."""

from __future__ import annotations

from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk.testing import InProcessConnection
from google.protobuf import struct_pb2


def test_metadata_names_every_kind_and_the_oss_backend(conn: InProcessConnection) -> None:
    meta = conn.provider.GetMetadata(provider_pb2.GetMetadataRequest())
    assert meta.name == "alibaba" and meta.protocol_version == 1
    assert pb.RESOURCE_KIND_CERTIFICATE in meta.capabilities and len(meta.capabilities) == 13
    assert pb.RESOURCE_KIND_LAYER in meta.capabilities
    assert list(meta.state_backends) == ["oss"] and meta.max_parallelism == 16


def test_a_bad_endpoint_is_a_located_diagnostic(conn: InProcessConnection) -> None:
    settings = struct_pb2.Struct()
    settings.update({"endpoints": {"ecs": "ftp://nowhere"}})
    answer = conn.provider.ValidateProviderConfig(
        provider_pb2.ConfigureRequest(region="cn-hangzhou", settings=settings)
    )
    [diagnostic] = answer.diagnostics
    assert diagnostic.attribute_path == "settings.endpoints.ecs" and diagnostic.index == -1
    assert diagnostic.severity == pb.Diagnostic.SEVERITY_ERROR


def test_identity_is_the_emulator_account(conn: InProcessConnection, ready: dict[str, Any]) -> None:
    who = conn.provider.Authenticate(provider_pb2.AuthenticateRequest())
    assert (who.account_id, who.region) == (ready["account"], ready["region"])


def test_validation_names_the_resource(conn: InProcessConnection) -> None:
    answer = conn.provider.ValidateResources(
        provider_pb2.ValidateResourcesRequest(resources=[pb.Resource()])
    )
    assert [(d.summary, d.index) for d in answer.diagnostics] == [("empty resource", 0)]


def test_a_bad_bucket_name_is_found_before_any_call(conn: InProcessConnection) -> None:
    good, bad = (
        pb.Resource(bucket=pb.Bucket(name="ok-name")),
        pb.Resource(bucket=pb.Bucket(name="No_Way")),
    )
    answer = conn.provider.ValidateResources(
        provider_pb2.ValidateResourcesRequest(resources=[good, bad])
    )
    assert [(d.attribute_path, d.index) for d in answer.diagnostics] == [("name", 1)]
