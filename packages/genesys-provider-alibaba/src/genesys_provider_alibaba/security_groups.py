"""Security groups (ECS) and their rules.

A Genesys rule may list several CIDRs; ECS holds one source per rule. `canonical_rules`
expands and regroups so the desired rules (planning) and the rules read back compare equal:
one rule per (protocol, ports, source group, description) with its CIDRs sorted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_in_chunks, read_one

from genesys_provider_alibaba.clients import AlibabaClients
from genesys_provider_alibaba.common import (
    filter_words,
    retag,
    struct,
    tag_params,
    tags_of,
    token_filter,
    token_value,
    visible_tags,
)

PROTOCOLS = {"tcp": "tcp", "udp": "udp", "icmp": "icmp", "all": "all", "-1": "all"}
Permission = tuple[str, str, str, str, str]  # protocol, port range, cidr, source group, text


def _ports(rule: pb.SecurityRule, protocol: str) -> str:
    if protocol in ("all", "icmp"):
        return "-1/-1"
    if not 1 <= rule.from_port <= rule.to_port <= 65535:
        raise errors.InvalidArgument(
            f"port range {rule.from_port}-{rule.to_port} is not valid for {protocol}",
            attribute_path="config.ingress",
        )
    return f"{rule.from_port}/{rule.to_port}"


def permissions(rules: Iterable[pb.SecurityRule]) -> list[Permission]:
    """One ECS permission per (rule, CIDR) or (rule, source group)."""
    out: list[Permission] = []
    for rule in rules:
        protocol = PROTOCOLS.get(rule.protocol.lower() or "tcp")
        if protocol is None:
            raise errors.InvalidArgument(
                f"protocol {rule.protocol!r}: one of tcp, udp, icmp, all",
                attribute_path="config.ingress",
            )
        ports = _ports(rule, protocol)
        sources = list(rule.cidr_blocks) or (
            [""] if rule.source_security_group_id else ["0.0.0.0/0"]
        )
        for cidr in sources:
            out.append((protocol, ports, cidr, rule.source_security_group_id, rule.description))
    return sorted(set(out))


def rules_of(perms: Iterable[Permission]) -> list[pb.SecurityRule]:
    grouped: dict[tuple[str, str, str, str], list[str]] = {}
    for protocol, ports, cidr, group, text in perms:
        cidrs = grouped.setdefault((protocol, ports, group, text), [])
        if cidr:
            cidrs.append(cidr)
    rules = []
    for (protocol, ports, group, text), cidrs in sorted(grouped.items()):
        low, _, high = ports.partition("/")
        from_port, to_port = (0, 0) if protocol in ("all", "icmp") else (int(low), int(high))
        rules.append(
            pb.SecurityRule(
                protocol=protocol,
                from_port=from_port,
                to_port=to_port,
                cidr_blocks=sorted(cidrs),
                source_security_group_id=group,
                description=text,
            )
        )
    return rules


def canonical_rules(rules: Iterable[pb.SecurityRule]) -> list[pb.SecurityRule]:
    return rules_of(permissions(rules))


def _read_permissions(raw: Mapping[str, Any], direction: str) -> list[Permission]:
    out: list[Permission] = []
    for p in raw.get("Permissions", {}).get("Permission", []):
        if p.get("Direction") != direction:
            continue
        cidr = p.get("SourceCidrIp" if direction == "ingress" else "DestCidrIp", "")
        group = p.get("SourceGroupId" if direction == "ingress" else "DestGroupId", "")
        out.append(
            (str(p["IpProtocol"]).lower(), p["PortRange"], cidr, group, p.get("Description", ""))
        )
    return out


class SecurityGroups(KindHandler):
    field = "security_group"

    def __init__(self, clients: AlibabaClients) -> None:
        self.clients = clients

    def describe(self, **params: Any) -> Iterator[dict[str, Any]]:
        yield from self.clients.pages(
            "ecs",
            "DescribeSecurityGroups",
            ("SecurityGroups", "SecurityGroup"),
            PageSize=50,
            **params,
        )

    def _group_from(self, raw: Mapping[str, Any]) -> pb.SecurityGroup:
        detail = self.clients.rpc(
            "ecs",
            "DescribeSecurityGroupAttribute",
            SecurityGroupId=raw["SecurityGroupId"],
            Direction="all",
        )
        return pb.SecurityGroup(
            id=raw["SecurityGroupId"],
            name=raw.get("SecurityGroupName", ""),
            network_id=raw.get("VpcId", ""),
            description=raw.get("Description", ""),
            ingress=rules_of(_read_permissions(detail, "ingress")),
            egress=rules_of(_read_permissions(detail, "egress")),
            tags=visible_tags(tags_of(raw.get("Tags"))),
            provider_data=struct({"type": raw.get("SecurityGroupType")}),
        )

    def _by_ids(self, ids: list[str]) -> Iterable[dict[str, Any]]:
        return self.describe(SecurityGroupIds=json.dumps(ids))

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        raws = read_in_chunks(ids, self._by_ids, 100, id_of=lambda raw: str(raw["SecurityGroupId"]))
        found: dict[str, Any] = {}
        for group_id, outcome in self.clients.pool.fan_out(self._group_from, list(raws.values())):
            found[str(group_id["SecurityGroupId"])] = outcome
        return found

    def find_by_token(self, token: str) -> str | None:
        for raw in self.describe(**token_filter(token)):
            return str(raw["SecurityGroupId"])
        return None

    def list(self, filters: Mapping[str, str]) -> Iterable[pb.SecurityGroup]:
        known = {"name": "SecurityGroupName", "network_id": "VpcId"}
        for raw in self.describe(**filter_words(filters, known)):
            yield self._group_from(raw)

    def create(self, config: pb.SecurityGroupConfig, token: str) -> pb.SecurityGroup:
        existing = self.find_by_token(token) if token else None
        if existing is None:
            if not config.network_id:
                raise errors.InvalidArgument(
                    "an ECS security group belongs to a VPC: set its network",
                    attribute_path="config.network_id",
                )
            answer = self.clients.rpc(
                "ecs",
                "CreateSecurityGroup",
                VpcId=config.network_id,
                SecurityGroupName=config.name or None,
                Description=config.description or None,
                ClientToken=token_value(token) if token else None,
                **tag_params(dict(config.tags), token),
            )
            existing = answer["SecurityGroupId"]
        self._set_rules(existing, [], permissions(config.ingress), "ingress")
        self._set_rules(existing, [], permissions(config.egress), "egress")
        return read_one(self, existing)

    def _set_rules(
        self, group_id: str, have: Sequence[Permission], want: Sequence[Permission], direction: str
    ) -> None:
        suffix = "" if direction == "ingress" else "Egress"
        cidr_key, group_key = (
            ("SourceCidrIp", "SourceGroupId")
            if direction == "ingress"
            else ("DestCidrIp", "DestGroupId")
        )
        changes: tuple[tuple[str, Sequence[Permission]], ...] = (
            ("Revoke", sorted(set(have) - set(want))),
            ("Authorize", sorted(set(want) - set(have))),
        )
        for verb, perms in changes:
            for protocol, ports, cidr, group, text in perms:
                self.clients.rpc(
                    "ecs",
                    f"{verb}SecurityGroup{suffix}",
                    SecurityGroupId=group_id,
                    IpProtocol=protocol,
                    PortRange=ports,
                    Policy="accept",
                    Description=text or None,
                    **{cidr_key: cidr or None, group_key: group or None},
                )

    def update(self, request: Any) -> pb.SecurityGroup:
        current = read_one(self, request.id)
        config = request.config
        self._set_rules(
            request.id, permissions(current.ingress), permissions(config.ingress), "ingress"
        )
        self._set_rules(
            request.id, permissions(current.egress), permissions(config.egress), "egress"
        )
        retag(
            self.clients, "ecs", "securitygroup", request.id, dict(current.tags), dict(config.tags)
        )
        return read_one(self, request.id)

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        self.clients.rpc("ecs", "DeleteSecurityGroup", SecurityGroupId=resource_id)


def kinds(clients: AlibabaClients) -> list[KindHandler]:
    return [SecurityGroups(clients)]
