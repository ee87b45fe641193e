"""VPC (vpc.tencentcloudapi.com, 2017-03-12): VPCs, subnets, security groups and their policies.

CIDR rules as the service checks them: a VPC's block is private with a mask from /12 to /28; a
subnet's lies inside its VPC, overlaps no sibling, and sits in a zone of the region. Deleting a
VPC with subnets, a subnet with instances or a group an instance uses is `ResourceInUse`.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from genesys_emulators.tencent.api import (
    ActionService,
    Record,
    World,
    apply_filters,
    by_ids,
    check_cidr,
    error,
    in_use,
    invalid,
    new_id,
    now,
    page,
    required,
)

_PRIVATE = [ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]


class Vpc(ActionService):
    service = "vpc"
    version = "2017-03-12"

    # ------------------------------------------------------------ VPCs

    def CreateVpc(self, body: Record, region: str) -> Record:
        name = required(body, "VpcName")
        cidr = required(body, "CidrBlock")
        network = check_cidr("CidrBlock", cidr)
        if not any(network.subnet_of(p) for p in _PRIVATE) or not 12 <= network.prefixlen <= 28:
            raise error(
                "InvalidParameterValue.Range",
                f"CidrBlock {cidr} must be private (10/8, 172.16/12, 192.168/16), /12 to /28.",
            )
        record = {
            "VpcId": new_id("vpc"),
            "VpcName": name,
            "CidrBlock": cidr,
            "IsDefault": False,
            "EnableMulticast": False,
            "CreatedTime": now(),
            "DnsServerSet": [],
            "DomainName": "",
            "TagSet": _tags(body),
            "AssistantCidrSet": [],
            "_region": region,
        }
        self.store.put("vpc.vpcs", record["VpcId"], record)
        return {"Vpc": _public(record)}

    def DescribeVpcs(self, body: Record, region: str) -> Record:
        rows = self._in(region, "vpc.vpcs")
        rows = by_ids(rows, body.get("VpcIds"), "VpcId", "VPC", "ResourceNotFound")
        rows = apply_filters(rows, body.get("Filters"), _VPC_FILTERS, tag_field="TagSet")
        return {"TotalCount": len(rows), "VpcSet": [_public(r) for r in page(rows, body)]}

    def ModifyVpcAttribute(self, body: Record, region: str) -> Record:
        record = self._get("vpc.vpcs", required(body, "VpcId"), "VPC")
        if body.get("VpcName"):
            record["VpcName"] = body["VpcName"]
        return {}

    def DeleteVpc(self, body: Record, region: str) -> Record:
        with self.store.lock:
            ident = required(body, "VpcId")
            self._get("vpc.vpcs", ident, "VPC")
            subnets = [
                s["SubnetId"] for s in self.store.values("vpc.subnets") if s["VpcId"] == ident
            ]
            if subnets:
                raise in_use("VPC", ident, "subnets " + ", ".join(subnets))
            self.store.remove("vpc.vpcs", ident)
        return {}

    # ------------------------------------------------------------ subnets

    def CreateSubnet(self, body: Record, region: str) -> Record:
        with self.store.lock:
            vpc = self._get("vpc.vpcs", required(body, "VpcId"), "VPC")
            name = required(body, "SubnetName")
            cidr = required(body, "CidrBlock")
            zone = required(body, "Zone")
            self.world.check_zone(region, zone)
            self._check_subnet_range(vpc, cidr)
            network = ipaddress.IPv4Network(cidr)
            total = network.num_addresses - 3  # network, gateway and broadcast are reserved
            record = {
                "VpcId": vpc["VpcId"],
                "SubnetId": new_id("subnet"),
                "SubnetName": name,
                "CidrBlock": cidr,
                "IsDefault": False,
                "EnableBroadcast": False,
                "Zone": zone,
                "RouteTableId": "rtb-" + vpc["VpcId"][4:],
                "CreatedTime": now(),
                "AvailableIpAddressCount": total,
                "TotalIpAddressCount": total,
                "NetworkAclId": "",
                "TagSet": _tags(body),
                "_region": region,
                "_used_ips": [],
            }
            self.store.put("vpc.subnets", record["SubnetId"], record)
        return {"Subnet": _public(record)}

    def _check_subnet_range(self, vpc: Record, cidr: str) -> None:
        network = check_cidr("CidrBlock", cidr)
        if not network.subnet_of(ipaddress.IPv4Network(vpc["CidrBlock"])):
            raise error(
                "InvalidParameterValue.SubnetRange",
                f"The subnet CIDR {cidr} is outside VPC {vpc['VpcId']} ({vpc['CidrBlock']}).",
            )
        if not 16 <= network.prefixlen <= 28:
            raise invalid("CidrBlock", cidr, "a subnet's mask is from /16 to /28")
        for other in self.store.values("vpc.subnets"):
            if other["VpcId"] == vpc["VpcId"] and network.overlaps(
                ipaddress.IPv4Network(other["CidrBlock"])
            ):
                raise error(
                    "InvalidParameterValue.SubnetConflict",
                    f"The subnet CIDR {cidr} overlaps {other['SubnetId']} ({other['CidrBlock']}).",
                )

    def DescribeSubnets(self, body: Record, region: str) -> Record:
        rows = self._in(region, "vpc.subnets")
        rows = by_ids(rows, body.get("SubnetIds"), "SubnetId", "subnet", "ResourceNotFound")
        rows = apply_filters(rows, body.get("Filters"), _SUBNET_FILTERS, tag_field="TagSet")
        return {"TotalCount": len(rows), "SubnetSet": [_public(r) for r in page(rows, body)]}

    def ModifySubnetAttribute(self, body: Record, region: str) -> Record:
        record = self._get("vpc.subnets", required(body, "SubnetId"), "subnet")
        if body.get("SubnetName"):
            record["SubnetName"] = body["SubnetName"]
        return {}

    def DeleteSubnet(self, body: Record, region: str) -> Record:
        with self.store.lock:
            ident = required(body, "SubnetId")
            self._get("vpc.subnets", ident, "subnet")
            users = [
                r["InstanceId"]
                for r in self.store.values("cvm.instances")
                if r["VirtualPrivateCloud"]["SubnetId"] == ident
                and r["_state"].current() != "TERMINATED"
            ]
            users += [
                r["DBInstanceId"]
                for r in self.store.values("postgres.instances")
                if r["SubnetId"] == ident and r["_state"].current() != "offlined"
            ]
            users += [
                r["InstanceId"]
                for r in self.store.values("cdb.instances")
                if r["UniqSubnetId"] == ident and r["_state"].current() != "-1"
            ]
            if users:
                raise in_use("subnet", ident, ", ".join(users))
            self.store.remove("vpc.subnets", ident)
        return {}

    # ------------------------------------------------------------ security groups

    def CreateSecurityGroup(self, body: Record, region: str) -> Record:
        record = {
            "SecurityGroupId": new_id("sg"),
            "SecurityGroupName": required(body, "GroupName"),
            "SecurityGroupDesc": required(body, "GroupDescription"),
            "ProjectId": str(body.get("ProjectId") or "0"),
            "IsDefault": False,
            "CreatedTime": now(),
            "UpdateTime": now(),
            "TagSet": _tags(body),
            "_region": region,
            "_policies": {"Ingress": [], "Egress": []},
            "_version": 0,
        }
        self.store.put("vpc.security_groups", record["SecurityGroupId"], record)
        return {"SecurityGroup": _public(record)}

    def DescribeSecurityGroups(self, body: Record, region: str) -> Record:
        rows = self._in(region, "vpc.security_groups")
        rows = by_ids(
            rows,
            body.get("SecurityGroupIds"),
            "SecurityGroupId",
            "security group",
            "ResourceNotFound",
        )
        rows = apply_filters(rows, body.get("Filters"), _GROUP_FILTERS, tag_field="TagSet")
        return {"TotalCount": len(rows), "SecurityGroupSet": [_public(r) for r in page(rows, body)]}

    def ModifySecurityGroupAttribute(self, body: Record, region: str) -> Record:
        record = self._get(
            "vpc.security_groups", required(body, "SecurityGroupId"), "security group"
        )
        if body.get("GroupName"):
            record["SecurityGroupName"] = body["GroupName"]
        if body.get("GroupDescription"):
            record["SecurityGroupDesc"] = body["GroupDescription"]
        return {}

    def DeleteSecurityGroup(self, body: Record, region: str) -> Record:
        with self.store.lock:
            ident = required(body, "SecurityGroupId")
            self._get("vpc.security_groups", ident, "security group")
            users = [
                r["InstanceId"]
                for r in self.store.values("cvm.instances")
                if ident in r["SecurityGroupIds"]
                and r["_state"].current() not in ("TERMINATING", "TERMINATED")
            ]
            if users:
                raise in_use("security group", ident, ", ".join(users))
            self.store.remove("vpc.security_groups", ident)
        return {}

    def CreateSecurityGroupPolicies(self, body: Record, region: str) -> Record:
        with self.store.lock:
            group = self._get(
                "vpc.security_groups", required(body, "SecurityGroupId"), "security group"
            )
            policies = required(body, "SecurityGroupPolicySet")
            for direction in ("Ingress", "Egress"):
                for policy in policies.get(direction) or []:
                    group["_policies"][direction].append(_policy(policy))
            group["_version"] += 1
        return {}

    def ModifySecurityGroupPolicies(self, body: Record, region: str) -> Record:
        """Replaces the whole policy set (what a declarative client wants)."""
        with self.store.lock:
            group = self._get(
                "vpc.security_groups", required(body, "SecurityGroupId"), "security group"
            )
            policies = required(body, "SecurityGroupPolicySet")
            group["_policies"] = {
                d: [_policy(p) for p in policies.get(d) or []] for d in ("Ingress", "Egress")
            }
            group["_version"] += 1
        return {}

    def DescribeSecurityGroupPolicies(self, body: Record, region: str) -> Record:
        group = self._get(
            "vpc.security_groups", required(body, "SecurityGroupId"), "security group"
        )
        policy_set: dict[str, Any] = {"Version": str(group["_version"])}
        for direction in ("Ingress", "Egress"):
            policy_set[direction] = [
                {**p, "PolicyIndex": i, "SecurityGroupId": group["SecurityGroupId"]}
                for i, p in enumerate(group["_policies"][direction])
            ]
        return {"SecurityGroupPolicySet": policy_set}

    # ------------------------------------------------------------ helpers

    def _in(self, region: str, collection: str) -> list[Record]:
        return [r for r in self.store.values(collection) if r["_region"] == region]

    def _get(self, collection: str, ident: str, what: str) -> Record:
        return self.existing(
            collection, ident, "ResourceNotFound", f"The {what} `{ident}` does not exist."
        )


def add_default_network(world: World, region: str) -> None:
    """The default VPC (172.16.0.0/16) with a default /20 subnet per zone, as an account has."""
    vpc: Record = {
        "VpcId": new_id("vpc"),
        "VpcName": "Default-VPC",
        "CidrBlock": "172.16.0.0/16",
        "IsDefault": True,
        "EnableMulticast": False,
        "CreatedTime": now(),
        "DnsServerSet": [],
        "DomainName": "",
        "TagSet": [],
        "AssistantCidrSet": [],
        "_region": region,
    }
    world.store.put("vpc.vpcs", vpc["VpcId"], vpc)
    for index, zone in enumerate(world.zones(region)[:-1]):  # none in the sold-out zone
        cidr = f"172.16.{index * 16}.0/20"
        total = ipaddress.IPv4Network(cidr).num_addresses - 3
        subnet: Record = {
            "VpcId": vpc["VpcId"],
            "SubnetId": new_id("subnet"),
            "SubnetName": "Default-Subnet",
            "CidrBlock": cidr,
            "IsDefault": True,
            "EnableBroadcast": False,
            "Zone": zone,
            "RouteTableId": "rtb-default",
            "CreatedTime": now(),
            "AvailableIpAddressCount": total,
            "TotalIpAddressCount": total,
            "NetworkAclId": "",
            "TagSet": [],
            "_region": region,
            "_used_ips": [],
        }
        world.store.put("vpc.subnets", subnet["SubnetId"], subnet)


def _tags(body: Record) -> list[Record]:
    return [{"Key": t["Key"], "Value": t.get("Value", "")} for t in body.get("Tags") or []]


def _public(record: Record) -> Record:
    return {k: v for k, v in record.items() if not k.startswith("_")}


def _policy(policy: Record) -> Record:
    action = policy.get("Action")
    if action not in ("ACCEPT", "DROP"):
        raise invalid("Action", action, "ACCEPT or DROP")
    protocol = str(policy.get("Protocol") or "ALL").upper()
    if protocol not in ("TCP", "UDP", "ICMP", "ICMPV6", "ALL", "GRE"):
        raise invalid("Protocol", protocol)
    cidr = policy.get("CidrBlock") or ""
    if cidr:
        try:
            ipaddress.IPv4Network(cidr, strict=False)
        except ValueError:
            raise invalid("CidrBlock", cidr) from None
    return {
        "Protocol": protocol,
        "Port": str(policy.get("Port") or "ALL"),
        "CidrBlock": cidr,
        "Action": action,
        "PolicyDescription": policy.get("PolicyDescription", ""),
        "ModifyTime": now(),
    }


_VPC_FILTERS: dict[str, Any] = {
    "vpc-id": lambda r: r["VpcId"],
    "vpc-name": lambda r: r["VpcName"],
    "cidr-block": lambda r: r["CidrBlock"],
    "is-default": lambda r: str(r["IsDefault"]).lower(),
}
_SUBNET_FILTERS: dict[str, Any] = {
    "subnet-id": lambda r: r["SubnetId"],
    "subnet-name": lambda r: r["SubnetName"],
    "vpc-id": lambda r: r["VpcId"],
    "cidr-block": lambda r: r["CidrBlock"],
    "zone": lambda r: r["Zone"],
    "is-default": lambda r: str(r["IsDefault"]).lower(),
}
_GROUP_FILTERS: dict[str, Any] = {
    "security-group-id": lambda r: r["SecurityGroupId"],
    "security-group-name": lambda r: r["SecurityGroupName"],
    "project-id": lambda r: r["ProjectId"],
}
