"""Azure's throttling and server errors reach the core as the protocol's retryable errors:
429 TooManyRequests -> Throttled carrying ARM's Retry-After, 503 -> Unavailable (the SDK's own
retries switched off, so the mapping itself is what answers)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import network_pb2, provider_pb2
from genesys_emulators.testing import running
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.testing import serve_in_process
from genesys_provider_azure.main import build_plugin
from google.protobuf import struct_pb2


@pytest.fixture(params=["throttle=1.0", "error=1.0"])
def faulty(request: Any) -> Iterator[tuple[str, Any]]:
    with running("azure", faults=request.param) as ready:
        settings = struct_pb2.Struct()
        settings.update({**ready["settings"], "resource_group": "faulty", "retry_total": 0})
        with serve_in_process(build_plugin()) as conn:
            conn.provider.Configure(provider_pb2.ConfigureRequest(settings=settings))
            yield request.param, conn


def test_throttling_and_server_errors_are_retryable_kinds(faulty: tuple[str, Any]) -> None:
    fault, conn = faulty
    config = pb.NetworkConfig(name="net", cidr="10.0.0.0/16")
    expected = errors.Throttled if fault.startswith("throttle") else errors.Unavailable
    with pytest.raises(expected) as caught:
        conn.network.CreateNetwork(
            network_pb2.CreateNetworkRequest(config=config, idempotency_token="t-1")
        )
    if expected is errors.Throttled:
        assert caught.value.retry_after == 1.0  # ARM's Retry-After
        assert caught.value.provider_code == "TooManyRequests"
