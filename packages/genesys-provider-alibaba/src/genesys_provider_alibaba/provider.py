"""The Provider service: metadata, schema, configuration, identity (STS GetCallerIdentity),
validation, planning and the batch read (ReadResources) across every kind."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_resources

from genesys_provider_alibaba import __version__
from genesys_provider_alibaba.clients import AlibabaClients, settings_from_request
from genesys_provider_alibaba.errors import TRANSLATOR, translate_errors

PROTOCOL_VERSION = 1
# ECS and VPC allow a few dozen mutating calls per second per account; 16 in flight is safe.
MAX_PARALLELISM = 16
KIND_FIELDS = (
    "instance",
    "volume",
    "volume_attachment",
    "bucket",
    "network",
    "subnet",
    "security_group",
    "load_balancer",
    "database",
    "function",
    "cdn",
    "certificate",
)


def metadata() -> provider_pb2.ProviderMetadata:
    kinds: list[Any] = [getattr(pb, f"RESOURCE_KIND_{field.upper()}") for field in KIND_FIELDS]
    return provider_pb2.ProviderMetadata(
        name="alibaba",
        version=__version__,
        protocol_version=PROTOCOL_VERSION,
        capabilities=kinds,
        max_parallelism=MAX_PARALLELISM,
        supports_state_store=True,
        state_backends=["oss"],
        outcomes=["static-site", "api"],
        description="Alibaba Cloud: ECS, VPC, OSS, RDS, Function Compute 3.0, CDN",
    )


@translate_errors
class ProviderServicer(provider_pb2_grpc.ProviderServicer):
    def __init__(self, clients: AlibabaClients, kinds: list[KindHandler]) -> None:
        self.clients = clients
        self.kinds = kinds
        self._schema: provider_pb2.ProviderSchema | None = None

    def GetMetadata(self, request: Any, context: Any) -> provider_pb2.ProviderMetadata:
        return metadata()

    def GetSchema(self, request: Any, context: Any) -> provider_pb2.ProviderSchema:
        if self._schema is None:
            from genesys_provider_alibaba.schema import provider_schema

            self._schema = provider_schema()
        return self._schema

    def ValidateProviderConfig(self, request: Any, context: Any) -> provider_pb2.ValidateResponse:
        try:
            settings_from_request(request)
        except errors.InvalidArgument as exc:
            diagnostic = pb.Diagnostic(
                severity=pb.Diagnostic.SEVERITY_ERROR,
                summary=exc.message,
                attribute_path=exc.attribute_path,
                index=-1,
            )
            return provider_pb2.ValidateResponse(diagnostics=[diagnostic])
        return provider_pb2.ValidateResponse()

    def Configure(self, request: Any, context: Any) -> provider_pb2.ConfigureResponse:
        self.clients.configure(settings_from_request(request))
        return provider_pb2.ConfigureResponse()

    def Authenticate(self, request: Any, context: Any) -> provider_pb2.Identity:
        who = self.clients.rpc("sts", "GetCallerIdentity")
        self.clients.cache["account_id"] = str(who["AccountId"])
        return provider_pb2.Identity(
            account_id=str(who["AccountId"]),
            region=self.clients.region,
            principal=who.get("Arn", ""),
        )

    def ValidateResources(self, request: Any, context: Any) -> provider_pb2.ValidateResponse:
        from genesys_provider_alibaba.validation import validate

        response = provider_pb2.ValidateResponse()
        for index, resource in enumerate(request.resources):
            response.diagnostics.extend(validate(resource, index))
        return response

    def PlanResources(self, request: Any, context: Any) -> provider_pb2.PlanResourcesResponse:
        from genesys_provider_alibaba.planning import plan_item

        return provider_pb2.PlanResourcesResponse(
            resources=[plan_item(self.clients, i, item) for i, item in enumerate(request.items)]
        )

    def ReadResources(
        self, request: Any, context: Any
    ) -> Iterator[provider_pb2.ReadResourcesResponse]:
        return read_resources(request, self.kinds, TRANSLATOR)

    def Shutdown(self, request: Any, context: Any) -> provider_pb2.ShutdownResponse:
        self.clients.close()
        return provider_pb2.ShutdownResponse()
