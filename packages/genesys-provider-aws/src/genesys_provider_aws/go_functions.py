"""Go functions on Lambda: the Genesys Go contract (docs/config.md) on the `provided.al2023`
custom runtime.

A Genesys Go function is an HTTP program serving on $PORT (an invocation is POST / with the
event as the body). Lambda runs an executable named `bootstrap` that speaks the Runtime API
instead, so the zip uploaded holds two programs:

    bootstrap              the Genesys adapter (go_adapter/bootstrap.go, stdlib only)
    program/<handler>      the user's binary, built from `source` for linux/amd64

The Lambda Handler is the user's handler (`bootstrap` when unset, the contract's default);
Lambda hands it to the adapter as _HANDLER, which is how it finds the program. The user's
binary sits in `program/` so that a handler named `bootstrap` does not collide with the
adapter. Both builds go through the SDK's go_build, cached on disk: the adapter is built
once per machine, a source once per content.
"""

from __future__ import annotations

import functools
import io
import zipfile
from importlib import resources

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.go_build import GoBuildError, build_go_zip

DEFAULT_HANDLER = "bootstrap"
PROGRAM_DIR = "program"
ADAPTER = "bootstrap"
# Lambda's default architecture (create_function sets none): x86_64.
GOOS, GOARCH = "linux", "amd64"
_EPOCH = (1980, 1, 1, 0, 0, 0)


def is_go(runtime: str) -> bool:
    return runtime.startswith("go")


def handler_of(handler: str) -> str:
    return handler or DEFAULT_HANDLER


def lambda_zip(source_zip: bytes, handler: str) -> bytes:
    """The zip Lambda runs: the adapter as `bootstrap`, the user's binary in program/.

    A source that does not build is an InvalidArgument on the function's code, carrying go's
    own messages (the core reports it at the function's address)."""
    binary = handler_of(handler)
    try:
        program = _only_file(build_go_zip(source_zip, binary=binary, goos=GOOS, goarch=GOARCH))
        adapter = adapter_binary()
    except GoBuildError as exc:
        raise errors.InvalidArgument(exc.message, attribute_path="config.code") from None
    return _zip({ADAPTER: (adapter, True), f"{PROGRAM_DIR}/{binary}": (program, True)})


@functools.cache
def adapter_binary() -> bytes:
    """The adapter built for Lambda (the SDK's build cache keeps it across processes)."""
    folder = resources.files(__package__).joinpath("go_adapter")
    source = folder.joinpath("bootstrap.go").read_bytes()
    built = build_go_zip(
        _zip({"main.go": (source, False)}), binary=ADAPTER, goos=GOOS, goarch=GOARCH
    )
    return _only_file(built)


def _only_file(built_zip: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(built_zip)) as archive:
        (entry,) = archive.infolist()
        return archive.read(entry)


def _zip(entries: dict[str, tuple[bytes, bool]]) -> bytes:
    """Deterministic (sorted, fixed timestamps, stored), with unix modes: Lambda needs the
    exec bit on both programs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(entries):
            data, executable = entries[name]
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.create_system = 3
            info.external_attr = (0o100755 if executable else 0o100644) << 16
            archive.writestr(info, data)
    return buffer.getvalue()
