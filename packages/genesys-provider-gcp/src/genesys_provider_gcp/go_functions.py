"""Go functions on Cloud Functions v2 (runtime go121 / go122): the Genesys Go contract
(docs/config.md) on a runtime that builds a Go *function package*, not a program.

A Genesys Go function is an HTTP program, a main package serving on $PORT. Cloud Functions'
Go runtime builds the source it is given and calls an exported `func(http.ResponseWriter,
*http.Request)` of a non-main package, so a main package cannot be deployed as it is. The
source Genesys uploads is therefore:

    function.go    the Genesys adapter, package genesysfn (go_adapter/function.go, stdlib):
                   entry point `Handle` starts the program once per instance with PORT set
                   and forwards every request to it as it came
    program.go     `const programName = "<handler>"`
    go.mod         module genesys.dev/function
    <handler>      the user's program, built by Genesys from `source` for linux/amd64
                   (Cloud Functions' machines) with the SDK's go_build

Cloud Functions builds the adapter (its buildpack adds the Functions Framework), the program
rides along as a file of the source. The build is cached on disk by source content.
"""

from __future__ import annotations

import functools
from importlib import resources

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.go_build import GoBuildError, build_go_zip

DEFAULT_HANDLER = "bootstrap"
ENTRY_POINT = "Handle"
GOOS, GOARCH = "linux", "amd64"  # what Cloud Functions runs
GO_MOD = b"module genesys.dev/function\n\ngo 1.21\n"
ADAPTER_FILES = ("function.go", "program.go", "go.mod", "go.sum")


def is_go(runtime: str) -> bool:
    return runtime.startswith("go")


def handler_of(handler: str) -> str:
    return handler or DEFAULT_HANDLER


@functools.cache
def adapter_source() -> bytes:
    return resources.files(__package__).joinpath("go_adapter").joinpath("function.go").read_bytes()


def function_zip(source_zip: bytes, handler: str) -> bytes:
    """The source Cloud Functions builds: the adapter package plus the user's binary.

    A source that does not build is an InvalidArgument on the function's code, carrying go's
    own messages (the core reports it at the function's address)."""
    binary = handler_of(handler)
    if binary in ADAPTER_FILES:
        raise errors.InvalidArgument(
            f"handler {binary!r} is a file of the Cloud Functions adapter; name the program "
            "otherwise (bootstrap by default)",
            attribute_path="config.handler",
        )
    extra = {
        "function.go": adapter_source(),
        "program.go": f'package genesysfn\n\nconst programName = "{binary}"\n'.encode(),
        "go.mod": GO_MOD,
    }
    try:
        return build_go_zip(source_zip, binary=binary, goos=GOOS, goarch=GOARCH, extra=extra)
    except GoBuildError as exc:
        raise errors.InvalidArgument(exc.message, attribute_path="config.code") from None
