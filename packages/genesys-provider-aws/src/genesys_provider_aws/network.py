"""Network service: VPCs and subnets (`vpc`), security groups (`security_groups`), load
balancers (`load_balancers`), CloudFront distributions and ACM certificates (`cdn`).

Only declarations: which function serves which verb of which kind. The SDK generates the
NetworkService servicer from `kinds(clients)` (see genesys_plugin_sdk.servicers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

from genesys_plugin_sdk.handlers import KindFunctions

from genesys_provider_aws import cdn, load_balancers, security_groups, vpc
from genesys_provider_aws.clients import AwsClients
from genesys_provider_aws.common import ec2_list_filters


def _ec2_lister(
    where: Callable[[AwsClients, list[dict[str, Any]]], Iterator[Any]],
    known: Mapping[str, str],
    clients: AwsClients,
) -> Callable[[Mapping[str, str]], Iterator[Any]]:
    """List for an EC2 kind: the request's filters as Describe filters."""
    return lambda filters: where(clients, ec2_list_filters(filters, known))


def kinds(clients: AwsClients) -> list[KindFunctions]:
    return [*_ec2_kinds(clients), *_edge_kinds(clients)]


def _ec2_kinds(clients: AwsClients) -> list[KindFunctions]:
    """VPCs, subnets and security groups: EC2 kinds with Describe filters."""
    return [
        vpc.NETWORK_READER.bind(
            clients,
            create_fn=partial(vpc.create_network, clients),
            update_fn=partial(vpc.update_network, clients),
            delete_fn=partial(vpc.delete_network, clients),
            list_fn=_ec2_lister(vpc.networks_where, vpc.NETWORK_FILTERS, clients),
        ),
        vpc.SUBNET_READER.bind(
            clients,
            create_fn=partial(vpc.create_subnet, clients),
            update_fn=partial(vpc.update_subnet, clients),
            delete_fn=partial(vpc.delete_subnet, clients),
            list_fn=_ec2_lister(vpc.subnets_where, vpc.SUBNET_FILTERS, clients),
        ),
        security_groups.READER.bind(
            clients,
            create_fn=partial(security_groups.create_group, clients),
            update_fn=partial(security_groups.update_group, clients),
            delete_fn=partial(security_groups.delete_group, clients),
            list_fn=_ec2_lister(security_groups.list_groups, security_groups.LIST_FILTERS, clients),
        ),
    ]


def _edge_kinds(clients: AwsClients) -> list[KindFunctions]:
    """Load balancers, CloudFront distributions and ACM certificates."""
    return [
        load_balancers.READER.bind(
            clients,
            create_fn=partial(load_balancers.create_load_balancer, clients),
            update_fn=partial(load_balancers.update_load_balancer, clients),
            delete_fn=partial(load_balancers.delete_load_balancer, clients),
            list_fn=partial(load_balancers.list_load_balancers, clients),
        ),
        cdn.CDN_READER.bind(
            clients,
            create_fn=partial(cdn.create_cdn, clients),
            update_fn=partial(cdn.update_cdn, clients),
            delete_fn=partial(cdn.delete_cdn, clients),
            list_fn=partial(cdn.list_cdns, clients),
        ),
        cdn.CERTIFICATE_READER.bind(  # certificates cannot change: no UpdateCertificate RPC
            clients,
            create_fn=partial(cdn.create_certificate, clients),
            delete_fn=partial(cdn.delete_certificate, clients),
            list_fn=partial(cdn.list_certificates, clients),
        ),
    ]
