"""Tencent Cloud API 3.0 as the emulated services speak it.

Every product answers `POST /` with the action in `X-TC-Action`, its API version in
`X-TC-Version`, the region in `X-TC-Region`, a `TC3-HMAC-SHA256` Authorization header and a
JSON body. Answers are HTTP 200 with `{"Response": {..., "RequestId"}}`; refusals are HTTP 200
too, with `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}` (the SDK reads the body,
and treats any other status as a network error). An `ActionService` maps each action to the
method of the same name, `Action(body, region) -> dict`.
"""

from __future__ import annotations

import ipaddress
import json
import secrets
import string
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from genesys_emulators.core import CloudError, Dialect, FaultPlan, ServiceApp, Store

Record = dict[str, Any]
READ_PREFIXES = ("Describe", "Get", "List", "Inquiry", "Inquire", "Check")
_ID_ALPHABET = string.ascii_lowercase + string.digits


def error(code: str, message: str) -> CloudError:
    """A refusal as API 3.0 words it (always HTTP 200; the body carries the error)."""
    return CloudError(200, code, message)


def missing(name: str) -> CloudError:
    return error("MissingParameter", f"The request is missing a required parameter `{name}`.")


def invalid(name: str, value: Any, why: str = "") -> CloudError:
    detail = f": {why}" if why else "."
    return error("InvalidParameterValue", f"The value `{value}` of `{name}` is not valid{detail}")


def not_found(what: str, ident: str, code: str = "ResourceNotFound") -> CloudError:
    return error(code, f"The {what} `{ident}` does not exist.")


def in_use(what: str, ident: str, by: str) -> CloudError:
    return error("ResourceInUse", f"The {what} `{ident}` is in use by {by}.")


def new_id(prefix: str) -> str:
    """Tencent resource ids: a product prefix and eight lower-case letters or digits."""
    return f"{prefix}-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))


def now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())


class TencentDialect(Dialect):
    json_content_type = "application/json"  # the SDK compares the header exactly

    def error_response(self, error: CloudError, request: Request) -> Response:
        body = {
            "Response": {
                "Error": {"Code": error.code, "Message": error.message},
                "RequestId": str(uuid.uuid4()),
            }
        }
        return self.json_response(body, 200, error.headers)

    def is_mutating(self, request: Request) -> bool:
        action = request.headers.get("X-TC-Action", "")
        # No action: a function URL call, which is the function's traffic, not the API's.
        return bool(action) and not action.startswith(READ_PREFIXES)

    def throttled(self, request: Request) -> CloudError:
        return error("RequestLimitExceeded", "Your current request times exceed the limit.")

    def server_error(self, request: Request) -> CloudError:
        return error("InternalError", "An internal error has occurred. Retry your request.")

    def not_found(self, request: Request) -> CloudError:
        return error("InvalidAction", f"{request.method} {request.path} is not an API 3.0 call")


class ActionService(ServiceApp):
    """One Tencent product: its `service` name, API `version`, and a method per action."""

    dialect = TencentDialect()
    rules: tuple[Rule, ...] = (Rule("/", methods=["POST"], endpoint="action"),)
    service = ""
    version = ""
    regional = True

    def __init__(self, faults: FaultPlan, world: World) -> None:
        super().__init__(faults)
        self.world = world
        self.store = world.store

    def action(self, request: Request) -> Response:
        name = request.headers.get("X-TC-Action", "")
        if not request.headers.get("Authorization", "").startswith("TC3-HMAC-SHA256"):
            raise error(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated: no TC3-HMAC-SHA256 signature.",
            )
        if request.headers.get("X-TC-Version") != self.version:
            raise error(
                "NoSuchVersion",
                f"The API version `{request.headers.get('X-TC-Version')}` of {self.service} "
                f"does not exist; this service speaks {self.version}.",
            )
        handler = getattr(self, name, None) if name[:1].isupper() else None
        if handler is None:
            raise error("InvalidAction", f"The action `{name}` of {self.service} is not found.")
        region = request.headers.get("X-TC-Region", "")
        if self.regional:
            if not region:
                raise missing("Region")
            if region not in self.world.regions:
                raise error("InvalidParameterValue", f"The region `{region}` is not supported.")
        result = handler(self.json_body(request), region) or {}
        result["RequestId"] = str(uuid.uuid4())
        return self.dialect.json_response({"Response": result})

    def existing(self, table: str, key: str, code: str, message: str) -> Record:
        """The record at `key` in `table`, or the product's not-found error (code, message)."""
        record = self.store.find(table, key)
        if record is None:
            raise error(code, message)
        return record


