"""Typed errors cross the process boundary intact, for unary and streaming calls."""

from __future__ import annotations

from pathlib import Path

import pytest
from genesys.plugins import launch_plugin
from genesys.provider.v1 import common_pb2, provider_pb2
from genesys_plugin_sdk import errors

MINIMAL = str(Path(__file__).parent / "fixtures" / "minimal_provider.py")
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


@pytest.fixture(scope="module")
def conn():
    with launch_plugin(MINIMAL) as connection:
        yield connection


def _check(error: errors.ProviderError, cls: type[errors.ProviderError]) -> None:
    assert type(error) is cls
    assert error.kind == cls.kind
    assert error.grpc_code == cls.code
    if cls is errors.Throttled:
        assert (error.message, error.retry_after, error.provider_code) == (
            "slow down",
            2.5,
            "Throttling",
        )
    else:
        assert str(error) == f"{cls.__name__} happened"
        assert (error.attribute_path, error.provider_code) == ("config.name", "X1")


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_unary_error_round_trip(conn, cls):
    with pytest.raises(cls) as raised:
        conn.provider.GetSchema(provider_pb2.GetSchemaRequest(), metadata=[("raise", cls.__name__)])
    _check(raised.value, cls)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_streaming_error_round_trip(conn, cls):
    stream = conn.provider.ReadResources(
        provider_pb2.ReadResourcesRequest(), metadata=[("raise", cls.__name__)]
    )
    assert next(stream).results[0].index == 0  # results before the failure arrive
    with pytest.raises(cls) as raised:
        next(stream)
    _check(raised.value, cls)


def test_a_bug_in_the_plugin_is_internal_and_the_plugin_keeps_serving(conn):
    with pytest.raises(errors.ProviderError) as raised:
        conn.provider.Configure(provider_pb2.ConfigureRequest())
    assert type(raised.value) is errors.ProviderError
    assert raised.value.kind == common_pb2.ERROR_KIND_UNSPECIFIED
    assert str(raised.value) == "ValueError: a bug in the plugin"
    assert conn.provider.GetMetadata(provider_pb2.GetMetadataRequest()).name == "fixture"


def test_service_the_plugin_does_not_serve_is_unimplemented(conn):
    with pytest.raises(errors.Unimplemented):
        conn.compute.GetInstance(common_pb2.GetRequest(id="i-1"))
