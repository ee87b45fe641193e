"""The one boundary where AWS errors become the protocol's typed errors.

Every servicer class is decorated with `translate_errors`: any botocore exception escaping an
RPC method is mapped here (`map_client_error` for API errors, `map_botocore_error` for client
side failures) and re-raised as a `genesys_plugin_sdk.errors.ProviderError` subclass, which the
SDK turns into a gRPC status. Nothing else in the plugin inspects AWS error codes except where a
code is an expected answer (e.g. "no lifecycle configuration" means "none").

Error codes that name a *referenced* resource (a subnet given to RunInstances) are invalid
arguments of the create call, but NOT_FOUND when the resource is the call's own target.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from genesys_plugin_sdk import errors

T = TypeVar("T", bound=type)

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
CREATING_OPERATIONS = ("Run", "Create", "Request", "Publish")
DEFAULT_RETRY_AFTER_S = 1.0


def map_client_error(err: Any) -> errors.ProviderError:
    """A botocore ClientError -> the typed error it stands for."""
    info = err.response.get("Error", {}) if isinstance(err.response, dict) else {}
    code = str(info.get("Code", "") or "")
    message = f"{info.get('Message') or code or err}".strip()
    operation = getattr(err, "operation_name", "") or ""
    status = int(err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    text = f"{operation}: {message}" if operation else message
    kw: dict[str, Any] = {"provider_code": code}
    if code in THROTTLING_CODES or status == 429:
        return errors.Throttled(text, retry_after=_retry_after(err), **kw)
    if code in UNAUTHENTICATED_CODES:
        return errors.Unauthenticated(text, **kw)
    if code in PERMISSION_CODES:
        return errors.PermissionDenied(text, **kw)
    if code in ARGUMENT_PATHS:
        return errors.InvalidArgument(text, attribute_path=ARGUMENT_PATHS[code], **kw)
    if code in REFERENCE_PATHS and operation.startswith(CREATING_OPERATIONS):
        return errors.InvalidArgument(text, attribute_path=REFERENCE_PATHS[code], **kw)
    return _by_code_family(code, status, text, kw)


def _by_code_family(code: str, status: int, text: str, kw: dict[str, Any]) -> errors.ProviderError:
    if code in ALREADY_EXISTS_CODES or code.endswith(".Duplicate") or "AlreadyExists" in code:
        return errors.AlreadyExists(text, **kw)
    if code in FAILED_PRECONDITION_CODES:
        return errors.FailedPrecondition(text, **kw)
    if _is_not_found(code) or status == 404:
        return errors.NotFound(text, **kw)
    if code in INVALID_ARGUMENT_CODES or code.endswith(".Malformed") or code.startswith("Invalid"):
        return errors.InvalidArgument(text, **kw)
    if code in UNAVAILABLE_CODES or status >= 500:
        return errors.Unavailable(text, **kw)
    if code in ("NotImplemented", "UnsupportedOperationException"):
        return errors.Unimplemented(text, **kw)
    return errors.ProviderError(text, **kw)


def _is_not_found(code: str) -> bool:
    return (
        code.endswith(".NotFound")
        or code.endswith("NotFound")
        or code.endswith("NotFoundFault")
        or code.startswith("NoSuch")
        or code in ("ResourceNotFoundException", "NotFoundException", "404", "ParameterNotFound")
    )


def _retry_after(err: Any) -> float:
    """Seconds to wait, from a Retry-After header when AWS sends one."""
    headers = err.response.get("ResponseMetadata", {}).get("HTTPHeaders", {}) or {}
    raw = headers.get("retry-after") or headers.get("Retry-After")
    try:
        return max(float(raw), 0.0) if raw is not None else DEFAULT_RETRY_AFTER_S
    except ValueError:
        return DEFAULT_RETRY_AFTER_S


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


def _translate(exc: Exception) -> Exception:
    if isinstance(exc, errors.ProviderError):
        return exc
    if type(exc).__module__.startswith(("botocore", "boto3")):
        return map_botocore_error(exc) or exc
    return exc


def _wrap(method: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def streaming(*args: Any, **kwargs: Any) -> Any:
            try:
                yield from method(*args, **kwargs)
            except Exception as exc:
                mapped = _translate(exc)
                if mapped is exc:
                    raise
                raise mapped from exc

        return streaming

    @functools.wraps(method)
    def unary(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except Exception as exc:
            mapped = _translate(exc)
            if mapped is exc:
                raise
            raise mapped from exc

    return unary


def translate_errors(cls: T) -> T:
    """Class decorator: every RPC method (CamelCase, from the generated base) maps AWS errors."""
    rpc_names = {
        name
        for base in cls.__mro__[1:]
        for name, value in vars(base).items()
        if name[:1].isupper() and callable(value)
    }
    for name in rpc_names:
        own = cls.__dict__.get(name)
        if own is not None:
            setattr(cls, name, _wrap(own))
    return cls


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
