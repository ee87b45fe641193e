"""Security groups and their policies (VPC API).

Tencent security groups belong to the account and region, not to a VPC: the network the
config names is kept in the tag `genesys:network`. Rules become policies, one per CIDR block
(ACCEPT; Port "80", "8000-8080" or "ALL"); reading merges policies back into rules and sorts
them, so a refresh equals the config and shows no drift. Updates replace the whole policy
set (ModifySecurityGroupPolicies), which is what a declarative config means.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_one

from genesys_provider_tencent.clients import TencentClients
from genesys_provider_tencent.common import (
    api_filters,
    by_filter,
    refuse_change,
    retag,
    struct,
    tag_dict,
    tag_list,
    token_filter,
    user_tags,
)

NETWORK_TAG = "genesys:network"
PROTOCOLS = {"tcp": "TCP", "udp": "UDP", "icmp": "ICMP", "all": "ALL", "-1": "ALL", "": "ALL"}


def _port(rule: pb.SecurityRule) -> str:
    if rule.from_port <= 0 and rule.to_port <= 0:
        return "ALL"
    low, high = rule.from_port, rule.to_port or rule.from_port
    if not 0 < low <= high <= 65535:
        raise errors.InvalidArgument(
            f"port range {low}-{high} is not within 1-65535", attribute_path="config.ingress"
        )
    return str(low) if low == high else f"{low}-{high}"


def policies_of(rules: Iterable[pb.SecurityRule]) -> list[dict[str, Any]]:
    policies = []
    for rule in rules:
        protocol = PROTOCOLS.get(rule.protocol.lower())
        if protocol is None:
            raise errors.InvalidArgument(
                f"protocol {rule.protocol!r}: tcp, udp, icmp or all",
                attribute_path="config.ingress",
            )
        base = {
            "Protocol": protocol,
            "Port": "ALL" if protocol in ("ALL", "ICMP") else _port(rule),
            "Action": "ACCEPT",
            "PolicyDescription": rule.description,
        }
        if rule.source_security_group_id:
            policies.append({**base, "SecurityGroupId": rule.source_security_group_id})
        for cidr in rule.cidr_blocks or ([] if rule.source_security_group_id else ["0.0.0.0/0"]):
            policies.append({**base, "CidrBlock": cidr})
    return policies


def rules_of(policies: Iterable[Mapping[str, Any]]) -> list[pb.SecurityRule]:
    merged: dict[tuple[str, int, int, str, str], list[str]] = {}
    for policy in policies:
        if policy.get("Action") != "ACCEPT":
            continue
        low, high = _range(str(policy.get("Port") or "ALL"))
        source = str(policy.get("SecurityGroupId") or "") if not policy.get("CidrBlock") else ""
        key = (
            str(policy.get("Protocol", "ALL")).lower(),
            low,
            high,
            source,
            str(policy.get("PolicyDescription") or ""),
        )
        blocks = merged.setdefault(key, [])
        if policy.get("CidrBlock"):
            blocks.append(str(policy["CidrBlock"]))
    return [
        pb.SecurityRule(
            protocol=p,
            from_port=lo,
            to_port=hi,
            cidr_blocks=sorted(c),
            source_security_group_id=s,
            description=d,
        )
        for (p, lo, hi, s, d), c in sorted(merged.items())
    ]


def _range(port: str) -> tuple[int, int]:
    if port.upper() == "ALL":
        return 0, 0
    low, _, high = port.partition("-")
    return int(low), int(high or low)


def canonical_rules(rules: Iterable[pb.SecurityRule]) -> list[pb.SecurityRule]:
    """Rules as a read would return them (for plans: no phantom differences)."""
    return rules_of(policies_of(rules))


class SecurityGroups(KindHandler):
    field = "security_group"

    def __init__(self, clients: TencentClients) -> None:
        self.clients = clients

    def _describe(self, filters: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        return self.clients.paged(
            "vpc", "DescribeSecurityGroups", {"Filters": filters}, "SecurityGroupSet"
        )

    def _from(self, raw: Mapping[str, Any]) -> pb.SecurityGroup:
        tags = tag_dict(raw.get("TagSet"))
        found = self.clients.call(
            "vpc", "DescribeSecurityGroupPolicies", {"SecurityGroupId": raw["SecurityGroupId"]}
        )
        policy_set = found.get("SecurityGroupPolicySet") or {}
        return pb.SecurityGroup(
            id=raw["SecurityGroupId"],
            name=raw.get("SecurityGroupName", ""),
            network_id=tags.get(NETWORK_TAG, ""),
            description=raw.get("SecurityGroupDesc", ""),
            ingress=rules_of(policy_set.get("Ingress") or []),
            egress=rules_of(policy_set.get("Egress") or []),
            tags=user_tags(tags),
            provider_data=struct(
                {"project_id": raw.get("ProjectId"), "policy_version": policy_set.get("Version")}
            ),
        )

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        """Policies are one call per group: they are read on the shared pool."""
        raws = list(by_filter(self._describe, "security-group-id", ids, 5))
        return {
            raw["SecurityGroupId"]: outcome
            for raw, outcome in self.clients.pool.fan_out(self._from, raws)
        }

    def find_by_token(self, token: str) -> str | None:
        found = [r["SecurityGroupId"] for r in self._describe([token_filter(token)])]
        return found[0] if found else None

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.SecurityGroup]:
        known = {"name": "security-group-name", "id": "security-group-id"}
        for raw in self._describe(api_filters(filters, known)):
            yield self._from(raw)

    def create(self, config: pb.SecurityGroupConfig, token: str) -> pb.SecurityGroup:
        policies = {"Ingress": policies_of(config.ingress), "Egress": policies_of(config.egress)}
        existing = self.find_by_token(token) if token else None
        if existing is None:
            extra = {NETWORK_TAG: config.network_id} if config.network_id else {}
            params = {
                "GroupName": config.name,
                "GroupDescription": config.description or config.name,
                "Tags": tag_list(config.tags, token=token, extra=extra),
            }
            made = self.clients.call("vpc", "CreateSecurityGroup", params)
            existing = made["SecurityGroup"]["SecurityGroupId"]
        self._replace_policies(existing, policies)
        return read_one(self, existing)

    def _replace_policies(self, group_id: str, policies: dict[str, Any]) -> None:
        self.clients.call(
            "vpc",
            "ModifySecurityGroupPolicies",
            {"SecurityGroupId": group_id, "SecurityGroupPolicySet": policies},
        )

    def update(self, request: Any) -> pb.SecurityGroup:
        config = request.config
        changed = {c.split(".")[0] for c in request.changed} or {"ingress", "egress", "tags"}
        refuse_change(changed, ("name", "network_id", "description"), "security group")
        if changed & {"ingress", "egress"}:
            policies = {
                "Ingress": policies_of(config.ingress),
                "Egress": policies_of(config.egress),
            }
            self._replace_policies(request.id, policies)
        if "tags" in changed:
            current = read_one(self, request.id)
            name = self.clients.resource_name("cvm", f"sg/{request.id}")
            retag(self.clients, name, current.tags, config.tags, "TagKey", "TagValue")
        return read_one(self, request.id)

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        self.clients.call("vpc", "DeleteSecurityGroup", {"SecurityGroupId": resource_id})
