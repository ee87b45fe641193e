"""Go functions on Function Compute: the Genesys Go contract (docs/config.md) as an FC
custom runtime.

A Genesys Go function is an HTTP program serving on $PORT. FC's custom runtime is that
shape: FC starts `customRuntimeConfig.command` from the code directory and sends requests to
`customRuntimeConfig.port`. So the function is

    runtime custom.debian10, handler <binary>, customRuntimeConfig {command [./<binary>],
    port 9000}, environment PORT=9000 (FC sets no PORT; the program reads it)

and the code package holds only the user's binary, built from `source` for linux/amd64
(FC's machines) through the SDK's go_build, cached on disk, so a plan and its apply build
once. FC delivers an InvokeFunction to a custom runtime as `POST /invoke` with the payload
as the body: a program serving every path (Go's `http.HandleFunc("/", …)`) answers it.
"""

from __future__ import annotations

from typing import Any

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.go_build import GoBuildError, build_go_zip

DEFAULT_HANDLER = "bootstrap"
PORT = 9000  # customRuntimeConfig.port, FC's default for custom runtimes
GOOS, GOARCH = "linux", "amd64"


def is_go(runtime: str) -> bool:
    return runtime.startswith("go")


def handler_of(handler: str) -> str:
    return handler or DEFAULT_HANDLER


def fc_zip(source_zip: bytes, handler: str) -> bytes:
    """The code package: the built binary. A source that does not build is InvalidArgument
    on the function's code carrying go's own messages (reported at the function's address)."""
    try:
        return build_go_zip(source_zip, binary=handler_of(handler), goos=GOOS, goarch=GOARCH)
    except GoBuildError as exc:
        raise errors.InvalidArgument(exc.message, attribute_path="config.code") from None


def custom_runtime_fields(models: Any, handler: str, environment: dict[str, str]) -> dict[str, Any]:
    """CreateFunctionInput/UpdateFunctionInput fields that make FC start the binary."""
    binary = handler_of(handler)
    return {
        "handler": binary,
        "custom_runtime_config": models.CustomRuntimeConfig(command=[f"./{binary}"], port=PORT),
        "environment_variables": {"PORT": str(PORT), **environment},
    }
