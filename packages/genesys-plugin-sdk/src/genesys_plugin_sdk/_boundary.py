"""The server's one error boundary: exceptions from servicers become typed gRPC statuses.

A raised `ProviderError` becomes its status code plus a packed `ErrorDetail`; any other
exception becomes INTERNAL with the exception's text, logged with its traceback, and the server
keeps serving. Works for unary and streaming methods. It also gives the SDK its hook on
`Provider/Shutdown`, so authors need not implement Shutdown themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import grpc
from genesys.provider.v1 import common_pb2

from genesys_plugin_sdk.errors import ProviderError
from genesys_plugin_sdk.services import SHUTDOWN_METHOD

_log = logging.getLogger("genesys_plugin_sdk.server")

Behavior = Callable[[Any, grpc.ServicerContext], Any]


def _already_aborted(context: grpc.ServicerContext) -> bool:
    # context.abort() raises a bare Exception after setting the code: let it through untouched.
    code = context.code()  # type: ignore[attr-defined]
    return code is not None and code != grpc.StatusCode.OK


def _abort_with(context: grpc.ServicerContext, exc: Exception, method: str) -> None:
    """Ends the call with the status `exc` stands for (always raises)."""
    from grpc_status import rpc_status

    if isinstance(exc, ProviderError):
        status = exc.to_status()
    elif _already_aborted(context):
        raise exc
    else:
        _log.error("unhandled exception in %s", method, exc_info=exc)
        internal = ProviderError(f"{type(exc).__name__}: {exc}")
        internal.kind = common_pb2.ERROR_KIND_UNSPECIFIED
        status = internal.to_status()
    context.abort_with_status(rpc_status.to_status(status))


def _guard_unary(behavior: Behavior, method: str) -> Behavior:
    def call(request: Any, context: grpc.ServicerContext) -> Any:
        try:
            return behavior(request, context)
        except Exception as exc:
            _abort_with(context, exc, method)

    return call


def _guard_stream(behavior: Behavior, method: str) -> Behavior:
    def call(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
        try:
            yield from behavior(request, context)
        except Exception as exc:
            _abort_with(context, exc, method)

    return call


def _guard_shutdown(behavior: Behavior | None, on_shutdown: Callable[[], None]) -> Behavior:
    """Runs the author's Shutdown (if any) to release resources, then asks the SDK to stop."""
    from genesys.provider.v1 import provider_pb2

    def call(request: Any, context: grpc.ServicerContext) -> Any:
        response = provider_pb2.ShutdownResponse()
        try:
            if behavior is not None:
                response = behavior(request, context)
        finally:
            on_shutdown()
        return response

    return call


class ErrorBoundary(grpc.ServerInterceptor):  # type: ignore[misc]
    """Wraps every method handler once (cached per method, so per-call cost stays tiny)."""

    def __init__(
        self,
        on_shutdown: Callable[[], None] | None = None,
        author_shutdown: Behavior | None = None,
    ) -> None:
        self._on_shutdown = on_shutdown
        self._author_shutdown = author_shutdown
        self._wrapped: dict[str, grpc.RpcMethodHandler] = {}

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        method: str = handler_call_details.method  # type: ignore[attr-defined]
        cached = self._wrapped.get(method)
        if cached is not None:
            return cached
        handler = continuation(handler_call_details)
        if handler is None:
            return None
        wrapped = self._wrap(method, handler)
        self._wrapped[method] = wrapped
        return wrapped

    def _wrap(self, method: str, handler: Any) -> grpc.RpcMethodHandler:
        serde = {
            "request_deserializer": handler.request_deserializer,
            "response_serializer": handler.response_serializer,
        }
        if handler.unary_unary is not None:
            behavior = handler.unary_unary
            if method == SHUTDOWN_METHOD and self._on_shutdown is not None:
                behavior = _guard_shutdown(self._author_shutdown, self._on_shutdown)
            return grpc.unary_unary_rpc_method_handler(_guard_unary(behavior, method), **serde)
        if handler.unary_stream is not None:
            guarded = _guard_stream(handler.unary_stream, method)
            return grpc.unary_stream_rpc_method_handler(guarded, **serde)
        if handler.stream_unary is not None:
            guarded = _guard_unary(handler.stream_unary, method)
            return grpc.stream_unary_rpc_method_handler(guarded, **serde)
        guarded = _guard_stream(handler.stream_stream, method)
        return grpc.stream_stream_rpc_method_handler(guarded, **serde)


def author_shutdown_of(provider_servicer: Any) -> Behavior | None:
    """The author's own Shutdown method, or None when they kept the generated stub."""
    from genesys.provider.v1 import provider_pb2_grpc

    own = type(provider_servicer).Shutdown
    if own is provider_pb2_grpc.ProviderServicer.Shutdown:
        return None
    return provider_servicer.Shutdown  # type: ignore[no-any-return]
