"""Client-side stubs whose calls raise typed errors instead of bare `grpc.RpcError`.

Used by `testing.serve_in_process` and by the core's plugin host, so both give the same
`.provider`, `.compute`, ... attributes. The wrapper is one closure per method: a successful
call costs one extra Python frame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import grpc

from genesys_plugin_sdk.errors import from_rpc_error
from genesys_plugin_sdk.services import ROLES

ErrorTranslator = Callable[[grpc.RpcError], Exception]


def _typed_unary(multicallable: Any, translate: ErrorTranslator) -> Callable[..., Any]:
    def call(request: Any, **kwargs: Any) -> Any:
        try:
            return multicallable(request, **kwargs)
        except grpc.RpcError as err:
            raise translate(err) from err

    return call


class TypedStream:
    """A server stream whose errors surface as typed errors while iterating."""

    __slots__ = ("_call", "_translate")

    def __init__(self, call: Any, translate: ErrorTranslator) -> None:
        self._call = call
        self._translate = translate

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        try:
            return next(self._call)
        except grpc.RpcError as err:
            raise self._translate(err) from err

    def cancel(self) -> bool:
        return bool(self._call.cancel())

    def __getattr__(self, name: str) -> Any:  # code(), details(), trailing_metadata(), ...
        return getattr(self._call, name)


def _typed_stream(multicallable: Any, translate: ErrorTranslator) -> Callable[..., TypedStream]:
    def call(request: Any, **kwargs: Any) -> TypedStream:
        return TypedStream(multicallable(request, **kwargs), translate)

    return call


class TypedStub:
    """A generated stub's methods, each raising typed errors; `.raw` is the generated stub."""

    def __init__(self, raw: Any, translate: ErrorTranslator) -> None:
        self.raw = raw
        streaming = (grpc.UnaryStreamMultiCallable, grpc.StreamStreamMultiCallable)
        for name, multicallable in vars(raw).items():
            if isinstance(multicallable, streaming):
                setattr(self, name, _typed_stream(multicallable, translate))
            elif callable(multicallable):
                setattr(self, name, _typed_unary(multicallable, translate))

    def __getattr__(self, name: str) -> Any:  # only reached for unknown names; keeps mypy calm
        raise AttributeError(f"{type(self.raw).__name__} has no method {name!r}")


class ServiceStubs:
    """Typed stubs for every protocol service on one channel."""

    provider: TypedStub
    compute: TypedStub
    storage: TypedStub
    network: TypedStub
    database: TypedStub
    serverless: TypedStub
    state_store: TypedStub

    def __init__(self, channel: grpc.Channel, translate: ErrorTranslator = from_rpc_error):
        self.channel = channel
        for role in ROLES:
            setattr(self, role.attr, TypedStub(role.raw_stub(channel), translate))
