"""Write Genesys provider plugins in Python.

    from genesys_plugin_sdk import Plugin, serve, errors

    serve(Plugin(name="local", version="0.1.0", provider=MyProvider(), compute=MyCompute()))

`serve` runs the handshake with the core and serves until Shutdown, parent death or SIGTERM.
Raise `errors.NotFound(...)` & co. from servicers; `testing.serve_in_process` runs a plugin in
a test. `get_logger(name)` gives a logger whose records reach the core's log.

What every cloud plugin repeats (see docs/plugin-sdk.md):
- `handlers.KindHandler` / `KindFunctions`: one object per resource kind;
  `servicers.servicers_for(handlers, extra=..., translate=...)` makes the gRPC servicers.
- `provider_base.ProviderBase`: the Provider service over hooks (metadata, schema, settings,
  identity, validate, plan, close); `provider_metadata(...)`.
- `reads`: `read_one`, `read_in_chunks`, `ReadPool`, `read_each`, `read_resources`.
- `waiters.Waiter`: many concurrent waits of one kind served by one polling loop.
- `cloud_errors`: `ErrorTable` + `ErrorTranslator` map cloud errors to typed ones.
- `state_objects.ObjectStateStore`: the StateStore service over a bucket's five object calls.
- `tags`, `paging`, `client_cache`, `schema`, `kinds`: tokens, filters, pages, lazy clients,
  GetSchema plumbing and the protocol's kind table.
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
