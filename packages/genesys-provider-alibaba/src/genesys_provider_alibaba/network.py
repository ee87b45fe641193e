"""Network: VPCs and vSwitches (Alibaba's subnets, which are zonal).

A vSwitch without a `zone` takes the region's first zone (VPC DescribeZones, alphabetical),
so every run picks the same one; a region that offers no zone, or a `zone` it does not
offer, is an invalid argument naming `zone`. Alibaba has no public/private vSwitch: the
config's `public` is kept in the tag `genesys:public` and read back from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_in_chunks, read_one
from genesys_plugin_sdk.waiters import Waiter

from genesys_provider_alibaba import security_groups
from genesys_provider_alibaba.clients import AlibabaClients
from genesys_provider_alibaba.common import (
    filter_words,
    polled,
    retag,
    struct,
    tag_params,
    tags_of,
    token_filter,
    token_value,
    visible_tags,
)

PUBLIC_TAG = "genesys:public"


def network_from(raw: Mapping[str, Any]) -> pb.Network:
    tags = tags_of(raw.get("Tags"), "Key", "Value")
    return pb.Network(
        id=raw["VpcId"],
        name=raw.get("VpcName", ""),
        cidr=raw.get("CidrBlock", ""),
        subnet_ids=sorted(raw.get("VSwitchIds", {}).get("VSwitchId", [])),
        tags=visible_tags(tags),
        provider_data=struct(
            {
                "status": raw.get("Status"),
                "vrouter_id": raw.get("VRouterId"),
                "route_table_id": raw.get("RouteTableId"),
            }
        ),
    )


def subnet_from(raw: Mapping[str, Any]) -> pb.Subnet:
    tags = tags_of(raw.get("Tags"), "Key", "Value")
    return pb.Subnet(
        id=raw["VSwitchId"],
        name=raw.get("VSwitchName", ""),
        network_id=raw.get("VpcId", ""),
        cidr=raw.get("CidrBlock", ""),
        public=tags.get(PUBLIC_TAG) == "true",
        zone=raw.get("ZoneId", ""),
        available_ips=int(raw.get("AvailableIpAddressCount") or 0),
        tags=visible_tags(tags),
        provider_data=struct({"status": raw.get("Status")}),
    )


def region_zones(clients: AlibabaClients) -> list[str]:
    """The region's zones (VPC DescribeZones), sorted; cached for the run."""
    key = f"zones:{clients.region}"
    if key not in clients.cache:
        answer = clients.rpc("vpc", "DescribeZones")
        clients.cache[key] = sorted(z["ZoneId"] for z in answer.get("Zones", {}).get("Zone", []))
    zones: list[str] = clients.cache[key]
    return zones


def first_zone(clients: AlibabaClients) -> str:
    """Where a zonal resource goes when the config names no zone: the first, alphabetically."""
    zones = region_zones(clients)
    if not zones:
        raise errors.InvalidArgument(
            f"region {clients.region} offers no zone", attribute_path="config.zone"
        )
    return zones[0]


class Networks(KindHandler):
    field = "network"

    def __init__(self, clients: AlibabaClients) -> None:
        self.clients = clients
        self.waiter: Waiter[str] = Waiter(self._statuses, what="VPC", timing=clients.timing)

    def describe(self, **params: Any) -> Iterator[dict[str, Any]]:
        yield from self.clients.pages("vpc", "DescribeVpcs", ("Vpcs", "Vpc"), PageSize=50, **params)

    def _by_ids(self, ids: list[str]) -> Iterable[dict[str, Any]]:
        return self.describe(VpcId=",".join(ids))

    def _statuses(self, ids: list[str]) -> dict[str, str]:
        return polled(lambda: {raw["VpcId"]: str(raw["Status"]) for raw in self._by_ids(ids)})

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        raws = read_in_chunks(ids, self._by_ids, 20, id_of=lambda raw: str(raw["VpcId"]))
        return {i: network_from(raw) for i, raw in raws.items()}

    def find_by_token(self, token: str) -> str | None:
        for raw in self.describe(**token_filter(token)):
            return str(raw["VpcId"])
        return None

    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Network]:
        for raw in self.describe(**filter_words(filters, {"name": "VpcName", "id": "VpcId"})):
            yield network_from(raw)

    def create(self, config: pb.NetworkConfig, token: str) -> pb.Network:
        existing = self.find_by_token(token) if token else None
        if existing is None:
            answer = self.clients.rpc(
                "vpc",
                "CreateVpc",
                CidrBlock=config.cidr,
                VpcName=config.name or None,
                ClientToken=token_value(token) if token else None,
                **tag_params(dict(config.tags), token),
            )
            existing = answer["VpcId"]
        self.waiter.wait_for(existing, ready={"Available"})
        return read_one(self, existing)

    def update(self, request: Any) -> pb.Network:
        current = read_one(self, request.id)
        config = request.config
        if config.cidr and config.cidr != current.cidr:
            raise errors.InvalidArgument(
                "changing cidr replaces the VPC", attribute_path="config.cidr"
            )
        if config.name != current.name:
            self.clients.rpc("vpc", "ModifyVpcAttribute", VpcId=request.id, VpcName=config.name)
        retag(self.clients, "vpc", "VPC", request.id, dict(current.tags), dict(config.tags))
        return read_one(self, request.id)

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        self.clients.rpc("vpc", "DeleteVpc", VpcId=resource_id)
        self.waiter.wait_gone(resource_id)


