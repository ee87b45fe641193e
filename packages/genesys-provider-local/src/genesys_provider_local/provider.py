"""The Provider service: metadata, schema, settings, identity, validation, plan, batch read."""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.batching import read_pages
from google.protobuf.message import Message

from genesys_provider_local import __version__, tables, validation
from genesys_provider_local.compute import HOST_IMAGE, instance_type
from genesys_provider_local.kinds import KINDS
from genesys_provider_local.ops import is_stale, top_field
from genesys_provider_local.registry import CREATING, Row
from genesys_provider_local.runtime import Runtime
from genesys_provider_local.settings import parse_settings

PROTOCOL_VERSION = 1
MAX_PARALLELISM = 16


class Observer(Protocol):
    def observe(self, row: Row) -> bytes | None: ...

    def observe_many(self, rows: list[Row]) -> list[bytes | None]: ...


def _diagnostic(index: int, path: str, message: str, severity: int) -> pb.Diagnostic:
    return pb.Diagnostic(severity=severity, summary=message, attribute_path=path, index=index)  # type: ignore[arg-type]


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def _is_empty(value: Any) -> bool:
    if isinstance(value, Message):
        return value.ByteSize() == 0
    return not value


def requires_replace(kind: str, desired: Message, prior: Message) -> list[str]:
    """force_new attributes that the config sets to something other than the recorded value.

    An attribute the config leaves empty is the provider's choice (e.g. a database's default
    username), never a reason to replace.
    """
    fields = desired.DESCRIPTOR.fields_by_name
    changed = []
    for name in sorted(tables.FORCE_NEW[kind]):
        if name not in fields or _is_empty(getattr(desired, name)):
            continue
        if getattr(desired, name) != getattr(prior, name):
            changed.append(name)
    return changed


def translate(kind: str, message: Message) -> None:
    """Fills the provider's values for the abstract ones, in place."""
    if kind == "instance":
        message.provider_type = instance_type(message.size, message.provider_type)  # type: ignore[attr-defined]
        message.provider_image = HOST_IMAGE  # type: ignore[attr-defined]
    elif kind == "database":
        message.provider_class = tables.DATABASE_CLASSES.get(message.size, "local.db.small")  # type: ignore[attr-defined]
        if message.engine == pb.DATABASE_ENGINE_POSTGRES:  # type: ignore[attr-defined]
            from genesys_provider_local import postgres

            # What is really made: the core records and compares this, not the asked one.
            message.version = postgres.version_made(message.version)  # type: ignore[attr-defined]
    elif kind == "function":
        from genesys_provider_local import runtimes

        message.runtime = runtimes.runtime_made(message.runtime)  # type: ignore[attr-defined]
    elif kind == "volume":
        message.provider_type = tables.VOLUME_TYPES.get(message.volume_class or "standard", "")  # type: ignore[attr-defined]


def _free(kind: str, translated: Message) -> provider_pb2.CostEstimate:
    label = getattr(translated, "provider_type", "") or getattr(translated, "provider_class", "")
    item = " ".join(part for part in (kind.replace("_", " "), label) if part)
    return provider_pb2.CostEstimate(
        monthly_usd=0.0, hourly_usd=0.0, components=[f"{item}: $0 (local resources are free)"]
    )


