"""A Function App whose FUNCTIONS_WORKER_RUNTIME is `custom`: the Functions host starts the
deployed executable that host.json's `customHandler.description.defaultExecutablePath` names,
gives it its port in FUNCTIONS_CUSTOMHANDLER_PORT (and the app settings as its environment),
and, with `enableForwardingHttpRequest`, forwards each HTTP-trigger request to it as it came.

As the host does: routes are `extensions.http.routePrefix` (default `api`) plus each
function.json's httpTrigger `route` (default: the function's folder name); an `authLevel` of
`function` wants a function or master key (`x-functions-key` header or `code` query), `admin`
the master key, else 401; a method the trigger does not list is 404. Only forwarding is
served: the invocation-payload protocol (enableForwardingHttpRequest false) is refused.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from genesys_emulators.core import CloudError
from genesys_emulators.core.functions import FunctionCode, ProgramError, forward_http

if TYPE_CHECKING:
    from genesys_emulators.azure.arm import Arm

PORT_VARIABLE = "FUNCTIONS_CUSTOMHANDLER_PORT"


@dataclass(frozen=True)
class HttpFunction:
    name: str
    pattern: re.Pattern[str]
    methods: tuple[str, ...]  # upper case; empty: every method
    auth_level: str


def _host_down(reason: str) -> CloudError:
    return CloudError(503, "ServiceUnavailable", f"Function host is not running: {reason}")


def _host_json(code: FunctionCode) -> dict[str, Any]:
    path = code.directory / "host.json"
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError) as exc:
        raise _host_down(f"host.json is missing or invalid ({exc})") from None


def _route_pattern(route: str) -> re.Pattern[str]:
    """An Azure route template (`items/{id}`, `{*rest}`) as a regular expression."""
    parts = []
    for piece in re.split(r"(\{[^}]*\})", route.strip("/")):
        if piece.startswith("{*"):
            parts.append(".*")
        elif piece.startswith("{"):
            parts.append("[^/]+")
        else:
            parts.append(re.escape(piece))
    return re.compile("".join(parts), re.IGNORECASE)


def _functions(code: FunctionCode) -> list[HttpFunction]:
    found = []
    for spec in sorted(code.directory.glob("*/function.json")):
        bindings = json.loads(spec.read_text()).get("bindings") or []
        trigger = next((b for b in bindings if b.get("type") == "httpTrigger"), None)
        if trigger is None:
            continue
        name = spec.parent.name
        found.append(
            HttpFunction(
                name,
                _route_pattern(str(trigger.get("route") or name)),
                tuple(m.upper() for m in trigger.get("methods") or ()),
                str(trigger.get("authLevel") or "function").lower(),
            )
        )
    return found


def _matching(functions: list[HttpFunction], route: str, method: str) -> HttpFunction | None:
    for function in functions:
        if function.pattern.fullmatch(route) and (
            not function.methods or method in function.methods
        ):
            return function
    return None


def _authorized(arm: Arm, site: dict[str, Any], level: str, request: Request) -> bool:
    if level == "anonymous":
        return True
    given = request.headers.get("x-functions-key") or request.args.get("code") or ""
    host = arm.find(f"{site['id']}/host/default")
    keys = (host or {}).get("properties") or {}
    allowed = {keys.get("masterKey")}
    if level == "function":
        allowed |= set((keys.get("functionKeys") or {}).values())
    return bool(given) and given in allowed


def serve(
    arm: Arm, site: dict[str, Any], settings: dict[str, str], request: Request, rest: str
) -> Response:
    """One request to the app's host: routed, checked and forwarded to the custom handler."""
    code = site.get("_code")
    if code is None:
        raise CloudError(404, "FunctionNotFound", f"No function is deployed to {site['name']}.")
    host = _host_json(code)
    handler = host.get("customHandler") or {}
    executable = (handler.get("description") or {}).get("defaultExecutablePath")
    if not executable:
        raise _host_down("host.json has no customHandler.description.defaultExecutablePath")
    if not handler.get("enableForwardingHttpRequest"):
        raise _host_down("this emulator serves custom handlers with enableForwardingHttpRequest")
    prefix = str(((host.get("extensions") or {}).get("http") or {}).get("routePrefix", "api"))
    prefix = prefix.strip("/")
    route = rest.strip("/")
    if prefix:
        if not (route == prefix or route.startswith(prefix + "/")):
            return Response(status=404)
        route = route[len(prefix) :].strip("/")
    function = _matching(_functions(code), route, request.method)
    if function is None:
        return Response(status=404)
    if not _authorized(arm, site, function.auth_level, request):
        return Response(status=401)
    return _forward(code, executable, settings, request, rest, _timeout(host))


def _timeout(host: dict[str, Any]) -> float:
    """host.json's functionTimeout (hh:mm:ss); an HTTP trigger answers within 230 s anyway."""
    hours, _, rest = str(host.get("functionTimeout") or "").partition(":")
    minutes, _, seconds = rest.partition(":")
    try:
        given = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    except ValueError:
        return 230.0
    return min(given, 230.0)


def _forward(
    code: FunctionCode,
    executable: str,
    settings: dict[str, str],
    request: Request,
    rest: str,
    timeout: float,
) -> Response:
    path = "/" + rest.lstrip("/")
    query = request.query_string.decode()
    headers = [(k, v) for k, v in request.headers.items() if k.lower() != "host"]
    try:
        reply = forward_http(
            code,
            executable,
            request.method,
            path + (f"?{query}" if query else ""),
            headers,
            request.get_data(),
            environment=settings,
            timeout_s=timeout,
            port_variable=PORT_VARIABLE,
        )
    except ProgramError as exc:
        body = json.dumps({"error": str(exc), "logs": exc.logs})
        return Response(body, status=500, content_type="application/json")
    return Response(reply.body, status=reply.status, headers=reply.headers)
