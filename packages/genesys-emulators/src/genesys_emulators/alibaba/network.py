"""What ECS, VPC, SLB and RDS share: one store, vSwitch lookups and private address allocation."""

from __future__ import annotations

import ipaddress
import threading
from typing import Any

from genesys_emulators.core import CloudError, Store


class VpcState:
    """The account's shared records; VPC owns vpcs/vswitches, ECS instances/groups/disks."""

    def __init__(self) -> None:
        self.store = Store()

    def vpc(self, vpc_id: str) -> dict[str, Any]:
        def missing() -> CloudError:
            return CloudError(
                404, "InvalidVpcId.NotFound", f"Specified VPC {vpc_id} does not exist."
            )

        return self.store.get("vpcs", vpc_id, missing)

    def vswitch(self, vswitch_id: str) -> dict[str, Any]:
        def missing() -> CloudError:
            return CloudError(
                404,
                "InvalidVSwitchId.NotFound",
                f"Specified virtual switch {vswitch_id} does not exist.",
            )

        return self.store.get("vswitches", vswitch_id, missing)

    def users_of_vswitch(self, vswitch_id: str) -> list[str]:
        users = [
            i["InstanceId"]
            for i in self.store.values("instances")
            if i["VpcAttributes"]["VSwitchId"] == vswitch_id
        ]
        users += [
            d["DBInstanceId"]
            for collection in ("rds", "dds")
            for d in self.store.values(collection)
            if d.get("VSwitchId") == vswitch_id and d["_transition"].current() != "Deleted"
        ]
        users += [
            b["LoadBalancerId"]
            for b in self.store.values("slb")
            if b.get("VSwitchId") == vswitch_id
        ]
        return users


class Addresses:
    """Private IPs handed out per vSwitch in order, after the few the cloud reserves."""

    RESERVED = 3  # the network address and the vRouter's

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, int] = {}

    def next(self, vswitch: dict[str, Any]) -> str:
        network = ipaddress.ip_network(vswitch["CidrBlock"])
        with self._lock:
            offset = self._next.get(vswitch["VSwitchId"], self.RESERVED)
            self._next[vswitch["VSwitchId"]] = offset + 1
        if offset >= network.num_addresses - 1:
            raise CloudError(
                403,
                "InvalidVSwitchId.IpNotEnough",
                "The specified VSwitch has not enough IP addresses.",
            )
        return str(network.network_address + offset)
