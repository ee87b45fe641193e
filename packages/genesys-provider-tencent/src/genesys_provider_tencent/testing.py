"""Test support: point the plugin (and conformance runs) at `genesys-emulator tencent`.

    with running("tencent") as ready:                 # genesys_emulators.testing
        request = configure_request(ready)            # Configure the in-process plugin
        run_conformance("tencent", **conformance_arguments(ready))

Only the emulator's ready line is used: its `settings` are the config's `providers.tencent`
block, exactly what a user pastes.
"""

from __future__ import annotations

from typing import Any

from genesys.provider.v1 import provider_pb2
from google.protobuf import struct_pb2


def configure_request(ready: dict[str, Any], **overrides: Any) -> provider_pb2.ConfigureRequest:
    settings = struct_pb2.Struct()
    settings.update({**ready["settings"], **overrides})
    return provider_pb2.ConfigureRequest(region=ready["region"], settings=settings)


def conformance_arguments(ready: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments of genesys.conformance.run_conformance for the emulator."""
    settings = {k: v for k, v in ready["settings"].items() if k != "endpoints"}
    return {
        "settings": settings,
        "region": ready["region"],
        "endpoints": dict(ready["settings"]["endpoints"]),
    }
