"""Virtual networks, subnets and network security groups (Microsoft.Network).

A Genesys network is a virtual network with one address prefix; a subnet its child. A
security group is an NSG (not bound to a network in Azure: `network_id` is kept as given)
whose ingress/egress rules become security rules with priorities from 100 in order.
"""

from __future__ import annotations

import ipaddress
import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors

from genesys_provider_azure.clients import AzureClients
from genesys_provider_azure.common import (
    AzureKind,
    absent,
    apply_filters,
    arm_ids,
    as_private,
    by_id,
    delete_or_not_found,
    group_of,
    listed,
    name_of,
    parse_id,
    pick,
    private_json,
    sdk_models,
    system_tags,
    tags_with_token,
    token_of,
    user_tags,
)

SUBNET_TOKEN = "genesys-token-subnet-"  # + subnet name, on the network: subnets have no tags
SUBNET_TAGS = "genesys-tags-subnet-"  # + subnet name: the subnet's tags, as JSON
PROTOCOLS = {"tcp": "Tcp", "udp": "Udp", "icmp": "Icmp", "all": "*", "-1": "*", "": "*"}


class Networks(AzureKind):
    field = "network"
    service = "network"

    def create(self, config: pb.NetworkConfig, token: str) -> pb.Network:
        models = sdk_models("network")
        api, group = self._api(), self.clients.group
        existing = self.taken(
            lambda: api.virtual_networks.get(group, config.name), token, "virtual network"
        )
        if existing is not None:
            return self._convert(existing)
        body = models.VirtualNetwork(
            location=self.clients.location,
            address_space=models.AddressSpace(address_prefixes=[config.cidr]),
            tags=tags_with_token(config.tags, token),
        )
        return self._convert(
            api.virtual_networks.begin_create_or_update(group, config.name, body).result()
        )

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        ids = arm_ids(ids)
        found: dict[str, Any] = {}
        for group in {group_of(i) for i in ids}:
            found.update(by_id(listed(self._api().virtual_networks.list, group)))
        return pick(ids, found, lambda v, _: self._convert(v))

    def find_by_token(self, token: str) -> str | None:
        return next((v.id for v in self._listed() if token_of(v.tags) == token), None)

    def update(self, request: Any) -> pb.Network:
        api = self._api()
        group, name = group_of(request.id), name_of(request.id)
        vnet = api.virtual_networks.get(group, name)
        vnet.tags = {**system_tags(vnet.tags), **dict(request.config.tags)}
        return self._convert(
            api.virtual_networks.begin_create_or_update(group, name, vnet).result()
        )

    def delete(self, resource_id: str) -> None:
        delete_or_not_found(
            lambda: self._api().virtual_networks.begin_delete(
                group_of(resource_id), name_of(resource_id)
            ),
            "virtual network",
            resource_id,
        )

    @apply_filters
    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Network]:
        return [self._convert(v) for v in self._listed()]

    def _listed(self) -> Sequence[Any]:
        return [*self._api().virtual_networks.list(self.clients.group)]

    def _convert(self, vnet: Any) -> pb.Network:
        prefixes = vnet.address_space.address_prefixes if vnet.address_space else []
        return pb.Network(
            id=vnet.id,
            name=vnet.name,
            cidr=(prefixes or [""])[0],
            subnet_ids=[s.id for s in vnet.subnets or []],
            tags=user_tags(vnet.tags),
        )


