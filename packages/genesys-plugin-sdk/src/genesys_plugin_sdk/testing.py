"""Test helpers for plugin authors: serve a plugin in this process over a real gRPC server.

    with serve_in_process(plugin) as conn:
        conn.provider.GetMetadata(provider_pb2.GetMetadataRequest())
        conn.compute.GetInstance(...)   # raises genesys_plugin_sdk.errors.NotFound etc.

The server runs the same error boundary as `serve()`, on a Unix socket in a private temp dir
(TCP on 127.0.0.1 where Unix sockets are unavailable), without TLS. Stubs for services the
plugin does not serve exist too; their calls raise `errors.Unimplemented`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator

import grpc

from genesys_plugin_sdk._server import build_server
from genesys_plugin_sdk.client import ServiceStubs
from genesys_plugin_sdk.plugin import Plugin
from genesys_plugin_sdk.services import MESSAGE_SIZE_OPTIONS

__all__ = ["InProcessConnection", "serve_in_process"]


class InProcessConnection(ServiceStubs):
    """`.channel` plus typed stubs `.provider`, `.compute`, ..., `.state_store`."""

    def __init__(
        self,
        channel: grpc.Channel,
        address: str,
        plugin: Plugin,
        shutdown_requested: threading.Event,
    ) -> None:
        super().__init__(channel)
        self.address = address
        self.plugin = plugin
        # Set when the plugin received Provider/Shutdown (the in-process server keeps serving).
        self.shutdown_requested = shutdown_requested


def _bind(server: grpc.Server, socket_dir: str) -> str:
    if hasattr(os, "fork"):  # POSIX: Unix sockets are available
        address = f"unix:{os.path.join(socket_dir, 'plugin.sock')}"
        with contextlib.suppress(RuntimeError):
            if server.add_insecure_port(address):
                return address
    port = server.add_insecure_port("127.0.0.1:0")
    return f"127.0.0.1:{port}"


@contextlib.contextmanager
def serve_in_process(plugin: Plugin, *, grace: float = 1.0) -> Iterator[InProcessConnection]:
    """Serves `plugin` on a real gRPC server for the duration of the block."""
    shutdown_requested = threading.Event()
    server, _health = build_server(plugin, on_shutdown=shutdown_requested.set)
    socket_dir = tempfile.mkdtemp(prefix="genesys-plugin-test-")
    channel = None
    try:
        address = _bind(server, socket_dir)
        server.start()
        channel = grpc.insecure_channel(address, options=list(MESSAGE_SIZE_OPTIONS))
        grpc.channel_ready_future(channel).result(timeout=10)
        yield InProcessConnection(channel, address, plugin, shutdown_requested)
    finally:
        if channel is not None:
            channel.close()
        server.stop(grace).wait()
        shutil.rmtree(socket_dir, ignore_errors=True)
