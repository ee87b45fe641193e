"""Complete gRPC servicers generated from per-kind handlers (see `handlers.KindHandler`).

    services = servicers_for(
        [Instances(c), Buckets(c), Volumes(c), Attachments(c), Functions(c)],
        extra={"InvokeFunction": lambda request, context: invoke(c, request)},
        translate=TRANSLATOR,           # cloud errors -> typed errors (cloud_errors)
    )
    serve(Plugin(name="gcp", version=__version__, provider=ProviderServicer(c), **services))

`servicers_for` groups the handlers by the service that serves their kind (from the protocol's
descriptors, `kinds.KIND_SPECS`) and returns {"compute": servicer, "storage": ...} ready to
pass to `Plugin`. Each servicer is an instance of the generated `<Service>Servicer` base, so
RPCs of kinds nobody declared answer UNIMPLEMENTED as usual. `extra` adds RPCs that are not a
kind verb (AttachVolume-style RPCs that *are* verbs come from handlers): each is a normal gRPC
behaviour `(request, context) -> response` (a generator for server-streaming RPCs). With
`translate`, every RPC (extra ones too) re-raises cloud exceptions as typed errors.
`kind_servicer(service, handlers)` builds one service's servicer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb

from genesys_plugin_sdk.cloud_errors import Translate, guard
from genesys_plugin_sdk.handlers import RESUMING_INTERRUPTED
from genesys_plugin_sdk.kinds import RESOURCE_SERVICES, KindSpec, service_descriptor
from genesys_plugin_sdk.services import ROLES

Behavior = Callable[[Any, Any], Any]


def _unary(verb: str, handler: Any, spec: KindSpec) -> Behavior:
    if verb == "create":
        with_config = spec.config is not None

        def create(request: Any, context: Any) -> Any:
            config = request.config if with_config else request
            resuming = RESUMING_INTERRUPTED.set(bool(getattr(request, "resume_interrupted", 0)))
            try:
                return handler.create(config, request.idempotency_token)
            finally:
                RESUMING_INTERRUPTED.reset(resuming)

        return create
    if verb == "get":
        return lambda request, context: handler.get(request.id, request.private)
    if verb == "update":
        return lambda request, context: handler.update(request)
    if verb == "delete":

        def delete(request: Any, context: Any) -> pb.DeleteResponse:
            handler.delete(request.id)
            return pb.DeleteResponse()

        return delete
    if verb == "adopt":
        return lambda request, context: handler.adopt(request.id)
    raise ValueError(f"unknown verb {verb!r}")


def _streaming(verb: str, handler: Any) -> Behavior:
    source = handler.list if verb == "list" else handler.discover

    def stream(request: Any, context: Any) -> Iterator[Any]:
        yield from source(dict(request.filters))

    return stream


def behaviors_of(handler: Any) -> dict[str, Behavior]:
    """RPC name -> behaviour for every RPC of the handler's kind."""
    spec: KindSpec = handler.spec
    streaming = ("list", "discover")
    return {
        rpc: _streaming(verb, handler) if verb in streaming else _unary(verb, handler, spec)
        for verb, rpc in spec.rpcs.items()
    }


def _servicer_base(service: str) -> type:
    role = next(r for r in ROLES if r.attr == service)
    return role.servicer_base()


def _check_unique(handlers: list[Any]) -> None:
    seen: set[str] = set()
    for handler in handlers:
        if handler.spec.field in seen:
            raise ValueError(f"two handlers declared for kind {handler.spec.field!r}")
        seen.add(handler.spec.field)


def _streams(descriptor: Any) -> set[str]:
    return {m.name for m in descriptor.methods if m.server_streaming}


def kind_servicer(
    service: str,
    handlers: Iterable[Any],
    *,
    extra: Mapping[str, Behavior] | None = None,
    translate: Translate | None = None,
) -> Any:
    """One service's servicer ("compute", "storage", ...) from its kinds' handlers."""
    handlers = list(handlers)
    _check_unique(handlers)
    descriptor = service_descriptor(service)
    methods: dict[str, Behavior] = {}
    for handler in handlers:
        if handler.spec.service != service:
            served_by = handler.spec.service
            raise ValueError(
                f"kind {handler.spec.field!r} is served by {served_by!r}, not {service!r}"
            )
        methods.update(behaviors_of(handler))
    for name, behavior in (extra or {}).items():
        if name not in descriptor.methods_by_name:
            raise ValueError(f"{descriptor.name} has no RPC {name!r}")
        methods[name] = behavior
    streams = _streams(descriptor)
    if translate is not None:
        methods = {
            name: _translated(fn, name in streams, translate) for name, fn in methods.items()
        }
    cls = type(f"Generated{descriptor.name}Servicer", (_servicer_base(service),), {})
    servicer = cls()
    for name, behavior in methods.items():
        setattr(servicer, name, behavior)  # instance attributes: what add_*_to_server reads
    return servicer


def _translated(behavior: Behavior, streaming: bool, translate: Translate) -> Behavior:
    if not streaming:
        return guard(behavior, translate)  # type: ignore[no-any-return]

    def stream(request: Any, context: Any) -> Iterator[Any]:
        yield from behavior(request, context)

    return guard(stream, translate)  # type: ignore[no-any-return]


def _service_of_rpc(name: str) -> str:
    for service in RESOURCE_SERVICES:
        if name in service_descriptor(service).methods_by_name:
            return service
    raise ValueError(f"no resource service has an RPC named {name!r}")


def servicers_for(
    handlers: Iterable[Any],
    *,
    extra: Mapping[str, Behavior] | None = None,
    translate: Translate | None = None,
) -> dict[str, Any]:
    """{service attribute: servicer} for every service that has a handler or an extra RPC."""
    by_service: dict[str, list[Any]] = {}
    for handler in handlers:
        by_service.setdefault(handler.spec.service, []).append(handler)
    extras: dict[str, dict[str, Behavior]] = {}
    for name, behavior in (extra or {}).items():
        extras.setdefault(_service_of_rpc(name), {})[name] = behavior
    return {
        service: kind_servicer(
            service,
            by_service.get(service, []),
            extra=extras.get(service),
            translate=translate,
        )
        for service in RESOURCE_SERVICES
        if service in by_service or service in extras
    }
