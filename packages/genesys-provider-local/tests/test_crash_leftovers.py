"""A create whose plugin was killed half-way is rolled back when the next plugin starts."""

from __future__ import annotations

import subprocess
from pathlib import Path

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import network_pb2, provider_pb2
from genesys_plugin_sdk.batching import read_results
from genesys_plugin_sdk.testing import serve_in_process
from genesys_provider_local.main import build_plugin
from genesys_provider_local.network import _claim_range
from genesys_provider_local.registry import CREATING, Row, open_registry

from .conftest import configure_request


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def _leave_half_made_network(root: Path, cidr: str) -> None:
    """What a plugin SIGKILLed inside CreateNetwork leaves: the intent row, its CIDR held."""
    registry = open_registry(root)
    owner = {"owner_pid": _dead_pid(), "owner_start": "gone"}
    registry.insert(
        Row("net-halfmade", pb.RESOURCE_KIND_NETWORK, "main", "tok-1", CREATING, b"", owner)
    )
    _claim_range(registry, "net-halfmade", "", cidr, "network")
    registry.close()


def test_next_plugin_rolls_back_a_killed_create_and_frees_its_cidr(root: Path) -> None:
    _leave_half_made_network(root, "10.6.0.0/16")
    with serve_in_process(build_plugin()) as conn:
        conn.provider.Configure(configure_request(root))
        refs = [pb.ResourceRef(kind=pb.RESOURCE_KIND_NETWORK, idempotency_token="tok-1")]
        pages = conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=refs))
        assert [r.not_found for r in read_results(pages)] == [True]
        config = pb.NetworkConfig(name="main", cidr="10.6.0.0/16")
        made = conn.network.CreateNetwork(
            network_pb2.CreateNetworkRequest(config=config, idempotency_token="tok-2")
        )
        assert made.cidr == "10.6.0.0/16" and made.id != "net-halfmade"
