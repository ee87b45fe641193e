"""Go functions (runtime go1.21, go1.22) as Azure Functions custom handlers.

The source is built for linux/amd64 by genesys_plugin_sdk.go_build into the executable the
`handler` names, and zip-deployed with what the Functions host needs to run it:

- host.json: `customHandler.description.defaultExecutablePath` and
  `enableForwardingHttpRequest: true`, so each request reaches the program as it came, and
  `extensions.http.routePrefix: ""`, so paths are not moved under /api: an invocation is
  `POST /` with the event as its body and an HTTP trigger's path is the program's path;
- genesys/function.json: one HTTP trigger on every route (`{*path}`), anonymous when the
  config has an HTTP trigger, else `function` (InvokeFunction sends the app's master key);
- genesys-launch, the defaultExecutablePath: the host gives a custom handler its port in
  FUNCTIONS_CUSTOMHANDLER_PORT, chosen when it starts the process, while a Genesys Go program
  serves on $PORT; no app setting can know that port in advance, so this two-line sh script
  sets PORT from it and execs the binary.
"""

from __future__ import annotations

import json
from typing import Any

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.go_build import GoBuildError, build_go_zip

from genesys_provider_azure import tables

LAUNCHER = "genesys-launch"
DEFAULT_BINARY = "bootstrap"


def is_go(runtime: str) -> bool:
    return runtime in tables.GO_RUNTIMES


def launcher(binary: str) -> bytes:
    return (
        "#!/bin/sh\n"
        "# Azure's Functions host names the custom handler's port in "
        "FUNCTIONS_CUSTOMHANDLER_PORT; the program serves on $PORT.\n"
        'PORT="${FUNCTIONS_CUSTOMHANDLER_PORT:-$PORT}"\n'
        "export PORT\n"
        f'exec "$(dirname "$0")/{binary}" "$@"\n'
    ).encode()


def host_json(timeout_s: int) -> bytes:
    minutes, seconds = divmod(timeout_s or 30, 60)
    host = {
        "version": "2.0",
        "functionTimeout": f"00:{minutes:02d}:{seconds:02d}",
        "extensionBundle": {
            "id": "Microsoft.Azure.Functions.ExtensionBundle",
            "version": "[4.*, 5.0.0)",
        },
        "extensions": {"http": {"routePrefix": ""}},
        "customHandler": {
            "description": {"defaultExecutablePath": LAUNCHER, "workingDirectory": ""},
            "enableForwardingHttpRequest": True,
        },
    }
    return json.dumps(host, indent=2, sort_keys=True).encode()


def function_json(public: bool) -> bytes:
    trigger = {
        "type": "httpTrigger",
        "direction": "in",
        "name": "req",
        "authLevel": "anonymous" if public else "function",
        "route": "{*path}",
    }
    out = {"type": "http", "direction": "out", "name": "res"}
    return json.dumps({"bindings": [trigger, out]}, indent=2, sort_keys=True).encode()


def package(config: Any) -> bytes:
    """The deployment zip: the built binary, the launcher, host.json and the trigger."""
    binary = config.handler or DEFAULT_BINARY
    public = any(t.type == "http" for t in config.triggers)
    extra = {
        "host.json": host_json(config.timeout_s),
        "genesys/function.json": function_json(public),
        LAUNCHER: launcher(binary),
    }
    try:
        return build_go_zip(
            config.code.zip, binary=binary, goos="linux", goarch="amd64", extra=extra
        )
    except GoBuildError as exc:
        raise errors.InvalidArgument(exc.message, attribute_path="config.code") from None
