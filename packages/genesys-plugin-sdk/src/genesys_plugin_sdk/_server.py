"""Builds the plugin's gRPC server: servicers, error boundary, health service."""

from __future__ import annotations

from collections.abc import Callable
from concurrent import futures
from typing import Any

import grpc

from genesys_plugin_sdk._boundary import ErrorBoundary, author_shutdown_of
from genesys_plugin_sdk.plugin import Plugin
from genesys_plugin_sdk.services import MESSAGE_SIZE_OPTIONS


def build_server(
    plugin: Plugin, on_shutdown: Callable[[], None] | None = None
) -> tuple[grpc.Server, Any]:
    """An unstarted server serving the plugin's servicers; returns (server, health servicer)."""
    from grpc_health.v1 import health, health_pb2, health_pb2_grpc

    boundary = ErrorBoundary(on_shutdown, author_shutdown_of(plugin.provider))
    server = grpc.server(
        futures.ThreadPoolExecutor(
            max_workers=plugin.max_workers, thread_name_prefix=f"plugin-{plugin.name}"
        ),
        interceptors=[boundary],
        options=list(MESSAGE_SIZE_OPTIONS),
    )
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    for role, servicer in plugin.servicers():
        role.add_to_server(servicer, server)
        health_servicer.set(role.full_name, health_pb2.HealthCheckResponse.SERVING)
    return server, health_servicer
