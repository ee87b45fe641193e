"""Per-cloud error tables: the order of decisions, Retry-After, the translator and decorator."""

from __future__ import annotations

import email.utils
from typing import Any

import pytest
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import Plugin, errors
from genesys_plugin_sdk.cloud_errors import (
    CloudError,
    ErrorTable,
    ErrorTranslator,
    retry_after_seconds,
    translate_errors,
)
from genesys_plugin_sdk.testing import serve_in_process

TABLE = ErrorTable(
    codes={
        "RATE_LIMIT_EXCEEDED": errors.Throttled,
        "PERMISSION_DENIED": errors.PermissionDenied,
        "QuotaExceeded": errors.FailedPrecondition,
    },
    argument_paths={"InvalidImage": "config.image"},
    reference_paths={"SubnetNotFound": "config.subnet_id"},
    rules=[(r"NotFound$", errors.NotFound), (r"^Invalid", errors.InvalidArgument)],
)


@pytest.mark.parametrize(
    ("error", "kind", "path"),
    [
        (CloudError(code="PERMISSION_DENIED"), errors.PermissionDenied, ""),
        (CloudError(code="InvalidImage", http_status=404), errors.InvalidArgument, "config.image"),
        (
            CloudError(code="SubnetNotFound", operation="CreateInstance"),
            errors.InvalidArgument,
            "config.subnet_id",
        ),
        (CloudError(code="SubnetNotFound", operation="GetSubnet"), errors.NotFound, ""),
        (CloudError(code="InstanceNotFound"), errors.NotFound, ""),
        (CloudError(code="InvalidCidr"), errors.InvalidArgument, ""),
        (CloudError(code="Odd", http_status=401), errors.Unauthenticated, ""),
        (CloudError(code="Odd", http_status=409), errors.AlreadyExists, ""),
        (CloudError(code="Odd", http_status=503), errors.Unavailable, ""),
        (CloudError(code="Odd", http_status=501), errors.Unimplemented, ""),
        (CloudError(code="Odd", http_status=418), errors.ProviderError, ""),
    ],
)
def test_table_decides_in_order(
    error: CloudError, kind: type[errors.ProviderError], path: str
) -> None:
    typed = TABLE.classify(error)
    assert type(typed) is kind
    assert typed.attribute_path == path
    assert typed.provider_code == error.code


def test_message_names_the_operation_and_falls_back_to_code_or_status() -> None:
    said = TABLE.classify(CloudError(code="Odd", message="it broke", operation="RunThing"))
    assert said.message == "RunThing: it broke"
    assert TABLE.classify(CloudError(code="Odd")).message == "Odd"
    assert TABLE.classify(CloudError(http_status=503)).message == "HTTP 503"


def test_throttling_carries_the_clouds_delay_or_the_tables_default() -> None:
    told = TABLE.classify(CloudError(code="RATE_LIMIT_EXCEEDED", retry_after=7.5))
    assert isinstance(told, errors.Throttled) and told.retry_after == 7.5
    assert TABLE.classify(CloudError(http_status=429)).retry_after == 1.0
    patient = ErrorTable(default_retry_after=4.0)
    assert patient.classify(CloudError(http_status=429)).retry_after == 4.0


def test_retry_after_header_forms() -> None:
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds(2) == 2.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    now = 1_800_000_000.0
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert retry_after_seconds(date, now=now) == pytest.approx(30, abs=1)
    assert retry_after_seconds(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0


class CloudApiError(Exception):
    def __init__(self, code: str, status: int = 400) -> None:
        super().__init__(code)
        self.code, self.status = code, status


class NoCredentials(Exception):
    pass


def extract(exc: Exception) -> CloudError | None:
    if isinstance(exc, CloudApiError):
        return CloudError(code=exc.code, http_status=exc.status)
    return None


def client_side(exc: Exception) -> errors.ProviderError | None:
    return errors.Unauthenticated("no credentials") if isinstance(exc, NoCredentials) else None


TRANSLATOR = ErrorTranslator(TABLE, extract, client_side)


def test_translator_maps_cloud_and_client_errors_and_leaves_the_rest() -> None:
    assert isinstance(TRANSLATOR(CloudApiError("InstanceNotFound")), errors.NotFound)
    assert isinstance(TRANSLATOR(NoCredentials()), errors.Unauthenticated)
    ours = errors.FailedPrecondition("in use")
    assert TRANSLATOR(ours) is ours
    bug = KeyError("x")
    assert TRANSLATOR(bug) is bug
    assert type(TRANSLATOR.typed(bug)) is errors.ProviderError


def test_code_and_call_or_none_answer_expected_codes_with_none() -> None:
    assert TRANSLATOR.code(CloudApiError("NoSuchKey")) == "NoSuchKey"
    assert TRANSLATOR.code(KeyError("x")) == ""

    def fail(error: Exception, **kwargs: Any) -> Any:
        raise error

    assert TRANSLATOR.call_or_none(lambda key: key * 2, "NoSuchKey", key="k") == "kk"
    assert TRANSLATOR.call_or_none(fail, "NoSuchKey", error=CloudApiError("NoSuchKey")) is None
    with pytest.raises(CloudApiError):  # another code: unchanged
        TRANSLATOR.call_or_none(fail, "NoSuchKey", error=CloudApiError("AccessDenied"))
    with pytest.raises(KeyError):  # not the cloud's
        TRANSLATOR.call_or_none(fail, "NoSuchKey", error=KeyError("x"))


@translate_errors(TRANSLATOR)
class Provider(provider_pb2_grpc.ProviderServicer):
    def Authenticate(self, request: Any, context: Any) -> Any:
        raise NoCredentials()

    def GetSchema(self, request: Any, context: Any) -> Any:
        raise CloudApiError("QuotaExceeded")

    def ReadResources(self, request: Any, context: Any) -> Any:
        yield provider_pb2.ReadResourcesResponse()
        raise CloudApiError("Odd", status=503)

    def helper(self) -> None:  # not an RPC: left alone
        raise CloudApiError("Odd", status=503)


def test_decorated_servicer_sends_typed_statuses_over_grpc() -> None:
    with serve_in_process(Plugin(name="t", version="1", provider=Provider())) as conn:
        with pytest.raises(errors.Unauthenticated):
            conn.provider.Authenticate(provider_pb2.AuthenticateRequest())
        with pytest.raises(errors.FailedPrecondition) as quota:
            conn.provider.GetSchema(provider_pb2.GetSchemaRequest())
        assert quota.value.provider_code == "QuotaExceeded"
        stream = conn.provider.ReadResources(provider_pb2.ReadResourcesRequest())
        next(stream)
        with pytest.raises(errors.Unavailable):
            next(stream)
    with pytest.raises(CloudApiError):
        Provider().helper()
