"""Refresh of 1,000 CVM instances when every Tencent API call takes 50 ms.

    uv run --all-packages python tools/bench/tencent_refresh.py [N] [--latency-ms 50]

Starts `genesys-emulator tencent --faults latency_ms=50`, makes N instances in one subnet with
Tencent's own SDK (RunInstances, 100 per call), starts the tencent plugin the way the core
does (child process, handshake, mutual TLS), configures it with the emulator's settings and
times the engine's refresh (`planner.refresh`: ReadResources batches of 1,000 refs) of N
instance records. The plugin reads them with DescribeInstances, 100 ids per call. Target:
1,000 instances <= 3 s.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from cloud_refresh import time_instance_refresh

TARGET_SECONDS = 3.0


def make_instances(ready: dict[str, Any], count: int) -> list[str]:
    from genesys_emulators.tencent.sdk import api_client

    vpc_client, cvm = api_client("vpc", ready["sdk"]["vpc"]), api_client("cvm", ready["sdk"]["cvm"])
    vpc = vpc_client.call_json("CreateVpc", {"VpcName": "bench", "CidrBlock": "10.0.0.0/16"})
    vpc_id = vpc["Response"]["Vpc"]["VpcId"]
    subnet = vpc_client.call_json(
        "CreateSubnet",
        {
            "VpcId": vpc_id,
            "SubnetName": "bench",
            "CidrBlock": "10.0.0.0/20",
            "Zone": "ap-guangzhou-3",
        },
    )
    launch = {
        "Placement": {"Zone": "ap-guangzhou-3"},
        "InstanceType": "S5.MEDIUM4",
        "ImageId": "img-487zeit5",
        "VirtualPrivateCloud": {
            "VpcId": vpc_id,
            "SubnetId": subnet["Response"]["Subnet"]["SubnetId"],
        },
    }
    ids: list[str] = []
    while len(ids) < count:
        batch = min(100, count - len(ids))
        made = cvm.call_json("RunInstances", {**launch, "InstanceCount": batch})
        ids += made["Response"]["InstanceIdSet"]
    return ids


def time_refresh(ready: dict[str, Any], ids: list[str]) -> float:
    from genesys_provider_tencent.testing import configure_request

    return time_instance_refresh("tencent", configure_request(ready), ids)


def main() -> None:
    from genesys_emulators.testing import running

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=1000)
    parser.add_argument("--latency-ms", type=int, default=50)
    args = parser.parse_args()
    with running("tencent", faults=f"latency_ms={args.latency_ms}") as ready:
        ids = make_instances(ready, args.count)
        time.sleep(0.2)  # PENDING -> RUNNING
        elapsed = time_refresh(ready, ids)
    calls = -(-args.count // 100)
    print(
        f"refresh of {args.count} CVM instances, {args.latency_ms} ms per API call "
        f"({calls} DescribeInstances calls of 100 ids)"
    )
    verdict = "OK" if elapsed <= TARGET_SECONDS else "OVER TARGET"
    print(f"  engine refresh: {elapsed:.2f} s   target <= {TARGET_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
