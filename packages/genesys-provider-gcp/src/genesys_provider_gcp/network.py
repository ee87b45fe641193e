"""Network: VPC networks (custom mode), subnetworks and firewalls (security groups).

Ids: a network's is its name; a subnet's `<region>/<name>` with the GCP name
`<network>-<subnet>` (subnetwork names are unique per region, not per network); a security
group's `<network>-<group>`, realised as firewalls that target the network tag of the same
name: `<id>-in` (ingress, when there are ingress rules) and `<id>-out` (egress: the rules, or
deny-all when the group allows nothing out), so every group has at least one firewall.

Compute has no labels on these kinds: the token, the Genesys name, the CIDR a network was
given (a GCP VPC has none of its own) and the tags are kept in `description` (common.describe).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_in_chunks, read_one
from genesys_plugin_sdk.tags import label_token

from genesys_provider_gcp.clients import GcpClients
from genesys_provider_gcp.common import (
    after,
    describe,
    description_meta,
    filtered,
    fit_name,
    last,
    names_filter,
    split_id,
    struct,
)

ALL = "0.0.0.0/0"


def parse_cidr(text: str, path: str) -> ipaddress.IPv4Network:
    try:
        return ipaddress.IPv4Network(text, strict=True)
    except ValueError as exc:
        raise errors.InvalidArgument(f"invalid CIDR {text!r}: {exc}", attribute_path=path) from None


def _token_matches(description: str, token: str) -> bool:
    return description_meta(description).get("token") == label_token(token)


class _ComputeKind(KindHandler):
    """What the three kinds share: a Compute list call filtered by names or by token."""

    client_name = ""

    def __init__(self, clients: GcpClients) -> None:
        self.clients = clients

    @property
    def api(self) -> Any:
        return self.clients.compute(self.client_name)

    def _list(self, filter_text: str = "") -> Iterator[Any]:
        yield from self.api.list(request={"project": self.clients.project, "filter": filter_text})


# ---------------------------------------------------------------- networks


def network_from(raw: Any) -> pb.Network:
    meta = description_meta(raw.description)
    return pb.Network(
        id=raw.name,
        name=str(meta.get("name") or raw.name),
        cidr=str(meta.get("cidr", "")),
        subnet_ids=sorted(f"{after(s, 'regions')}/{last(s)}" for s in raw.subnetworks),
        tags=dict(meta.get("tags") or {}),
        provider_data=struct(
            {"self_link": raw.self_link, "routing_mode": raw.routing_config.routing_mode}
        ),
    )


class Networks(_ComputeKind):
    field = "network"
    client_name = "NetworksClient"

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        return read_in_chunks(ids, lambda chunk: map(network_from, self._list(names_filter(chunk))))

    def find_by_token(self, token: str) -> str | None:
        found = [n.name for n in self._list() if _token_matches(n.description, token)]
        return found[0] if found else None

    def create(self, config: pb.NetworkConfig, token: str) -> pb.Network:
        parse_cidr(config.cidr, "config.cidr")
        existing = self.find_by_token(token) if token else None
        if existing is None:
            meta = {
                "token": label_token(token),
                "name": config.name,
                "cidr": config.cidr,
                "tags": dict(config.tags),
            }
            body = {
                "name": config.name,
                "auto_create_subnetworks": False,
                "description": describe(meta),
            }
            self.clients.wait_operation(
                self.api.insert_unary(project=self.clients.project, network_resource=body)
            )
            existing = config.name
        return read_one(self, existing)  # type: ignore[no-any-return]

    def update(self, request: Any) -> pb.Network:
        raise errors.InvalidArgument(
            "a GCP network's tags and CIDR cannot change in place", attribute_path="config.tags"
        )

    def delete(self, resource_id: str) -> None:
        self.clients.wait_operation(
            self.api.delete_unary(project=self.clients.project, network=resource_id)
        )

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Network]:
        return filtered(map(network_from, self._list()), filters)


# ---------------------------------------------------------------- subnets


def subnet_from(raw: Any) -> pb.Subnet:
    meta = description_meta(raw.description)
    network = ipaddress.ip_network(raw.ip_cidr_range)
    return pb.Subnet(
        id=f"{last(raw.region)}/{raw.name}",
        name=str(meta.get("name") or raw.name),
        network_id=last(raw.network),
        cidr=raw.ip_cidr_range,
        public=bool(meta.get("public", False)),
        zone=str(meta.get("zone", "")),
        # GCP reserves four addresses of every primary range.
        available_ips=max(network.num_addresses - 4, 0),
        tags=dict(meta.get("tags") or {}),
        provider_data=struct({"self_link": raw.self_link, "gateway": raw.gateway_address}),
    )


def subnet_name(config: pb.SubnetConfig) -> str:
    prefix = f"{config.network_id}-"
    return fit_name(config.name if config.name.startswith(prefix) else prefix + config.name)


class Subnets(_ComputeKind):
    field = "subnet"
    client_name = "SubnetworksClient"

    def _aggregated(self, filter_text: str) -> Iterator[Any]:
        request = {"project": self.clients.project, "filter": filter_text}
        for _, scoped in self.api.aggregated_list(request=request):
            yield from scoped.subnetworks

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        def fetch(chunk: list[str]) -> Iterator[pb.Subnet]:
            names = sorted({split_id(i, "subnet")[1] for i in chunk})
            for raw in self._aggregated(names_filter(names)):
                subnet = subnet_from(raw)
                if subnet.id in chunk:
                    yield subnet

        return read_in_chunks(ids, fetch)

    def find_by_token(self, token: str) -> str | None:
        for raw in self._aggregated(""):
            if _token_matches(raw.description, token):
                return f"{last(raw.region)}/{raw.name}"
        return None

    def create(self, config: pb.SubnetConfig, token: str) -> pb.Subnet:
        self._check_inside_network(config)
        existing = self.find_by_token(token) if token else None
        if existing is None:
            region = config.zone.rsplit("-", 1)[0] if config.zone else self.clients.region
            meta = {
                "token": label_token(token),
                "name": config.name,
                "public": config.public,
                "zone": config.zone,
                "tags": dict(config.tags),
            }
            body = {
                "name": subnet_name(config),
                "network": f"global/networks/{config.network_id}",
                "ip_cidr_range": config.cidr,
                # A private subnet still reaches Google APIs (Cloud SQL, GCS) without NAT.
                "private_ip_google_access": not config.public,
                "description": describe(meta),
            }
            operation = self.api.insert_unary(
                project=self.clients.project, region=region, subnetwork_resource=body
            )
            self.clients.wait_operation(operation)
            existing = f"{region}/{body['name']}"
        return read_one(self, existing)  # type: ignore[no-any-return]

    def _check_inside_network(self, config: pb.SubnetConfig) -> None:
        """A GCP VPC has no CIDR of its own; Genesys keeps the one it was given and holds its
        subnets to it, as every other cloud does."""
        cidr = parse_cidr(config.cidr, "config.cidr")
        client = self.clients.compute("NetworksClient")
        network = client.get(project=self.clients.project, network=config.network_id)
        outer = description_meta(network.description).get("cidr")
        if outer and not cidr.subnet_of(ipaddress.ip_network(outer)):  # type: ignore[arg-type]
            raise errors.InvalidArgument(
                f"subnet CIDR {config.cidr} is outside its network's {outer}",
                attribute_path="config.cidr",
            )

    def update(self, request: Any) -> pb.Subnet:
        raise errors.InvalidArgument(
            "a GCP subnetwork's tags and public flag cannot change in place",
            attribute_path="config.tags",
        )

    def delete(self, resource_id: str) -> None:
        region, name = split_id(resource_id, "subnet")
        operation = self.api.delete_unary(
            project=self.clients.project, region=region, subnetwork=name
        )
        self.clients.wait_operation(operation)

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Subnet]:
        known = ("name", "network_id", "zone")
        return filtered(map(subnet_from, self._aggregated("")), filters, known)


# ---------------------------------------------------------------- security groups (firewalls)


def _ports(rule: pb.SecurityRule) -> list[str]:
    if rule.protocol in ("all", "icmp", "") or (rule.from_port, rule.to_port) in (
        (0, 0),
        (0, 65535),
    ):
        return []
    if rule.from_port == rule.to_port or not rule.to_port:
        return [str(rule.from_port)]
    return [f"{rule.from_port}-{rule.to_port}"]


def _firewall_body(
    name: str,
    group: str,
    network: str,
    rules: list[pb.SecurityRule],
    egress: bool,
    meta: dict[str, Any],
) -> dict[str, Any]:
    ranges = sorted({c for r in rules for c in r.cidr_blocks}) or [ALL]
    body: dict[str, Any] = {
        "name": name,
        "network": f"global/networks/{network}",
        "direction": "EGRESS" if egress else "INGRESS",
        "target_tags": [group],
        "description": describe(meta),
    }
    allowed = [{"I_p_protocol": r.protocol or "all", "ports": _ports(r)} for r in rules]
    if egress and not rules:  # nothing allowed out: deny all, below user rules
        body.update(denied=[{"I_p_protocol": "all"}], priority=65534, destination_ranges=[ALL])
        return body
    body["allowed"] = allowed
    if egress:
        body["destination_ranges"] = ranges
        return body
    sources = sorted({r.source_security_group_id for r in rules if r.source_security_group_id})
    if sources:
        body["source_tags"] = sources
    if any(r.cidr_blocks for r in rules) or not sources:
        body["source_ranges"] = ranges
    return body


def group_from(firewalls: list[Any]) -> pb.SecurityGroup:
    """A security group from its firewalls: the rules as recorded in the description while the
    firewall still says what they say, else as the firewall now reads (drift)."""
    anchor = next((f for f in firewalls if f.name.endswith("-out")), firewalls[0])
    meta = description_meta(anchor.description)
    group = pb.SecurityGroup(
        id=anchor.name.rsplit("-", 1)[0],
        name=str(meta.get("name") or anchor.name),
        network_id=last(anchor.network),
        description=str(meta.get("description", "")),
        tags=dict(meta.get("tags") or {}),
        provider_data=struct({"firewalls": sorted(f.name for f in firewalls)}),
    )
    for firewall in firewalls:
        side = group.egress if firewall.direction == "EGRESS" else group.ingress
        side.extend(_rules_of(firewall))
    return group


def _rules_of(firewall: Any) -> list[pb.SecurityRule]:
    recorded = description_meta(firewall.description).get("rules")
    if recorded is not None and firewall.description.endswith("}"):
        rules = [pb.SecurityRule(**r) for r in recorded]
        egress = firewall.direction == "EGRESS"
        rebuilt = _firewall_body(firewall.name, "", last(firewall.network), rules, egress, {})
        same_allowed = sorted(str(a) for a in rebuilt.get("allowed", [])) == sorted(
            str({"I_p_protocol": a.I_p_protocol, "ports": list(a.ports)}) for a in firewall.allowed
        )
        if same_allowed:
            return rules
    ranges = list(
        firewall.destination_ranges if firewall.direction == "EGRESS" else firewall.source_ranges
    )
    out = []
    for allowed in firewall.allowed:
        low, _, high = (allowed.ports[0] if allowed.ports else "0-0").partition("-")
        out.append(
            pb.SecurityRule(
                protocol=allowed.I_p_protocol,
                from_port=int(low),
                to_port=int(high or low),
                cidr_blocks=ranges,
            )
        )
    return out


def group_id(config: pb.SecurityGroupConfig) -> str:
    """The group's id; its firewalls add "-in" / "-out", so it leaves them room."""
    prefix = f"{config.network_id}-"
    return fit_name(config.name if config.name.startswith(prefix) else prefix + config.name, 59)