class Subnets(KindHandler):
    field = "subnet"

    def __init__(self, clients: AlibabaClients) -> None:
        self.clients = clients
        self.waiter: Waiter[str] = Waiter(
            self._statuses, what="vSwitch", timing=clients.timing, max_batch=1
        )

    def describe(self, **params: Any) -> Iterator[dict[str, Any]]:
        yield from self.clients.pages(
            "vpc", "DescribeVSwitches", ("VSwitches", "VSwitch"), PageSize=50, **params
        )

    def _by_ids(self, ids: list[str]) -> Iterable[dict[str, Any]]:
        return self.describe(VSwitchId=ids[0])  # DescribeVSwitches takes one id

    def _statuses(self, ids: list[str]) -> dict[str, str]:
        return polled(lambda: {raw["VSwitchId"]: str(raw["Status"]) for raw in self._by_ids(ids)})

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        def one(vswitch_id: str) -> pb.Subnet | None:
            for raw in self._by_ids([vswitch_id]):
                return subnet_from(raw)
            return None

        found: dict[str, Any] = {}
        for vswitch_id, outcome in self.clients.pool.fan_out(one, sorted(set(ids))):
            if outcome is not None:
                found[vswitch_id] = outcome
        return found

    def find_by_token(self, token: str) -> str | None:
        for raw in self.describe(**token_filter(token)):
            return str(raw["VSwitchId"])
        return None

    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Subnet]:
        known = {"name": "VSwitchName", "network_id": "VpcId", "zone": "ZoneId"}
        for raw in self.describe(**filter_words(filters, known)):
            yield subnet_from(raw)

    def pick_zone(self, wanted: str) -> str:
        zones = region_zones(self.clients)
        if not zones:
            raise errors.InvalidArgument(
                f"region {self.clients.region} offers no zone for a vSwitch",
                attribute_path="config.zone",
            )
        if wanted and wanted not in zones:
            raise errors.InvalidArgument(
                f"zone {wanted!r} is not offered in {self.clients.region}; "
                f"one of {', '.join(zones)}",
                attribute_path="config.zone",
            )
        return wanted or zones[0]

    def create(self, config: pb.SubnetConfig, token: str) -> pb.Subnet:
        existing = self.find_by_token(token) if token else None
        if existing is None:
            tags = {**dict(config.tags), PUBLIC_TAG: "true" if config.public else "false"}
            answer = self.clients.rpc(
                "vpc",
                "CreateVSwitch",
                VpcId=config.network_id,
                ZoneId=self.pick_zone(config.zone),
                CidrBlock=config.cidr,
                VSwitchName=config.name or None,
                ClientToken=token_value(token) if token else None,
                **tag_params(tags, token),
            )
            existing = answer["VSwitchId"]
        self.waiter.wait_for(existing, ready={"Available"})
        return read_one(self, existing)

    def update(self, request: Any) -> pb.Subnet:
        current = read_one(self, request.id)
        config = request.config
        if config.name != current.name:
            self.clients.rpc(
                "vpc", "ModifyVSwitchAttribute", VSwitchId=request.id, VSwitchName=config.name
            )
        retag(self.clients, "vpc", "VSWITCH", request.id, dict(current.tags), dict(config.tags))
        if config.public != current.public:
            public = {PUBLIC_TAG: "true" if config.public else "false"}
            self.clients.rpc(
                "vpc",
                "TagResources",
                ResourceType="VSWITCH",
                **{"ResourceId.1": request.id},
                **tag_params(public),
            )
        return read_one(self, request.id)

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        self.clients.rpc("vpc", "DeleteVSwitch", VSwitchId=resource_id)
        self.waiter.wait_gone(resource_id)


def kinds(clients: AlibabaClients) -> list[KindHandler]:
    from genesys_provider_alibaba import load_balancers

    return [
        Networks(clients),
        Subnets(clients),
        *security_groups.kinds(clients),
        *load_balancers.kinds(clients),
    ]
