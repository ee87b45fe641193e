"""What every GCP service of the emulator shares: Google's error body, throttling, names,
labels, list filters and pages.

Google's JSON APIs answer errors as

    {"error": {"code": 404, "message": "...", "status": "NOT_FOUND",
               "errors": [{"message": "...", "domain": "global", "reason": "notFound"}]}}

and google-api-core turns that into `NotFound` & co. with `.errors[0]["reason"]`. A
`CloudError`'s `code` here is the *reason* (notFound, alreadyExists, rateLimitExceeded).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wrappers import Request, Response

from genesys_emulators.core import CloudError, Dialect

PROJECT = "genesys-emulator"
REGION = "us-central1"
ZONES = ("us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f")
REGIONS = {
    "us-central1": ZONES,
    "us-east1": ("us-east1-b", "us-east1-c", "us-east1-d"),
    "europe-west1": ("europe-west1-b", "europe-west1-c", "europe-west1-d"),
}

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
# RFC 1035 names, what Compute, Cloud SQL and Cloud Functions accept.
NAME = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")
LABEL_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
LABEL_VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")
PAGE_SIZE = 500  # Compute's maxResults default and ceiling


class GcpDialect(Dialect):
    def error_response(self, error: CloudError, request: Request) -> Response:
        body = {
            "error": {
                "code": error.status,
                "message": error.message,
                "status": _STATUS_NAMES.get(error.status, "UNKNOWN"),
                "errors": [{"message": error.message, "domain": "global", "reason": error.code}],
            }
        }
        return self.json_response(body, error.status, error.headers)

    def is_mutating(self, request: Request) -> bool:
        # operations.wait is a POST that only reads (Google counts it as a read).
        return super().is_mutating(request) and not request.path.endswith("/wait")

    def throttled(self, request: Request) -> CloudError:
        return CloudError(
            429,
            "rateLimitExceeded",
            "Rate Limit Exceeded: too many mutating requests; retry with backoff.",
            headers={"Retry-After": "1"},
        )

    def server_error(self, request: Request) -> CloudError:
        return CloudError(503, "backendError", "The service is currently unavailable.")

    def not_found(self, request: Request) -> CloudError:
        return CloudError(404, "notFound", f"The requested URL {request.path} was not found.")


DIALECT = GcpDialect()


def not_found(what: str) -> CloudError:
    return CloudError(404, "notFound", f"The resource '{what}' was not found")


def already_exists(what: str) -> CloudError:
    return CloudError(409, "alreadyExists", f"The resource '{what}' already exists")


def invalid(message: str, reason: str = "invalid") -> CloudError:
    return CloudError(400, reason, message)


def required(field: str) -> CloudError:
    return CloudError(400, "required", f"Required field '{field}' not specified")


def in_use(what: str, user: str) -> CloudError:
    return CloudError(
        400,
        "resourceInUseByAnotherResource",
        f"The resource '{what}' is already being used by '{user}'",
    )


def check_name(name: Any, field: str = "resource.name") -> str:
    if not name:
        raise required(field)
    if not isinstance(name, str) or not NAME.match(name):
        raise invalid(
            f"Invalid value for field '{field}': '{name}'. Must be a match of regex "
            "'(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'"
        )
    return name


def check_labels(labels: Any, field: str = "resource.labels") -> dict[str, str]:
    if labels is None:
        return {}
    if not isinstance(labels, dict) or len(labels) > 64:
        raise invalid(f"Invalid value for field '{field}': at most 64 labels.")
    for key, value in labels.items():
        if not LABEL_KEY.match(str(key)):
            raise invalid(f"Invalid value for field '{field}': label key '{key}' is not valid.")
        if not isinstance(value, str) or not LABEL_VALUE.match(value):
            raise invalid(
                f"Invalid value for field '{field}': label value '{value}' of '{key}' is not valid."
            )
    return dict(labels)


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


def last_segment(link: str) -> str:
    """`.../zones/us-central1-a/machineTypes/n1-standard-2` -> `n1-standard-2`."""
    return link.rstrip("/").rsplit("/", 1)[-1]


def segment_after(link: str, word: str) -> str:
    """`.../regions/us-central1/subnetworks/x`, "regions" -> `us-central1` ('' when absent)."""
    parts = link.split("/")
    return (
        parts[parts.index(word) + 1] if word in parts and parts.index(word) + 1 < len(parts) else ""
    )


# ------------------------------------------------------------------ list filters

# One comparison: `name = "web-1"`, `labels.env != prod`, `status eq RUNNING`, `name:web*`.
_TERM = re.compile(
    r"""\(?\s*(?P<field>[A-Za-z_][\w.\-]*)\s*(?P<op>!=|=|:|\beq\b|\bne\b)\s*"""
    r"""(?P<value>"[^"]*"|'[^']*'|[^\s()]+)\s*\)?"""
)


