"""Cloud errors -> the SDK's typed errors, by a per-cloud table, applied at the servicer boundary.

A plugin describes its cloud once:

    TABLE = ErrorTable(
        codes={"RATE_LIMIT_EXCEEDED": errors.Throttled, "alreadyExists": errors.AlreadyExists},
        argument_paths={"InvalidImage": "config.image"},          # always INVALID_ARGUMENT here
        reference_paths={"SubnetNotFound": "config.subnet_id"},   # ... but only on a create
        rules=[(r"NotFound$", errors.NotFound)],                  # code families, in order
    )

    def extract(exc: Exception) -> CloudError | None:             # the cloud SDK's exceptions
        if isinstance(exc, google.api_core.exceptions.GoogleAPICallError):
            return CloudError(code=exc.reason or "", message=exc.message, http_status=exc.code)
        return None

    TRANSLATOR = ErrorTranslator(TABLE, extract)

and hands `TRANSLATOR` to `servicers_for(..., translate=TRANSLATOR)` (or decorates hand-written
servicer classes with `translate_errors(TRANSLATOR)`). The order of decisions, first match wins:

1. the code is in `argument_paths` -> InvalidArgument at that attribute path
2. the code is in `reference_paths` and the operation creates -> InvalidArgument at that path
3. the code is in `codes` (exact) -> that class
4. a `rules` regex matches the code (first matching rule) -> that class
5. the HTTP status is in `statuses` (defaults: 400 InvalidArgument, 401 Unauthenticated,
   403 PermissionDenied, 404 NotFound, 409 AlreadyExists, 412 FailedPrecondition,
   429 Throttled, 501 Unimplemented, other 5xx Unavailable)
6. a plain ProviderError (INTERNAL: a bug or something unforeseen; never retried)

Throttled errors carry `retry_after` (the cloud's Retry-After when given, else the table's
default). `provider_code` is always the cloud's code, for the user's eyes.
"""

from __future__ import annotations

import email.utils
import functools
import inspect
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from genesys_plugin_sdk import errors

T = TypeVar("T", bound=type)
ErrorClass = type[errors.ProviderError]
Translate = Callable[[Exception], Exception]

DEFAULT_STATUSES: Mapping[int, ErrorClass] = {
    400: errors.InvalidArgument,
    401: errors.Unauthenticated,
    403: errors.PermissionDenied,
    404: errors.NotFound,
    409: errors.AlreadyExists,
    412: errors.FailedPrecondition,
    429: errors.Throttled,
    501: errors.Unimplemented,
}
CREATING_OPERATIONS: tuple[str, ...] = ("Run", "Create", "Request", "Publish", "Insert", "Add")
DEFAULT_RETRY_AFTER_S = 1.0


@dataclass(frozen=True)
class CloudError:
    """What a cloud said, in words every cloud has."""

    code: str = ""  # the cloud's error code ("InvalidVpcID.NotFound", "RESOURCE_NOT_FOUND")
    message: str = ""
    http_status: int = 0
    retry_after: float | None = None  # seconds, when the cloud said (see retry_after_seconds)
    operation: str = ""  # the API call that failed ("RunInstances"), for messages and rule 3


@dataclass(frozen=True)
class ErrorTable:
    """One cloud's error vocabulary (see the module docstring for the order of decisions)."""

    codes: Mapping[str, ErrorClass] = field(default_factory=dict)
    argument_paths: Mapping[str, str] = field(default_factory=dict)
    reference_paths: Mapping[str, str] = field(default_factory=dict)
    rules: Iterable[tuple[str, ErrorClass]] = ()
    statuses: Mapping[int, ErrorClass] = field(default_factory=lambda: dict(DEFAULT_STATUSES))
    creating_operations: tuple[str, ...] = CREATING_OPERATIONS
    default_retry_after: float = DEFAULT_RETRY_AFTER_S

    def __post_init__(self) -> None:
        compiled = tuple((re.compile(pattern), cls) for pattern, cls in self.rules)
        object.__setattr__(self, "_compiled", compiled)

    def classify(self, error: CloudError) -> errors.ProviderError:
        """The typed error a cloud error stands for."""
        code, operation = error.code, error.operation
        text = (error.message or code or f"HTTP {error.http_status}").strip()
        text = f"{operation}: {text}" if operation else text
        cls, path = self._class_and_path(error)
        if cls is errors.Throttled:
            retry = self.default_retry_after if error.retry_after is None else error.retry_after
            return errors.Throttled(text, provider_code=code, retry_after=max(retry, 0.0))
        return cls(text, attribute_path=path, provider_code=code)

    def _class_and_path(self, error: CloudError) -> tuple[ErrorClass, str]:
        code = error.code
        if code in self.argument_paths:
            return errors.InvalidArgument, self.argument_paths[code]
        if code in self.reference_paths and error.operation.startswith(self.creating_operations):
            return errors.InvalidArgument, self.reference_paths[code]
        if code in self.codes:
            return self.codes[code], ""
        for pattern, cls in self._compiled:  # type: ignore[attr-defined]
            if code and pattern.search(code):
                return cls, ""
        if error.http_status in self.statuses:
            return self.statuses[error.http_status], ""
        if error.http_status >= 500:
            return errors.Unavailable, ""
        return errors.ProviderError, ""


