"""The Provider service: the SDK's ProviderBase with GCP's hooks - metadata, schema, settings,
identity (${project_id}, ${account_id}), validation and planning. ReadResources reads
through the kinds' handlers (their filtered list calls)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk.provider_base import ProviderBase, provider_metadata

from genesys_provider_gcp import __version__
from genesys_provider_gcp.clients import GcpClients, GcpSettings, settings_from_request
from genesys_provider_gcp.errors import TRANSLATOR

# Compute's default write quota is 20 mutating calls/s per project: 16 in flight stays inside.
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


class ProviderServicer(ProviderBase):
    def __init__(self, clients: GcpClients, kinds: Iterable[Any]) -> None:
        super().__init__(kinds, translate=TRANSLATOR)
        self.clients = clients

    def metadata(self) -> provider_pb2.ProviderMetadata:
        return provider_metadata(
            "gcp",
            __version__,
            KIND_FIELDS,
            max_parallelism=MAX_PARALLELISM,
            supports_state_store=True,
            state_backends=["gcs"],
            outcomes=["static-site", "api"],
            description="Google Cloud: Compute Engine, Cloud Storage, Cloud SQL, Cloud Functions",
        )

    def schema(self) -> provider_pb2.ProviderSchema:
        from genesys_provider_gcp.planning import schema

        return schema()

    def parse_settings(self, request: provider_pb2.ConfigureRequest) -> GcpSettings:
        return settings_from_request(request)

    def configure(self, settings: GcpSettings) -> None:
        self.clients.configure(settings)

    def identity(self) -> provider_pb2.Identity:
        """Checks the credentials with one cheap read (the region of the project)."""
        credentials = self.clients.credentials()
        project = self.clients.project
        # Plain REST: the Compute SDK is still loading in the background (clients.configure).
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

    def validate_resource(self, resource: pb.Resource, index: int) -> Iterable[pb.Diagnostic]:
        from genesys_provider_gcp.planning import validate

        return list(validate(resource, index))

    def plan_item(self, index: int, item: provider_pb2.PlanItem) -> provider_pb2.PlannedResource:
        from genesys_provider_gcp.planning import plan_item

        return plan_item(self.clients.region, index, item)

    def close(self) -> None:
        self.clients.close()
