"""ECS security groups and their rules (a mixin of the Ecs service)."""

from __future__ import annotations

from typing import Any

from genesys_emulators.alibaba.rpc import (
    Params,
    id_list,
    matches_tags,
    page,
    public,
    region,
    required,
    tag_view,
    tags_in,
)
from genesys_emulators.core import CloudError, Store

PROTOCOLS = ("tcp", "udp", "icmp", "gre", "all", "icmpv6")


def _rule(params: Params, direction: str) -> dict[str, Any]:
    protocol = required(params, "IpProtocol").lower()
    if protocol not in PROTOCOLS:
        raise CloudError(
            400, "InvalidIpProtocol.Malformed", "The specified IpProtocol is not valid."
        )
    ports = required(params, "PortRange")
    low, _, high = ports.partition("/")
    if not (low.lstrip("-").isdigit() and high.lstrip("-").isdigit()):
        raise CloudError(
            400, "InvalidPortRange.Malformed", f"The specified PortRange {ports} is not valid."
        )
    if protocol in ("tcp", "udp") and not 1 <= int(low) <= int(high) <= 65535:
        raise CloudError(
            400, "InvalidPortRange.Malformed", f"The specified PortRange {ports} is not valid."
        )
    cidr_key = "SourceCidrIp" if direction == "ingress" else "DestCidrIp"
    group_key = "SourceGroupId" if direction == "ingress" else "DestGroupId"
    return {
        "Direction": direction,
        "IpProtocol": protocol.upper() if protocol != "all" else "ALL",
        "PortRange": ports,
        cidr_key: params.get(cidr_key, ""),
        group_key: params.get(group_key, ""),
        "Policy": params.get("Policy", "Accept").capitalize(),
        "Priority": params.get("Priority", "1"),
        "NicType": params.get("NicType", "intranet"),
        "Description": params.get("Description", ""),
    }


class SecurityGroupActions:
    store: Store
    state: Any

    def sg(self, group_id: str) -> dict[str, Any]:
        def missing() -> CloudError:
            return CloudError(
                404,
                "InvalidSecurityGroupId.NotFound",
                f"The specified SecurityGroupId {group_id} does not exist.",
            )

        return self.store.get("security_groups", group_id, missing)

    def do_CreateSecurityGroup(self, params: Params) -> dict[str, Any]:
        where = region(params)
        token = params.get("ClientToken", "")
        with self.store.lock:
            for group in self.store.values("security_groups"):
                if token and group["_token"] == token:
                    return {"SecurityGroupId": group["SecurityGroupId"]}
            vpc_id = required(params, "VpcId")
            self.state.vpc(vpc_id)
            group_id = f"sg-{self.store.new_id()}"
            self.store.put(
                "security_groups",
                group_id,
                {
                    "SecurityGroupId": group_id,
                    "SecurityGroupName": params.get("SecurityGroupName", ""),
                    "Description": params.get("Description", ""),
                    "VpcId": vpc_id,
                    "RegionId": where,
                    "SecurityGroupType": params.get("SecurityGroupType", "normal"),
                    "CreationTime": "",
                    "_token": token,
                    "_tags": tags_in(params),
                    "_rules": [],
                },
            )
        return {"SecurityGroupId": group_id}

    def do_DescribeSecurityGroups(self, params: Params) -> dict[str, Any]:
        where = region(params)
        ids = id_list(params, "SecurityGroupIds")
        wanted = tags_in(params)
        found = [
            g
            for g in self.store.values("security_groups")
            if g["RegionId"] == where
            and (ids is None or g["SecurityGroupId"] in ids)
            and (not params.get("VpcId") or g["VpcId"] == params["VpcId"])
            and (
                not params.get("SecurityGroupName")
                or g["SecurityGroupName"] == params["SecurityGroupName"]
            )
            and matches_tags(g["_tags"], wanted)
        ]
        chosen, keys = page(sorted(found, key=lambda g: g["SecurityGroupId"]), params, max_size=50)
        groups = [{**public(g), "Tags": tag_view(g["_tags"])} for g in chosen]
        return {"SecurityGroups": {"SecurityGroup": groups}, **keys, "RegionId": where}

    def do_DescribeSecurityGroupAttribute(self, params: Params) -> dict[str, Any]:
        group = self.sg(required(params, "SecurityGroupId"))
        direction = params.get("Direction", "all")
        rules = [r for r in group["_rules"] if direction == "all" or r["Direction"] == direction]
        return {**public(group), "Permissions": {"Permission": rules}}

    def do_ModifySecurityGroupAttribute(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            group = self.sg(required(params, "SecurityGroupId"))
            for name in ("SecurityGroupName", "Description"):
                if params.get(name):
                    group[name] = params[name]
        return {}

    def do_DeleteSecurityGroup(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            group = self.sg(required(params, "SecurityGroupId"))
            users = [
                i
                for i in self.store.values("instances")
                if group["SecurityGroupId"] in i["SecurityGroupIds"]["SecurityGroupId"]
            ]
            users += [
                lb for lb in self.store.values("slb") if group["SecurityGroupId"] in lb["_groups"]
            ]
            if users:
                raise CloudError(
                    403,
                    "DependencyViolation",
                    "There is still instance(s) in the specified security group.",
                )
            self.store.remove("security_groups", group["SecurityGroupId"])
        return {}

    def _change_rule(self, params: Params, direction: str, add: bool) -> dict[str, Any]:
        with self.store.lock:
            group = self.sg(required(params, "SecurityGroupId"))
            rule = _rule(params, direction)
            same = [r for r in group["_rules"] if _same(r, rule)]
            if add and not same:
                rule["SecurityGroupRuleId"] = f"sgr-{self.store.new_id()}"
                group["_rules"].append(rule)
            if not add:
                group["_rules"] = [r for r in group["_rules"] if not _same(r, rule)]
        return {}

    def do_AuthorizeSecurityGroup(self, params: Params) -> dict[str, Any]:
        return self._change_rule(params, "ingress", True)

    def do_AuthorizeSecurityGroupEgress(self, params: Params) -> dict[str, Any]:
        return self._change_rule(params, "egress", True)

    def do_RevokeSecurityGroup(self, params: Params) -> dict[str, Any]:
        return self._change_rule(params, "ingress", False)

    def do_RevokeSecurityGroupEgress(self, params: Params) -> dict[str, Any]:
        return self._change_rule(params, "egress", False)


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = (
        "Direction",
        "IpProtocol",
        "PortRange",
        "SourceCidrIp",
        "DestCidrIp",
        "SourceGroupId",
        "DestGroupId",
        "Policy",
    )
    return all(a.get(k, "") == b.get(k, "") for k in keys)
