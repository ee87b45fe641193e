"""One `genesys-emulator tencent` for the session; the plugin served in process (real gRPC),
configured with the emulator's settings. Tests check what the plugin did through Tencent's
own SDKs against the same emulator, never only through the plugin; names carry a per-test
suffix so tests share the emulator."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from genesys_emulators.tencent.sdk import api_client, cos_client
from genesys_emulators.testing import running
from genesys_plugin_sdk.testing import InProcessConnection, serve_in_process
from genesys_provider_tencent.clients import TencentClients
from genesys_provider_tencent.main import build_plugin
from genesys_provider_tencent.testing import configure_request


@pytest.fixture(scope="session")
def ready() -> Iterator[dict[str, Any]]:
    with running("tencent") as line:
        yield line


@pytest.fixture(scope="session")
def clients() -> TencentClients:
    return TencentClients()


@pytest.fixture(scope="session")
def conn(ready: dict[str, Any], clients: TencentClients) -> Iterator[InProcessConnection]:
    with serve_in_process(build_plugin(clients)) as connection:
        connection.provider.Configure(configure_request(ready))
        yield connection


class Sdk:
    """Tencent's SDKs straight to the emulator, to check what the plugin did."""

    def __init__(self, ready: dict[str, Any]) -> None:
        self.ready = ready

    def call(self, product: str, action: str, **params: Any) -> dict[str, Any]:
        return dict(
            api_client(product, self.ready["sdk"][product]).call_json(action, params)["Response"]
        )

    def cos(self) -> Any:
        return cos_client(self.ready["sdk"]["cos"])


@pytest.fixture(scope="session")
def sdk(ready: dict[str, Any]) -> Sdk:
    return Sdk(ready)


@pytest.fixture
def suffix() -> str:
    return uuid.uuid4().hex[:8]
