"""The one exception a service handler raises to refuse a request."""

from __future__ import annotations

from typing import Any


class CloudError(Exception):
    """A refusal as the cloud words it: HTTP status, the cloud's error code, its message.

    `details` carries what a cloud's error body has beyond code and message (GCP's
    `reason`, Azure's `target`); `headers` what its response carries (`Retry-After`).
    Each cloud's Dialect turns it into that cloud's error body.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **details: Any,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.details = details
