"""The Provider service: metadata, schema, configuration, identity, validation, planning and the
batch read (ReadResources) across every kind."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.reads import read_resources

from genesys_provider_aws import __version__
from genesys_provider_aws.clients import AwsClients, settings_from_request
from genesys_provider_aws.errors import TRANSLATOR, translate_errors
from genesys_provider_aws.readers import KindReader

PROTOCOL_VERSION = 1
# EC2 allows bursts of ~50 mutating calls then ~5/s; 16 parallel operations stay well inside.
MAX_PARALLELISM = 16


def all_readers() -> dict[int, KindReader]:
    """Every kind's reader (imported here, not at module load, to keep GetMetadata cheap)."""
    from genesys_provider_aws import compute, database, network, serverless, storage

    readers: dict[int, KindReader] = {}
    for module in (compute, storage, network, database, serverless):
        readers.update(module.READERS)  # type: ignore[attr-defined]
    return readers


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


@translate_errors
class ProviderServicer(provider_pb2_grpc.ProviderServicer):
    def __init__(self, clients: AwsClients) -> None:
        self.clients = clients
        self._schema: provider_pb2.ProviderSchema | None = None

    def GetMetadata(self, request: Any, context: Any) -> provider_pb2.ProviderMetadata:
        return metadata()

    def GetSchema(self, request: Any, context: Any) -> provider_pb2.ProviderSchema:
        if self._schema is None:
            from genesys_provider_aws.schema import provider_schema

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
        who = self.clients.client("sts").get_caller_identity()
        self.clients.cache["account_id"] = who["Account"]
        return provider_pb2.Identity(
            account_id=who["Account"], region=self.clients.region, principal=who.get("Arn", "")
        )

    def ValidateResources(self, request: Any, context: Any) -> provider_pb2.ValidateResponse:
        from genesys_provider_aws.validation import validate

        response = provider_pb2.ValidateResponse()
        for index, resource in enumerate(request.resources):
            response.diagnostics.extend(validate(resource, index))
        return response

    def PlanResources(self, request: Any, context: Any) -> provider_pb2.PlanResourcesResponse:
        from genesys_provider_aws.planning import plan_item

        return provider_pb2.PlanResourcesResponse(
            resources=[plan_item(self.clients, i, item) for i, item in enumerate(request.items)]
        )

    def ReadResources(
        self, request: Any, context: Any
    ) -> Iterator[provider_pb2.ReadResourcesResponse]:
        readers = [reader.bind(self.clients) for reader in all_readers().values()]
        return read_resources(request, readers, TRANSLATOR)

    def Shutdown(self, request: Any, context: Any) -> provider_pb2.ShutdownResponse:
        self.clients.close()
        return provider_pb2.ShutdownResponse()
