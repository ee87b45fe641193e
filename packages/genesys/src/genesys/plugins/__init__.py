"""The core's side of the plugin protocol: find, start, handshake, connect, stop.

    from genesys.plugins import PluginManager, launch_plugin, PluginConnection, find_plugin

One module per role: discovery (where is the plugin), process (the child process), handshake
(its announcement line), tls (mutual TLS), connection (typed stubs, crash-aware errors),
logs (its stderr into our log), manager (one plugin per name per run).
"""

from __future__ import annotations

from genesys.plugins.connection import PluginConnection, launch_plugin
from genesys.plugins.discovery import find_plugin
from genesys.plugins.handshake import CORE_PROTOCOL_VERSIONS
from genesys.plugins.manager import PluginManager

__all__ = [
    "CORE_PROTOCOL_VERSIONS",
    "PluginConnection",
    "PluginManager",
    "find_plugin",
    "launch_plugin",
]
