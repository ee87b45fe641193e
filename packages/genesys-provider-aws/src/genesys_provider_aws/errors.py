"""The one boundary where AWS errors become the protocol's typed errors.

The code sets below are AWS's entries in the SDK's `ErrorTable`; `TRANSLATOR` (the SDK's
`ErrorTranslator` over it) is applied to every RPC: the generated kind servicers get it via
`servicers_for(translate=...)`, hand-written servicers via the `translate_errors` decorator. Any
botocore exception escaping an RPC is mapped (`map_client_error` for API errors,
`map_botocore_error` for client side failures) and re-raised as a
`genesys_plugin_sdk.errors.ProviderError` subclass, which the SDK turns into a gRPC status.
Nothing else in the plugin inspects AWS error codes except where a code is an expected answer
(e.g. "no lifecycle configuration" means "none").

Error codes that name a *referenced* resource (a subnet given to RunInstances) are invalid
arguments of the create call, but NOT_FOUND when the resource is the call's own target.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.cloud_errors import (
    CloudError,
    ErrorTable,
    ErrorTranslator,
    retry_after_seconds,
)
from genesys_plugin_sdk.cloud_errors import translate_errors as sdk_translate_errors

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "SlowDown",
        "ProvisionedThroughputExceededException",
        "BandwidthLimitExceeded",
        "EC2ThrottledException",
        "PriorRequestNotComplete",
    }
)
UNAUTHENTICATED_CODES = frozenset(
    {
        "AuthFailure",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "InvalidAccessKeyId",
        "MissingAuthenticationToken",
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "InvalidToken",
    }
)
PERMISSION_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "AuthorizationError",
        "Forbidden",
        "OptInRequired",
        "AllAccessDisabled",
    }
)
UNAVAILABLE_CODES = frozenset(
    {
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "Unavailable",
        "InternalError",
        "InternalFailure",
        "InternalServerError",
        "ServiceException",
        "InsufficientInstanceCapacity",
    }
)
FAILED_PRECONDITION_CODES = frozenset(
    {
        "DependencyViolation",
        "IncorrectState",
        "IncorrectInstanceState",
        "VolumeInUse",
        "BucketNotEmpty",
        "InvalidDBInstanceState",
        "DistributionNotDisabled",
        "ResourceInUse",
        "ResourceInUseException",
        "PreconditionFailed",
        "ConditionalCheckFailedException",
        "OperationAborted",
        "InvalidIPAddress.InUse",
        "ResourceConflictException",
        "DeleteConflict",
        "InvalidConfigurationRequest",
    }
)
ALREADY_EXISTS_CODES = frozenset(
    {
        "BucketAlreadyExists",
        "BucketAlreadyOwnedByYou",
        "DBInstanceAlreadyExists",
        "DBSubnetGroupAlreadyExists",
        "EntityAlreadyExists",
        "DuplicateLoadBalancerName",
        "DuplicateTargetGroupName",
        "DuplicateListener",
        "DistributionAlreadyExists",
        "ResourceAlreadyExistsException",
        "InvalidGroup.Duplicate",
        "InvalidPermission.Duplicate",
        "InvalidKeyPair.Duplicate",
        "RouteAlreadyExists",
    }
)
INVALID_ARGUMENT_CODES = frozenset(
    {
        "InvalidParameterValue",
        "InvalidParameterCombination",
        "InvalidParameter",
        "InvalidParameterValueException",
        "InvalidParameterException",
        "InvalidRequestException",
        "ValidationError",
        "ValidationException",
        "MissingParameter",
        "InvalidRequest",
        "InvalidArgument",
        "MalformedXML",
        "MalformedPolicy",
        "MalformedPolicyDocument",
        "InvalidBucketName",
        "InvalidSubnet.Range",
        "InvalidSubnet.Conflict",
        "InvalidVpc.Range",
        "InvalidDBInstanceClass",
        "InvalidBlockDeviceMapping",
        "InvalidUserData.Malformed",
        "Unsupported",
        "UnsupportedOperation",
        "InvalidViewerCertificate",
        "InvalidOrigin",
        "TooManyTargets",
        "InvalidTarget",
        "StorageQuotaExceeded",
        "InvalidVPCNetworkStateFault",
        "InvalidSubnet",
    }
)
# Codes about an input that is wrong whatever the call: always INVALID_ARGUMENT at this path.
ARGUMENT_PATHS: dict[str, str] = {
    "InvalidAMIID.NotFound": "config.image",
    "InvalidAMIID.Malformed": "config.image",
    "InvalidAMIID.Unavailable": "config.image",
    "InvalidInstanceType": "config.size",
    "InvalidInstanceType.NotFound": "config.size",
    "InvalidDBInstanceClass": "config.size",
    "InvalidSubnet.Range": "config.cidr",
    "InvalidSubnet.Conflict": "config.cidr",
    "InvalidVpc.Range": "config.cidr",
    "InvalidBucketName": "config.name",
    "InvalidUserData.Malformed": "config.user_data",
}
# NotFound codes of resources other calls refer to: an invalid argument of a create.
REFERENCE_PATHS: dict[str, str] = {
    "InvalidSubnetID.NotFound": "config.subnet_id",
    "InvalidSubnet.NotFound": "config.subnet_ids",
    "SubnetNotFound": "config.subnet_ids",
    "InvalidVpcID.NotFound": "config.network_id",
    "InvalidGroup.NotFound": "config.security_group_ids",
    "SecurityGroupNotFound": "config.security_group_ids",
    "InvalidSecurityGroupID.NotFound": "config.security_group_ids",
    "InvalidKeyPair.NotFound": "config.key_pair",
    "InvalidZone.NotFound": "config.zone",
    "CertificateNotFound": "config.certificate_id",
}
NOT_FOUND_CODES = frozenset(
    {"ResourceNotFoundException", "NotFoundException", "404", "ParameterNotFound"}
)
UNIMPLEMENTED_CODES = frozenset({"NotImplemented", "UnsupportedOperationException"})


def _codes() -> dict[str, type[errors.ProviderError]]:
    """Exact code -> class; later sets win where AWS's own order put them first."""
    by_code: dict[str, type[errors.ProviderError]] = {}
    for codes, cls in (
        (UNIMPLEMENTED_CODES, errors.Unimplemented),
        (UNAVAILABLE_CODES, errors.Unavailable),
        (INVALID_ARGUMENT_CODES, errors.InvalidArgument),
        (NOT_FOUND_CODES, errors.NotFound),
        (FAILED_PRECONDITION_CODES, errors.FailedPrecondition),
        (ALREADY_EXISTS_CODES, errors.AlreadyExists),
        (PERMISSION_CODES, errors.PermissionDenied),
        (UNAUTHENTICATED_CODES, errors.Unauthenticated),
        (THROTTLING_CODES, errors.Throttled),
    ):
        by_code.update(dict.fromkeys(codes, cls))
    return by_code


