"""The services a plugin can serve, by the attribute name `Plugin` and connections use."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

PROTO_PACKAGE = "genesys.provider.v1"


@dataclass(frozen=True)
class ServiceRole:
    """One gRPC service of the protocol: where its generated code lives and what it is called."""

    attr: str  # attribute on Plugin and on connections, e.g. "compute"
    module: str  # generated module, e.g. "compute_pb2_grpc"
    service: str  # service name in the proto, e.g. "ComputeService"

    @property
    def full_name(self) -> str:
        return f"{PROTO_PACKAGE}.{self.service}"

    def _generated(self) -> Any:
        return importlib.import_module(f"{PROTO_PACKAGE}.{self.module}")

    def add_to_server(self, servicer: object, server: Any) -> None:
        getattr(self._generated(), f"add_{self.service}Servicer_to_server")(servicer, server)

    def raw_stub(self, channel: Any) -> Any:
        return getattr(self._generated(), f"{self.service}Stub")(channel)

    def servicer_base(self) -> type:
        return getattr(self._generated(), f"{self.service}Servicer")  # type: ignore[no-any-return]


ROLES: tuple[ServiceRole, ...] = (
    ServiceRole("provider", "provider_pb2_grpc", "Provider"),
    ServiceRole("compute", "compute_pb2_grpc", "ComputeService"),
    ServiceRole("storage", "storage_pb2_grpc", "StorageService"),
    ServiceRole("network", "network_pb2_grpc", "NetworkService"),
    ServiceRole("database", "database_pb2_grpc", "DatabaseService"),
    ServiceRole("serverless", "serverless_pb2_grpc", "ServerlessService"),
    ServiceRole("state_store", "provider_pb2_grpc", "StateStore"),
)

SHUTDOWN_METHOD = f"/{PROTO_PACKAGE}.Provider/Shutdown"

# 64 MiB both ways: a batch read or a big schema must never hit gRPC's 4 MiB default.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
MESSAGE_SIZE_OPTIONS: tuple[tuple[str, int], ...] = (
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
)
