"""Network: VPCs and subnets.

A subnet lives in one zone; without `zone` the plugin picks the region's first zone (the
emulator's and Tencent's zone lists are ordered). Tencent subnets carry no public/private
flag (routing decides), so `public` is kept in the tag `genesys:public` to read back as
configured. Names and CIDRs are read from the VPC API; a VPC's `subnet_ids` from
DescribeSubnets filtered by vpc-id.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
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

PUBLIC_TAG = "genesys:public"


def checked_cidr(cidr: str) -> str:
    """The CIDR block, or InvalidArgument at config.cidr (before any call)."""
    try:
        ipaddress.IPv4Network(cidr, strict=True)
    except ValueError as exc:
        raise errors.InvalidArgument(
            f"{cidr!r} is not an IPv4 CIDR block: {exc}", attribute_path="config.cidr"
        ) from None
    return cidr


FILTER_CHUNK = 5  # the VPC API takes at most 5 values per filter


def subnets_of(clients: TencentClients, vpc_ids: list[str]) -> Iterator[dict[str, Any]]:
    return by_filter(
        lambda f: clients.paged("vpc", "DescribeSubnets", {"Filters": f}, "SubnetSet"),
        "vpc-id",
        vpc_ids,
        FILTER_CHUNK,
    )


class Networks(KindHandler):
    field = "network"

    def __init__(self, clients: TencentClients) -> None:
        self.clients = clients

    def _describe(self, filters: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        return self.clients.paged("vpc", "DescribeVpcs", {"Filters": filters}, "VpcSet")

    def _from(self, raw: Mapping[str, Any], subnet_ids: list[str]) -> pb.Network:
        return pb.Network(
            id=raw["VpcId"],
            name=raw.get("VpcName", ""),
            cidr=raw.get("CidrBlock", ""),
            subnet_ids=sorted(subnet_ids),
            tags=user_tags(tag_dict(raw.get("TagSet"))),
            provider_data=struct(
                {"is_default": raw.get("IsDefault"), "created": raw.get("CreatedTime")}
            ),
        )

    def _with_subnets(self, raws: list[dict[str, Any]]) -> dict[str, pb.Network]:
        subnets: dict[str, list[str]] = {r["VpcId"]: [] for r in raws}
        for subnet in subnets_of(self.clients, list(subnets)):
            subnets.setdefault(subnet["VpcId"], []).append(subnet["SubnetId"])
        return {r["VpcId"]: self._from(r, subnets[r["VpcId"]]) for r in raws}

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        return self._with_subnets(list(by_filter(self._describe, "vpc-id", ids, FILTER_CHUNK)))

    def find_by_token(self, token: str) -> str | None:
        found = [r["VpcId"] for r in self._describe([token_filter(token)])]
        return found[0] if found else None

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Network]:
        known = {"name": "vpc-name", "id": "vpc-id", "cidr": "cidr-block"}
        raws = [r for r in self._describe(api_filters(filters, known)) if not r.get("IsDefault")]
        yield from self._with_subnets(raws).values()

    def create(self, config: pb.NetworkConfig, token: str) -> pb.Network:
        existing = self.find_by_token(token) if token else None
        if existing is None:
            params = {
                "VpcName": config.name or "genesys",
                "CidrBlock": checked_cidr(config.cidr),
                "Tags": tag_list(config.tags, token=token),
            }
            existing = self.clients.call("vpc", "CreateVpc", params)["Vpc"]["VpcId"]
        return read_one(self, existing)

    def update(self, request: Any) -> pb.Network:
        changed = {c.split(".")[0] for c in request.changed} or {"name", "tags"}
        refuse_change(changed, ("cidr",), "network")
        current = read_one(self, request.id)
        if "name" in changed and request.config.name != current.name:
            self.clients.call(
                "vpc", "ModifyVpcAttribute", {"VpcId": request.id, "VpcName": request.config.name}
            )
        if "tags" in changed:
            name = self.clients.resource_name("vpc", f"vpc/{request.id}")
            retag(self.clients, name, current.tags, request.config.tags)
        return read_one(self, request.id)

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        self.clients.call("vpc", "DeleteVpc", {"VpcId": resource_id})


class Subnets(KindHandler):
    field = "subnet"

    def __init__(self, clients: TencentClients) -> None:
        self.clients = clients

    def _describe(self, filters: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        return self.clients.paged("vpc", "DescribeSubnets", {"Filters": filters}, "SubnetSet")

    @staticmethod
    def _from(raw: Mapping[str, Any]) -> pb.Subnet:
        tags = tag_dict(raw.get("TagSet"))
        return pb.Subnet(
            id=raw["SubnetId"],
            name=raw.get("SubnetName", ""),
            network_id=raw.get("VpcId", ""),
            cidr=raw.get("CidrBlock", ""),
            public=tags.get(PUBLIC_TAG) == "true",
            zone=raw.get("Zone", ""),
            available_ips=int(raw.get("AvailableIpAddressCount") or 0),
            tags=user_tags(tags),
            provider_data=struct(
                {"route_table_id": raw.get("RouteTableId"), "created": raw.get("CreatedTime")}
            ),
        )

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        return {
            r["SubnetId"]: self._from(r)
            for r in by_filter(self._describe, "subnet-id", ids, FILTER_CHUNK)
        }

    def find_by_token(self, token: str) -> str | None:
        found = [r["SubnetId"] for r in self._describe([token_filter(token)])]
        return found[0] if found else None

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Subnet]:
        known = {
            "name": "subnet-name",
            "id": "subnet-id",
            "network_id": "vpc-id",
            "zone": "zone",
            "cidr": "cidr-block",
        }
        for raw in self._describe(api_filters(filters, known)):
            if not raw.get("IsDefault"):
                yield self._from(raw)

    def create(self, config: pb.SubnetConfig, token: str) -> pb.Subnet:
        existing = self.find_by_token(token) if token else None
        if existing is None:
            zones = self.clients.zones()
            if config.zone and config.zone not in zones:
                raise errors.InvalidArgument(
                    f"zone {config.zone!r} is not offered in {self.clients.region} "
                    f"({', '.join(zones)})",
                    attribute_path="config.zone",
                )
            extra = {PUBLIC_TAG: "true"} if config.public else {}
            params = {
                "VpcId": config.network_id,
                "SubnetName": config.name or "genesys",
                "CidrBlock": checked_cidr(config.cidr),
                "Zone": config.zone or zones[0],
                "Tags": tag_list(config.tags, token=token, extra=extra),
            }
            existing = self.clients.call("vpc", "CreateSubnet", params)["Subnet"]["SubnetId"]
        return read_one(self, existing)

    def update(self, request: Any) -> pb.Subnet:
        changed = {c.split(".")[0] for c in request.changed} or {"name", "tags"}
        refuse_change(changed, ("network_id", "cidr", "zone", "public"), "subnet")
        current = read_one(self, request.id)
        if "name" in changed and request.config.name != current.name:
            self.clients.call(
                "vpc",
                "ModifySubnetAttribute",
                {"SubnetId": request.id, "SubnetName": request.config.name},
            )
        if "tags" in changed:
            name = self.clients.resource_name("vpc", f"subnet/{request.id}")
            retag(self.clients, name, current.tags, request.config.tags)
        return read_one(self, request.id)

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        self.clients.call("vpc", "DeleteSubnet", {"SubnetId": resource_id})
