"""One `genesys-emulator gcp` for the session; the real `genesys-provider-gcp` executable started
by the core's plugin host (child process, handshake, mTLS) and configured with the emulator's
settings. Tests check what the plugin did through the Google SDKs (genesys_emulators.gcp.sdk),
never only through the plugin. Names carry a per-test suffix so tests share the emulator.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from genesys.provider.v1 import provider_pb2
from genesys_emulators.testing import running
from google.protobuf import struct_pb2


@pytest.fixture(scope="session")
def ready() -> Iterator[dict[str, Any]]:
    with running("gcp") as line:
        yield line


def configure_request(ready: dict[str, Any], **extra: Any) -> provider_pb2.ConfigureRequest:
    settings = struct_pb2.Struct()
    settings.update({**ready["settings"], "poll_interval": 0.05, "wait_timeout": 60, **extra})
    return provider_pb2.ConfigureRequest(region=ready["region"], settings=settings)


@pytest.fixture(scope="session")
def conn(ready: dict[str, Any]) -> Iterator[Any]:
    from genesys.plugins import launch_plugin

    with launch_plugin("gcp") as connection:
        connection.provider.Configure(configure_request(ready))
        yield connection


@pytest.fixture
def suffix() -> str:
    return uuid.uuid4().hex[:8]
