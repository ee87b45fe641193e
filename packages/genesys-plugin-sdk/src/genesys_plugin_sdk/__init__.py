"""Write Genesys provider plugins in Python.

    from genesys_plugin_sdk import Plugin, serve, errors

    serve(Plugin(name="local", version="0.1.0", provider=MyProvider(), compute=MyCompute()))

`serve` runs the handshake with the core and serves until Shutdown, parent death or SIGTERM.
Raise `errors.NotFound(...)` & co. from servicers; `testing.serve_in_process` runs a plugin in
a test. `get_logger(name)` gives a logger whose records reach the core's log.
"""

from __future__ import annotations

from typing import NoReturn

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.log import get_logger
from genesys_plugin_sdk.plugin import SUPPORTED_PROTOCOL_VERSIONS, Plugin

__all__ = ["SUPPORTED_PROTOCOL_VERSIONS", "Plugin", "errors", "get_logger", "serve"]


def serve(plugin: Plugin) -> NoReturn:
    """Runs the plugin: handshake, serve, exit. Never returns."""
    from genesys_plugin_sdk.server import serve as _serve

    _serve(plugin)