class Subnets(AzureKind):
    field = "subnet"
    service = "network"

    def __init__(self, clients: AzureClients) -> None:
        super().__init__(clients)
        self._tag_lock = threading.Lock()

    def create(self, config: pb.SubnetConfig, token: str) -> pb.Subnet:
        models = sdk_models("network")
        api = self._api()
        group, vnet = group_of(config.network_id), name_of(config.network_id)
        existing = absent(lambda: api.subnets.get(group, vnet, config.name))
        # Azure subnets have neither tags nor a public flag: the flag is kept privately, the
        # tags (and the create's token) on the network's tags.
        public = as_private({"public": config.public})
        if existing is not None:
            return self._convert(existing, config.network_id, public, dict(config.tags))
        self._remember(group, vnet, config.name, token, config.tags)
        subnet = api.subnets.begin_create_or_update(
            group, vnet, config.name, models.Subnet(address_prefix=config.cidr)
        ).result()
        return self._convert(subnet, config.network_id, public, dict(config.tags))

    def _remember(
        self, group: str, vnet: str, subnet: str, token: str, user: Mapping[str, str]
    ) -> None:
        """Subnets have no tags: a create's token and the subnet's tags go on its network's,
        before the create, so an interrupted run finds the subnet again (find_by_token)."""
        with self._tag_lock:  # read-modify-write of one network's tags
            api = self._api()
            tags = dict(api.virtual_networks.get(group, vnet).tags or {})
            if token:
                tags[f"{SUBNET_TOKEN}{subnet}"] = token[:256]
            tags[f"{SUBNET_TAGS}{subnet}"] = json.dumps(dict(user), sort_keys=True)[:256]
            api.virtual_networks.update_tags(
                group, vnet, sdk_models("network").TagsObject(tags=tags)
            )

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        ids = arm_ids(ids)
        found: dict[str, Any] = {}
        for network_id in {
            i.lower().rsplit("/subnets/", 1)[0] for i in ids if "/subnets/" in i.lower()
        }:
            parts = parse_id(network_id)
            vnet = absent(
                lambda p=parts: self._api().virtual_networks.get(  # type: ignore[misc]
                    p["resourcegroups"], p["virtualnetworks"]
                )
            )
            if vnet is None:
                continue
            for subnet in vnet.subnets or []:
                found[subnet.id.lower()] = (subnet, vnet)
        return pick(
            ids,
            found,
            lambda pair, rid: self._convert(
                pair[0], pair[1].id, privates.get(rid, b""), _subnet_tags(pair[1], pair[0].name)
            ),
        )

    def find_by_token(self, token: str) -> str | None:
        for vnet in self._api().virtual_networks.list(self.clients.group):
            for name, value in (vnet.tags or {}).items():
                if name.startswith(SUBNET_TOKEN) and value == token:
                    return f"{vnet.id}/subnets/{name[len(SUBNET_TOKEN) :]}"
        return None

    def update(self, request: Any) -> pb.Subnet:
        # Only tags could change in place, and they live on the network's tags.
        parts = parse_id(request.id)
        self._remember(
            parts["resourcegroups"],
            parts["virtualnetworks"],
            parts["subnets"],
            "",
            request.config.tags,
        )
        return self.get(request.id, request.private)

    def delete(self, resource_id: str) -> None:
        parts = parse_id(resource_id)
        delete_or_not_found(
            lambda: self._api().subnets.begin_delete(
                parts["resourcegroups"], parts["virtualnetworks"], parts["subnets"]
            ),
            "subnet",
            resource_id,
        )

    @apply_filters
    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Subnet]:
        return [
            self._convert(s, v.id, b"", _subnet_tags(v, s.name))
            for v in self._api().virtual_networks.list(self.clients.group)
            for s in v.subnets or []
        ]

    def _convert(
        self, subnet: Any, network_id: str, private: bytes, tags: dict[str, str]
    ) -> pb.Subnet:
        cidr = subnet.address_prefix or (subnet.address_prefixes or [""])[0]
        network = ipaddress.ip_network(cidr)
        used = len(subnet.ip_configurations or [])
        return pb.Subnet(
            id=subnet.id,
            name=subnet.name,
            network_id=network_id,
            cidr=cidr,
            # Azure subnets are neither public nor private (a VM is public with a public
            # IP): the config's word is kept in the resource's private bytes.
            public=bool(private_json(private).get("public")),
            tags=tags,
            available_ips=max(network.num_addresses - 5 - used, 0),
            private=private,
        )


