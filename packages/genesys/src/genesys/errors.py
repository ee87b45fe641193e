"""The core's user-facing error tree.

    GenesysError            anything the CLI prints as one message and exits 1 on
    ├── ConfigError         a config file is wrong (carries located diagnostics)
    ├── PluginError         a provider plugin failed to start, crashed or misbehaved
    ├── StateError          state cannot be read, written or locked
    │   └── StateLockedError   someone else holds the lock (names the holder)
    └── ResourceError       an operation on one resource failed (names its address)

Foreign errors (grpc.RpcError, OSError, pydantic's ValidationError) are mapped into this tree
at the module that calls the foreign code; the CLI only ever catches GenesysError.
"""

from __future__ import annotations


class GenesysError(Exception):
    """An error for the user: `str(err)` is the whole message."""


class ConfigError(GenesysError):
    def __init__(self, diagnostics: list[object]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))


class PluginError(GenesysError):
    pass


class StateError(GenesysError):
    pass


class StateLockedError(StateError):
    pass


class ResourceError(GenesysError):
    def __init__(self, address: str, message: str) -> None:
        self.address = address
        super().__init__(f"{address}: {message}")
