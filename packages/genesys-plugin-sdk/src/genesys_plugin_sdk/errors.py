"""Typed provider errors: the one error vocabulary every plugin language can speak.

A servicer raises a `ProviderError` subclass; the SDK's server boundary (see `_boundary.py`)
turns it into a gRPC status whose details carry a `common_pb2.ErrorDetail`. The core turns a
received `grpc.RpcError` back into the same class with `from_rpc_error`, using the detail when
present and the bare status code otherwise (plugins in other languages may send only codes).

    ErrorKind                       gRPC status           class
    ERROR_KIND_NOT_FOUND            NOT_FOUND             NotFound
    ERROR_KIND_ALREADY_EXISTS       ALREADY_EXISTS        AlreadyExists
    ERROR_KIND_INVALID_ARGUMENT     INVALID_ARGUMENT      InvalidArgument
    ERROR_KIND_UNAUTHENTICATED      UNAUTHENTICATED       Unauthenticated
    ERROR_KIND_PERMISSION_DENIED    PERMISSION_DENIED     PermissionDenied
    ERROR_KIND_THROTTLED            RESOURCE_EXHAUSTED    Throttled (retry_after seconds)
    ERROR_KIND_UNAVAILABLE          UNAVAILABLE           Unavailable
    ERROR_KIND_FAILED_PRECONDITION  FAILED_PRECONDITION   FailedPrecondition
    ERROR_KIND_UNIMPLEMENTED        UNIMPLEMENTED         Unimplemented
    ERROR_KIND_UNSPECIFIED          INTERNAL (any other)  ProviderError (a bug; not retried)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import grpc
from genesys.provider.v1 import common_pb2

if TYPE_CHECKING:
    from google.rpc import status_pb2

__all__ = [
    "AlreadyExists",
    "FailedPrecondition",
    "InvalidArgument",
    "NotFound",
    "PermissionDenied",
    "ProviderError",
    "Throttled",
    "Unauthenticated",
    "Unavailable",
    "Unimplemented",
    "from_rpc_error",
]


class ProviderError(Exception):
    """A failure a provider reports to the core. `str(err)` is the message."""

    kind: Any = common_pb2.ERROR_KIND_UNSPECIFIED
    code: grpc.StatusCode = grpc.StatusCode.INTERNAL

    def __init__(self, message: str = "", *, attribute_path: str = "", provider_code: str = ""):
        super().__init__(message)
        self.message = message
        self.attribute_path = attribute_path
        self.provider_code = provider_code
        self.retry_after = 0.0
        # The status code actually received (client side); differs from `code` only for
        # statuses outside the table, e.g. DEADLINE_EXCEEDED arrives as a plain ProviderError.
        self.grpc_code = self.code

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        extras = "".join(
            f", {name}={value!r}"
            for name, value in (
                ("attribute_path", self.attribute_path),
                ("provider_code", self.provider_code),
                ("retry_after", self.retry_after),
            )
            if value
        )
        return f"{type(self).__name__}({self.message!r}{extras})"

    def to_detail(self) -> common_pb2.ErrorDetail:
        detail = common_pb2.ErrorDetail(
            kind=self.kind,
            message=self.message,
            attribute_path=self.attribute_path,
            provider_code=self.provider_code,
        )
        if self.retry_after > 0:
            detail.retry_after.FromNanoseconds(int(self.retry_after * 1e9))
        return detail

    def to_status(self) -> status_pb2.Status:
        """The google.rpc.Status the server sends: code, message and the packed detail."""
        from google.rpc import status_pb2

        status = status_pb2.Status(code=self.code.value[0], message=self.message)
        status.details.add().Pack(self.to_detail())
        return status


class NotFound(ProviderError):
    kind = common_pb2.ERROR_KIND_NOT_FOUND
    code = grpc.StatusCode.NOT_FOUND


class AlreadyExists(ProviderError):
    kind = common_pb2.ERROR_KIND_ALREADY_EXISTS
    code = grpc.StatusCode.ALREADY_EXISTS


class InvalidArgument(ProviderError):
    kind = common_pb2.ERROR_KIND_INVALID_ARGUMENT
    code = grpc.StatusCode.INVALID_ARGUMENT


class Unauthenticated(ProviderError):
    kind = common_pb2.ERROR_KIND_UNAUTHENTICATED
    code = grpc.StatusCode.UNAUTHENTICATED


class PermissionDenied(ProviderError):
    kind = common_pb2.ERROR_KIND_PERMISSION_DENIED
    code = grpc.StatusCode.PERMISSION_DENIED


class Throttled(ProviderError):
    kind = common_pb2.ERROR_KIND_THROTTLED
    code = grpc.StatusCode.RESOURCE_EXHAUSTED

    def __init__(
        self,
        message: str = "",
        *,
        attribute_path: str = "",
        provider_code: str = "",
        retry_after: float = 0.0,
    ):
        super().__init__(message, attribute_path=attribute_path, provider_code=provider_code)
        self.retry_after = retry_after


class Unavailable(ProviderError):
    kind = common_pb2.ERROR_KIND_UNAVAILABLE
    code = grpc.StatusCode.UNAVAILABLE


class FailedPrecondition(ProviderError):
    kind = common_pb2.ERROR_KIND_FAILED_PRECONDITION
    code = grpc.StatusCode.FAILED_PRECONDITION


class Unimplemented(ProviderError):
    kind = common_pb2.ERROR_KIND_UNIMPLEMENTED
    code = grpc.StatusCode.UNIMPLEMENTED


_CLASSES: tuple[type[ProviderError], ...] = (
    NotFound,
    AlreadyExists,
    InvalidArgument,
    Unauthenticated,
    PermissionDenied,
    Throttled,
    Unavailable,
    FailedPrecondition,
    Unimplemented,
)
_BY_KIND: dict[int, type[ProviderError]] = {cls.kind: cls for cls in _CLASSES}
_BY_CODE: dict[grpc.StatusCode, type[ProviderError]] = {cls.code: cls for cls in _CLASSES}


def error_detail_of(err: grpc.RpcError) -> common_pb2.ErrorDetail | None:
    """The ErrorDetail packed in the error's google.rpc.Status details, if any."""
    from grpc_status import rpc_status

    try:
        status = rpc_status.from_call(err)  # type: ignore[arg-type]
    except (ValueError, AttributeError):
        return None  # malformed or mismatching status details: fall back to the bare code
    if status is None:
        return None
    for packed in status.details:
        if packed.Is(common_pb2.ErrorDetail.DESCRIPTOR):
            detail = common_pb2.ErrorDetail()
            packed.Unpack(detail)
            return detail
    return None


def from_rpc_error(err: grpc.RpcError) -> ProviderError:
    """The typed error a received gRPC error stands for."""
    code_of = getattr(err, "code", None)
    code = code_of() if callable(code_of) else grpc.StatusCode.UNKNOWN
    details_of = getattr(err, "details", None)
    text = (details_of() if callable(details_of) else None) or ""
    detail = error_detail_of(err)
    if detail is not None and detail.kind in _BY_KIND:
        cls: type[ProviderError] = _BY_KIND[detail.kind]
    else:
        cls = _BY_CODE.get(code, ProviderError)
    error = cls(
        (detail.message if detail is not None else "") or text or code.name,
        attribute_path=detail.attribute_path if detail is not None else "",
        provider_code=detail.provider_code if detail is not None else "",
    )
    if detail is not None and detail.HasField("retry_after"):
        error.retry_after = detail.retry_after.ToNanoseconds() / 1e9
    error.grpc_code = code
    return error