# Code families, in the order AWS's codes need them checked.
FAMILY_RULES: tuple[tuple[str, type[errors.ProviderError]], ...] = (
    (r"\.Duplicate$|AlreadyExists", errors.AlreadyExists),
    (r"NotFound$|NotFoundFault$|^NoSuch", errors.NotFound),
    (r"\.Malformed$|^Invalid", errors.InvalidArgument),
)
TABLE = ErrorTable(
    codes=_codes(),
    argument_paths=ARGUMENT_PATHS,
    reference_paths=REFERENCE_PATHS,
    rules=FAMILY_RULES,
    # Only these statuses decide on their own; an unknown 400 stays a plain error (INTERNAL).
    statuses={404: errors.NotFound, 429: errors.Throttled},
    creating_operations=("Run", "Create", "Request", "Publish"),
)


def cloud_error_of(exc: Exception) -> CloudError | None:
    """What a botocore ClientError says, in the SDK's words; None for anything else."""
    from botocore.exceptions import ClientError

    if not isinstance(exc, ClientError):
        return None
    response = exc.response if isinstance(exc.response, dict) else {}
    info = response.get("Error", {})
    code = str(info.get("Code", "") or "")
    metadata = response.get("ResponseMetadata", {})
    headers = metadata.get("HTTPHeaders", {}) or {}
    return CloudError(
        code=code,
        message=str(info.get("Message") or ("" if code else exc)),
        http_status=int(metadata.get("HTTPStatusCode", 0) or 0),
        retry_after=retry_after_seconds(headers.get("retry-after") or headers.get("Retry-After")),
        operation=getattr(exc, "operation_name", "") or "",
    )


def map_client_error(err: Any) -> errors.ProviderError:
    """A botocore ClientError -> the typed error it stands for."""
    cloud = cloud_error_of(err)
    return TABLE.classify(cloud) if cloud is not None else errors.ProviderError(str(err))


def map_botocore_error(exc: Exception) -> errors.ProviderError | None:
    """Client-side botocore failures (no credentials, no connection, bad params)."""
    from botocore import exceptions as bce

    if isinstance(exc, bce.ClientError):
        return map_client_error(exc)
    if isinstance(exc, (bce.NoCredentialsError, bce.PartialCredentialsError)):
        return errors.Unauthenticated(f"no AWS credentials found: {exc}")
    if isinstance(exc, bce.ProfileNotFound):
        return errors.InvalidArgument(str(exc), attribute_path="settings.profile")
    if isinstance(exc, bce.ParamValidationError):
        return errors.InvalidArgument(f"invalid request: {exc}")
    if isinstance(exc, (bce.EndpointConnectionError, bce.ConnectionClosedError)):
        return errors.Unavailable(f"cannot reach AWS: {exc}")
    if isinstance(exc, (bce.ReadTimeoutError, bce.ConnectTimeoutError)):
        return errors.Unavailable(f"AWS did not answer in time: {exc}")
    if isinstance(exc, bce.WaiterError):
        return errors.Unavailable(f"resource did not become ready: {exc}")
    if isinstance(exc, bce.BotoCoreError):
        return errors.Unavailable(str(exc))
    return None


def _client_side(exc: Exception) -> errors.ProviderError | None:
    if type(exc).__module__.startswith(("botocore", "boto3")):
        return map_botocore_error(exc)
    return None


# Every RPC's exceptions pass through this (the servicers are built with it).
TRANSLATOR = ErrorTranslator(TABLE, cloud_error_of, _client_side)
# Class decorator for hand-written servicers (the provider and state store services).
translate_errors = sdk_translate_errors(TRANSLATOR)


def call_or_none(fn: Callable[..., Any], *absent_codes: str, **kwargs: Any) -> Any:
    """Calls an AWS API where some error codes mean "not configured": returns None for them."""
    from botocore.exceptions import ClientError

    try:
        return fn(**kwargs)
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in absent_codes:
            return None
        raise


def error_code(err: Exception) -> str:
    response = getattr(err, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""
