"""The Provider service: metadata, schema, configuration, identity (the APPID), validation,
planning and the batch read (ReadResources) across every kind."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.cloud_errors import translate_errors
from genesys_plugin_sdk.kinds import kind_spec
from genesys_plugin_sdk.reads import read_resources

from genesys_provider_tencent import __version__
from genesys_provider_tencent.clients import TencentClients, settings_from_request
from genesys_provider_tencent.errors import TRANSLATOR

PROTOCOL_VERSION = 1
# CVM and VPC allow about 20 mutating calls per second per action; 16 in flight stays inside.
MAX_PARALLELISM = 16
KIND_FIELDS = (
    "instance",
    "bucket",
    "network",
    "subnet",
    "security_group",
    "database",
    "function",
    "cdn",
    "certificate",
    "volume",
    "volume_attachment",
    "load_balancer",
    "layer",
)


def metadata() -> provider_pb2.ProviderMetadata:
    return provider_pb2.ProviderMetadata(
        name="tencent",
        version=__version__,
        protocol_version=PROTOCOL_VERSION,
        capabilities=[kind_spec(f).enum for f in KIND_FIELDS],  # type: ignore[misc]
        max_parallelism=MAX_PARALLELISM,
        supports_state_store=True,
        state_backends=["cos"],
        outcomes=["static-site", "api"],
        description="Tencent Cloud: CVM, CBS, VPC, CLB, COS, TencentDB for PostgreSQL and "
        "MySQL, SCF, CDN, SSL",
    )


@translate_errors(TRANSLATOR)
class ProviderServicer(provider_pb2_grpc.ProviderServicer):
    def __init__(self, clients: TencentClients, readers: Iterable[Any]) -> None:
        self.clients = clients
        self.readers = list(readers)
        self._schema: provider_pb2.ProviderSchema | None = None

    def GetMetadata(self, request: Any, context: Any) -> provider_pb2.ProviderMetadata:
        return metadata()

    def GetSchema(self, request: Any, context: Any) -> provider_pb2.ProviderSchema:
        if self._schema is None:
            from genesys_provider_tencent.schema import provider_schema

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
        who = self.clients.who()
        return provider_pb2.Identity(
            account_id=str(who["AppId"]),
            region=self.clients.region,
            principal=f"qcs::cam::uin/{who.get('OwnerUin')}:uin/{who.get('Uin')}",
        )

    def ValidateResources(self, request: Any, context: Any) -> provider_pb2.ValidateResponse:
        from genesys_provider_tencent.validation import validate

        response = provider_pb2.ValidateResponse()
        for index, resource in enumerate(request.resources):
            response.diagnostics.extend(validate(resource, index))
        return response

    def PlanResources(self, request: Any, context: Any) -> provider_pb2.PlanResourcesResponse:
        from genesys_provider_tencent.planning import plan_item

        return provider_pb2.PlanResourcesResponse(
            resources=[plan_item(i, item) for i, item in enumerate(request.items)]
        )

    def ReadResources(
        self, request: Any, context: Any
    ) -> Iterator[provider_pb2.ReadResourcesResponse]:
        return read_resources(request, self.readers, TRANSLATOR)

    def Shutdown(self, request: Any, context: Any) -> provider_pb2.ShutdownResponse:
        self.clients.close()
        return provider_pb2.ShutdownResponse()
