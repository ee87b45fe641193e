"""Go functions on SCF: the Genesys Go contract (docs/config.md) as an SCF web function.

A Genesys Go function is an HTTP program serving on $PORT. SCF's web functions (Type HTTP)
are exactly that shape: SCF starts the executable `scf_bootstrap` from the code package and
its proxy sends every request to port 9000. So the package uploaded holds

    <handler>        the user's binary, built from `source` for linux/amd64 (SCF's machines)
    scf_bootstrap    `exec ./<handler>` with PORT=9000 (PORT honoured where already set)

with Runtime Go1 (SCF's Go environment) and the Handler naming the binary. The build goes
through the SDK's go_build, cached on disk, so a plan and its apply build once.
"""

from __future__ import annotations

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.go_build import GoBuildError, build_go_zip

DEFAULT_HANDLER = "bootstrap"
BOOTSTRAP = "scf_bootstrap"
WEB_PORT = 9000  # where SCF's proxy sends a web function's requests
GOOS, GOARCH = "linux", "amd64"


def is_go(runtime: str) -> bool:
    return runtime.startswith("go")


def handler_of(handler: str) -> str:
    return handler or DEFAULT_HANDLER


def bootstrap_script(binary: str) -> bytes:
    # bash, LF endings and an exec bit: SCF's rules for scf_bootstrap
    return (f'#!/bin/bash\nexport PORT="${{PORT:-{WEB_PORT}}}"\nexec ./{binary}\n').encode()


def scf_zip(source_zip: bytes, handler: str) -> bytes:
    """The web function's package; a source that does not build is an InvalidArgument on
    the function's code carrying go's own messages (reported at the function's address)."""
    binary = handler_of(handler)
    try:
        return build_go_zip(
            source_zip,
            binary=binary,
            goos=GOOS,
            goarch=GOARCH,
            extra={BOOTSTRAP: bootstrap_script(binary)},
        )
    except GoBuildError as exc:
        raise errors.InvalidArgument(exc.message, attribute_path="config.code") from None
