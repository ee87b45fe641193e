"""Alibaba Cloud's RPC style, shared by ECS, VPC, SLB, RDS, CDN and STS.

A call is `GET|POST /?Action=RunInstances&Version=2014-05-26&RegionId=...` with the common
signature parameters (AccessKeyId, Signature, SignatureMethod, SignatureNonce,
SignatureVersion, Timestamp, Format) in the query; the old SDK puts some parameters in a
form body, so both are read. The answer is JSON with a RequestId; a refusal is
`{"RequestId", "HostId", "Code", "Message", "Recommend"}` with the HTTP status the cloud uses.
The signature is checked for presence, not recomputed: any credential works.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from genesys_emulators.alibaba import catalog
from genesys_emulators.core import CloudError, Dialect, ServiceApp

Params = dict[str, str]
SIGNATURE_PARAMETERS = (
    "AccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "Timestamp",
)
READ_PREFIXES = ("Describe", "List", "Get", "Query", "Check")


def request_id() -> str:
    return str(uuid.uuid4()).upper()


def _params(request: Request) -> Params:
    merged = dict(request.form.items())
    merged.update(request.args.items())
    return merged


class RpcDialect(Dialect):
    json_content_type = "application/json;charset=utf-8"

    def __init__(self, host: str) -> None:
        self.host = host

    def error_response(self, error: CloudError, request: Request) -> Response:
        body = {
            "RequestId": request_id(),
            "HostId": self.host,
            "Code": error.code,
            "Message": error.message,
            "Recommend": f"https://api.aliyun.com/troubleshoot?q={error.code}",
        }
        return self.json_response(body, error.status, error.headers)

    def is_mutating(self, request: Request) -> bool:
        return not _params(request).get("Action", "").startswith(READ_PREFIXES)

    def throttled(self, request: Request) -> CloudError:
        return CloudError(400, "Throttling.User", "Request was denied due to user flow control.")

    def server_error(self, request: Request) -> CloudError:
        return CloudError(
            503, "ServiceUnavailable", "The request has failed due to a temporary failure."
        )

    def not_found(self, request: Request) -> CloudError:
        return CloudError(404, "InvalidAction.NotFound", f"{request.path} is not served here.")


class RpcService(ServiceApp):
    """One RPC product. Subclasses define `do_<Action>(self, params) -> dict`."""

    version = ""  # the API version the product's SDK sends, e.g. "2014-05-26"
    product = ""  # for messages
    regional = True  # actions need a known RegionId
    rules = (Rule("/", methods=["GET", "POST"], endpoint="rpc"),)

    def rpc(self, request: Request) -> dict[str, Any]:
        params = _params(request)
        action = params.get("Action", "")
        if not action:
            raise CloudError(400, "MissingParameter", 'The input parameter "Action" is mandatory.')
        handler: Callable[[Params], dict[str, Any]] | None = getattr(self, f"do_{action}", None)
        if handler is None:
            raise CloudError(
                404,
                "InvalidAction.NotFound",
                f"Specified api {action} is not found in {self.product}.",
            )
        for name in ("Version", "Format", *SIGNATURE_PARAMETERS):
            if not params.get(name):
                raise CloudError(
                    400,
                    f"Missing{name}",
                    f'The input parameter "{name}" that is mandatory for processing this request '
                    "is not supplied.",
                )
        if params["Version"] != self.version:
            raise CloudError(
                400,
                "InvalidVersion",
                f"Specified parameter Version {params['Version']} is not valid.",
            )
        if self.regional and action not in ("DescribeRegions",):
            region(params)
        answer = handler(params)
        answer["RequestId"] = request_id()
        return answer


# ---------------------------------------------------------------- parameter helpers


def required(params: Params, name: str) -> str:
    value = params.get(name, "")
    if not value:
        raise CloudError(
            400,
            "MissingParameter",
            f'The input parameter "{name}" that is mandatory for processing this request is '
            "not supplied.",
        )
    return value


def region(params: Params) -> str:
    value = required(params, "RegionId")
    if value not in catalog.ZONES:
        raise CloudError(404, "InvalidRegionId.NotFound", "The specified RegionId does not exist.")
    return value


def integer(params: Params, name: str, default: int, low: int = 0, high: int = 10**9) -> int:
    raw = params.get(name, "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise CloudError(400, f"Invalid{name}", f"The specified {name} is not valid.") from None
    if not low <= value <= high:
        raise CloudError(400, f"Invalid{name}", f"The specified {name} is out of range.")
    return value


def indexed(params: Params, prefix: str) -> list[str]:
    """`SecurityGroupIds.1`, `SecurityGroupIds.2`, ... in order."""
    found = []
    for n in range(1, 1001):
        value = params.get(f"{prefix}.{n}")
        if value is None:
            break
        found.append(value)
    return found


def tags_in(params: Params, prefix: str = "Tag") -> dict[str, str]:
    """`Tag.N.Key` / `Tag.N.Value` pairs."""
    tags = {}
    for n in range(1, 21):
        key = params.get(f"{prefix}.{n}.Key")
        if key is None:
            break
        tags[key] = params.get(f"{prefix}.{n}.Value", "")
    return tags


def id_list(params: Params, name: str, limit: int = 100) -> list[str] | None:
    """An id filter: a JSON array (`["i-1","i-2"]`) or comma-separated; None when absent."""
    raw = params.get(name, "")
    if not raw:
        return None
    if raw.startswith("["):
        try:
            values = json.loads(raw)
        except ValueError:
            raise CloudError(
                400, f"Invalid{name}.Malformed", f"{name} is not valid JSON."
            ) from None
    else:
        values = [v.strip() for v in raw.split(",") if v.strip()]
    if len(values) > limit:
        raise CloudError(400, f"Invalid{name}.Malformed", f"{name} holds more than {limit} ids.")
    return [str(v) for v in values]


def tag_view(
    tags: Mapping[str, str], key: str = "TagKey", value: str = "TagValue"
) -> dict[str, Any]:
    return {"Tag": [{key: k, value: v} for k, v in tags.items()]}


def matches_tags(record_tags: Mapping[str, str], wanted: Mapping[str, str]) -> bool:
    return all(record_tags.get(k) == v for k, v in wanted.items())


def page(
    items: Iterable[dict[str, Any]], params: Params, *, max_size: int = 100, default: int = 10
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """PageNumber/PageSize paging: (this page's items, the TotalCount/PageNumber/PageSize keys)."""
    everything = list(items)
    number = integer(params, "PageNumber", 1, 1)
    size = integer(params, "PageSize", default, 1, max_size)
    start = (number - 1) * size
    keys = {"TotalCount": len(everything), "PageNumber": number, "PageSize": size}
    return everything[start : start + size], keys


def public(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record without the emulator's own keys (those starting with `_`)."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


def apply_tags(record: dict[str, Any], params: Params, *, untag: bool = False) -> None:
    tags: dict[str, str] = record.setdefault("_tags", {})
    if untag:
        keys = indexed(params, "TagKey")
        if params.get("All", "").lower() == "true":
            tags.clear()
        for key in keys:
            tags.pop(key, None)
        return
    tags.update(tags_in(params))


def tag_resources(
    lock: Any, find: Callable[[str], dict[str, Any]], params: Params, *, untag: bool = False
) -> dict[str, Any]:
    """TagResources / UntagResources of any RPC product: `find(id)` is each ResourceId's
    record (raising the product's NotFound)."""
    with lock:
        for resource_id in indexed(params, "ResourceId"):
            apply_tags(find(resource_id), params, untag=untag)
    return {}
