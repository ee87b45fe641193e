"""ProviderBase: the Provider service's plumbing over a plugin's hooks, over real gRPC."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk import Plugin, errors
from genesys_plugin_sdk.batching import read_results
from genesys_plugin_sdk.cloud_errors import CloudError, ErrorTable, ErrorTranslator
from genesys_plugin_sdk.handlers import KindFunctions
from genesys_plugin_sdk.provider_base import ProviderBase, provider_metadata
from genesys_plugin_sdk.schema import SchemaFacts, provider_schema, settings_dict
from genesys_plugin_sdk.testing import serve_in_process
from google.protobuf import struct_pb2


class ExpiredToken(Exception):
    pass


TRANSLATOR = ErrorTranslator(
    ErrorTable(codes={"ExpiredToken": errors.Unauthenticated}),
    lambda exc: CloudError(code="ExpiredToken") if isinstance(exc, ExpiredToken) else None,
)


class Provider(ProviderBase):
    def __init__(self, kinds: Iterable[Any]) -> None:
        super().__init__(kinds, translate=TRANSLATOR)
        self.configured: dict[str, Any] = {}
        self.schemas_built = 0
        self.closed = False
        self.expired = False

    def metadata(self) -> provider_pb2.ProviderMetadata:
        return provider_metadata("t", "1.0", ["instance", "bucket"], max_parallelism=4)

    def schema(self) -> provider_pb2.ProviderSchema:
        self.schemas_built += 1
        return provider_schema(SchemaFacts(kinds=["bucket"]))

    def parse_settings(self, request: provider_pb2.ConfigureRequest) -> dict[str, Any]:
        return settings_dict(request, ["project"], provider="t")

    def configure(self, settings: dict[str, Any]) -> None:
        self.configured = settings

    def identity(self) -> provider_pb2.Identity:
        if self.expired:
            raise ExpiredToken()
        return provider_pb2.Identity(account_id=self.configured.get("project", ""))

    def validate_resource(self, resource: pb.Resource, index: int) -> Iterable[pb.Diagnostic]:
        if resource.bucket.name.startswith("-"):
            yield pb.Diagnostic(
                severity=pb.Diagnostic.SEVERITY_ERROR,
                summary="bad name",
                attribute_path="name",
                index=index,
            )

    def plan_item(self, index: int, item: provider_pb2.PlanItem) -> provider_pb2.PlannedResource:
        return provider_pb2.PlannedResource(index=index)

    def close(self) -> None:
        self.closed = True


def configure_request(**settings: Any) -> provider_pb2.ConfigureRequest:
    values = struct_pb2.Struct()
    values.update(settings)
    return provider_pb2.ConfigureRequest(settings=values)


def buckets() -> KindFunctions:
    stored: Mapping[str, pb.Bucket] = {"b1": pb.Bucket(id="b1", name="b1")}
    return KindFunctions(
        field="bucket",
        read_many_fn=lambda ids, privates: {i: stored[i] for i in ids if i in stored},
        find_by_token_fn=lambda token: "b1" if token == "t1" else None,
    )


def test_provider_rpcs_over_the_hooks() -> None:
    provider = Provider([buckets()])
    with serve_in_process(Plugin(name="t", version="1.0", provider=provider)) as conn:
        meta = conn.provider.GetMetadata(provider_pb2.GetMetadataRequest())
        assert list(meta.capabilities) == [pb.RESOURCE_KIND_INSTANCE, pb.RESOURCE_KIND_BUCKET]
        assert meta.protocol_version == 1 and meta.max_parallelism == 4
        for _ in range(2):
            assert conn.provider.GetSchema(provider_pb2.GetSchemaRequest()).kinds
        assert provider.schemas_built == 1
        bad = conn.provider.ValidateProviderConfig(configure_request(colour="red"))
        assert [d.attribute_path for d in bad.diagnostics] == ["settings.colour"]
        assert bad.diagnostics[0].index == -1
        with pytest.raises(errors.InvalidArgument):
            conn.provider.Configure(configure_request(colour="red"))
        conn.provider.Configure(configure_request(project="p-1"))
        assert conn.provider.Authenticate(provider_pb2.AuthenticateRequest()).account_id == "p-1"
        provider.expired = True
        with pytest.raises(errors.Unauthenticated):
            conn.provider.Authenticate(provider_pb2.AuthenticateRequest())
        resources = [pb.Resource(bucket=pb.Bucket(name=n)) for n in ("ok", "-bad")]
        checked = conn.provider.ValidateResources(
            provider_pb2.ValidateResourcesRequest(resources=resources)
        )
        assert [d.index for d in checked.diagnostics] == [1]
        planned = conn.provider.PlanResources(
            provider_pb2.PlanResourcesRequest(items=[provider_pb2.PlanItem()] * 2)
        )
        assert [r.index for r in planned.resources] == [0, 1]
        refs = [
            pb.ResourceRef(kind=pb.RESOURCE_KIND_BUCKET, idempotency_token="t1"),
            pb.ResourceRef(kind=pb.RESOURCE_KIND_BUCKET, id="b2"),
        ]
        pages = conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=refs))
        results = {r.index: r for r in read_results(pages)}
        assert results[0].resource.bucket.name == "b1" and results[1].not_found
        conn.provider.Shutdown(provider_pb2.ShutdownRequest())
        assert provider.closed and conn.shutdown_requested.is_set()


def test_unanswered_hooks_are_unimplemented() -> None:
    class Bare(ProviderBase):
        def metadata(self) -> provider_pb2.ProviderMetadata:
            return provider_metadata("bare", "0", [])

    with serve_in_process(Plugin(name="bare", version="0", provider=Bare([]))) as conn:
        with pytest.raises(errors.Unimplemented):
            conn.provider.Authenticate(provider_pb2.AuthenticateRequest())
        with pytest.raises(errors.Unimplemented):
            conn.provider.PlanResources(
                provider_pb2.PlanResourcesRequest(items=[provider_pb2.PlanItem()])
            )
        conn.provider.Configure(provider_pb2.ConfigureRequest())  # default: accept, do nothing
