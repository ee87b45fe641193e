"""The Provider service: metadata, schema, configuration, identity, validation, planning and the
batch read (ReadResources) across every kind."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.batching import read_pages

from genesys_provider_aws import __version__
from genesys_provider_aws.clients import AwsClients, settings_from_request
from genesys_provider_aws.errors import map_botocore_error, translate_errors
from genesys_provider_aws.readers import KindReader

PROTOCOL_VERSION = 1
# EC2 allows bursts of ~50 mutating calls then ~5/s; 16 parallel operations stay well inside.
MAX_PARALLELISM = 16
FATAL_READ_ERRORS = (errors.Unauthenticated, errors.PermissionDenied)


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
        return read_pages(self._read_results(request))

    def _read_results(self, request: Any) -> Iterator[provider_pb2.ReadResult]:
        readers = all_readers()
        by_kind: dict[int, list[tuple[int, Any]]] = {}
        for index, ref in enumerate(request.refs):
            if ref.kind not in readers:
                detail = errors.Unimplemented(
                    f"kind {pb.ResourceKind.Name(ref.kind)} is not readable"
                ).to_detail()
                yield provider_pb2.ReadResult(index=index, error=detail)
                continue
            by_kind.setdefault(ref.kind, []).append((index, ref))
        for kind, refs in by_kind.items():
            yield from read_kind(self.clients, readers[kind], refs)

    def Shutdown(self, request: Any, context: Any) -> provider_pb2.ShutdownResponse:
        self.clients.close()
        return provider_pb2.ShutdownResponse()


def _as_provider_error(exc: Exception) -> errors.ProviderError:
    if isinstance(exc, errors.ProviderError):
        return exc
    return map_botocore_error(exc) or errors.ProviderError(f"{type(exc).__name__}: {exc}")


def _ids_of(clients: AwsClients, reader: KindReader, refs: list[tuple[int, Any]]) -> dict[int, Any]:
    """index -> id, or the error its token lookup raised; refs found by neither are left out."""
    ids: dict[int, Any] = {}
    for index, ref in refs:
        if ref.id:
            ids[index] = ref.id
        elif ref.idempotency_token:
            try:
                found = reader.find_by_token(clients, ref.idempotency_token)
            except Exception as exc:
                ids[index] = _as_provider_error(exc)
                continue
            if found:
                ids[index] = found
    return ids


def read_kind(
    clients: AwsClients, reader: KindReader, refs: list[tuple[int, Any]]
) -> Iterator[provider_pb2.ReadResult]:
    """One kind's refs, read in one batch; per-ref results (not_found / error / resource)."""
    ids = _ids_of(clients, reader, refs)
    wanted = sorted({v for v in ids.values() if isinstance(v, str)})
    privates: Mapping[str, bytes] = {ref.id: ref.private for _, ref in refs if ref.id}
    try:
        found: dict[str, Any] = reader.read_many(clients, wanted, privates) if wanted else {}
    except Exception as exc:
        failure = _as_provider_error(exc)
        if isinstance(failure, FATAL_READ_ERRORS):
            raise failure from exc
        found = dict.fromkeys(wanted, failure)
    for index, _ in refs:
        target = ids.get(index)
        outcome = found.get(target) if isinstance(target, str) else target
        if outcome is None:
            yield provider_pb2.ReadResult(index=index, not_found=True)
        elif isinstance(outcome, Exception):
            error = _as_provider_error(outcome)
            if isinstance(error, FATAL_READ_ERRORS):
                raise error
            yield provider_pb2.ReadResult(index=index, error=error.to_detail())
        else:
            resource = pb.Resource(**{reader.field: outcome})
            yield provider_pb2.ReadResult(index=index, resource=resource)
