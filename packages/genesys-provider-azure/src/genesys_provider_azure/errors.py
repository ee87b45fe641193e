"""Azure's errors -> the protocol's typed errors: one table, applied at every servicer.

ARM answers `{"error": {"code", "message"}}`; the SDKs raise HttpResponseError carrying it.
429 is Throttled with the Retry-After ARM sent; a credential that cannot get a token is
Unauthenticated with what to do about it; a connection refused is Unavailable.
"""

from __future__ import annotations

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.cloud_errors import (
    CloudError,
    ErrorTable,
    ErrorTranslator,
    retry_after_seconds,
)

NO_CREDENTIALS = (
    "no Azure credentials: DefaultAzureCredential found none (set AZURE_CLIENT_ID, "
    "AZURE_TENANT_ID and AZURE_CLIENT_SECRET, use a managed identity, or run `az login`); "
    "against genesys-emulator azure, put its settings in providers.azure"
)

TABLE = ErrorTable(
    codes={
        "TooManyRequests": errors.Throttled,
        "RetryableError": errors.Unavailable,
        "AnotherOperationInProgress": errors.Unavailable,
        "ResourceNotFound": errors.NotFound,
        "ResourceGroupNotFound": errors.NotFound,
        "ParentResourceNotFound": errors.NotFound,
        "StorageAccountAlreadyTaken": errors.AlreadyExists,
        "ServerNameAlreadyExists": errors.AlreadyExists,
        "OperationNotAllowed": errors.FailedPrecondition,
        "AuthenticationFailed": errors.Unauthenticated,
        "InvalidAuthenticationToken": errors.Unauthenticated,
        "ExpiredAuthenticationToken": errors.Unauthenticated,
        "SubscriptionNotFound": errors.Unauthenticated,
        "AuthorizationFailed": errors.PermissionDenied,
        "LinkedAuthorizationFailed": errors.PermissionDenied,
    },
    argument_paths={
        "AccountNameInvalid": "config.name",
        "ContainerOperationFailure": "config.name",
        "InvalidServerName": "config.name",
        "InvalidSiteName": "config.name",
        "PlatformImageNotFound": "config.image",
        "NetcfgSubnetRangeOutsideVnet": "config.cidr",
        "NetcfgSubnetRangesOverlap": "config.cidr",
        "InvalidAddressPrefixFormat": "config.cidr",
        "InvalidBackupRetentionDays": "config.backup.retention_days",
        "InvalidVersion": "config.version",
        "InvalidStorageSize": "config.storage_gb",
        "HANotSupportedForBurstableSkus": "config.multi_az",
        "ZoneNotAvailableForRegion": "config.zone",
    },
    rules=[
        (r"NotFound$", errors.NotFound),
        (r"InUse", errors.FailedPrecondition),
        (r"(AlreadyExists|AlreadyTaken)$", errors.AlreadyExists),
    ],
)


def extract(exc: Exception) -> CloudError | None:
    from azure.core import exceptions as azure

    if isinstance(exc, azure.ClientAuthenticationError) and exc.response is None:
        return CloudError(code="CredentialUnavailable", message=NO_CREDENTIALS, http_status=401)
    if isinstance(exc, azure.HttpResponseError):
        error = getattr(exc, "error", None)
        code = (getattr(error, "code", "") or "") if error is not None else ""
        message = (getattr(error, "message", "") or "") if error is not None else ""
        response = exc.response
        headers = getattr(response, "headers", None) or {}
        retry = retry_after_seconds(headers.get("Retry-After"))
        return CloudError(
            code=code or (exc.reason or ""),
            message=message or str(exc.message or exc).splitlines()[0],
            http_status=exc.status_code or 0,
            retry_after=retry,
        )
    if isinstance(exc, (azure.ServiceRequestError, azure.ServiceResponseError)):
        return CloudError(code="ServiceRequestError", message=str(exc), http_status=503)
    return None


TRANSLATOR = ErrorTranslator(TABLE, extract)
