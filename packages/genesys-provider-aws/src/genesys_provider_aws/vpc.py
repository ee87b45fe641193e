"""Networks (VPCs) and subnets.

A public subnet needs a way out: the plugin gives the VPC one internet gateway and one route
table with 0.0.0.0/0 -> gateway (both tagged genesys:role), associates each public subnet with
that table and turns on "map public IP on launch". Deleting the VPC removes those helpers.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.waiters import Waiter

from genesys_provider_aws.clients import AwsClients, chunked
from genesys_provider_aws.common import (
    NAME_TAG,
    ROLE_TAG,
    ec2_tag_specs,
    retag_ec2,
    struct,
    tag_dict,
    tag_list,
    user_tags,
)
from genesys_provider_aws.errors import call_or_none
from genesys_provider_aws.readers import filtered_reader, read_one

NETWORK_FILTERS = {
    "name": "tag:Name",
    "cidr": "cidr-block",
    "id": "vpc-id",
    "default": "is-default",
}
SUBNET_FILTERS = {
    "name": "tag:Name",
    "network_id": "vpc-id",
    "zone": "availability-zone",
    "cidr": "cidr-block",
    "id": "subnet-id",
}
IGW_ROLE = "internet-gateway"
PUBLIC_RT_ROLE = "public-route-table"

_vpc_locks: dict[str, threading.Lock] = {}
_vpc_locks_guard = threading.Lock()


def _vpc_lock(vpc_id: str) -> threading.Lock:
    """Serialises public-subnet plumbing per VPC so parallel creates share one gateway."""
    with _vpc_locks_guard:
        return _vpc_locks.setdefault(vpc_id, threading.Lock())


def check_cidr(
    cidr: str, path: str = "config.cidr", *, smallest: int = 28, largest: int = 16
) -> None:
    """AWS accepts IPv4 blocks from /16 to /28; anything else is rejected before any call."""
    try:
        network = ipaddress.ip_network(cidr, strict=True)
    except ValueError as exc:
        raise errors.InvalidArgument(f"invalid CIDR {cidr!r}: {exc}", attribute_path=path) from exc
    if network.version != 4 or not largest <= network.prefixlen <= smallest:
        raise errors.InvalidArgument(
            f"CIDR {cidr} must be an IPv4 block between /{largest} and /{smallest}",
            attribute_path=path,
        )


def _paged(
    clients: AwsClients, operation: str, key: str, filters: list[dict[str, Any]]
) -> Iterator[Any]:
    paginator = clients.client("ec2").get_paginator(operation)
    for page in paginator.paginate(Filters=filters):
        yield from page.get(key, [])


# ---------------------------------------------------------------- networks


def network_from(raw: Mapping[str, Any], subnet_ids: list[str]) -> pb.Network:
    tags = tag_dict(raw.get("Tags"))
    return pb.Network(
        id=raw["VpcId"],
        name=tags.get(NAME_TAG, ""),
        cidr=raw.get("CidrBlock", ""),
        subnet_ids=sorted(subnet_ids),
        tags=user_tags(tags, drop_name=True),
        provider_data=struct(
            {
                "state": raw.get("State"),
                "is_default": raw.get("IsDefault"),
                "instance_tenancy": raw.get("InstanceTenancy"),
                "dhcp_options_id": raw.get("DhcpOptionsId"),
            }
        ),
    )


def networks_where(clients: AwsClients, filters: list[dict[str, Any]]) -> Iterator[pb.Network]:
    raws = list(_paged(clients, "describe_vpcs", "Vpcs", filters))
    subnets: dict[str, list[str]] = {r["VpcId"]: [] for r in raws}
    for chunk in chunked(sorted(subnets), 200):
        for subnet in _paged(
            clients, "describe_subnets", "Subnets", [{"Name": "vpc-id", "Values": chunk}]
        ):
            subnets[subnet["VpcId"]].append(subnet["SubnetId"])
    for raw in raws:
        yield network_from(raw, subnets[raw["VpcId"]])


NETWORK_READER = filtered_reader(
    "network", "network", lambda c, f, _p: networks_where(c, f), "vpc-id"
)


def create_network(clients: AwsClients, config: pb.NetworkConfig, token: str) -> pb.Network:
    check_cidr(config.cidr)
    existing = NETWORK_READER.find_by_token(clients, token) if token else None
    if existing is None:
        tags = tag_list(config.tags, name=config.name, token=token)
        created = clients.client("ec2").create_vpc(
            CidrBlock=config.cidr, TagSpecifications=ec2_tag_specs("vpc", tags)
        )
        existing = created["Vpc"]["VpcId"]

    return _network_waiter(clients).wait_for(  # type: ignore[no-any-return]
        str(existing), ready=lambda network: _state_of(network) == "available"
    )


def _state_of(network: pb.Network) -> str:
    return str(network.provider_data["state"]) if "state" in network.provider_data else ""


def _network_waiter(clients: AwsClients) -> Waiter[Any]:
    """Every VPC wait of the process, served by one DescribeVpcs per poll."""

    def poll(ids: list[str]) -> dict[str, Any]:
        return NETWORK_READER.read_many(clients, ids, {})

    return clients.waiter("network", poll, describe=_state_of)


def update_network(clients: AwsClients, request: Any) -> pb.Network:
    if "cidr" in request.changed:
        raise errors.InvalidArgument(
            "changing cidr replaces the network", attribute_path="config.cidr"
        )
    current = read_one(NETWORK_READER, clients, request.id)
    retag_ec2(clients.client("ec2"), request.id, current, request.config)
    return read_one(NETWORK_READER, clients, request.id)  # type: ignore[no-any-return]


def delete_network(clients: AwsClients, vpc_id: str) -> None:
    read_one(NETWORK_READER, clients, vpc_id)  # NotFound when gone
    ec2 = clients.client("ec2")
    role_filter = [
        {"Name": "vpc-id", "Values": [vpc_id]},
        {"Name": f"tag:{ROLE_TAG}", "Values": [PUBLIC_RT_ROLE]},
    ]
    for table in _paged(clients, "describe_route_tables", "RouteTables", role_filter):
        for assoc in table.get("Associations", []):
            if not assoc.get("Main"):
                ec2.disassociate_route_table(AssociationId=assoc["RouteTableAssociationId"])
        ec2.delete_route_table(RouteTableId=table["RouteTableId"])
    for gateway in _gateways(clients, vpc_id):
        ec2.detach_internet_gateway(InternetGatewayId=gateway, VpcId=vpc_id)
        ec2.delete_internet_gateway(InternetGatewayId=gateway)
    ec2.delete_vpc(VpcId=vpc_id)


def _gateways(clients: AwsClients, vpc_id: str) -> list[str]:
    filters = [
        {"Name": "attachment.vpc-id", "Values": [vpc_id]},
        {"Name": f"tag:{ROLE_TAG}", "Values": [IGW_ROLE]},
    ]
    return [
        g["InternetGatewayId"]
        for g in _paged(clients, "describe_internet_gateways", "InternetGateways", filters)
    ]


# ---------------------------------------------------------------- subnets


def subnet_from(raw: Mapping[str, Any]) -> pb.Subnet:
    tags = tag_dict(raw.get("Tags"))
    return pb.Subnet(
        id=raw["SubnetId"],
        name=tags.get(NAME_TAG, ""),
        network_id=raw.get("VpcId", ""),
        cidr=raw.get("CidrBlock", ""),
        public=bool(raw.get("MapPublicIpOnLaunch")),
        zone=raw.get("AvailabilityZone", ""),
        available_ips=int(raw.get("AvailableIpAddressCount", 0)),
        tags=user_tags(tags, drop_name=True),
        provider_data=struct(
            {
                "arn": raw.get("SubnetArn"),
                "state": raw.get("State"),
                "default_for_az": raw.get("DefaultForAz"),
            }
        ),
    )


def subnets_where(clients: AwsClients, filters: list[dict[str, Any]]) -> Iterator[pb.Subnet]:
    for raw in _paged(clients, "describe_subnets", "Subnets", filters):
        yield subnet_from(raw)


SUBNET_READER = filtered_reader(
    "subnet", "subnet", lambda c, f, _p: subnets_where(c, f), "subnet-id"
)


def create_subnet(clients: AwsClients, config: pb.SubnetConfig, token: str) -> pb.Subnet:
    if not config.network_id:
        raise errors.InvalidArgument(
            "a subnet needs network_id", attribute_path="config.network_id"
        )
    check_cidr(config.cidr)
    existing = SUBNET_READER.find_by_token(clients, token) if token else None
    if existing is None:
        args: dict[str, Any] = {
            "VpcId": config.network_id,
            "CidrBlock": config.cidr,
            "TagSpecifications": ec2_tag_specs(
                "subnet", tag_list(config.tags, name=config.name, token=token)
            ),
        }
        if config.zone:
            args["AvailabilityZone"] = config.zone
        existing = clients.client("ec2").create_subnet(**args)["Subnet"]["SubnetId"]
    if config.public:
        make_public(clients, config.network_id, str(existing))
    return read_one(SUBNET_READER, clients, str(existing))  # type: ignore[no-any-return]


def make_public(clients: AwsClients, vpc_id: str, subnet_id: str) -> None:
    ec2 = clients.client("ec2")
    with _vpc_lock(vpc_id):
        gateway = _ensure_gateway(clients, vpc_id)
        table = _ensure_public_table(clients, vpc_id, gateway)
    associated = {a.get("SubnetId") for a in table.get("Associations", []) if not a.get("Main")}
    if subnet_id not in associated:
        ec2.associate_route_table(RouteTableId=table["RouteTableId"], SubnetId=subnet_id)
    ec2.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": True})


def _ensure_gateway(clients: AwsClients, vpc_id: str) -> str:
    ec2 = clients.client("ec2")
    any_attached = [
        g["InternetGatewayId"]
        for g in _paged(
            clients,
            "describe_internet_gateways",
            "InternetGateways",
            [{"Name": "attachment.vpc-id", "Values": [vpc_id]}],
        )
    ]
    if any_attached:
        return str(any_attached[0])
    tags = [{"Key": ROLE_TAG, "Value": IGW_ROLE}, {"Key": NAME_TAG, "Value": f"{vpc_id}-igw"}]
    gateway = ec2.create_internet_gateway(TagSpecifications=ec2_tag_specs("internet-gateway", tags))
    gateway_id = gateway["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=gateway_id, VpcId=vpc_id)
    return str(gateway_id)


def _ensure_public_table(clients: AwsClients, vpc_id: str, gateway_id: str) -> dict[str, Any]:
    filters = [
        {"Name": "vpc-id", "Values": [vpc_id]},
        {"Name": f"tag:{ROLE_TAG}", "Values": [PUBLIC_RT_ROLE]},
    ]
    for table in _paged(clients, "describe_route_tables", "RouteTables", filters):
        return dict(table)
    ec2 = clients.client("ec2")
    tags = [
        {"Key": ROLE_TAG, "Value": PUBLIC_RT_ROLE},
        {"Key": NAME_TAG, "Value": f"{vpc_id}-public"},
    ]
    table = ec2.create_route_table(
        VpcId=vpc_id, TagSpecifications=ec2_tag_specs("route-table", tags)
    )
    table_id = table["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=gateway_id)
    return dict(table["RouteTable"])


def make_private(clients: AwsClients, vpc_id: str, subnet_id: str) -> None:
    ec2 = clients.client("ec2")
    filters = [
        {"Name": "association.subnet-id", "Values": [subnet_id]},
        {"Name": f"tag:{ROLE_TAG}", "Values": [PUBLIC_RT_ROLE]},
    ]
    for table in _paged(clients, "describe_route_tables", "RouteTables", filters):
        for assoc in table.get("Associations", []):
            if assoc.get("SubnetId") == subnet_id:
                ec2.disassociate_route_table(AssociationId=assoc["RouteTableAssociationId"])
    ec2.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": False})


def update_subnet(clients: AwsClients, request: Any) -> pb.Subnet:
    blocked = sorted(set(request.changed) & {"network_id", "cidr", "zone"})
    if blocked:
        raise errors.InvalidArgument(
            f"changing {blocked[0]} replaces the subnet", attribute_path=f"config.{blocked[0]}"
        )
    current = read_one(SUBNET_READER, clients, request.id)
    config = request.config
    if config.public != current.public:
        (make_public if config.public else make_private)(clients, current.network_id, request.id)
    retag_ec2(clients.client("ec2"), request.id, current, config)
    return read_one(SUBNET_READER, clients, request.id)  # type: ignore[no-any-return]


def delete_subnet(clients: AwsClients, subnet_id: str) -> None:
    read_one(SUBNET_READER, clients, subnet_id)  # NotFound when gone
    call_or_none(
        clients.client("ec2").delete_subnet, "InvalidSubnetID.NotFound", SubnetId=subnet_id
    )
