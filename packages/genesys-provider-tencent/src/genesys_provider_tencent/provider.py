"""The Provider service: metadata, schema, configuration, identity (the APPID), validation,
planning; the SDK's ProviderBase does the RPC plumbing and the batch read (ReadResources)
across every kind."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk.provider_base import ProviderBase, provider_metadata

from genesys_provider_tencent import __version__
from genesys_provider_tencent.clients import TencentClients, TencentSettings, settings_from_request
from genesys_provider_tencent.errors import TRANSLATOR

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
    return provider_metadata(
        "tencent",
        __version__,
        KIND_FIELDS,
        max_parallelism=MAX_PARALLELISM,
        supports_state_store=True,
        state_backends=["cos"],
        outcomes=["static-site", "api"],
        description="Tencent Cloud: CVM, CBS, VPC, CLB, COS, TencentDB for PostgreSQL and "
        "MySQL, SCF, CDN, SSL",
    )


class ProviderServicer(ProviderBase):
    def __init__(self, clients: TencentClients, readers: Iterable[Any]) -> None:
        super().__init__(readers, translate=TRANSLATOR)
        self.clients = clients

    def metadata(self) -> provider_pb2.ProviderMetadata:
        return metadata()

    def schema(self) -> provider_pb2.ProviderSchema:
        from genesys_provider_tencent.schema import provider_schema

        return provider_schema()

    def parse_settings(self, request: provider_pb2.ConfigureRequest) -> TencentSettings:
        return settings_from_request(request)

    def configure(self, settings: TencentSettings) -> None:
        self.clients.configure(settings)

    def identity(self) -> provider_pb2.Identity:
        who = self.clients.who()
        return provider_pb2.Identity(
            account_id=str(who["AppId"]),
            region=self.clients.region,
            principal=f"qcs::cam::uin/{who.get('OwnerUin')}:uin/{who.get('Uin')}",
        )

    def validate_resource(self, resource: pb.Resource, index: int) -> Iterable[pb.Diagnostic]:
        from genesys_provider_tencent.validation import validate

        return validate(resource, index)

    def plan_item(self, index: int, item: provider_pb2.PlanItem) -> provider_pb2.PlannedResource:
        from genesys_provider_tencent.planning import plan_item

        return plan_item(index, item)

    def close(self) -> None:
        self.clients.close()
