"""Refresh of 1,000 ECS instances when every Alibaba API call takes 50 ms.

    uv run --all-packages python tools/bench/alibaba_refresh.py [N] [--latency-ms 50]

Starts `genesys-emulator alibaba --faults latency_ms=50`, makes N instances in one vSwitch
with Alibaba's own SDK (RunInstances, Amount=100 per call), starts the alibaba plugin the
way the core does (child process, handshake, mutual TLS), configures it with the emulator's
endpoints and times the engine's refresh (`planner.refresh`: ReadResources) of N instance
records. The plugin reads them with DescribeInstances, 100 ids per call. Target: 1,000
instances <= 3 s. Plugin start is measured by `tools/bench/plugin_start.py alibaba`.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

from cloud_refresh import time_instance_refresh

TARGET_SECONDS = 3.0
REGION = "us-east-1"
KEY = ("LTAI5tBenchKey000000000", "bench-secret")


def _call(ready: dict[str, Any], product: str, request: Any, **params: Any) -> dict[str, Any]:
    from aliyunsdkcore.client import AcsClient

    request.set_endpoint(ready["sdk"][product].removeprefix("http://"))
    request.set_protocol_type("http")
    request.add_query_param("RegionId", REGION)
    for name, value in params.items():
        request.add_query_param(name, str(value))
    client = AcsClient(*KEY, REGION, auto_retry=False)
    return dict(json.loads(client.do_action_with_exception(request)))


def make_instances(ready: dict[str, Any], count: int) -> list[str]:
    from aliyunsdkecs.request.v20140526 import CreateSecurityGroupRequest, RunInstancesRequest
    from aliyunsdkvpc.request.v20160428 import CreateVpcRequest, CreateVSwitchRequest

    vpc = _call(ready, "vpc", CreateVpcRequest.CreateVpcRequest(), CidrBlock="10.0.0.0/16")["VpcId"]
    time.sleep(0.1)  # Pending -> Available
    switch = _call(
        ready,
        "vpc",
        CreateVSwitchRequest.CreateVSwitchRequest(),
        VpcId=vpc,
        ZoneId=f"{REGION}a",
        CidrBlock="10.0.0.0/20",
    )["VSwitchId"]
    group = _call(ready, "ecs", CreateSecurityGroupRequest.CreateSecurityGroupRequest(), VpcId=vpc)
    ids: list[str] = []
    while len(ids) < count:
        made = _call(
            ready,
            "ecs",
            RunInstancesRequest.RunInstancesRequest(),
            InstanceType="ecs.t6-c1m2.large",
            ImageId="ubuntu_22_04_x64_20G_alibase_20240130.vhd",
            VSwitchId=switch,
            SecurityGroupId=group["SecurityGroupId"],
            Amount=min(100, count - len(ids)),
        )
        ids += made["InstanceIdSets"]["InstanceIdSet"]
    return ids


def time_refresh(ready: dict[str, Any], ids: list[str]) -> float:
    from genesys.provider.v1 import provider_pb2

    os.environ.update(ALIBABA_CLOUD_ACCESS_KEY_ID=KEY[0], ALIBABA_CLOUD_ACCESS_KEY_SECRET=KEY[1])
    configure = provider_pb2.ConfigureRequest(region=REGION, endpoints=ready["sdk"])
    return time_instance_refresh("alibaba", configure, ids)


def main() -> None:
    from genesys_emulators.testing import running

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=1000)
    parser.add_argument("--latency-ms", type=int, default=50)
    args = parser.parse_args()
    with running("alibaba", faults=f"latency_ms={args.latency_ms}") as ready:
        ids = make_instances(ready, args.count)
        time.sleep(0.2)  # Pending -> Starting -> Running
        elapsed = time_refresh(ready, ids)
    calls = -(-args.count // 100)
    print(
        f"refresh of {args.count} ECS instances, {args.latency_ms} ms per API call "
        f"({calls} DescribeInstances calls of 100 ids)"
    )
    verdict = "OK" if elapsed <= TARGET_SECONDS else "OVER TARGET"
    print(f"  engine refresh: {elapsed:.2f} s   target <= {TARGET_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
