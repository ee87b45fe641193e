"""The Provider service: metadata, schema, configuration, identity (STS GetCallerIdentity),
validation, planning and the batch read (ReadResources) across every kind."""

from __future__ import annotations

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.provider_base import ProviderBase, provider_metadata

from genesys_provider_alibaba import __version__
from genesys_provider_alibaba.clients import AlibabaClients, AlibabaSettings, settings_from_request
from genesys_provider_alibaba.errors import TRANSLATOR

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
    "layer",
    "cdn",
    "certificate",
)


def metadata() -> provider_pb2.ProviderMetadata:
    return provider_metadata(
        "alibaba",
        __version__,
        KIND_FIELDS,
        max_parallelism=MAX_PARALLELISM,
        supports_state_store=True,
        state_backends=["oss"],
        outcomes=["static-site", "api"],
        description="Alibaba Cloud: ECS, VPC, OSS, RDS, Function Compute 3.0 (with layers), CDN",
    )


class ProviderServicer(ProviderBase):
    """Alibaba's hooks; the RPC plumbing (ReadResources across the kinds included) is the
    SDK's."""

    def __init__(self, clients: AlibabaClients, kinds: list[KindHandler]) -> None:
        super().__init__(kinds, translate=TRANSLATOR)
        self.clients = clients

    def metadata(self) -> provider_pb2.ProviderMetadata:
        return metadata()

    def schema(self) -> provider_pb2.ProviderSchema:
        from genesys_provider_alibaba.schema import provider_schema

        return provider_schema()

    def parse_settings(self, request: provider_pb2.ConfigureRequest) -> AlibabaSettings:
        return settings_from_request(request)

    def configure(self, settings: AlibabaSettings) -> None:
        self.clients.configure(settings)

    def identity(self) -> provider_pb2.Identity:
        who = self.clients.rpc("sts", "GetCallerIdentity")
        self.clients.cache["account_id"] = str(who["AccountId"])
        return provider_pb2.Identity(
            account_id=str(who["AccountId"]),
            region=self.clients.region,
            principal=who.get("Arn", ""),
        )

    def validate_resource(self, resource: pb.Resource, index: int) -> list[pb.Diagnostic]:
        from genesys_provider_alibaba.validation import validate

        return validate(resource, index)

    def plan_item(self, index: int, item: provider_pb2.PlanItem) -> provider_pb2.PlannedResource:
        from genesys_provider_alibaba.planning import plan_item

        return plan_item(self.clients, index, item)

    def close(self) -> None:
        self.clients.close()
