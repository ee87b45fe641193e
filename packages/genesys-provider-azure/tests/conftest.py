"""One `genesys-emulator azure` (ARM + Azurite) per test module; the azure plugin served in
this process over real gRPC and configured with the emulator's settings, as the core does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from genesys.provider.v1 import provider_pb2
from genesys_emulators.testing import running
from genesys_plugin_sdk.testing import serve_in_process
from genesys_provider_azure.main import build_plugin
from google.protobuf import struct_pb2


@pytest.fixture(scope="module")
def ready() -> Iterator[dict[str, Any]]:
    with running("azure") as line:
        yield line


@pytest.fixture(scope="module")
def conn(ready: dict[str, Any]) -> Iterator[Any]:
    settings = struct_pb2.Struct()
    settings.update({**ready["settings"], "resource_group": "plugin-tests"})
    with serve_in_process(build_plugin()) as connection:
        connection.provider.Configure(provider_pb2.ConfigureRequest(settings=settings))
        yield connection
