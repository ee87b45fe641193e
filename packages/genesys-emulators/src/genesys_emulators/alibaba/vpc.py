"""VPC (Version 2016-04-28): VPCs, vSwitches (zonal), EIPs, zones and tags.

A VPC is `Pending` for a moment after CreateVpc, then `Available`; a vSwitch's CIDR must lie
inside its VPC's and overlap no sibling; deleting a VPC that still holds vSwitches or
security groups, or a vSwitch still used by an instance, is DependencyViolation.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from genesys_emulators.alibaba import catalog
from genesys_emulators.alibaba.network import VpcState
from genesys_emulators.alibaba.rpc import (
    Params,
    RpcDialect,
    RpcService,
    apply_tags,
    id_list,
    indexed,
    matches_tags,
    page,
    public,
    region,
    required,
    tag_view,
    tags_in,
)
from genesys_emulators.core import CloudError, FaultPlan
from genesys_emulators.core.operations import Transition

STEP = 0.05
COLLECTIONS = {"VPC": "vpcs", "VSWITCH": "vswitches", "EIP": "eips"}


def _network(cidr: str, code: str) -> ipaddress.IPv4Network:
    try:
        return ipaddress.IPv4Network(cidr)
    except ValueError:
        raise CloudError(400, code, f"Specified CIDR block {cidr} is not valid.") from None


def _by_token(records: list[dict[str, Any]], token: str) -> dict[str, Any] | None:
    return next((r for r in records if token and r["_token"] == token), None)


class Vpc(RpcService):
    version = "2016-04-28"
    product = "Vpc"
    dialect = RpcDialect("vpc.aliyuncs.com")

    def __init__(self, state: VpcState, faults: FaultPlan | None = None) -> None:
        super().__init__(faults)
        self.state = state
        self.store = state.store

    def do_DescribeZones(self, params: Params) -> dict[str, Any]:
        zones = [
            {"ZoneId": z, "LocalName": z, "ZoneType": "AvailabilityZone"}
            for z in catalog.zones_of(region(params))
        ]
        return {"Zones": {"Zone": zones}}

    # ------------------------------------------------------------ VPCs

    def do_CreateVpc(self, params: Params) -> dict[str, Any]:
        where = region(params)
        cidr = params.get("CidrBlock") or "172.16.0.0/12"
        network = _network(cidr, "InvalidCidrBlock.Malformed")
        if not 8 <= network.prefixlen <= 28:
            raise CloudError(
                400, "InvalidCidrBlock.Malformed", "The CIDR block mask must be from 8 to 28."
            )
        with self.store.lock:
            earlier = _by_token(self.store.values("vpcs"), params.get("ClientToken", ""))
            if earlier:
                return {
                    k: earlier[k] for k in ("VpcId", "VRouterId", "RouteTableId", "ResourceGroupId")
                }
            vpc_id = f"vpc-{self.store.new_id()}"
            record = {
                "VpcId": vpc_id,
                "VpcName": params.get("VpcName", ""),
                "Description": params.get("Description", ""),
                "CidrBlock": str(network),
                "RegionId": where,
                "VRouterId": f"vrt-{self.store.new_id()}",
                "RouteTableId": f"vtb-{self.store.new_id()}",
                "ResourceGroupId": "rg-default",
                "IsDefault": False,
                "_token": params.get("ClientToken", ""),
                "_tags": tags_in(params),
                "_transition": Transition(("Pending", "Available"), STEP),
            }
            self.store.put("vpcs", vpc_id, record)
        return {k: record[k] for k in ("VpcId", "VRouterId", "RouteTableId", "ResourceGroupId")}

    def do_DescribeVpcs(self, params: Params) -> dict[str, Any]:
        where = region(params)
        ids = id_list(params, "VpcId", limit=20)
        wanted = tags_in(params)
        found = [
            v
            for v in self.store.values("vpcs")
            if v["RegionId"] == where
            and (ids is None or v["VpcId"] in ids)
            and (not params.get("VpcName") or v["VpcName"] == params["VpcName"])
            and matches_tags(v["_tags"], wanted)
        ]
        chosen, keys = page(sorted(found, key=lambda v: v["VpcId"]), params, max_size=50)
        return {"Vpcs": {"Vpc": [self._vpc_view(v) for v in chosen]}, **keys}

    def _vpc_view(self, vpc: dict[str, Any]) -> dict[str, Any]:
        switches = [
            s["VSwitchId"] for s in self.store.values("vswitches") if s["VpcId"] == vpc["VpcId"]
        ]
        return {
            **public(vpc),
            "Status": vpc["_transition"].current(),
            "VSwitchIds": {"VSwitchId": sorted(switches)},
            "Tags": tag_view(vpc["_tags"], "Key", "Value"),
        }

    def do_ModifyVpcAttribute(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            vpc = self.state.vpc(required(params, "VpcId"))
            for name in ("VpcName", "Description"):
                if name in params:
                    vpc[name] = params[name]
        return {}

    def do_DeleteVpc(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            vpc = self.state.vpc(required(params, "VpcId"))
            vpc_id = vpc["VpcId"]
            if any(s["VpcId"] == vpc_id for s in self.store.values("vswitches")):
                raise CloudError(
                    400, "DependencyViolation.VSwitch", "Specified VPC still has vSwitches."
                )
            if any(g["VpcId"] == vpc_id for g in self.store.values("security_groups")):
                raise CloudError(
                    400,
                    "DependencyViolation.SecurityGroup",
                    "Specified VPC still has security groups.",
                )
            self.store.remove("vpcs", vpc_id)
        return {}

    # ------------------------------------------------------------ vSwitches

    def do_CreateVSwitch(self, params: Params) -> dict[str, Any]:
        where = region(params)
        zone = required(params, "ZoneId")
        if zone not in catalog.zones_of(where):
            raise CloudError(
                400, "InvalidZoneId.NotFound", f"The specified zone {zone} does not exist."
            )
        cidr = _network(required(params, "CidrBlock"), "InvalidCidrBlock.Malformed")
        with self.store.lock:
            earlier = _by_token(self.store.values("vswitches"), params.get("ClientToken", ""))
            if earlier:
                return {"VSwitchId": earlier["VSwitchId"]}
            vpc = self.state.vpc(required(params, "VpcId"))
            self._check_cidr(vpc, cidr)
            vswitch_id = f"vsw-{self.store.new_id()}"
            self.store.put(
                "vswitches",
                vswitch_id,
                {
                    "VSwitchId": vswitch_id,
                    "VSwitchName": params.get("VSwitchName", ""),
                    "Description": params.get("Description", ""),
                    "VpcId": vpc["VpcId"],
                    "ZoneId": zone,
                    "CidrBlock": str(cidr),
                    "RegionId": where,
                    "AvailableIpAddressCount": cidr.num_addresses - 4,
                    "IsDefault": False,
                    "_token": params.get("ClientToken", ""),
                    "_tags": tags_in(params),
                    "_transition": Transition(("Pending", "Available"), STEP),
                },
            )
        return {"VSwitchId": vswitch_id}

    def _check_cidr(self, vpc: dict[str, Any], cidr: ipaddress.IPv4Network) -> None:
        if not cidr.subnet_of(ipaddress.IPv4Network(vpc["CidrBlock"])):
            raise CloudError(
                400,
                "InvalidCidrBlock.Malformed",
                f"Specified CIDR block {cidr} is not in the VPC's {vpc['CidrBlock']}.",
            )
        if not 16 <= cidr.prefixlen <= 29:
            raise CloudError(
                400,
                "InvalidCidrBlock.Malformed",
                "The vSwitch CIDR block mask must be from 16 to 29.",
            )
        for sibling in self.store.values("vswitches"):
            if sibling["VpcId"] == vpc["VpcId"] and cidr.overlaps(
                ipaddress.IPv4Network(sibling["CidrBlock"])
            ):
                raise CloudError(
                    400,
                    "InvalidCidrBlock.Overlapped",
                    f"Specified CIDR block {cidr} overlaps {sibling['VSwitchId']}.",
                )

    def do_DescribeVSwitches(self, params: Params) -> dict[str, Any]:
        where = region(params)
        ids = id_list(params, "VSwitchId", limit=20)
        wanted = tags_in(params)
        tests = ("VpcId", "ZoneId", "VSwitchName")
        found = [
            s
            for s in self.store.values("vswitches")
            if s["RegionId"] == where
            and (ids is None or s["VSwitchId"] in ids)
            and all(s[t] == params[t] for t in tests if params.get(t))
            and matches_tags(s["_tags"], wanted)
        ]
        chosen, keys = page(sorted(found, key=lambda s: s["VSwitchId"]), params, max_size=50)
        views = [
            {
                **public(s),
                "Status": s["_transition"].current(),
                "Tags": tag_view(s["_tags"], "Key", "Value"),
            }
            for s in chosen
        ]
        return {"VSwitches": {"VSwitch": views}, **keys}

    def do_ModifyVSwitchAttribute(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            vswitch = self.state.vswitch(required(params, "VSwitchId"))
            for name in ("VSwitchName", "Description"):
                if name in params:
                    vswitch[name] = params[name]
        return {}

    def do_DeleteVSwitch(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            vswitch = self.state.vswitch(required(params, "VSwitchId"))
            if self.state.users_of_vswitch(vswitch["VSwitchId"]):
                raise CloudError(
                    400,
                    "DependencyViolation",
                    "The specified vSwitch still has resources (instances) in it.",
                )
            self.store.remove("vswitches", vswitch["VSwitchId"])
        return {}

    # ------------------------------------------------------------ EIPs

    def do_AllocateEipAddress(self, params: Params) -> dict[str, Any]:
        where = region(params)
        with self.store.lock:
            earlier = _by_token(self.store.values("eips"), params.get("ClientToken", ""))
            if earlier:
                return {"AllocationId": earlier["AllocationId"], "EipAddress": earlier["IpAddress"]}
            count = len(self.store.values("eips")) + 1
            allocation = f"eip-{self.store.new_id()}"
            address = f"47.{88 + count // 65536}.{count // 256 % 256}.{count % 256}"
            self.store.put(
                "eips",
                allocation,
                {
                    "AllocationId": allocation,
                    "IpAddress": address,
                    "Name": params.get("Name", ""),
                    "Bandwidth": params.get("Bandwidth", "5"),
                    "InternetChargeType": params.get("InternetChargeType", "PayByTraffic"),
                    "RegionId": where,
                    "Status": "Available",
                    "InstanceId": "",
                    "InstanceType": "",
                    "_token": params.get("ClientToken", ""),
                    "_tags": tags_in(params),
                },
            )
        return {"AllocationId": allocation, "EipAddress": address}

    def _eip(self, allocation: str) -> dict[str, Any]:
        return self.store.get(
            "eips",
            allocation,
            lambda: CloudError(
                404, "InvalidAllocationId.NotFound", "The specified EIP does not exist."
            ),
        )

    def do_DescribeEipAddresses(self, params: Params) -> dict[str, Any]:
        where = region(params)
        ids = id_list(params, "AllocationId", limit=50)
        found = [
            e
            for e in self.store.values("eips")
            if e["RegionId"] == where
            and (ids is None or e["AllocationId"] in ids)
            and (
                not params.get("AssociatedInstanceId")
                or e["InstanceId"] == params["AssociatedInstanceId"]
            )
        ]
        chosen, keys = page(sorted(found, key=lambda e: e["AllocationId"]), params, max_size=100)
        views = [{**public(e), "Tags": tag_view(e["_tags"], "Key", "Value")} for e in chosen]
        return {"EipAddresses": {"EipAddress": views}, **keys}

    def do_AssociateEipAddress(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            eip = self._eip(required(params, "AllocationId"))
            instance = self.store.find("instances", required(params, "InstanceId"))
            if instance is None:
                raise CloudError(
                    404, "InvalidInstanceId.NotFound", "The specified instance does not exist."
                )
            if eip["InstanceId"]:
                raise CloudError(400, "InvalidEipStatus", "The EIP is already associated.")
            eip.update(
                InstanceId=instance["InstanceId"], InstanceType="EcsInstance", Status="InUse"
            )
            instance["EipAddress"] = {
                "IpAddress": eip["IpAddress"],
                "AllocationId": eip["AllocationId"],
            }
        return {}

    def do_UnassociateEipAddress(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            eip = self._eip(required(params, "AllocationId"))
            instance = self.store.find("instances", eip["InstanceId"])
            if instance is not None:
                instance["EipAddress"] = {"IpAddress": "", "AllocationId": ""}
            eip.update(InstanceId="", InstanceType="", Status="Available")
        return {}

    def do_ReleaseEipAddress(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            eip = self._eip(required(params, "AllocationId"))
            if eip["InstanceId"]:
                raise CloudError(
                    400, "IncorrectEipStatus", "The EIP is still associated with an instance."
                )
            self.store.remove("eips", eip["AllocationId"])
        return {}

    # ------------------------------------------------------------ tags

    def _taggable(self, params: Params) -> list[dict[str, Any]]:
        collection = COLLECTIONS.get(required(params, "ResourceType").upper())
        if collection is None:
            raise CloudError(400, "InvalidResourceType.NotFound", "The ResourceType is not valid.")
        found = []
        for resource_id in indexed(params, "ResourceId"):
            record = self.store.find(collection, resource_id)
            if record is None:
                raise CloudError(
                    404, "InvalidResourceId.NotFound", f"The resource {resource_id} does not exist."
                )
            found.append(record)
        return found

    def do_TagResources(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            for record in self._taggable(params):
                apply_tags(record, params)
        return {}

    def do_UnTagResources(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            for record in self._taggable(params):
                apply_tags(record, params, untag=True)
        return {}
