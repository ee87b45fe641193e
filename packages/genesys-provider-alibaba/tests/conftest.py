"""One `genesys-emulator alibaba` for the session and the plugin served in process (real
gRPC), configured with the emulator's settings; checks go through oss2 straight to the
emulator. Names carry a per-test suffix so tests share the emulator."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from genesys.provider.v1 import provider_pb2
from genesys_emulators.testing import running
from genesys_plugin_sdk.testing import InProcessConnection, serve_in_process
from genesys_provider_alibaba.main import build_plugin
from google.protobuf import struct_pb2


@pytest.fixture(scope="session")
def ready() -> Iterator[dict[str, Any]]:
    with running("alibaba") as line:
        yield line


@pytest.fixture(scope="session")
def conn(ready: dict[str, Any]) -> Iterator[InProcessConnection]:
    settings = struct_pb2.Struct()
    settings.update(ready["settings"])
    with serve_in_process(build_plugin()) as connection:
        connection.provider.Configure(
            provider_pb2.ConfigureRequest(region=ready["region"], settings=settings)
        )
        yield connection


@pytest.fixture
def oss_bucket(ready: dict[str, Any]) -> Any:
    """oss2.Bucket(name) straight to the emulator."""
    import oss2

    settings = ready["settings"]
    auth = oss2.Auth(settings["access_key_id"], settings["access_key_secret"])
    return lambda name: oss2.Bucket(auth, ready["sdk"]["oss"], name)


@pytest.fixture
def suffix() -> str:
    return uuid.uuid4().hex[:8]
