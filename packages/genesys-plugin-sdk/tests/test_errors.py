"""Typed errors through a real gRPC server (in process): every class, unary and streaming,
with and without the ErrorDetail (plugins in other languages may send bare codes)."""

from __future__ import annotations

import grpc
import pytest
from genesys.provider.v1 import common_pb2, provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import Plugin, errors
from genesys_plugin_sdk.testing import serve_in_process

CLASSES = [
    errors.NotFound,
    errors.AlreadyExists,
    errors.InvalidArgument,
    errors.Unauthenticated,
    errors.PermissionDenied,
    errors.Throttled,
    errors.Unavailable,
    errors.FailedPrecondition,
    errors.Unimplemented,
]


def _wanted(context) -> str:
    return dict(context.invocation_metadata()).get("raise", "")


class Raising(provider_pb2_grpc.ProviderServicer):
    """GetSchema/ReadResources raise the class named in metadata; Authenticate aborts with a
    bare status code (no detail), like a plugin written without our SDK would."""

    def GetSchema(self, request, context):
        cls = getattr(errors, _wanted(context))
        if cls is errors.Throttled:
            raise cls("slow down", retry_after=1.25, provider_code="RequestLimitExceeded")
        raise cls("it failed", attribute_path="config.cidr", provider_code="E42")

    def ReadResources(self, request, context):
        yield provider_pb2.ReadResourcesResponse(results=[provider_pb2.ReadResult(index=7)])
        raise getattr(errors, _wanted(context))("stream failed")

    def Authenticate(self, request, context):
        context.abort(getattr(grpc.StatusCode, _wanted(context)), "bare status")

    def Configure(self, request, context):
        raise KeyError("region")


@pytest.fixture(scope="module")
def conn():
    with serve_in_process(Plugin(name="raising", version="1.0.0", provider=Raising())) as c:
        yield c


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_unary_round_trip(conn, cls):
    with pytest.raises(cls) as raised:
        conn.provider.GetSchema(provider_pb2.GetSchemaRequest(), metadata=[("raise", cls.__name__)])
    error = raised.value
    assert (error.kind, error.grpc_code) == (cls.kind, cls.code)
    if cls is errors.Throttled:
        assert (str(error), error.retry_after, error.provider_code) == (
            "slow down",
            1.25,
            "RequestLimitExceeded",
        )
    else:
        assert (str(error), error.attribute_path, error.provider_code) == (
            "it failed",
            "config.cidr",
            "E42",
        )


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_streaming_round_trip(conn, cls):
    stream = conn.provider.ReadResources(
        provider_pb2.ReadResourcesRequest(), metadata=[("raise", cls.__name__)]
    )
    assert next(stream).results[0].index == 7
    with pytest.raises(cls, match="stream failed"):
        next(stream)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_bare_status_code_maps_to_the_class(conn, cls):
    with pytest.raises(cls, match="bare status") as raised:
        conn.provider.Authenticate(
            provider_pb2.AuthenticateRequest(), metadata=[("raise", cls.code.name)]
        )
    assert raised.value.attribute_path == ""


def test_codes_outside_the_table_are_plain_provider_errors(conn):
    with pytest.raises(errors.ProviderError) as raised:
        conn.provider.Authenticate(
            provider_pb2.AuthenticateRequest(), metadata=[("raise", "DEADLINE_EXCEEDED")]
        )
    assert type(raised.value) is errors.ProviderError
    assert raised.value.grpc_code == grpc.StatusCode.DEADLINE_EXCEEDED


def test_unexpected_exception_is_internal_and_logged(conn, caplog):
    with pytest.raises(errors.ProviderError) as raised:
        conn.provider.Configure(provider_pb2.ConfigureRequest())
    assert type(raised.value) is errors.ProviderError
    assert raised.value.kind == common_pb2.ERROR_KIND_UNSPECIFIED
    assert raised.value.grpc_code == grpc.StatusCode.INTERNAL
    assert str(raised.value) == "KeyError: 'region'"
    logged = [r for r in caplog.records if "unhandled exception" in r.getMessage()]
    assert logged and logged[0].exc_info is not None


def test_status_carries_the_detail():
    status = errors.Throttled("wait", retry_after=0.5).to_status()
    assert status.code == grpc.StatusCode.RESOURCE_EXHAUSTED.value[0]
    detail = common_pb2.ErrorDetail()
    assert status.details[0].Unpack(detail)
    assert detail.kind == common_pb2.ERROR_KIND_THROTTLED
    assert detail.retry_after.ToMilliseconds() == 500