class SecurityGroups(AzureKind):
    field = "security_group"
    service = "network"

    def create(self, config: pb.SecurityGroupConfig, token: str) -> pb.SecurityGroup:
        api, group = self._api(), self.clients.group
        existing = self.taken(
            lambda: api.network_security_groups.get(group, config.name),
            token,
            "network security group",
        )
        if existing is not None:
            return self._convert(existing, config.network_id)
        body = self._body(config, tags_with_token(config.tags, token))
        made = api.network_security_groups.begin_create_or_update(group, config.name, body)
        return self._convert(made.result(), config.network_id)

    def _body(self, config: Any, tags: dict[str, str]) -> Any:
        models = sdk_models("network")
        rules = [
            _rule(models, rule, "Inbound", index, config.name)
            for index, rule in enumerate(config.ingress)
        ]
        rules += [
            _rule(models, rule, "Outbound", index, config.name)
            for index, rule in enumerate(config.egress)
        ]
        # NSGs belong to no network in Azure and have no description: both kept as tags.
        own = {
            "genesys-network": config.network_id.rsplit("/", 1)[-1] if config.network_id else "",
            "genesys-description": config.description[:256],
        }
        return models.NetworkSecurityGroup(
            location=self.clients.location,
            security_rules=rules,
            tags={**tags, **{k: v for k, v in own.items() if v}},
        )

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        ids = arm_ids(ids)
        found: dict[str, Any] = {}
        for group in {group_of(i) for i in ids}:
            found.update(by_id(listed(self._api().network_security_groups.list, group)))
        return pick(ids, found, lambda g, _: self._convert(g, ""))

    def find_by_token(self, token: str) -> str | None:
        return next(
            (
                g.id
                for g in self._api().network_security_groups.list(self.clients.group)
                if token_of(g.tags) == token
            ),
            None,
        )

    def update(self, request: Any) -> pb.SecurityGroup:
        api = self._api()
        group, name = group_of(request.id), name_of(request.id)
        current = api.network_security_groups.get(group, name)
        body = self._body(
            request.config, {**system_tags(current.tags), **dict(request.config.tags)}
        )
        made = api.network_security_groups.begin_create_or_update(group, name, body).result()
        return self._convert(made, request.config.network_id)

    def delete(self, resource_id: str) -> None:
        delete_or_not_found(
            lambda: self._api().network_security_groups.begin_delete(
                group_of(resource_id), name_of(resource_id)
            ),
            "network security group",
            resource_id,
        )

    @apply_filters
    def list(self, filters: Mapping[str, str]) -> Iterable[pb.SecurityGroup]:
        return [
            self._convert(g, "")
            for g in self._api().network_security_groups.list(self.clients.group)
        ]

    def _convert(self, nsg: Any, network_id: str) -> pb.SecurityGroup:
        ingress: list[pb.SecurityRule] = []
        egress: list[pb.SecurityRule] = []
        for rule in sorted(nsg.security_rules or [], key=lambda r: r.priority or 0):
            (ingress if rule.direction == "Inbound" else egress).append(_from_rule(rule))
        network = (nsg.tags or {}).get("genesys-network", "")
        if not network_id and network:
            network_id = (
                f"/subscriptions/{self.clients.subscription}/resourceGroups/"
                f"{group_of(nsg.id)}/providers/Microsoft.Network/virtualNetworks/"
                f"{network}"
            )
        return pb.SecurityGroup(
            id=nsg.id,
            name=nsg.name,
            network_id=network_id,
            ingress=ingress,
            egress=egress,
            description=(nsg.tags or {}).get("genesys-description", ""),
            tags=user_tags(nsg.tags),
        )


def _subnet_tags(vnet: Any, subnet: str) -> dict[str, str]:
    raw = (vnet.tags or {}).get(f"{SUBNET_TAGS}{subnet}", "{}")
    try:
        return {str(k): str(v) for k, v in json.loads(raw).items()}
    except (ValueError, AttributeError):
        return {}


def _rule(models: Any, rule: pb.SecurityRule, direction: str, index: int, group: str) -> Any:
    protocol = PROTOCOLS.get(rule.protocol.lower())
    if protocol is None:
        raise errors.InvalidArgument(
            f"security group {group}: protocol {rule.protocol!r} is not tcp, udp, icmp or all",
            attribute_path=f"config.{'ingress' if direction == 'Inbound' else 'egress'}"
            f"[{index}].protocol",
        )
    ports = (
        "*"
        if protocol in ("*", "Icmp") or (rule.from_port, rule.to_port) in ((0, 0), (0, 65535))
        else (
            str(rule.from_port)
            if rule.from_port == rule.to_port
            else f"{rule.from_port}-{rule.to_port}"
        )
    )
    cidrs = list(rule.cidr_blocks) or ["*"]
    remote = (
        {"source_address_prefixes": cidrs}
        if direction == "Inbound"
        else {"destination_address_prefixes": cidrs}
    )
    local = "destination_address_prefix" if direction == "Inbound" else "source_address_prefix"
    return models.SecurityRule(
        name=f"{direction.lower()}-{index}",
        protocol=protocol,
        access="Allow",
        direction=direction,
        priority=100 + index,
        source_port_range="*",
        destination_port_range=ports,
        description=rule.description or None,
        **{local: "*"},
        **remote,
    )


def _from_rule(rule: Any) -> pb.SecurityRule:
    protocol = {v: k for k, v in PROTOCOLS.items() if k not in ("-1", "")}.get(rule.protocol, "all")
    ports = rule.destination_port_range or "*"
    low, high = (
        (0, 0)
        if ports == "*"
        else (tuple(int(p) for p in ports.split("-")) if "-" in ports else (int(ports), int(ports)))
    )
    inbound = rule.direction == "Inbound"
    prefixes = (
        rule.source_address_prefixes if inbound else rule.destination_address_prefixes
    ) or []
    single = rule.source_address_prefix if inbound else rule.destination_address_prefix
    cidrs = [p for p in (list(prefixes) or [single]) if p and p != "*"]
    if not cidrs and "*" in (list(prefixes) or [single]):
        cidrs = ["0.0.0.0/0"]
    return pb.SecurityRule(
        protocol=protocol,
        from_port=low,
        to_port=high,
        cidr_blocks=cidrs,
        description=rule.description or "",
    )
