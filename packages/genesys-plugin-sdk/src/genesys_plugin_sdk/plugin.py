"""`Plugin`: what a plugin author hands to `serve()`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from genesys_plugin_sdk.services import ROLES, ServiceRole

SUPPORTED_PROTOCOL_VERSIONS: tuple[int, ...] = (1,)


@dataclass
class Plugin:
    """A provider plugin: its identity and one servicer per service it offers.

    `provider` is required (a `provider_pb2_grpc.ProviderServicer` subclass instance); the
    others are optional and are simply not served when None (calls get UNIMPLEMENTED).
    """

    name: str
    version: str
    provider: Any
    compute: Any = None
    storage: Any = None
    network: Any = None
    database: Any = None
    serverless: Any = None
    state_store: Any = None
    # Protocol versions this plugin speaks; the highest one the core also speaks is used.
    protocol_versions: tuple[int, ...] = SUPPORTED_PROTOCOL_VERSIONS
    # Worker threads serving RPCs concurrently (the core's parallelism is usually lower).
    max_workers: int = 32
    # Seconds in-flight calls get to finish after Shutdown / SIGTERM before they are cut.
    shutdown_grace: float = 5.0

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("Plugin.name must not be empty")
        if self.provider is None:
            raise ValueError("Plugin.provider is required (a ProviderServicer instance)")
        for role in ROLES:
            servicer = getattr(self, role.attr)
            if servicer is not None and not isinstance(servicer, role.servicer_base()):
                raise TypeError(
                    f"Plugin.{role.attr} must be a {role.module}.{role.service}Servicer "
                    f"subclass instance, got {type(servicer).__name__}"
                )

    def servicers(self) -> list[tuple[ServiceRole, Any]]:
        """The (role, servicer) pairs to serve, in ROLES order, Nones left out."""
        pairs = [(role, getattr(self, role.attr)) for role in ROLES]
        return [(role, servicer) for role, servicer in pairs if servicer is not None]
