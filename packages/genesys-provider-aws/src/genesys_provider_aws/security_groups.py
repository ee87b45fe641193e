"""Security groups and their rules.

Rules are compared as atoms (protocol, from, to, source, description): AWS groups sources
under one (protocol, ports) permission while the protocol's SecurityRule groups CIDRs under one
description, so both sides are flattened to atoms, diffed, and only the difference is revoked
and authorised. Egress is exactly the rules given, like ingress: the core's config spells out
allow-all (AWS's own default) when a group declares no egress, and an empty list means no
outbound traffic, so AWS's default rule is revoked. Reads report what AWS holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors

from genesys_provider_aws.clients import AwsClients
from genesys_provider_aws.common import (
    ec2_tag_specs,
    retag_ec2,
    struct,
    tag_dict,
    tag_list,
    user_tags,
)
from genesys_provider_aws.readers import filtered_reader, read_one

LIST_FILTERS = {"name": "group-name", "network_id": "vpc-id", "id": "group-id"}
PROTOCOLS = {"tcp": "tcp", "udp": "udp", "icmp": "icmp", "all": "-1", "-1": "-1"}
# AWS requires a description; a group configured without one gets this, and reads it back
# as "" so the config's empty description matches (else every plan would replace the group).
DEFAULT_DESCRIPTION = "Managed by Genesys"


class Atom(NamedTuple):
    """One rule source: what AWS stores as one range/pair inside a permission."""

    protocol: str  # AWS protocol: tcp|udp|icmp|-1
    from_port: int
    to_port: int
    source: str  # CIDR (v4 or v6) or security group id
    description: str


def atoms_of_rules(rules: Iterable[pb.SecurityRule], path: str) -> set[Atom]:
    atoms: set[Atom] = set()
    for index, rule in enumerate(rules):
        protocol = PROTOCOLS.get((rule.protocol or "all").lower())
        if protocol is None:
            raise errors.InvalidArgument(
                f"unknown protocol {rule.protocol!r}: use tcp, udp, icmp or all",
                attribute_path=f"{path}[{index}].protocol",
            )
        ports = (0, 0) if protocol == "-1" else (rule.from_port, rule.to_port or rule.from_port)
        sources = list(rule.cidr_blocks) + (
            [rule.source_security_group_id] if rule.source_security_group_id else []
        )
        if not sources:
            raise errors.InvalidArgument(
                "a rule needs cidr_blocks or source_security_group_id",
                attribute_path=f"{path}[{index}]",
            )
        atoms.update(Atom(protocol, *ports, source, rule.description) for source in sources)
    return atoms


def atoms_of_permissions(permissions: Iterable[Mapping[str, Any]]) -> set[Atom]:
    atoms: set[Atom] = set()
    for perm in permissions:
        protocol = str(perm.get("IpProtocol", "-1"))
        ports = (
            (0, 0)
            if protocol == "-1"
            else (int(perm.get("FromPort", 0)), int(perm.get("ToPort", 0)))
        )
        for item in perm.get("IpRanges", []):
            atoms.add(Atom(protocol, *ports, item["CidrIp"], item.get("Description", "")))
        for item in perm.get("Ipv6Ranges", []):
            atoms.add(Atom(protocol, *ports, item["CidrIpv6"], item.get("Description", "")))
        for item in perm.get("UserIdGroupPairs", []):
            atoms.add(Atom(protocol, *ports, item["GroupId"], item.get("Description", "")))
    return atoms


def permissions_of_atoms(atoms: Iterable[Atom]) -> list[dict[str, Any]]:
    grouped: dict[tuple[str, int, int], dict[str, Any]] = {}
    for atom in sorted(atoms):
        perm = grouped.setdefault(
            (atom.protocol, atom.from_port, atom.to_port),
            {"IpProtocol": atom.protocol, "IpRanges": [], "Ipv6Ranges": [], "UserIdGroupPairs": []},
        )
        if atom.protocol != "-1":
            perm["FromPort"], perm["ToPort"] = atom.from_port, atom.to_port
        described = {"Description": atom.description} if atom.description else {}
        if atom.source.startswith("sg-"):
            perm["UserIdGroupPairs"].append({"GroupId": atom.source, **described})
        elif ":" in atom.source:
            perm["Ipv6Ranges"].append({"CidrIpv6": atom.source, **described})
        else:
            perm["IpRanges"].append({"CidrIp": atom.source, **described})
    return list(grouped.values())


def rules_of_atoms(atoms: Iterable[Atom]) -> list[pb.SecurityRule]:
    """Canonical rules: CIDRs sharing protocol, ports and description form one rule."""
    cidr_groups: dict[tuple[str, int, int, str], list[str]] = {}
    rules: list[pb.SecurityRule] = []
    for atom in sorted(atoms):
        protocol = "all" if atom.protocol == "-1" else atom.protocol
        if atom.source.startswith("sg-"):
            rules.append(
                pb.SecurityRule(
                    protocol=protocol,
                    from_port=atom.from_port,
                    to_port=atom.to_port,
                    source_security_group_id=atom.source,
                    description=atom.description,
                )
            )
        else:
            key = (protocol, atom.from_port, atom.to_port, atom.description)
            cidr_groups.setdefault(key, []).append(atom.source)
    for (protocol, low, high, description), cidrs in sorted(cidr_groups.items()):
        rules.append(
            pb.SecurityRule(
                protocol=protocol,
                from_port=low,
                to_port=high,
                cidr_blocks=sorted(cidrs),
                description=description,
            )
        )
    return rules


def canonical_rules(rules: Iterable[pb.SecurityRule], path: str) -> list[pb.SecurityRule]:
    """The order and grouping a read returns, for plans to compare like with like."""
    return rules_of_atoms(atoms_of_rules(rules, path))


# ---------------------------------------------------------------- reading


def group_from(raw: Mapping[str, Any]) -> pb.SecurityGroup:
    tags = tag_dict(raw.get("Tags"))
    return pb.SecurityGroup(
        id=raw["GroupId"],
        name=raw.get("GroupName", ""),
        network_id=raw.get("VpcId", ""),
        description=_configured_description(raw.get("Description", "")),
        ingress=rules_of_atoms(atoms_of_permissions(raw.get("IpPermissions", []))),
        egress=rules_of_atoms(atoms_of_permissions(raw.get("IpPermissionsEgress", []))),
        tags=user_tags(tags),
        provider_data=struct({"arn": raw.get("SecurityGroupArn"), "owner_id": raw.get("OwnerId")}),
    )


def _configured_description(description: str) -> str:
    return "" if description == DEFAULT_DESCRIPTION else description


def describe(clients: AwsClients, filters: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    paginator = clients.client("ec2").get_paginator("describe_security_groups")
    for page in paginator.paginate(Filters=filters):
        yield from page.get("SecurityGroups", [])


def groups_where(
    clients: AwsClients, filters: list[dict[str, Any]], privates: Mapping[str, bytes]
) -> Iterator[pb.SecurityGroup]:
    return (group_from(raw) for raw in describe(clients, filters))


READER = filtered_reader("security_group", "security group", groups_where, "group-id")


def list_groups(clients: AwsClients, filters: list[dict[str, Any]]) -> Iterator[pb.SecurityGroup]:
    for raw in describe(clients, filters):
        yield group_from(raw)


# ---------------------------------------------------------------- writing


def _raw_group(clients: AwsClients, group_id: str) -> dict[str, Any]:
    for raw in describe(clients, [{"Name": "group-id", "Values": [group_id]}]):
        return dict(raw)
    raise errors.NotFound(f"security group {group_id} not found")


def sync_rules(clients: AwsClients, group_id: str, config: Any) -> None:
    """Revokes the rules the config dropped, then authorises the ones it added."""
    raw = _raw_group(clients, group_id)
    ec2 = clients.client("ec2")
    wanted_in = atoms_of_rules(config.ingress, "config.ingress")
    wanted_out = atoms_of_rules(config.egress, "config.egress")
    have_in = atoms_of_permissions(raw.get("IpPermissions", []))
    have_out = atoms_of_permissions(raw.get("IpPermissionsEgress", []))
    if have_in - wanted_in:
        ec2.revoke_security_group_ingress(
            GroupId=group_id, IpPermissions=permissions_of_atoms(have_in - wanted_in)
        )
    if have_out - wanted_out:
        ec2.revoke_security_group_egress(
            GroupId=group_id, IpPermissions=permissions_of_atoms(have_out - wanted_out)
        )
    if wanted_in - have_in:
        ec2.authorize_security_group_ingress(
            GroupId=group_id, IpPermissions=permissions_of_atoms(wanted_in - have_in)
        )
    if wanted_out - have_out:
        ec2.authorize_security_group_egress(
            GroupId=group_id, IpPermissions=permissions_of_atoms(wanted_out - have_out)
        )


def create_group(
    clients: AwsClients, config: pb.SecurityGroupConfig, token: str
) -> pb.SecurityGroup:
    if not config.name:
        raise errors.InvalidArgument("a security group needs a name", attribute_path="config.name")
    atoms_of_rules(config.ingress, "config.ingress")  # reject bad rules before creating anything
    atoms_of_rules(config.egress, "config.egress")
    existing = READER.find_by_token(clients, token) if token else None
    if existing is None:
        args: dict[str, Any] = {
            "GroupName": config.name,
            "Description": config.description or DEFAULT_DESCRIPTION,
            "TagSpecifications": ec2_tag_specs(
                "security-group", tag_list(config.tags, token=token)
            ),
        }
        if config.network_id:
            args["VpcId"] = config.network_id
        existing = clients.client("ec2").create_security_group(**args)["GroupId"]
    sync_rules(clients, str(existing), config)
    return read_one(READER, clients, str(existing))  # type: ignore[no-any-return]


def update_group(clients: AwsClients, request: Any) -> pb.SecurityGroup:
    blocked = sorted(set(request.changed) & {"name", "network_id", "description"})
    if blocked:
        raise errors.InvalidArgument(
            f"changing {blocked[0]} replaces the security group",
            attribute_path=f"config.{blocked[0]}",
        )
    current = read_one(READER, clients, request.id)
    sync_rules(clients, request.id, request.config)
    retag_config = pb.SecurityGroupConfig(name=current.name, tags=request.config.tags)
    retag_ec2(clients.client("ec2"), request.id, _without_name(current), retag_config)
    return read_one(READER, clients, request.id)  # type: ignore[no-any-return]


def _without_name(group: pb.SecurityGroup) -> pb.SecurityGroup:
    # A group's name is its GroupName, not a Name tag: keep retag_ec2 from adding one.
    return pb.SecurityGroup(name=group.name, tags=group.tags)


def delete_group(clients: AwsClients, group_id: str) -> None:
    read_one(READER, clients, group_id)  # NotFound when gone
    clients.client("ec2").delete_security_group(GroupId=group_id)
