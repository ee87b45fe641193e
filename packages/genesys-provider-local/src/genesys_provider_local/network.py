"""NetworkService: networks, subnets and security groups (here), load balancers, CDNs and
certificates (edge.py).

Networks and subnets are address plans checked for real: CIDRs must parse, subnets must lie
inside their network, and no two networks (nor two subnets of one network) may overlap —
enforced atomically in the registry. Instances in a subnet get the next free host address.
"""

from __future__ import annotations

from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors

from genesys_provider_local import addressing
from genesys_provider_local.ops import Dep, KindOps, struct
from genesys_provider_local.registry import Registry, Row

NETWORK = pb.RESOURCE_KIND_NETWORK
SUBNET = pb.RESOURCE_KIND_SUBNET
SECURITY_GROUP = pb.RESOURCE_KIND_SECURITY_GROUP


def _claim_range(registry: Registry, owner: str, parent: str, cidr: str, what: str) -> None:
    network = addressing.parse_cidr(cidr)
    first, last = addressing.range_keys(network)
    clashes = registry.overlapping_cidrs(parent, first, last)
    if clashes:
        other, other_cidr = clashes[0]
        raise errors.InvalidArgument(
            f"{cidr} overlaps {what} {other} ({other_cidr})", attribute_path="config.cidr"
        )
    registry.add_cidr(owner, parent, str(network), first, last)


def allocate_ip(registry: Registry, subnet: pb.Subnet, holder: str) -> str:
    """Hands out the next free host address of `subnet` to `holder` (call in a transaction)."""
    network = addressing.parse_cidr(subnet.cidr)
    taken = None
    for address in addressing.candidates(network, registry.highest_ip_key(subnet.id)):
        key = addressing.key_of(address)
        if taken is None:
            taken = registry.ip_keys(subnet.id)
        if key not in taken:
            registry.add_ip(subnet.id, key, str(address), holder)
            return str(address)
    raise errors.FailedPrecondition(
        f"subnet {subnet.id} ({subnet.cidr}) has no free address left",
        attribute_path="config.subnet_id",
    )


def load_message(registry: Registry, rid: str, message: Any) -> Any:
    row = registry.get(rid)
    return message.FromString(row.body) if row is not None and row.body else message()


class NetworkOps(KindOps[pb.Network]):
    kind = NETWORK

    def reserve(self, rid: str, config: pb.NetworkConfig) -> None:
        _claim_range(self.rt.registry, rid, "", config.cidr, "network")

    def build(self, rid: str, config: pb.NetworkConfig) -> tuple[pb.Network, dict[str, Any]]:
        cidr = addressing.parse_cidr(config.cidr)
        network = pb.Network(
            id=rid,
            name=config.name,
            cidr=str(cidr),
            tags=config.tags,
            provider_data=struct(addresses=cidr.num_addresses, ip_version=cidr.version),
        )
        return network, {}

    def observe(self, row: Row) -> bytes | None:
        return self.observe_many([row])[0]

    def observe_many(self, rows: list[Row]) -> list[bytes | None]:
        children = self.rt.registry.children_of_many([row.id for row in rows])
        bodies: list[bytes | None] = []
        for row in rows:
            subnets = children[row.id]
            if not subnets:
                bodies.append(row.body)  # nothing computed to add: skip the parse
                continue
            network = pb.Network.FromString(row.body)
            network.subnet_ids[:] = subnets
            bodies.append(network.SerializeToString())
        return bodies


class SubnetOps(KindOps[pb.Subnet]):
    kind = SUBNET

    def dependencies(self, desired: Any) -> list[Dep]:
        return [Dep("network_id", NETWORK, desired.network_id)] if desired.network_id else []

    def reserve(self, rid: str, config: pb.SubnetConfig) -> None:
        registry = self.rt.registry
        parent = load_message(registry, config.network_id, pb.Network)
        inner = addressing.parse_cidr(config.cidr)
        outer = addressing.parse_cidr(parent.cidr)
        if inner.version != outer.version or not inner.subnet_of(outer):  # type: ignore[arg-type]
            raise errors.InvalidArgument(
                f"{config.cidr} is not inside network {parent.id} ({parent.cidr})",
                attribute_path="config.cidr",
            )
        _claim_range(registry, rid, config.network_id, config.cidr, "subnet")

    def build(self, rid: str, config: pb.SubnetConfig) -> tuple[pb.Subnet, dict[str, Any]]:
        cidr = addressing.parse_cidr(config.cidr)
        subnet = pb.Subnet(
            id=rid,
            name=config.name,
            network_id=config.network_id,
            cidr=str(cidr),
            public=config.public,
            zone=config.zone,
            available_ips=addressing.capacity(cidr),
            tags=config.tags,
            provider_data=struct(gateway=str(addressing.gateway_of(cidr))),
        )
        return subnet, {}

    def observe(self, row: Row) -> bytes | None:
        subnet = pb.Subnet.FromString(row.body)
        if subnet.cidr:
            used = self.rt.registry.count_ips(row.id)
            subnet.available_ips = addressing.capacity(addressing.parse_cidr(subnet.cidr)) - used
        return subnet.SerializeToString()


class SecurityGroupOps(KindOps[pb.SecurityGroup]):
    kind = SECURITY_GROUP

    def dependencies(self, desired: Any) -> list[Dep]:
        deps = [Dep("network_id", NETWORK, desired.network_id)] if desired.network_id else []
        for direction in ("ingress", "egress"):
            for i, rule in enumerate(getattr(desired, direction)):
                source = rule.source_security_group_id
                if source and source != getattr(desired, "id", ""):
                    path = f"{direction}[{i}].source_security_group_id"
                    deps.append(Dep(path, SECURITY_GROUP, source))
        return deps

    def build(
        self, rid: str, config: pb.SecurityGroupConfig
    ) -> tuple[pb.SecurityGroup, dict[str, Any]]:
        group = pb.SecurityGroup(
            id=rid,
            name=config.name,
            network_id=config.network_id,
            description=config.description,
            ingress=config.ingress,
            egress=config.egress,
            tags=config.tags,
            provider_data=struct(enforced=False, note="rules are recorded, not enforced"),
        )
        return group, {}