Predicate = Callable[[dict[str, Any]], bool]


def _getter(path: str) -> Callable[[dict[str, Any]], Any]:
    parts = path.split(".")

    def get(record: dict[str, Any]) -> Any:
        value: Any = record
        for part in parts:
            if not isinstance(value, dict):
                return None
            value = value.get(part)
        return value

    return get


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _term(field: str, op: str, raw: str) -> Predicate:
    """One comparison, compiled once (a filter is applied to every record of a list)."""
    value = raw[1:-1] if raw[:1] in "\"'" and raw[-1:] == raw[:1] else raw
    get = _getter(field)
    if op in ("eq", "ne"):  # the older regex syntax, anchored
        pattern = re.compile(value)
        wanted = op == "eq"
        return lambda r: (pattern.fullmatch(_text(get(r))) is not None) is wanted
    if op == ":":
        if value == "*":
            return lambda r: get(r) is not None
        glob = re.compile(re.escape(value).replace(r"\*", ".*"))
        return lambda r: glob.fullmatch(_text(get(r))) is not None
    equal = op == "="
    if value.endswith("*"):
        stem = value[:-1]
        return lambda r: _text(get(r)).startswith(stem) is equal
    return lambda r: (_text(get(r)) == value) is equal


def record_filter(expression: str) -> Predicate:
    """A predicate for Compute's `filter`: terms joined by AND (or a space) or by OR.

    Mixing AND and OR without parentheses is refused, as the real API refuses it. An OR of
    `name = "..."` terms (how clients read many resources in one call) is a set lookup.
    """
    text = expression.strip()
    if not text:
        return lambda record: True
    joined_by_or = re.search(r"\)\s+OR\s+\(|\s+OR\s+", text) is not None
    pieces = re.split(r"\s+OR\s+", text) if joined_by_or else re.split(r"\s+AND\s+|\)\s+\(", text)
    terms: list[tuple[str, str, str]] = []
    for piece in pieces:
        found = list(_TERM.finditer(piece))
        if not found:
            raise invalid(f"Invalid value for field 'filter': '{expression}'. Invalid list filter")
        if joined_by_or and len(found) > 1:
            raise invalid(f"Invalid value for field 'filter': '{expression}'. Mixed AND and OR")
        terms += [(m["field"], m["op"], m["value"]) for m in found]
    fields = {field for field, _, _ in terms}
    plain = all(op == "=" and not value.strip("\"'").endswith("*") for _, op, value in terms)
    if joined_by_or and len(fields) == 1 and plain:
        get = _getter(terms[0][0])
        wanted = {value.strip("\"'") for _, _, value in terms}
        return lambda record: _text(get(record)) in wanted
    predicates = [_term(*term) for term in terms]
    if joined_by_or:
        return lambda record: any(p(record) for p in predicates)
    return lambda record: all(p(record) for p in predicates)


def page(
    request: Request, records: Iterable[dict[str, Any]], *, filtered: bool = True
) -> tuple[list[dict[str, Any]], str]:
    """(this page's records, nextPageToken) for maxResults/pageSize + pageToken + filter."""
    keep = record_filter(request.args.get("filter", "")) if filtered else (lambda r: True)
    chosen = sorted((r for r in records if keep(r)), key=lambda r: str(r.get("name", "")))
    raw_size = request.args.get("maxResults") or request.args.get("pageSize") or PAGE_SIZE
    try:
        size = max(1, min(int(raw_size), PAGE_SIZE))
        start = int(request.args.get("pageToken") or 0)
    except ValueError:
        raise invalid("Invalid value for field 'pageToken' or 'maxResults'.") from None
    items = chosen[start : start + size]
    token = str(start + size) if start + size < len(chosen) else ""
    return items, token
