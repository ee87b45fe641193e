"""The error boundary (botocore errors -> typed errors) and the translation tables; no server."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError
from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_provider_aws import tables
from genesys_provider_aws.errors import map_botocore_error, map_client_error, translate_errors


def client_error(
    code: str,
    operation: str = "DescribeInstances",
    status: int = 400,
    headers: dict[str, str] | None = None,
) -> ClientError:
    response: Any = {
        "Error": {"Code": code, "Message": f"{code} happened"},
        "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": headers or {}},
    }
    return ClientError(response, operation)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("InvalidInstanceID.NotFound", errors.NotFound),
        ("NoSuchBucket", errors.NotFound),
        ("DBInstanceNotFound", errors.NotFound),
        ("ResourceNotFoundException", errors.NotFound),
        ("Throttling", errors.Throttled),
        ("RequestLimitExceeded", errors.Throttled),
        ("TooManyRequestsException", errors.Throttled),
        ("SlowDown", errors.Throttled),
        ("AuthFailure", errors.Unauthenticated),
        ("InvalidClientTokenId", errors.Unauthenticated),
        ("UnrecognizedClientException", errors.Unauthenticated),
        ("AccessDenied", errors.PermissionDenied),
        ("UnauthorizedOperation", errors.PermissionDenied),
        ("InvalidParameterValue", errors.InvalidArgument),
        ("ValidationError", errors.InvalidArgument),
        ("DependencyViolation", errors.FailedPrecondition),
        ("BucketAlreadyExists", errors.AlreadyExists),
        ("InvalidGroup.Duplicate", errors.AlreadyExists),
        ("InternalError", errors.Unavailable),
    ],
)
def test_codes_map_to_typed_errors(code: str, kind: type[errors.ProviderError]) -> None:
    mapped = map_client_error(client_error(code))
    assert type(mapped) is kind
    assert mapped.provider_code == code and code in mapped.message


def test_throttling_carries_retry_after() -> None:
    assert (
        map_client_error(client_error("Throttling", headers={"retry-after": "3"})).retry_after
        == 3.0
    )
    assert map_client_error(client_error("SlowDown", status=503)).retry_after == 1.0
    assert isinstance(map_client_error(client_error("Whatever", status=429)), errors.Throttled)


def test_references_are_invalid_arguments_of_creates_only() -> None:
    on_create = map_client_error(client_error("InvalidSubnetID.NotFound", "RunInstances"))
    assert (
        isinstance(on_create, errors.InvalidArgument)
        and on_create.attribute_path == "config.subnet_id"
    )
    on_read = map_client_error(client_error("InvalidSubnetID.NotFound", "DescribeSubnets"))
    assert isinstance(on_read, errors.NotFound)
    bad_type = map_client_error(client_error("InvalidInstanceType", "RunInstances"))
    assert isinstance(bad_type, errors.InvalidArgument) and bad_type.attribute_path == "config.size"


def test_client_side_failures() -> None:
    assert isinstance(map_botocore_error(NoCredentialsError()), errors.Unauthenticated)
    unreachable = EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
    assert isinstance(map_botocore_error(unreachable), errors.Unavailable)
    assert map_botocore_error(ValueError("ours")) is None


def test_translate_errors_wraps_unary_and_streaming_methods() -> None:
    class Base:
        def Get(self, request: Any, context: Any) -> Any: ...
        def List(self, request: Any, context: Any) -> Any: ...

    @translate_errors
    class Servicer(Base):
        def Get(self, request: Any, context: Any) -> Any:
            raise client_error("NoSuchBucket", "HeadBucket")

        def List(self, request: Any, context: Any) -> Any:
            yield 1
            raise client_error("Throttling")

    with pytest.raises(errors.NotFound):
        Servicer().Get(None, None)
    stream = Servicer().List(None, None)
    assert next(stream) == 1
    with pytest.raises(errors.Throttled):
        next(stream)


def test_size_tables_both_ways() -> None:
    assert [
        tables.instance_type_for(s)
        for s in (pb.SIZE_SMALL, pb.SIZE_MEDIUM, pb.SIZE_LARGE, pb.SIZE_XLARGE)
    ] == [
        "t3.small",
        "t3.medium",
        "t3.large",
        "t3.xlarge",
    ]
    assert tables.instance_type_for(pb.SIZE_UNSPECIFIED) == "t3.small"
    assert tables.instance_type_for(pb.SIZE_SMALL, "c5.large") == "c5.large"
    assert tables.size_of_instance_type("t3.medium") == pb.SIZE_MEDIUM
    assert tables.size_of_instance_type("c5.large") == pb.SIZE_UNSPECIFIED
    assert tables.database_class_for(pb.SIZE_MEDIUM) == "db.t3.medium"
    assert tables.size_of_database_class("db.t3.large") == pb.SIZE_LARGE
    assert tables.volume_type_for("") == "gp3" and tables.volume_class_of("io2") == "ssd"
    assert tables.lambda_runtime_for("nodejs18") == "nodejs18.x"
    assert all(t in tables.INSTANCE_HOURLY for t in tables.INSTANCE_TYPES.values())
