"""The Provider service: metadata, schema, configuration, identity (${project_id},
${account_id}), validation, planning and the batch read across every kind."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.cloud_errors import translate_errors

from genesys_provider_gcp import __version__
from genesys_provider_gcp.clients import GcpClients, settings_from_request
from genesys_provider_gcp.errors import TRANSLATOR

PROTOCOL_VERSION = 1
# Compute's default write quota is 20 mutating calls/s per project: 16 in flight stays inside.
MAX_PARALLELISM = 16
CAPABILITIES = (
    pb.RESOURCE_KIND_INSTANCE,
    pb.RESOURCE_KIND_VOLUME,
    pb.RESOURCE_KIND_VOLUME_ATTACHMENT,
    pb.RESOURCE_KIND_BUCKET,
    pb.RESOURCE_KIND_NETWORK,
    pb.RESOURCE_KIND_SUBNET,
    pb.RESOURCE_KIND_SECURITY_GROUP,
    pb.RESOURCE_KIND_DATABASE,
    pb.RESOURCE_KIND_FUNCTION,
    pb.RESOURCE_KIND_CDN,
    pb.RESOURCE_KIND_CERTIFICATE,
)


def metadata() -> provider_pb2.ProviderMetadata:
    return provider_pb2.ProviderMetadata(
        name="gcp",
        version=__version__,
        protocol_version=PROTOCOL_VERSION,
        capabilities=list(CAPABILITIES),
        max_parallelism=MAX_PARALLELISM,
        supports_state_store=True,
        state_backends=["gcs"],
        outcomes=["static-site", "api"],
        description="Google Cloud: Compute Engine, Cloud Storage, Cloud SQL, Cloud Functions, CDN",
    )


@translate_errors(TRANSLATOR)
class ProviderServicer(provider_pb2_grpc.ProviderServicer):
    def __init__(self, clients: GcpClients, readers: Any) -> None:
        self.clients = clients
        self.readers = readers  # the kinds' handlers (for ReadResources)
        self._schema: provider_pb2.ProviderSchema | None = None

    def GetMetadata(self, request: Any, context: Any) -> provider_pb2.ProviderMetadata:
        return metadata()

    def GetSchema(self, request: Any, context: Any) -> provider_pb2.ProviderSchema:
        if self._schema is None:
            from genesys_provider_gcp.planning import schema

            self._schema = schema()
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
        """Checks the credentials with one cheap read (the region of the project)."""
        credentials = self.clients.credentials()
        project = self.clients.project
        # One cheap read over plain REST: the Compute SDK is still loading in the background.
        self.clients.get_json(
            "compute", f"compute/v1/projects/{project}/regions/{self.clients.region}"
        )
        principal = getattr(credentials, "service_account_email", "") or (
            "anonymous" if self.clients.settings.anonymous else "application-default"
        )
        # A GCP account is a project: ${account_id} and ${project_id} are both its id.
        return provider_pb2.Identity(
            account_id=project,
            project_id=project,
            region=self.clients.region,
            principal=str(principal),
        )

    def ValidateResources(self, request: Any, context: Any) -> provider_pb2.ValidateResponse:
        from genesys_provider_gcp.planning import validate

        response = provider_pb2.ValidateResponse()
        for index, resource in enumerate(request.resources):
            response.diagnostics.extend(validate(resource, index))
        return response

    def PlanResources(self, request: Any, context: Any) -> provider_pb2.PlanResourcesResponse:
        from genesys_provider_gcp.planning import plan_item

        region = self.clients.region
        return provider_pb2.PlanResourcesResponse(
            resources=[plan_item(region, i, item) for i, item in enumerate(request.items)]
        )

    def ReadResources(
        self, request: Any, context: Any
    ) -> Iterator[provider_pb2.ReadResourcesResponse]:
        from genesys_plugin_sdk.reads import read_resources

        return read_resources(request, self.readers, TRANSLATOR)

    def Shutdown(self, request: Any, context: Any) -> provider_pb2.ShutdownResponse:
        self.clients.close()
        return provider_pb2.ShutdownResponse()
