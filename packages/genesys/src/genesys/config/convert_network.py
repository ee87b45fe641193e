"""Network blocks -> network, subnet, security group and load balancer resources, plus the
implicit security groups that other blocks named but nobody declared."""

from __future__ import annotations

from genesys.config.build import Build, optional
from genesys.config.convert import id_ref, placement
from genesys.config.desired import Value
from genesys.config.diagnostics import Path
from genesys.config.resources import LoadBalancerSpec, NetworkSpec, RuleSpec, SecurityGroupSpec


def allow_all_egress() -> dict[str, Value]:
    """What a group allows out when `egress` is absent: everything, as every cloud does."""
    return {"protocol": "all", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}


def build_networks(build: Build) -> None:
    for i, net in enumerate(build.cfg.resources.network):
        path: Path = ("resources", "network", i)
        address = f"network.{net.name}"
        attributes: dict[str, Value] = {"name": net.name, "cidr": net.cidr, "tags": dict(net.tags)}
        build.add(address, "network", attributes, path)
        for j, subnet in enumerate(net.subnets):
            subnet_attributes: dict[str, Value] = {
                "name": subnet.name,
                "network_id": id_ref(address),
                "cidr": subnet.cidr,
                "public": subnet.public,
            }
            optional(subnet_attributes, zone=subnet.zone)
            subnet_attributes["tags"] = dict(subnet.tags)
            build.add(
                f"{address}.subnet.{subnet.name}",
                "subnet",
                subnet_attributes,
                (*path, "subnets", j),
            )
        for j, group in enumerate(net.security_groups):
            _security_group(build, net, group, (*path, "security_groups", j))
        for j, balancer in enumerate(net.load_balancers):
            _load_balancer(build, net, balancer, (*path, "load_balancers", j))


def _security_group(build: Build, net: NetworkSpec, group: SecurityGroupSpec, path: Path) -> None:
    ingress = [_rule(build, net, r, (*path, "ingress", k)) for k, r in enumerate(group.ingress)]
    if group.egress is None:
        egress = [allow_all_egress()]
    else:
        egress = [_rule(build, net, r, (*path, "egress", k)) for k, r in enumerate(group.egress)]
    attributes: dict[str, Value] = {
        "name": group.name,
        "network_id": id_ref(f"network.{net.name}"),
        "description": group.description,
        "ingress": ingress,
        "egress": egress,
        "tags": dict(group.tags),
    }
    build.add(f"network.{net.name}.security_group.{group.name}", "security_group", attributes, path)


def _rule(build: Build, net: NetworkSpec, rule: RuleSpec, path: Path) -> dict[str, Value]:
    attributes: dict[str, Value] = {
        "protocol": rule.protocol,
        "from_port": rule.from_port or 0,
        "to_port": rule.to_port or 0,
        "cidr_blocks": list(rule.cidr_blocks),
    }
    if rule.source_security_group:
        source = build.ns.security_group(
            net.name, rule.source_security_group, (*path, "source_security_group")
        )
        attributes["source_security_group_id"] = id_ref(source)
    optional(attributes, description=rule.description)
    return attributes


def _load_balancer(build: Build, net: NetworkSpec, lb: LoadBalancerSpec, path: Path) -> None:
    subnets = [(name, (*path, "subnets", k)) for k, name in enumerate(lb.subnets or [])]
    groups = [(name, (*path, "security_groups", k)) for k, name in enumerate(lb.security_groups)]
    _, subnet_addresses, sgs = placement(build, path, net.name, subnets, groups)
    if lb.subnets is None:
        # Default: the subnets facing the way the balancer does (public unless internal).
        every = build.ns.subnets_of(net.name)
        facing = [a for a, public in every if public != lb.internal]
        subnet_addresses = facing or [a for a, _ in every]
    targets: list[str] = []
    for k, target in enumerate(lb.targets):
        targets += build.ns.instances(target, (*path, "targets", k), one=False)
    listeners = []
    for listener in lb.listeners:
        entry: dict[str, Value] = {
            "protocol": listener.protocol,
            "port": listener.port,
            "target_port": listener.target_port or listener.port,
        }
        optional(entry, certificate_id=listener.certificate)
        listeners.append(entry)
    attributes: dict[str, Value] = {
        "name": lb.name,
        "network_id": id_ref(f"network.{net.name}"),
        "subnet_ids": [id_ref(a) for a in subnet_addresses],
        "security_group_ids": [id_ref(a) for a in sgs],
        "internal": lb.internal,
        "listeners": listeners,
        "target_instance_ids": [id_ref(a) for a in targets],
        "tags": dict(lb.tags),
    }
    build.add(f"network.{net.name}.load_balancer.{lb.name}", "load_balancer", attributes, path)


def build_implicit_groups(build: Build) -> None:
    """Groups named (by compute, databases, balancers, rules) but never declared."""
    for address, group in build.ns.implicit_groups.items():
        attributes: dict[str, Value] = {
            "name": group.name,
            "network_id": id_ref(f"network.{group.network}"),
            "description": "implicitly declared by Genesys: named but not declared",
            "ingress": [],
            "egress": [allow_all_egress()],
            "tags": {},
        }
        build.add(address, "security_group", attributes, group.path, origin="implicit")
