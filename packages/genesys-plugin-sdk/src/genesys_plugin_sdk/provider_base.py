"""The Provider service's plumbing, written once: a plugin subclasses `ProviderBase` and
answers only what is its cloud's.

    class ProviderServicer(ProviderBase):
        def __init__(self, clients, kinds):
            super().__init__(kinds, translate=TRANSLATOR)
            self.clients = clients

        def metadata(self):                      # GetMetadata (keep it cheap: no SDK imports)
            return provider_metadata("gcp", __version__, KIND_FIELDS, max_parallelism=16)
        def schema(self): return provider_schema()          # GetSchema, built once
        def parse_settings(self, request): ...    # -> settings; InvalidArgument(path) if bad
        def configure(self, settings): self.clients.configure(settings)
        def identity(self): ...                   # Authenticate -> provider_pb2.Identity
        def validate_resource(self, resource, index): ...   # -> diagnostics (default none)
        def plan_item(self, index, item): ...     # PlanResources, per item
        def close(self): self.clients.close()     # Shutdown

What the base does: caches the schema; ValidateProviderConfig turns the InvalidArgument of
`parse_settings` into an error diagnostic (index -1); Configure parses then configures;
ValidateResources / PlanResources loop over the request; ReadResources reads through the
kinds' handlers (`reads.read_resources`); Shutdown calls `close()`. With `translate`, cloud
exceptions escaping any hook become typed errors. Any RPC may still be overridden.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.cloud_errors import Translate
from genesys_plugin_sdk.kinds import kind_spec
from genesys_plugin_sdk.reads import read_resources

PROTOCOL_VERSION = 1


def provider_metadata(
    name: str, version: str, kinds: Iterable[str], **fields: Any
) -> provider_pb2.ProviderMetadata:
    """ProviderMetadata with `capabilities` from kind names ("instance", ...); `fields` are
    the message's other fields (max_parallelism, supports_state_store, state_backends,
    outcomes, description, ...)."""
    fields.setdefault("protocol_version", PROTOCOL_VERSION)
    return provider_pb2.ProviderMetadata(
        name=name,
        version=version,
        capabilities=[kind_spec(kind).enum for kind in kinds],  # type: ignore[misc]
        **fields,
    )


def error_diagnostic(exc: errors.ProviderError, index: int = -1) -> pb.Diagnostic:
    return pb.Diagnostic(
        severity=pb.Diagnostic.SEVERITY_ERROR,
        summary=exc.message,
        attribute_path=exc.attribute_path,
        index=index,
    )


class ProviderBase(provider_pb2_grpc.ProviderServicer):
    """Provider RPCs over the hooks below (see the module docstring)."""

    def __init__(self, kinds: Iterable[Any], translate: Translate | None = None) -> None:
        self.kinds = list(kinds)
        self.translate = translate
        self._schema: provider_pb2.ProviderSchema | None = None

    # ------------------------------------------------------------ hooks

    def metadata(self) -> provider_pb2.ProviderMetadata:
        raise NotImplementedError("ProviderBase.metadata must be overridden")

    def schema(self) -> provider_pb2.ProviderSchema:
        return provider_pb2.ProviderSchema()

    def parse_settings(self, request: provider_pb2.ConfigureRequest) -> Any:
        return request

    def configure(self, settings: Any) -> None:
        return None

    def identity(self) -> provider_pb2.Identity:
        raise errors.Unimplemented("this provider does not tell its identity")

    def validate_resource(self, resource: pb.Resource, index: int) -> Iterable[pb.Diagnostic]:
        return ()

    def plan_item(self, index: int, item: provider_pb2.PlanItem) -> provider_pb2.PlannedResource:
        raise errors.Unimplemented("this provider does not plan")

    def close(self) -> None:
        return None

    # ------------------------------------------------------------ RPCs

    def _call(self, hook: Callable[..., Any], *args: Any) -> Any:
        try:
            return hook(*args)
        except Exception as exc:
            mapped = self.translate(exc) if self.translate is not None else exc
            if mapped is exc:
                raise
            raise mapped from exc

    def GetMetadata(self, request: Any, context: Any) -> provider_pb2.ProviderMetadata:
        return self._call(self.metadata)  # type: ignore[no-any-return]

    def GetSchema(self, request: Any, context: Any) -> provider_pb2.ProviderSchema:
        if self._schema is None:
            self._schema = self._call(self.schema)
        return self._schema

    def ValidateProviderConfig(self, request: Any, context: Any) -> provider_pb2.ValidateResponse:
        try:
            self._call(self.parse_settings, request)
        except errors.InvalidArgument as exc:
            return provider_pb2.ValidateResponse(diagnostics=[error_diagnostic(exc)])
        return provider_pb2.ValidateResponse()

    def Configure(self, request: Any, context: Any) -> provider_pb2.ConfigureResponse:
        self._call(self.configure, self._call(self.parse_settings, request))
        return provider_pb2.ConfigureResponse()

    def Authenticate(self, request: Any, context: Any) -> provider_pb2.Identity:
        return self._call(self.identity)  # type: ignore[no-any-return]

    def ValidateResources(self, request: Any, context: Any) -> provider_pb2.ValidateResponse:
        response = provider_pb2.ValidateResponse()
        for index, resource in enumerate(request.resources):
            response.diagnostics.extend(self._call(self.validate_resource, resource, index))
        return response

    def PlanResources(self, request: Any, context: Any) -> provider_pb2.PlanResourcesResponse:
        return provider_pb2.PlanResourcesResponse(
            resources=[self._call(self.plan_item, i, item) for i, item in enumerate(request.items)]
        )

    def ReadResources(
        self, request: Any, context: Any
    ) -> Iterator[provider_pb2.ReadResourcesResponse]:
        return read_resources(request, self.kinds, self.translate)

    def Shutdown(self, request: Any, context: Any) -> provider_pb2.ShutdownResponse:
        self._call(self.close)
        return provider_pb2.ShutdownResponse()