def required(body: Record, name: str) -> Any:
    value = body.get(name)
    if value is None or value == "" or value == []:
        raise missing(name)
    return value


def page(
    items: list[Record], body: Record, default_limit: int = 20, most: int = 100
) -> list[Record]:
    """Offset/Limit as API 3.0 takes them (VPC sends them as strings)."""
    try:
        offset = int(body.get("Offset") or 0)
        limit = int(body.get("Limit") or default_limit)
    except (TypeError, ValueError):
        raise error("InvalidParameterValue", "Offset and Limit must be integers.") from None
    if limit < 0 or limit > most or offset < 0:
        raise error("InvalidParameterValue.LimitExceeded", f"Limit must be from 0 to {most}.")
    return items[offset : offset + limit]


def tags_match(
    tags: Iterable[Record],
    name: str,
    values: list[str],
    key_field: str = "Key",
    value_field: str = "Value",
) -> bool:
    """`tag:KEY` (value in values) and `tag-key` (key in values) filters."""
    pairs = {t.get(key_field): t.get(value_field) for t in tags}
    if name == "tag-key":
        return any(v in pairs for v in values)
    key = name[len("tag:") :]
    return key in pairs and pairs[key] in values


def apply_filters(
    items: list[Record],
    filters: list[Record] | None,
    fields: dict[str, Callable[[Record], Any]],
    tag_field: str = "Tags",
    key_field: str = "Key",
    value_field: str = "Value",
) -> list[Record]:
    """API 3.0 `Filters`: [{"Name", "Values"}], AND across names, OR across values."""
    for item in filters or []:
        name, values = item.get("Name", ""), [str(v) for v in item.get("Values") or []]
        if name.startswith("tag:") or name == "tag-key":
            items = [
                r
                for r in items
                if tags_match(r.get(tag_field) or [], name, values, key_field, value_field)
            ]
            continue
        getter = fields.get(name)
        if getter is None:
            raise error("InvalidFilter", f"The filter `{name}` is not supported.")
        items = [r for r in items if _matches(getter(r), values)]
    return items


def _matches(found: Any, values: list[str]) -> bool:
    if isinstance(found, list):
        return any(str(v) in values for v in found)
    return str(found) in values


def tag_pairs(
    tags: list[Record] | None, key: str = "TagKey", value: str = "TagValue"
) -> list[Record]:
    """Tags as the request gave them, each with its value ("" when left out)."""
    return [{key: t[key], value: t.get(value, "")} for t in tags or []]


def by_ids(
    items: list[Record], ids: list[str] | None, id_field: str, what: str, code: str
) -> list[Record]:
    """Explicit ids: every one must exist (API 3.0 refuses the whole call otherwise)."""
    if not ids:
        return items
    known = {r[id_field]: r for r in items}
    for ident in ids:
        if ident not in known:
            raise not_found(what, ident, code)
    return [known[i] for i in dict.fromkeys(ids)]


def check_cidr(name: str, cidr: str) -> ipaddress.IPv4Network:
    try:
        return ipaddress.IPv4Network(cidr, strict=True)
    except ValueError:
        raise error(
            "InvalidParameterValue.Malformed", f"`{name}` {cidr!r} is not a CIDR block."
        ) from None


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


class World:
    """What every Tencent service of one emulator shares: the store, the account, the zones."""

    # Zone numbers as ap-guangzhou has them; the last one answers every type as sold out, so a
    # client's handling of ResourcesSoldOut can be exercised.
    ZONE_NUMBERS = (3, 4, 6, 7)

    def __init__(self, region: str, appid: str) -> None:
        self.store = Store()
        self.region = region
        self.regions = {region, "ap-shanghai", "ap-beijing", "ap-singapore"}
        self.appid = appid
        self.uin = "100000000001"
        self.urls: dict[str, str] = {}

    def zones(self, region: str) -> list[str]:
        return [f"{region}-{n}" for n in self.ZONE_NUMBERS]

    def sold_out(self, zone: str) -> bool:
        return zone.endswith(f"-{self.ZONE_NUMBERS[-1]}")

    def check_zone(self, region: str, zone: str) -> None:
        if zone not in self.zones(region):
            raise error("InvalidZone.MismatchRegion", f"The zone `{zone}` is not in {region}.")
