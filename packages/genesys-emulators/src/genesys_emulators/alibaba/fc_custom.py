"""Function Compute's custom runtimes (`custom`, `custom.debian10/11/12`): the code is an
HTTP server the platform starts with `customRuntimeConfig.command` (default `bootstrap` in
the code directory, /code on FC) and talks to on `customRuntimeConfig.port` (9000 by
default).

An HTTP trigger's request (sent to the emulator's fc port with the trigger's host,
`<function>-<slug>.<region>.fcapp.run`, as the Host header) is forwarded to the server as it
came, and its response returned as is.

An InvokeFunction reaches the server as FC sends it: `POST /invoke`, the payload as an
`application/octet-stream` body, and FC's common headers (`x-fc-request-id`,
`x-fc-function-name`, `x-fc-function-handler`, `x-fc-control-path: /invoke`). The answer's
body is the result; a non-2xx status (or `x-fc-status: 404`) is a function error.

Unlike FC, which runs one server per instance on its fixed port, the emulator starts the
program per invocation (core.functions.forward_http) on a free port and tells it with
$PORT, so many functions can run side by side; the program must honour $PORT (the
Genesys Go contract says it does; FC itself sets no PORT, so the plugin sets PORT=9000).
"""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Request, Response

from genesys_emulators.alibaba.rpc import request_id
from genesys_emulators.core import CloudError
from genesys_emulators.core.functions import FunctionCode, Invocation, ProgramError, forward_http

CUSTOM_RUNTIMES = ("custom", "custom.debian10", "custom.debian11", "custom.debian12")
DEFAULT_PORT = 9000
CODE_ROOT = "/code/"  # where FC puts the code; a command may name it


def is_custom(runtime: str) -> bool:
    return runtime in CUSTOM_RUNTIMES


def custom_config(body: dict[str, Any]) -> dict[str, Any]:
    """customRuntimeConfig as FC stores it, after FC's checks."""
    raw = body.get("customRuntimeConfig") or {}
    if not isinstance(raw, dict):
        raise CloudError(400, "InvalidArgument", "customRuntimeConfig must be an object")
    command, args = raw.get("command") or [], raw.get("args") or []
    if not all(isinstance(part, str) and part for part in [*command, *args]):
        raise CloudError(
            400, "InvalidArgument", "customRuntimeConfig.command and args must be strings"
        )
    port = raw.get("port", DEFAULT_PORT)
    if not isinstance(port, int) or not 1 <= port <= 65535:
        raise CloudError(400, "InvalidArgument", f"customRuntimeConfig.port {port} is not valid")
    return {"command": list(command), "args": list(args), "port": port}


def executable(config: dict[str, Any]) -> str:
    """The code file the command starts: `./bootstrap`, `/code/bootstrap` or `bootstrap`."""
    command = config.get("command") or ["bootstrap"]
    first = str(command[0])
    for prefix in (CODE_ROOT, "./"):
        first = first.removeprefix(prefix)
    return first


def invoke_custom(
    code: FunctionCode, function: dict[str, Any], payload: bytes, timeout_s: float
) -> Invocation:
    """One event invocation: POST /invoke to a fresh run of the function's server."""
    config = function.get("customRuntimeConfig") or {}
    if config.get("args"):
        return Invocation(False, error="the emulator starts the command without args")
    headers = [
        ("Content-Type", "application/octet-stream"),
        ("x-fc-request-id", request_id().lower()),
        ("x-fc-function-name", function["functionName"]),
        ("x-fc-function-handler", function["handler"]),
        ("x-fc-function-memory", str(function["memorySize"])),
        ("x-fc-function-timeout", str(function["timeout"])),
        ("x-fc-control-path", "/invoke"),
    ]
    environment = {str(k): str(v) for k, v in function["environmentVariables"].items()}
    try:
        reply = forward_http(
            code,
            executable(config),
            "POST",
            "/invoke",
            headers,
            payload,
            environment=environment,
            timeout_s=timeout_s,
        )
    except ProgramError as err:
        return Invocation(False, error=str(err), logs=err.logs)
    failed = dict((k.lower(), v) for k, v in reply.headers).get("x-fc-status") == "404"
    text = reply.body.decode(errors="replace")
    if failed or not 200 <= reply.status < 300:
        return Invocation(False, error=f"HTTP {reply.status}: {text[:512]}", logs=reply.logs)
    return Invocation(True, text, logs=reply.logs)


def forward_trigger(
    code: FunctionCode, function: dict[str, Any], trigger: dict[str, Any], request: Request
) -> Response:
    """An HTTP trigger's request forwarded to a fresh run of a custom runtime's server."""
    methods = json.loads(trigger["triggerConfig"]).get("methods", [])
    if request.method not in methods:
        raise CloudError(405, "MethodNotAllowed", f"method {request.method} is not allowed")
    if not is_custom(function["runtime"]):
        raise CloudError(
            501, "NotImplemented", "the emulator serves http triggers of custom runtimes only"
        )
    query = request.query_string.decode()
    environment = {str(k): str(v) for k, v in function["environmentVariables"].items()}
    try:
        reply = forward_http(
            code,
            executable(function.get("customRuntimeConfig") or {}),
            request.method,
            request.path + (f"?{query}" if query else ""),
            [(k, v) for k, v in request.headers.items() if k.lower() != "host"],
            request.get_data(),
            environment=environment,
            timeout_s=float(function["timeout"]),
        )
    except ProgramError as err:
        raise CloudError(502, "FunctionNotStarted", str(err)) from None
    return Response(reply.body, status=reply.status, headers=reply.headers)
