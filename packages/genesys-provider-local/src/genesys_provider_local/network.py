"""NetworkService: networks, subnets and security groups (here), load balancers, CDNs and
certificates (edge.py).

Networks and subnets are address plans checked for real: CIDRs must parse, subnets must lie
inside their network, and no two networks (nor two subnets of one network) may overlap —
enforced atomically in the registry. Instances in a subnet get the next free host address.
"""

from __future__ import annotations

from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import network_pb2, network_pb2_grpc
from genesys_plugin_sdk import errors

from genesys_provider_local import addressing
from genesys_provider_local.edge import CdnOps, CertificateOps, LoadBalancerOps
from genesys_provider_local.ops import Dep, KindOps, struct
from genesys_provider_local.registry import Registry, Row
from genesys_provider_local.runtime import Runtime

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


class NetworkServicer(network_pb2_grpc.NetworkServiceServicer):
    def __init__(self, rt: Runtime) -> None:
        self.networks = NetworkOps(rt)
        self.subnets = SubnetOps(rt)
        self.security_groups = SecurityGroupOps(rt)
        self.load_balancers = LoadBalancerOps(rt)
        self.cdns = CdnOps(rt)
        self.certificates = CertificateOps(rt)

    # networks
    def CreateNetwork(self, request: network_pb2.CreateNetworkRequest, context: Any) -> Any:
        return self.networks.create(request.config, request.idempotency_token)

    def GetNetwork(self, request: pb.GetRequest, context: Any) -> Any:
        return self.networks.get(request.id)

    def UpdateNetwork(self, request: network_pb2.UpdateNetworkRequest, context: Any) -> Any:
        return self.networks.update(request.id, request.config, request.changed)

    def DeleteNetwork(self, request: pb.DeleteRequest, context: Any) -> Any:
        self.networks.delete(request.id)
        return pb.DeleteResponse()

    def ListNetworks(self, request: pb.ListRequest, context: Any) -> Any:
        return self.networks.list(request.filters)

    def DiscoverNetworks(self, request: pb.DiscoverRequest, context: Any) -> Any:
        return self.networks.discover(request.filters)

    def AdoptNetwork(self, request: pb.AdoptRequest, context: Any) -> Any:
        return self.networks.adopt(request.id)

    # subnets
    def CreateSubnet(self, request: network_pb2.CreateSubnetRequest, context: Any) -> Any:
        return self.subnets.create(request.config, request.idempotency_token)

    def GetSubnet(self, request: pb.GetRequest, context: Any) -> Any:
        return self.subnets.get(request.id)

    def UpdateSubnet(self, request: network_pb2.UpdateSubnetRequest, context: Any) -> Any:
        return self.subnets.update(request.id, request.config, request.changed)

    def DeleteSubnet(self, request: pb.DeleteRequest, context: Any) -> Any:
        self.subnets.delete(request.id)
        return pb.DeleteResponse()

    def ListSubnets(self, request: pb.ListRequest, context: Any) -> Any:
        return self.subnets.list(request.filters)

    def DiscoverSubnets(self, request: pb.DiscoverRequest, context: Any) -> Any:
        return self.subnets.discover(request.filters)

    def AdoptSubnet(self, request: pb.AdoptRequest, context: Any) -> Any:
        return self.subnets.adopt(request.id)

    # security groups
    def CreateSecurityGroup(
        self, request: network_pb2.CreateSecurityGroupRequest, context: Any
    ) -> Any:
        return self.security_groups.create(request.config, request.idempotency_token)

    def GetSecurityGroup(self, request: pb.GetRequest, context: Any) -> Any:
        return self.security_groups.get(request.id)

    def UpdateSecurityGroup(
        self, request: network_pb2.UpdateSecurityGroupRequest, context: Any
    ) -> Any:
        return self.security_groups.update(request.id, request.config, request.changed)

    def DeleteSecurityGroup(self, request: pb.DeleteRequest, context: Any) -> Any:
        self.security_groups.delete(request.id)
        return pb.DeleteResponse()

    def ListSecurityGroups(self, request: pb.ListRequest, context: Any) -> Any:
        return self.security_groups.list(request.filters)

    def DiscoverSecurityGroups(self, request: pb.DiscoverRequest, context: Any) -> Any:
        return self.security_groups.discover(request.filters)

    def AdoptSecurityGroup(self, request: pb.AdoptRequest, context: Any) -> Any:
        return self.security_groups.adopt(request.id)

    # load balancers
    def CreateLoadBalancer(
        self, request: network_pb2.CreateLoadBalancerRequest, context: Any
    ) -> Any:
        return self.load_balancers.create(request.config, request.idempotency_token)

    def GetLoadBalancer(self, request: pb.GetRequest, context: Any) -> Any:
        return self.load_balancers.get(request.id)

    def UpdateLoadBalancer(
        self, request: network_pb2.UpdateLoadBalancerRequest, context: Any
    ) -> Any:
        return self.load_balancers.update(request.id, request.config, request.changed)

    def DeleteLoadBalancer(self, request: pb.DeleteRequest, context: Any) -> Any:
        self.load_balancers.delete(request.id)
        return pb.DeleteResponse()

    def ListLoadBalancers(self, request: pb.ListRequest, context: Any) -> Any:
        return self.load_balancers.list(request.filters)

    def DiscoverLoadBalancers(self, request: pb.DiscoverRequest, context: Any) -> Any:
        return self.load_balancers.discover(request.filters)

    def AdoptLoadBalancer(self, request: pb.AdoptRequest, context: Any) -> Any:
        return self.load_balancers.adopt(request.id)

    # CDNs
    def CreateCdn(self, request: network_pb2.CreateCdnRequest, context: Any) -> Any:
        return self.cdns.create(request.config, request.idempotency_token)

    def GetCdn(self, request: pb.GetRequest, context: Any) -> Any:
        return self.cdns.get(request.id)

    def UpdateCdn(self, request: network_pb2.UpdateCdnRequest, context: Any) -> Any:
        return self.cdns.update(request.id, request.config, request.changed)

    def DeleteCdn(self, request: pb.DeleteRequest, context: Any) -> Any:
        self.cdns.delete(request.id)
        return pb.DeleteResponse()

    def ListCdns(self, request: pb.ListRequest, context: Any) -> Any:
        return self.cdns.list(request.filters)

    def DiscoverCdns(self, request: pb.DiscoverRequest, context: Any) -> Any:
        return self.cdns.discover(request.filters)

    def AdoptCdn(self, request: pb.AdoptRequest, context: Any) -> Any:
        return self.cdns.adopt(request.id)

    # certificates (no Update RPC: every change replaces a certificate)
    def CreateCertificate(self, request: network_pb2.CreateCertificateRequest, context: Any) -> Any:
        return self.certificates.create(request.config, request.idempotency_token)

    def GetCertificate(self, request: pb.GetRequest, context: Any) -> Any:
        return self.certificates.get(request.id)

    def DeleteCertificate(self, request: pb.DeleteRequest, context: Any) -> Any:
        self.certificates.delete(request.id)
        return pb.DeleteResponse()

    def ListCertificates(self, request: pb.ListRequest, context: Any) -> Any:
        return self.certificates.list(request.filters)

    def DiscoverCertificates(self, request: pb.DiscoverRequest, context: Any) -> Any:
        return self.certificates.discover(request.filters)

    def AdoptCertificate(self, request: pb.AdoptRequest, context: Any) -> Any:
        return self.certificates.adopt(request.id)
