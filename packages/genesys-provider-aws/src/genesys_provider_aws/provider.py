"""The Provider service: metadata, schema, configuration, identity, validation, planning and the
batch read (ReadResources) across every kind, as hooks of the SDK's ProviderBase."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk.provider_base import ProviderBase

from genesys_provider_aws import __version__
from genesys_provider_aws.clients import (
    AwsClients,
    AwsSettings,
    settings_from_request,
    start_preload,
)
from genesys_provider_aws.errors import TRANSLATOR

PROTOCOL_VERSION = 1
# Operations in flight, not API calls: an AWS create spends most of its time waiting (for
# an instance to run, a database to be available), and concurrent waits share one Describe
# per poll, concurrent token lookups one Describe, identical launches one RunInstances
# (launch_batch), so a wide window costs few calls. What exceeds EC2's rate limits is
# THROTTLED and paced by the core. (16 held a count block of 100 instances to 16 at a time.)
MAX_PARALLELISM = 128


def metadata() -> provider_pb2.ProviderMetadata:
    kinds: list[Any] = [k for k in pb.ResourceKind.values() if k != pb.RESOURCE_KIND_UNSPECIFIED]
    return provider_pb2.ProviderMetadata(
        name="aws",
        version=__version__,
        protocol_version=PROTOCOL_VERSION,
        capabilities=kinds,
        max_parallelism=MAX_PARALLELISM,
        supports_state_store=True,
        state_backends=["s3"],
        outcomes=["static-site", "api"],
        description="Amazon Web Services: EC2, EBS, S3, VPC, ELBv2, CloudFront, ACM, RDS, Lambda",
    )


class ProviderServicer(ProviderBase):
    """AWS's answers to the Provider service's hooks (the SDK's ProviderBase does the RPCs)."""

    def __init__(self, clients: AwsClients, kinds: Iterable[Any] = ()) -> None:
        super().__init__(kinds, translate=TRANSLATOR)
        self.clients = clients

    def metadata(self) -> provider_pb2.ProviderMetadata:
        start_preload()  # the core asks first, then loads its config: parse the SDK meanwhile
        return metadata()

    def schema(self) -> provider_pb2.ProviderSchema:
        from genesys_provider_aws.schema import provider_schema

        return provider_schema()

    def parse_settings(self, request: provider_pb2.ConfigureRequest) -> AwsSettings:
        return settings_from_request(request)

    def configure(self, settings: AwsSettings) -> None:
        self.clients.configure(settings)
        self.clients.warm(("sts", "s3", "ec2"))  # Authenticate's, then the refresh's

    def identity(self) -> provider_pb2.Identity:
        who = self.clients.client("sts").get_caller_identity()
        self.clients.cache["account_id"] = who["Account"]
        return provider_pb2.Identity(
            account_id=who["Account"], region=self.clients.region, principal=who.get("Arn", "")
        )

    def validate_resource(self, resource: pb.Resource, index: int) -> Iterable[pb.Diagnostic]:
        from genesys_provider_aws.validation import validate

        return validate(resource, index)

    def plan_item(self, index: int, item: provider_pb2.PlanItem) -> provider_pb2.PlannedResource:
        from genesys_provider_aws.planning import plan_item

        return plan_item(self.clients, index, item)

    def close(self) -> None:
        self.clients.close()