def retry_after_seconds(value: str | float | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date; None if absent/bad."""
    if value is None or value == "":
        return None
    try:
        return max(float(value), 0.0)
    except (TypeError, ValueError):
        pass
    try:
        when = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)


class ErrorTranslator:
    """Callable: any exception -> the exception to raise instead (typed when recognised).

    `extract` recognises the cloud SDK's API errors; `client_errors` optionally maps its
    client-side failures (no credentials, connection refused) straight to typed errors.
    ProviderErrors pass through; anything unrecognised is returned unchanged (it then
    reaches the core as INTERNAL, with its traceback in the plugin's log).
    """

    def __init__(
        self,
        table: ErrorTable,
        extract: Callable[[Exception], CloudError | None],
        client_errors: Callable[[Exception], errors.ProviderError | None] | None = None,
    ) -> None:
        self.table = table
        self.extract = extract
        self.client_errors = client_errors

    def __call__(self, exc: Exception) -> Exception:
        if isinstance(exc, errors.ProviderError):
            return exc
        cloud = self.extract(exc)
        if cloud is not None:
            return self.table.classify(cloud)
        if self.client_errors is not None:
            return self.client_errors(exc) or exc
        return exc

    def typed(self, exc: Exception) -> errors.ProviderError:
        """Always a ProviderError: unrecognised exceptions become a plain (INTERNAL) one."""
        mapped = self(exc)
        if isinstance(mapped, errors.ProviderError):
            return mapped
        return errors.ProviderError(f"{type(exc).__name__}: {exc}")

    def code(self, exc: Exception) -> str:
        """The cloud's error code of `exc`; "" when no cloud SDK raised it."""
        cloud = self.extract(exc)
        return cloud.code if cloud is not None else ""

    def call_or_none(self, call: Callable[..., Any], *codes: str, **kwargs: Any) -> Any:
        """call(**kwargs), or None when it fails with one of `codes` (an expected answer such
        as NoSuchKey); any other exception propagates unchanged."""
        try:
            return call(**kwargs)
        except Exception as exc:
            if self.code(exc) in codes:
                return None
            raise


def as_provider_error(exc: Exception, translate: Translate | None) -> errors.ProviderError:
    """`exc` as a typed error (translated when a translator is given)."""
    mapped = translate(exc) if translate is not None else exc
    if isinstance(mapped, errors.ProviderError):
        return mapped
    return errors.ProviderError(f"{type(exc).__name__}: {exc}")


def guard(method: Callable[..., Any], translate: Translate) -> Callable[..., Any]:
    """`method` with exceptions passed through `translate` (generators: while iterating)."""
    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def streaming(*args: Any, **kwargs: Any) -> Any:
            try:
                yield from method(*args, **kwargs)
            except Exception as exc:
                mapped = translate(exc)
                if mapped is exc:
                    raise
                raise mapped from exc

        return streaming

    @functools.wraps(method)
    def unary(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except Exception as exc:
            mapped = translate(exc)
            if mapped is exc:
                raise
            raise mapped from exc

    return unary


def translate_errors(translate: Translate) -> Callable[[T], T]:
    """Class decorator for hand-written servicers: every RPC method the class defines (the
    CamelCase names of its generated base) raises translated errors."""

    def decorate(cls: T) -> T:
        rpc_names = {
            name
            for base in cls.__mro__[1:]
            for name, value in vars(base).items()
            if name[:1].isupper() and callable(value)
        }
        for name in rpc_names:
            own = cls.__dict__.get(name)
            if own is not None:
                setattr(cls, name, guard(own, translate))
        return cls

    return decorate
