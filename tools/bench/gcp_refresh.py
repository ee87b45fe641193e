"""Refresh of 1,000 Compute Engine instances when every GCP API call takes 50 ms.

    uv run --all-packages python tools/bench/gcp_refresh.py [N] [--latency-ms 50]

Starts `genesys-emulator gcp --faults latency_ms=50`, makes N instances in one subnetwork with
google-cloud-compute itself (insert, 32 at a time), starts the gcp plugin the way the core
does (child process, handshake, mutual TLS), configures it with the emulator's settings and
times the engine's refresh (`planner.refresh`: ReadResources) of N instance records. The
plugin reads them with filtered aggregatedList calls, 100 names per call, instead of one
GET each; the emulator's count of answered requests is printed beside the time.
Target: 1,000 instances <= 3 s. Plugin start: `tools/bench/plugin_start.py gcp`.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from cloud_refresh import instance_records

TARGET_SECONDS = 3.0
ZONE = "us-central1-a"
IMAGE = "projects/ubuntu-os-cloud/global/images/family/ubuntu-2204-lts"


def make_instances(ready: dict[str, Any], count: int) -> list[str]:
    from genesys_emulators.gcp.sdk import compute_client

    url, project = ready["sdk"]["compute"], ready["account"]
    compute_client("NetworksClient", url).insert(
        project=project, network_resource={"name": "bench", "auto_create_subnetworks": False}
    ).result(timeout=60)
    compute_client("SubnetworksClient", url).insert(
        project=project,
        region="us-central1",
        subnetwork_resource={
            "name": "bench",
            "network": "global/networks/bench",
            "ip_cidr_range": "10.0.0.0/16",
        },
    ).result(timeout=60)
    instances = compute_client("InstancesClient", url)

    def insert(index: int) -> str:
        body = {
            "name": f"bench-{index}",
            "machine_type": f"zones/{ZONE}/machineTypes/n1-standard-1",
            "disks": [{"boot": True, "initialize_params": {"source_image": IMAGE}}],
            "network_interfaces": [{"subnetwork": "regions/us-central1/subnetworks/bench"}],
        }
        instances.insert_unary(project=project, zone=ZONE, instance_resource=body)
        return f"{ZONE}/bench-{index}"

    with ThreadPoolExecutor(32) as pool:
        return list(pool.map(insert, range(count)))


def time_refresh(ready: dict[str, Any], ids: list[str]) -> tuple[float, int]:
    from genesys.engine import planner
    from genesys.plugins import launch_plugin
    from genesys.provider.v1 import provider_pb2
    from google.protobuf import struct_pb2

    records = instance_records("gcp", ids)
    settings = struct_pb2.Struct()
    settings.update(ready["settings"])
    with launch_plugin("gcp") as conn:
        conn.provider.Configure(
            provider_pb2.ConfigureRequest(region=ready["region"], settings=settings)
        )
        planner.refresh(conn, dict(list(records.items())[:10]))  # clients made, SDK loaded
        started = time.perf_counter()
        result = planner.refresh(conn, records)
        elapsed = time.perf_counter() - started
    assert not result.gone and not result.errors, (
        len(result.gone),
        list(result.errors.items())[:3],
    )
    states = {r.attributes.get("state") for r in result.records.values()}
    assert states == {"running"}, states
    return elapsed, -(-len(ids) // 100)


def main() -> None:
    from genesys_emulators.testing import running

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=1000)
    parser.add_argument("--latency-ms", type=int, default=50)
    args = parser.parse_args()
    with running("gcp", faults=f"latency_ms={args.latency_ms}") as ready:
        ids = make_instances(ready, args.count)
        time.sleep(0.3)  # PROVISIONING -> STAGING -> RUNNING
        elapsed, calls = time_refresh(ready, ids)
    print(
        f"refresh of {args.count} Compute Engine instances, {args.latency_ms} ms per API call "
        f"({calls} filtered aggregatedList calls of 100 names; one GET each would be {args.count})"
    )
    verdict = "OK" if elapsed <= TARGET_SECONDS else "OVER TARGET"
    print(f"  engine refresh: {elapsed:.2f} s   target <= {TARGET_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
