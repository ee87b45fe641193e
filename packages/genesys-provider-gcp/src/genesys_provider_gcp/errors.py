"""Google API errors -> the protocol's typed errors, by one table (genesys_plugin_sdk.cloud_errors).

google-api-core raises `GoogleAPICallError` subclasses whose `.errors[0]["reason"]` is Google's
reason (notFound, alreadyExists, rateLimitExceeded, quotaExceeded...). A Compute operation that
finished with an error carries `error.errors[0].code` (QUOTA_EXCEEDED, RESOURCE_NOT_FOUND...)
instead: `operation_error` turns that into the same typed errors.
"""

from __future__ import annotations

from typing import Any

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.cloud_errors import CloudError, ErrorTable, ErrorTranslator

TABLE = ErrorTable(
    codes={
        "rateLimitExceeded": errors.Throttled,
        "userRateLimitExceeded": errors.Throttled,
        "RATE_LIMIT_EXCEEDED": errors.Throttled,
        "backendError": errors.Unavailable,
        "notFound": errors.NotFound,
        "instanceDoesNotExist": errors.NotFound,
        "RESOURCE_NOT_FOUND": errors.NotFound,
        "alreadyExists": errors.AlreadyExists,
        "instanceAlreadyExists": errors.AlreadyExists,
        "databaseAlreadyExists": errors.AlreadyExists,
        "userAlreadyExists": errors.AlreadyExists,
        "conflict": errors.AlreadyExists,
        "resourceInUseByAnotherResource": errors.FailedPrecondition,
        "resourceNotReady": errors.Unavailable,
        "operationInProgress": errors.Unavailable,
        "conditionNotMet": errors.FailedPrecondition,
        # A quota is not a rate: retrying does not help until the user raises it.
        "QUOTA_EXCEEDED": errors.FailedPrecondition,
        "quotaExceeded": errors.FailedPrecondition,
        "forbidden": errors.PermissionDenied,
        "authError": errors.Unauthenticated,
        # Firestore's errors carry the gRPC status name instead of a reason.
        "FAILED_PRECONDITION": errors.FailedPrecondition,
        "RESOURCE_EXHAUSTED": errors.Throttled,
    },
    argument_paths={},
    rules=[
        (r"NotFound$|DoesNotExist$", errors.NotFound),
        (r"AlreadyExists$", errors.AlreadyExists),
    ],
)


def extract(exc: Exception) -> CloudError | None:
    from google.api_core import exceptions as api

    if isinstance(exc, api.RetryError) and isinstance(exc.cause, Exception):
        return extract(exc.cause)  # retries ran out: what the last attempt was told
    if isinstance(exc, api.GoogleAPICallError):
        reasons = [e.get("reason", "") for e in (exc.errors or []) if isinstance(e, dict)]
        code = (reasons[0] if reasons else "") or (exc.reason or "") or _grpc_status(exc)
        retry = None
        response = getattr(exc, "response", None)
        if response is not None and getattr(response, "headers", None):
            header = response.headers.get("Retry-After")
            retry = float(header) if header and header.replace(".", "", 1).isdigit() else None
        return CloudError(
            code=code,
            message=exc.message or str(exc),
            http_status=int(exc.code or 0),
            retry_after=retry,
        )
    try:
        from google.auth.exceptions import DefaultCredentialsError, RefreshError
    except ImportError:  # pragma: no cover - google-auth is a dependency
        return None
    if isinstance(exc, DefaultCredentialsError):
        return CloudError(code="authError", message=str(exc).splitlines()[0], http_status=401)
    if isinstance(exc, RefreshError):
        return CloudError(code="authError", message=f"credentials refused: {exc}", http_status=401)
    if exc.__class__.__name__ in ("ConnectionError", "ConnectTimeout", "ReadTimeout"):
        return CloudError(code="unavailable", message=str(exc), http_status=503)
    return None


def _grpc_status(exc: Any) -> str:
    """`error.status` of the body (FAILED_PRECONDITION...): what Firestore words an error by."""
    response = getattr(exc, "response", None)
    try:
        body = response.json() if response is not None else {}
    except ValueError:
        return ""
    status = body.get("error", {}).get("status", "") if isinstance(body, dict) else ""
    return str(status) if isinstance(status, str) else ""


TRANSLATOR = ErrorTranslator(TABLE, extract)


def operation_error(operation: Any) -> errors.ProviderError | None:
    """The typed error a finished Compute operation reports, or None when it succeeded."""
    problems = list(operation.error.errors) if operation.error else []
    if not problems and not operation.http_error_status_code:
        return None
    code = problems[0].code if problems else ""
    message = problems[0].message if problems else operation.http_error_message
    status = int(operation.http_error_status_code or 400)
    return TABLE.classify(CloudError(code=code, message=message, http_status=status))


def typed(exc: Exception) -> errors.ProviderError:
    return TRANSLATOR.typed(exc)


def is_not_found(exc: Exception) -> bool:
    return isinstance(typed(exc), errors.NotFound)
