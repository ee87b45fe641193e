"""Network service: VPCs and subnets (`vpc`), security groups (`security_groups`), load
balancers (`load_balancers`), CloudFront distributions and ACM certificates (`cdn`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import network_pb2_grpc

from genesys_provider_aws import cdn, load_balancers, security_groups, vpc
from genesys_provider_aws.clients import AwsClients
from genesys_provider_aws.common import ec2_list_filters
from genesys_provider_aws.errors import translate_errors
from genesys_provider_aws.readers import KindReader, read_one

READERS: dict[Any, KindReader] = {
    pb.RESOURCE_KIND_NETWORK: vpc.NETWORK_READER,
    pb.RESOURCE_KIND_SUBNET: vpc.SUBNET_READER,
    pb.RESOURCE_KIND_SECURITY_GROUP: security_groups.READER,
    pb.RESOURCE_KIND_LOAD_BALANCER: load_balancers.READER,
    pb.RESOURCE_KIND_CDN: cdn.CDN_READER,
    pb.RESOURCE_KIND_CERTIFICATE: cdn.CERTIFICATE_READER,
}


@translate_errors
class NetworkServicer(network_pb2_grpc.NetworkServiceServicer):
    def __init__(self, clients: AwsClients) -> None:
        self.clients = clients

    def _get(self, kind: int, request: Any) -> Any:
        return read_one(READERS[kind], self.clients, request.id, getattr(request, "private", b""))

    # ------------------------------------------------------------ networks

    def CreateNetwork(self, request: Any, context: Any) -> pb.Network:
        return vpc.create_network(self.clients, request.config, request.idempotency_token)

    def GetNetwork(self, request: Any, context: Any) -> pb.Network:
        return self._get(pb.RESOURCE_KIND_NETWORK, request)  # type: ignore[no-any-return]

    def UpdateNetwork(self, request: Any, context: Any) -> pb.Network:
        return vpc.update_network(self.clients, request)

    def DeleteNetwork(self, request: Any, context: Any) -> pb.DeleteResponse:
        vpc.delete_network(self.clients, request.id)
        return pb.DeleteResponse()

    def ListNetworks(self, request: Any, context: Any) -> Iterator[pb.Network]:
        yield from vpc.networks_where(
            self.clients, ec2_list_filters(request.filters, vpc.NETWORK_FILTERS)
        )

    def DiscoverNetworks(self, request: Any, context: Any) -> Iterator[pb.Network]:
        yield from vpc.networks_where(
            self.clients, ec2_list_filters(request.filters, vpc.NETWORK_FILTERS)
        )

    def AdoptNetwork(self, request: Any, context: Any) -> pb.Network:
        return self._get(pb.RESOURCE_KIND_NETWORK, request)  # type: ignore[no-any-return]

    # ------------------------------------------------------------ subnets

    def CreateSubnet(self, request: Any, context: Any) -> pb.Subnet:
        return vpc.create_subnet(self.clients, request.config, request.idempotency_token)

    def GetSubnet(self, request: Any, context: Any) -> pb.Subnet:
        return self._get(pb.RESOURCE_KIND_SUBNET, request)  # type: ignore[no-any-return]

    def UpdateSubnet(self, request: Any, context: Any) -> pb.Subnet:
        return vpc.update_subnet(self.clients, request)

    def DeleteSubnet(self, request: Any, context: Any) -> pb.DeleteResponse:
        vpc.delete_subnet(self.clients, request.id)
        return pb.DeleteResponse()

    def ListSubnets(self, request: Any, context: Any) -> Iterator[pb.Subnet]:
        yield from vpc.subnets_where(
            self.clients, ec2_list_filters(request.filters, vpc.SUBNET_FILTERS)
        )

    def DiscoverSubnets(self, request: Any, context: Any) -> Iterator[pb.Subnet]:
        yield from vpc.subnets_where(
            self.clients, ec2_list_filters(request.filters, vpc.SUBNET_FILTERS)
        )

    def AdoptSubnet(self, request: Any, context: Any) -> pb.Subnet:
        return self._get(pb.RESOURCE_KIND_SUBNET, request)  # type: ignore[no-any-return]

    # ------------------------------------------------------------ security groups

    def CreateSecurityGroup(self, request: Any, context: Any) -> pb.SecurityGroup:
        return security_groups.create_group(self.clients, request.config, request.idempotency_token)

    def GetSecurityGroup(self, request: Any, context: Any) -> pb.SecurityGroup:
        return self._get(pb.RESOURCE_KIND_SECURITY_GROUP, request)  # type: ignore[no-any-return]

    def UpdateSecurityGroup(self, request: Any, context: Any) -> pb.SecurityGroup:
        return security_groups.update_group(self.clients, request)

    def DeleteSecurityGroup(self, request: Any, context: Any) -> pb.DeleteResponse:
        security_groups.delete_group(self.clients, request.id)
        return pb.DeleteResponse()

    def ListSecurityGroups(self, request: Any, context: Any) -> Iterator[pb.SecurityGroup]:
        filters = ec2_list_filters(request.filters, security_groups.LIST_FILTERS)
        yield from security_groups.list_groups(self.clients, filters)

    def DiscoverSecurityGroups(self, request: Any, context: Any) -> Iterator[pb.SecurityGroup]:
        filters = ec2_list_filters(request.filters, security_groups.LIST_FILTERS)
        yield from security_groups.list_groups(self.clients, filters)

    def AdoptSecurityGroup(self, request: Any, context: Any) -> pb.SecurityGroup:
        return self._get(pb.RESOURCE_KIND_SECURITY_GROUP, request)  # type: ignore[no-any-return]

    # ------------------------------------------------------------ load balancers

    def CreateLoadBalancer(self, request: Any, context: Any) -> pb.LoadBalancer:
        return load_balancers.create_load_balancer(
            self.clients, request.config, request.idempotency_token
        )

    def GetLoadBalancer(self, request: Any, context: Any) -> pb.LoadBalancer:
        return self._get(pb.RESOURCE_KIND_LOAD_BALANCER, request)  # type: ignore[no-any-return]

    def UpdateLoadBalancer(self, request: Any, context: Any) -> pb.LoadBalancer:
        return load_balancers.update_load_balancer(self.clients, request)

    def DeleteLoadBalancer(self, request: Any, context: Any) -> pb.DeleteResponse:
        load_balancers.delete_load_balancer(self.clients, request.id)
        return pb.DeleteResponse()

    def ListLoadBalancers(self, request: Any, context: Any) -> Iterator[pb.LoadBalancer]:
        yield from load_balancers.list_load_balancers(self.clients, dict(request.filters))

    def DiscoverLoadBalancers(self, request: Any, context: Any) -> Iterator[pb.LoadBalancer]:
        yield from load_balancers.list_load_balancers(self.clients, dict(request.filters))

    def AdoptLoadBalancer(self, request: Any, context: Any) -> pb.LoadBalancer:
        return self._get(pb.RESOURCE_KIND_LOAD_BALANCER, request)  # type: ignore[no-any-return]

    # ------------------------------------------------------------ cdn

    def CreateCdn(self, request: Any, context: Any) -> pb.Cdn:
        return cdn.create_cdn(self.clients, request.config, request.idempotency_token)

    def GetCdn(self, request: Any, context: Any) -> pb.Cdn:
        return self._get(pb.RESOURCE_KIND_CDN, request)  # type: ignore[no-any-return]

    def UpdateCdn(self, request: Any, context: Any) -> pb.Cdn:
        return cdn.update_cdn(self.clients, request)

    def DeleteCdn(self, request: Any, context: Any) -> pb.DeleteResponse:
        cdn.delete_cdn(self.clients, request.id)
        return pb.DeleteResponse()

    def ListCdns(self, request: Any, context: Any) -> Iterator[pb.Cdn]:
        yield from cdn.list_cdns(self.clients, dict(request.filters))

    def DiscoverCdns(self, request: Any, context: Any) -> Iterator[pb.Cdn]:
        yield from cdn.list_cdns(self.clients, dict(request.filters))

    def AdoptCdn(self, request: Any, context: Any) -> pb.Cdn:
        return self._get(pb.RESOURCE_KIND_CDN, request)  # type: ignore[no-any-return]

    # ------------------------------------------------------------ certificates

    def CreateCertificate(self, request: Any, context: Any) -> pb.Certificate:
        return cdn.create_certificate(self.clients, request.config, request.idempotency_token)

    def GetCertificate(self, request: Any, context: Any) -> pb.Certificate:
        return self._get(pb.RESOURCE_KIND_CERTIFICATE, request)  # type: ignore[no-any-return]

    def DeleteCertificate(self, request: Any, context: Any) -> pb.DeleteResponse:
        cdn.delete_certificate(self.clients, request.id)
        return pb.DeleteResponse()

    def ListCertificates(self, request: Any, context: Any) -> Iterator[pb.Certificate]:
        yield from cdn.list_certificates(self.clients, dict(request.filters))

    def DiscoverCertificates(self, request: Any, context: Any) -> Iterator[pb.Certificate]:
        yield from cdn.list_certificates(self.clients, dict(request.filters))

    def AdoptCertificate(self, request: Any, context: Any) -> pb.Certificate:
        return self._get(pb.RESOURCE_KIND_CERTIFICATE, request)  # type: ignore[no-any-return]
