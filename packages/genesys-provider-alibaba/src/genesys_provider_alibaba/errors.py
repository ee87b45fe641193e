"""The one boundary where Alibaba Cloud errors become the protocol's typed errors.

Three SDKs, three exception types, one table: the RPC SDK's ServerException (ECS, VPC,
SLB, RDS, CDN, STS: `Code`, HTTP status, RequestId), oss2's ServerError (OSS, XML `Code`)
and Tea's TeaException (Function Compute 3.0). `extract` reads each into the SDK's
CloudError; `TABLE` classifies by code. Throttling (`Throttling.User`, `Throttling.Api`,
`Throttling`, `ServiceUnavailable`) becomes the retryable Throttled / Unavailable, so the
core retries with backoff and no throttling error reaches the user.
"""

from __future__ import annotations

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.cloud_errors import CloudError, ErrorTable, ErrorTranslator

TABLE = ErrorTable(
    codes={
        "Throttling": errors.Throttled,
        "Throttling.User": errors.Throttled,
        "Throttling.Api": errors.Throttled,
        "Throttling.Resource": errors.Throttled,
        "ServiceUnavailable": errors.Unavailable,
        "InternalError": errors.Unavailable,
        "InvalidAccessKeyId.NotFound": errors.Unauthenticated,
        "InvalidAccessKeyId": errors.Unauthenticated,
        "SignatureDoesNotMatch": errors.Unauthenticated,
        "IncompleteSignature": errors.Unauthenticated,
        "MissingAuthorization": errors.Unauthenticated,
        "Forbidden.RAM": errors.PermissionDenied,
        "Forbidden": errors.PermissionDenied,
        "AccessDenied": errors.PermissionDenied,
        "OperationConflict": errors.Throttled,  # ECS: another operation runs on it; retry
        "LastTokenProcessing": errors.Throttled,
        "IncorrectInstanceStatus": errors.FailedPrecondition,
        "IncorrectDBInstanceState": errors.FailedPrecondition,
        "IncorrectEipStatus": errors.FailedPrecondition,
        "DependencyViolation": errors.FailedPrecondition,
        "BucketNotEmpty": errors.FailedPrecondition,
        "FunctionNotEmpty": errors.FailedPrecondition,
        "PreconditionFailed": errors.FailedPrecondition,
        "FileAlreadyExists": errors.FailedPrecondition,
        "BucketAlreadyExists": errors.AlreadyExists,
        "FunctionAlreadyExists": errors.AlreadyExists,
        "TriggerAlreadyExists": errors.AlreadyExists,
        "InvalidDBName.Duplicate": errors.AlreadyExists,
        "InvalidAccountName.Duplicate": errors.AlreadyExists,
        "NoSuchBucket": errors.NotFound,
        "NoSuchKey": errors.NotFound,
        "FunctionNotFound": errors.NotFound,
        "TriggerNotFound": errors.NotFound,
    },
    argument_paths={
        "InvalidInstanceType.NotFound": "config.size",
        "InvalidInstanceType.ValueNotSupported": "config.size",
        "InvalidImageId.NotFound": "config.image",
        "InvalidZoneId.NotFound": "config.zone",
        "InvalidCidrBlock.Malformed": "config.cidr",
        "InvalidCidrBlock.Overlapped": "config.cidr",
        "InvalidEngineVersion.Malformed": "config.version",
        "InvalidDBInstanceClass.NotFound": "config.size",
        "InvalidPortRange.Malformed": "config.ingress",
        "InvalidPreferredBackupTime.Malformed": "config.backup.window",
        "InvalidBucketName": "config.name",
    },
    reference_paths={
        "InvalidVSwitchId.NotFound": "config.subnet_id",
        "InvalidSecurityGroupId.NotFound": "config.security_group_ids",
        "InvalidVpcId.NotFound": "config.network_id",
        "LayerNotFound": "config.layer_ids",
    },
    rules=[
        (r"^Throttling", errors.Throttled),
        (r"\.NotFound$|NotFound$|^NoSuch", errors.NotFound),
        (r"\.Duplicate$|AlreadyExist", errors.AlreadyExists),
        (r"^Missing|^Invalid|\.Malformed$", errors.InvalidArgument),
        (r"^DependencyViolation", errors.FailedPrecondition),
    ],
    default_retry_after=1.0,
)


def extract(exc: Exception) -> CloudError | None:
    """What an Alibaba SDK exception said, or None for exceptions of no Alibaba SDK."""
    module = type(exc).__module__
    if module.startswith("aliyunsdkcore"):
        get = getattr(exc, "get_error_code", None)
        if get is None:
            return None
        status = int(getattr(exc, "get_http_status", lambda: 0)() or 0)
        if type(exc).__name__ == "ClientException":
            status = 503  # the SDK got no answer (connection refused, timeout)
        operation = str(getattr(exc, "genesys_operation", ""))
        message = str(exc.get_error_msg())  # type: ignore[attr-defined]
        return CloudError(code=get(), message=message, http_status=status, operation=operation)
    if module.startswith("oss2"):
        status = int(getattr(exc, "status", 0) or 0)
        code = str(getattr(exc, "code", "") or "")
        message = str(getattr(exc, "message", "") or code)
        if status < 0:  # oss2's RequestError: no answer at all
            return CloudError(code="RequestError", message=str(exc), http_status=503)
        return CloudError(code=code, message=message, http_status=status)
    if module.startswith(("Tea", "darabonba", "alibabacloud_tea_openapi")):
        code = str(getattr(exc, "code", "") or "")
        answered = getattr(exc, "status_code", None) or getattr(exc, "statusCode", 0)
        message = str(getattr(exc, "message", "") or code)
        return CloudError(code=code, message=message, http_status=int(answered or 0))
    return None


def _client_errors(exc: Exception) -> errors.ProviderError | None:
    """Failures with no answer from the cloud: connection refused, timeouts."""
    name = type(exc).__name__
    if name in (
        "ConnectionError",
        "ConnectTimeout",
        "ReadTimeout",
        "RetryError",
        "TeaUnretryableException",
    ):
        return errors.Unavailable(f"no answer from Alibaba Cloud: {exc}")
    return None


TRANSLATOR = ErrorTranslator(TABLE, extract, client_errors=_client_errors)
error_code = TRANSLATOR.code  # the Alibaba code of an exception ("" if no Alibaba SDK's)
call_or_none = TRANSLATOR.call_or_none  # call(**kwargs), None on the expected codes
