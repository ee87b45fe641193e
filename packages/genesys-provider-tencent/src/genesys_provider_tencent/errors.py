"""Tencent Cloud errors -> the protocol's typed errors (the SDK's ErrorTable, one place).

API 3.0 answers refusals as `{"Error": {"Code", "Message"}}` codes such as
`RequestLimitExceeded` (throttled: retried by the core after `retry_after`),
`ResourceNotFound`, `ResourceInUse`, `InvalidParameterValue.*`. COS answers XML errors with
HTTP statuses (`SlowDown` 503 is its throttling). Codes that point at one attribute of the
config become InvalidArgument with that path, so the user sees the resource and the field.
"""

from __future__ import annotations

from typing import Any

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.cloud_errors import CloudError, ErrorTable, ErrorTranslator


class ApiError(Exception):
    """An API 3.0 refusal, with the action that was refused."""

    def __init__(self, code: str, message: str, operation: str, request_id: str = "") -> None:
        super().__init__(f"{operation}: [{code}] {message}")
        self.code = code
        self.message = message
        self.operation = operation
        self.request_id = request_id


def api_error(exc: Any, operation: str) -> ApiError:
    """From the SDK's TencentCloudSDKException (network failures keep their own codes)."""
    return ApiError(
        str(exc.code or ""),
        str(exc.message or ""),
        operation,
        str(getattr(exc, "requestId", "") or ""),
    )


TABLE = ErrorTable(
    codes={
        "RequestLimitExceeded": errors.Throttled,
        "RequestLimitExceeded.UinLimitExceeded": errors.Throttled,
        "SlowDown": errors.Throttled,
        "InternalError": errors.Unavailable,
        "ServerNetworkError": errors.Unavailable,
        "ClientNetworkError": errors.Unavailable,
        "ResourceUnavailable": errors.Unavailable,
        "NoSuchBucket": errors.NotFound,
        "NoSuchKey": errors.NotFound,
        "NoSuchVersion": errors.NotFound,
        "BucketAlreadyOwnedByYou": errors.AlreadyExists,
        "BucketAlreadyExists": errors.AlreadyExists,
        "BucketNotEmpty": errors.FailedPrecondition,
        "PreconditionFailed": errors.FailedPrecondition,
        "FileAlreadyExists": errors.FailedPrecondition,
        "DryRunOperation": errors.FailedPrecondition,
    },
    argument_paths={
        "InvalidParameterValue.InstanceTypeNotFound": "config.provider_type",
        "InvalidInstanceType.Malformed": "config.provider_type",
        "ResourcesSoldOut.SpecifiedInstanceType": "config.zone",
        "InvalidZone.MismatchRegion": "config.zone",
        "InvalidParameterValue.VpcIdZoneIdNotMatch": "config.zone",
        "InvalidImageId.NotFound": "config.image",
        "InvalidImageId.Malformed": "config.image",
        "InvalidParameterValue.SubnetRange": "config.cidr",
        "InvalidParameterValue.SubnetConflict": "config.cidr",
        "InvalidParameterValue.Range": "config.cidr",
        "InvalidParameterValue.SpecNotRecognizedError": "config.size",
        "InvalidParameterValue.InvalidPGVersion": "config.version",
        "InvalidParameterValue.SpecNotOnSale": "config.size",
        "InvalidParameterValue.MongoVersionError": "config.version",
        "InvalidParameterValue.ZoneClosed": "config.subnet_ids",
        "InvalidParameterValue.Runtime": "config.runtime",
        "InvalidBucketName": "config.name",
    },
    reference_paths={
        "InvalidSecurityGroupId.NotFound": "config.security_group_ids",
        "InvalidParameterValue.VpcIdNotExist": "config.subnet_id",
        "InvalidParameterValue.VpcIdOrSubnetIdNotFound": "config.subnet_ids",
        "InvalidParameterValue.SecurityGroupId": "config.security_group_ids",
    },
    rules=[
        (r"^RequestLimitExceeded", errors.Throttled),
        (r"^AuthFailure", errors.Unauthenticated),
        (r"^UnauthorizedOperation", errors.PermissionDenied),
        (r"NotFound|^ResourceNotFound", errors.NotFound),
        (r"^ResourceInUse", errors.FailedPrecondition),
        (
            r"^(InvalidParameter|MissingParameter|InvalidFilter|InvalidAction|UnknownParameter)",
            errors.InvalidArgument,
        ),
        (
            r"^(UnsupportedOperation|OperationDenied|FailedOperation|ResourcesSoldOut|"
            r"ResourceInsufficient|LimitExceeded|InvalidDisk|IncorrectInstanceStatus)",
            errors.FailedPrecondition,
        ),
        (r"^(InternalError|ResourceUnavailable)", errors.Unavailable),
    ],
)


def extract(exc: Exception) -> CloudError | None:
    """The cloud's words from our ApiError or from COS's exceptions."""
    if isinstance(exc, ApiError):
        return CloudError(code=exc.code, message=exc.message, operation=exc.operation)
    module = type(exc).__module__
    if module.startswith("qcloud_cos"):
        if type(exc).__name__ == "CosServiceError":
            cos: Any = exc
            return CloudError(
                code=str(cos.get_error_code() or ""),
                message=str(cos.get_error_msg() or ""),
                http_status=int(cos.get_status_code() or 0),
            )
        return CloudError(code="ClientNetworkError", message=str(exc))
    if module.startswith("tencentcloud"):  # an SDK exception outside `call` (credentials)
        return CloudError(code=str(getattr(exc, "code", "") or ""), message=str(exc))
    return None


TRANSLATOR = ErrorTranslator(TABLE, extract)


def error_code(exc: Exception) -> str:
    found = extract(exc)
    return found.code if found is not None else ""
