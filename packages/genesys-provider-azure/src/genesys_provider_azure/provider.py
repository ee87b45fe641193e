"""The Provider service: metadata, schema, configuration, identity, validation, planning and
the batch read (ReadResources) across every kind."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.cloud_errors import translate_errors
from genesys_plugin_sdk.reads import read_resources

from genesys_provider_azure import __version__
from genesys_provider_azure.clients import AzureClients
from genesys_provider_azure.errors import TRANSLATOR

PROTOCOL_VERSION = 1
# ARM allows ~1200 writes per hour per subscription and throttles bursts: 16 in flight.
MAX_PARALLELISM = 16
KINDS = (
    pb.RESOURCE_KIND_INSTANCE,
    pb.RESOURCE_KIND_VOLUME,
    pb.RESOURCE_KIND_VOLUME_ATTACHMENT,
    pb.RESOURCE_KIND_BUCKET,
    pb.RESOURCE_KIND_NETWORK,
    pb.RESOURCE_KIND_SUBNET,
    pb.RESOURCE_KIND_SECURITY_GROUP,
    pb.RESOURCE_KIND_DATABASE,
    pb.RESOURCE_KIND_FUNCTION,
    pb.RESOURCE_KIND_LOAD_BALANCER,
    pb.RESOURCE_KIND_CERTIFICATE,
    pb.RESOURCE_KIND_CDN,
)


def warm_imports() -> None:
    import importlib

    from genesys_provider_azure.clients import MANAGEMENT

    for module, _ in MANAGEMENT.values():
        importlib.import_module(f"{module}.models")


def metadata() -> provider_pb2.ProviderMetadata:
    return provider_pb2.ProviderMetadata(
        name="azure",
        version=__version__,
        protocol_version=PROTOCOL_VERSION,
        capabilities=list(KINDS),
        max_parallelism=MAX_PARALLELISM,
        supports_state_store=True,
        state_backends=["azureblob"],
        outcomes=["static-site", "api"],
        description="Microsoft Azure: VMs, managed disks, VNets, NSGs, Storage, PostgreSQL/"
        "MySQL flexible servers, Cosmos DB for MongoDB, Function Apps (Python, Node, Go), "
        "Front Door, Blob state",
    )


def _diagnostic(exc: errors.InvalidArgument) -> pb.Diagnostic:
    return pb.Diagnostic(
        severity=pb.Diagnostic.SEVERITY_ERROR,
        summary=exc.message,
        attribute_path=exc.attribute_path,
        index=-1,
    )


@translate_errors(TRANSLATOR)
class ProviderServicer(provider_pb2_grpc.ProviderServicer):
    def __init__(self, clients: AzureClients, readers: list[Any]) -> None:
        self.clients = clients
        self.readers = readers
        self._schema: provider_pb2.ProviderSchema | None = None

    def GetMetadata(self, request: Any, context: Any) -> provider_pb2.ProviderMetadata:
        return metadata()

    def GetSchema(self, request: Any, context: Any) -> provider_pb2.ProviderSchema:
        if self._schema is None:
            from genesys_provider_azure.schema import provider_schema

            self._schema = provider_schema()
        return self._schema

    def ValidateProviderConfig(self, request: Any, context: Any) -> provider_pb2.ValidateResponse:
        from genesys_provider_azure.settings import from_request

        try:
            from_request(request)
        except errors.InvalidArgument as exc:
            return provider_pb2.ValidateResponse(
                diagnostics=[
                    pb.Diagnostic(
                        severity=pb.Diagnostic.SEVERITY_ERROR,
                        summary=exc.message,
                        attribute_path=exc.attribute_path,
                        index=-1,
                    )
                ]
            )
        return provider_pb2.ValidateResponse()

    def Configure(self, request: Any, context: Any) -> provider_pb2.ConfigureResponse:
        from genesys_provider_azure.settings import from_request

        try:
            settings = from_request(request)
        except errors.InvalidArgument as exc:  # the core names providers.azure.<setting>
            return provider_pb2.ConfigureResponse(diagnostics=[_diagnostic(exc)])
        self.clients.configure(settings)
        # The management SDKs take seconds to import: start now, while the core plans.
        threading.Thread(target=warm_imports, name="azure-sdk-imports", daemon=True).start()
        return provider_pb2.ConfigureResponse()

    def Authenticate(self, request: Any, context: Any) -> provider_pb2.Identity:
        subscription = self.clients.subscription
        # A cheap read that needs a token: fails now, with its reason, if credentials do.
        self.clients.client("resource").resource_groups.check_existence(self.clients.group)
        return provider_pb2.Identity(
            account_id=subscription,
            project_id=self.clients.group,
            region=self.clients.location,
            principal=self.clients.settings.tenant_id or "DefaultAzureCredential",
        )

    def ValidateResources(self, request: Any, context: Any) -> provider_pb2.ValidateResponse:
        from genesys_provider_azure.validation import validate

        response = provider_pb2.ValidateResponse()
        for index, resource in enumerate(request.resources):
            response.diagnostics.extend(validate(resource, index))
        return response

    def PlanResources(self, request: Any, context: Any) -> provider_pb2.PlanResourcesResponse:
        from genesys_provider_azure.planning import plan_item

        return provider_pb2.PlanResourcesResponse(
            resources=[plan_item(i, item) for i, item in enumerate(request.items)]
        )

    def ReadResources(
        self, request: Any, context: Any
    ) -> Iterator[provider_pb2.ReadResourcesResponse]:
        return read_resources(request, self.readers, translate=TRANSLATOR)

    def Shutdown(self, request: Any, context: Any) -> provider_pb2.ShutdownResponse:
        self.clients.close()
        return provider_pb2.ShutdownResponse()