class SecurityGroups(_ComputeKind):
    field = "security_group"
    client_name = "FirewallsClient"

    def _firewalls_of(self, ids: list[str]) -> dict[str, list[Any]]:
        names = [f"{i}-{side}" for i in ids for side in ("in", "out")]
        grouped: dict[str, list[Any]] = {}
        for firewall in self._list(names_filter(names)):
            grouped.setdefault(firewall.name.rsplit("-", 1)[0], []).append(firewall)
        return grouped

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        def fetch(chunk: list[str]) -> Iterator[pb.SecurityGroup]:
            for firewalls in self._firewalls_of(chunk).values():
                yield group_from(firewalls)

        return read_in_chunks(ids, fetch, chunk_size=50)

    def find_by_token(self, token: str) -> str | None:
        for firewall in self._list():
            if _token_matches(firewall.description, token) and firewall.name.endswith("-out"):
                return str(firewall.name.rsplit("-", 1)[0])
        return None

    def _bodies(self, config: pb.SecurityGroupConfig, token: str) -> list[dict[str, Any]]:
        base = group_id(config)
        meta = {
            "token": label_token(token),
            "name": config.name,
            "description": config.description,
            "tags": dict(config.tags),
        }
        rules_meta = lambda rules: [_rule_dict(r) for r in rules]  # noqa: E731
        bodies = []
        if config.ingress:
            meta_in = {**meta, "rules": rules_meta(config.ingress)}
            bodies.append(
                _firewall_body(
                    f"{base}-in", base, config.network_id, list(config.ingress), False, meta_in
                )
            )
        meta_out = {**meta, "rules": rules_meta(config.egress)}
        bodies.append(
            _firewall_body(
                f"{base}-out", base, config.network_id, list(config.egress), True, meta_out
            )
        )
        return bodies

    def create(self, config: pb.SecurityGroupConfig, token: str) -> pb.SecurityGroup:
        existing = self.find_by_token(token) if token else None
        if existing is None:
            for body in self._bodies(config, token):
                self._insert_once(body, token)
            existing = group_id(config)
        return read_one(self, existing)  # type: ignore[no-any-return]

    def _insert_once(self, body: dict[str, Any], token: str) -> None:
        """Inserts a firewall unless an earlier attempt of this create made it (a throttled
        or interrupted create is retried whole: its first firewall may exist already)."""
        from google.api_core import exceptions

        try:
            operation = self.api.insert_unary(project=self.clients.project, firewall_resource=body)
        except exceptions.Conflict:
            existing = self.api.get(project=self.clients.project, firewall=body["name"])
            if token and _token_matches(existing.description, token):
                return
            raise
        self.clients.wait_operation(operation)

    def update(self, request: Any) -> pb.SecurityGroup:
        current = {f.name: f for f in self._firewalls_of([request.id]).get(request.id, [])}
        token = (
            description_meta(next(iter(current.values())).description).get("token", "")
            if current
            else ""
        )
        wanted = {b["name"]: b for b in self._bodies(request.config, "")}
        project = self.clients.project
        for name, body in wanted.items():
            body["description"] = describe(
                {**description_meta(body["description"]), "token": token}
            )
            if name in current:
                operation = self.api.patch_unary(
                    project=project, firewall=name, firewall_resource=body
                )
            else:
                operation = self.api.insert_unary(project=project, firewall_resource=body)
            self.clients.wait_operation(operation)
        for name in set(current) - set(wanted):
            self.clients.wait_operation(self.api.delete_unary(project=project, firewall=name))
        return read_one(self, request.id)  # type: ignore[no-any-return]

    def delete(self, resource_id: str) -> None:
        firewalls = self._firewalls_of([resource_id]).get(resource_id)
        if not firewalls:
            raise errors.NotFound(f"security group {resource_id} not found")
        for firewall in firewalls:
            self.clients.wait_operation(
                self.api.delete_unary(project=self.clients.project, firewall=firewall.name)
            )

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.SecurityGroup]:
        grouped: dict[str, list[Any]] = {}
        for firewall in self._list():
            if firewall.name.endswith(("-in", "-out")):
                grouped.setdefault(firewall.name.rsplit("-", 1)[0], []).append(firewall)
        return filtered(map(group_from, grouped.values()), filters, ("name", "network_id"))


def _rule_dict(rule: pb.SecurityRule) -> dict[str, Any]:
    from google.protobuf.json_format import MessageToDict

    return MessageToDict(rule, preserving_proto_field_name=True)