class ProviderServicer(provider_pb2_grpc.ProviderServicer):
    def __init__(self, rt: Runtime, observers: Mapping[int, Observer]) -> None:
        self.rt = rt
        self.observers = observers
        self._schema: provider_pb2.ProviderSchema | None = None

    def GetMetadata(self, request: Any, context: Any) -> provider_pb2.ProviderMetadata:
        return provider_pb2.ProviderMetadata(
            name="local",
            version=__version__,
            protocol_version=PROTOCOL_VERSION,
            capabilities=[KINDS[kind].enum for kind in sorted(KINDS)],
            max_parallelism=MAX_PARALLELISM,
            description="Real local resources: directories, files, processes, databases",
        )

    def GetSchema(self, request: Any, context: Any) -> provider_pb2.ProviderSchema:
        if self._schema is None:
            self._schema = provider_pb2.ProviderSchema(
                provider_settings=tables.provider_settings_schema(),
                kinds=tables.kind_schemas(),
                translations=tables.translation_tables(),
                prices=[tables.price_table()],
            )
        return self._schema

    def ValidateProviderConfig(
        self, request: provider_pb2.ConfigureRequest, context: Any
    ) -> provider_pb2.ValidateResponse:
        settings, problems = parse_settings(request)
        diagnostics = [_diagnostic(-1, p, m, validation.ERROR) for p, m in problems]
        existing = next((p for p in [settings.root, *settings.root.parents] if p.exists()), None)
        if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
            message = f"{existing} is not writable: the root {settings.root} cannot be made"
            diagnostics.append(_diagnostic(-1, "settings.root", message, validation.ERROR))
        return provider_pb2.ValidateResponse(diagnostics=diagnostics)

    def Configure(
        self, request: provider_pb2.ConfigureRequest, context: Any
    ) -> provider_pb2.ConfigureResponse:
        settings, problems = parse_settings(request)
        if problems:
            path, message = problems[0]
            raise errors.InvalidArgument(message, attribute_path=path)
        self.rt.configure(settings)
        self._clean_crashed_creates()
        return provider_pb2.ConfigureResponse()

    def _clean_crashed_creates(self) -> None:
        """Creates a killed plugin left half made (their owner process is gone) are rolled
        back, so they neither hold reservations (CIDRs, names) nor linger on disk; the core
        finds nothing under their tokens and creates afresh."""
        if not self.rt.has_registry:
            return  # nothing was ever made here
        for row in self.rt.registry.with_status(CREATING):
            abandon = getattr(self.observers.get(row.kind), "abandon", None)
            if abandon is not None and is_stale(row, self.rt.in_flight):
                abandon(row.id, row.name)

    def Authenticate(self, request: Any, context: Any) -> provider_pb2.Identity:
        user = _user()
        return provider_pb2.Identity(
            account_id=f"local-{user}",
            project_id=self.rt.settings.project or "local",
            region="local",
            principal=f"{user}@{socket.gethostname()}",
        )

    def ValidateResources(
        self, request: provider_pb2.ValidateResourcesRequest, context: Any
    ) -> provider_pb2.ValidateResponse:
        diagnostics = []
        for index, resource in enumerate(request.resources):
            kind = resource.WhichOneof("body")
            if kind is None:
                diagnostics.append(_diagnostic(index, "", "empty resource", validation.ERROR))
                continue
            desired = getattr(resource, kind)
            for path, message, severity in validation.problems(kind, desired, False):
                diagnostics.append(_diagnostic(index, path, message, severity))
        return provider_pb2.ValidateResponse(diagnostics=diagnostics)

    def PlanResources(
        self, request: provider_pb2.PlanResourcesRequest, context: Any
    ) -> provider_pb2.PlanResourcesResponse:
        return provider_pb2.PlanResourcesResponse(
            resources=[self._plan(index, item) for index, item in enumerate(request.items)]
        )

    def _plan(self, index: int, item: provider_pb2.PlanItem) -> provider_pb2.PlannedResource:
        planned = provider_pb2.PlannedResource(index=index)
        kind = item.desired.WhichOneof("body")
        if kind is None:
            planned.diagnostics.append(_diagnostic(index, "", "empty resource", validation.ERROR))
            return planned
        planned.translated.CopyFrom(item.desired)
        translated = getattr(planned.translated, kind)
        translate(kind, translated)
        unknown = {top_field(path) for path in item.unknown_attributes}
        for path, message, severity in validation.problems(kind, getattr(item.desired, kind)):
            if top_field(path) not in unknown:  # known only after apply: not missing
                planned.diagnostics.append(_diagnostic(index, path, message, severity))
        if item.prior.WhichOneof("body") == kind:
            replace = set(requires_replace(kind, translated, getattr(item.prior, kind)))
            # A force_new attribute known only after apply may well change: say so.
            replace |= unknown & tables.FORCE_NEW[kind]
            planned.requires_replace.extend(sorted(replace))
        planned.cost.CopyFrom(_free(kind, translated))
        return planned

    def ReadResources(
        self, request: provider_pb2.ReadResourcesRequest, context: Any
    ) -> Iterator[provider_pb2.ReadResourcesResponse]:
        return read_pages(self._read_results(request))

    def _read_results(
        self, request: provider_pb2.ReadResourcesRequest
    ) -> Iterator[provider_pb2.ReadResult]:
        registry = self.rt.registry  # FAILED_PRECONDITION before Configure
        refs = request.refs
        by_id = registry.many("id", [ref.id for ref in refs if ref.id])
        tokens = [ref.idempotency_token for ref in refs if not ref.id and ref.idempotency_token]
        by_token = registry.many("token", tokens) if tokens else {}
        rows = [
            by_id.get(ref.id) if ref.id else by_token.get(ref.idempotency_token) for ref in refs
        ]
        for index, ref in enumerate(refs):
            row = rows[index]
            if row is None or (ref.kind and ref.kind != row.kind) or row.status == CREATING:
                rows[index] = None
        observed = self._observe_all(rows)
        page = self.rt.settings.read_page_size
        for index, outcome in enumerate(observed):
            if index % page == 0:
                self.rt.faults.pause()  # one simulated Describe call per page of refs
            yield self._result(index, rows[index], outcome)

    def _observe_all(self, rows: list[Row | None]) -> list[bytes | pb.ErrorDetail | None]:
        """Each row's current body (None: gone), one observe_many call per kind."""
        by_kind: dict[int, list[int]] = {}
        for index, row in enumerate(rows):
            if row is not None:
                by_kind.setdefault(row.kind, []).append(index)
        observed: list[bytes | pb.ErrorDetail | None] = [None] * len(rows)
        for kind, indexes in by_kind.items():
            observer = self.observers[kind]
            try:
                bodies: list[Any] = observer.observe_many([rows[i] for i in indexes])  # type: ignore[misc]
            except Exception:  # one bad resource must not fail the batch: go one by one
                bodies = [self._observe_one(observer, rows[i]) for i in indexes]  # type: ignore[arg-type]
            for index, body in zip(indexes, bodies, strict=True):
                observed[index] = body
        return observed

    @staticmethod
    def _observe_one(observer: Observer, row: Row) -> bytes | pb.ErrorDetail | None:
        try:
            return observer.observe(row)
        except errors.ProviderError as exc:
            return exc.to_detail()
        except Exception as exc:
            return pb.ErrorDetail(message=f"{type(exc).__name__}: {exc}")

    @staticmethod
    def _result(
        index: int, row: Row | None, outcome: bytes | pb.ErrorDetail | None
    ) -> provider_pb2.ReadResult:
        if isinstance(outcome, pb.ErrorDetail):
            return provider_pb2.ReadResult(index=index, error=outcome)
        if row is None or outcome is None:
            return provider_pb2.ReadResult(index=index, not_found=True)
        result = provider_pb2.ReadResult(index=index)
        getattr(result.resource, KINDS[row.kind].field).MergeFromString(outcome)
        return result

    def Shutdown(self, request: Any, context: Any) -> provider_pb2.ShutdownResponse:
        # The SDK then lets in-flight calls finish and exits; the registry closes at exit.
        self.rt.shutting_down = True
        return provider_pb2.ShutdownResponse()
