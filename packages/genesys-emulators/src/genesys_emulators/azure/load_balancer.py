"""Microsoft.Network/loadBalancers: frontends (a public IP or a subnet), backend pools that
NICs join, health probes and load-balancing rules referring to them by id.

As Azure does: a rule's frontend, pool and probe must be the balancer's own, a frontend port
serves one rule per protocol, a NIC can only join a pool that exists, and a balancer whose
pools still hold NICs (or a public IP a balancer uses) cannot be deleted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from genesys_emulators.azure.model import (
    ArmPath,
    InUse,
    Record,
    ResourceType,
    invalid,
    key,
    reference,
    require,
)

if TYPE_CHECKING:
    from genesys_emulators.azure.arm import Arm

LOAD_BALANCER = "Microsoft.Network/loadBalancers"
PROTOCOLS = ("Tcp", "Udp", "All")


def _named(items: list[Record], lb_id: str, kind: str) -> set[str]:
    for item in items:
        item["id"] = f"{lb_id}/{kind}/{item.get('name')}"
        item.setdefault("properties", {})["provisioningState"] = "Succeeded"
    return {key(item["id"]) for item in items}


def _own(ref: Record | None, ids: set[str], what: str, target: str) -> None:
    if not ref or key(ref.get("id", "")) not in ids:
        raise invalid(
            f"The {what} {(ref or {}).get('id')} is not part of this load balancer.",
            target,
            "InvalidResourceReference",
        )


def _build(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    properties = dict(body.get("properties") or {})
    lb_id = path.resource_id()
    frontends = require(body, "properties.frontendIPConfigurations")
    for index, frontend in enumerate(frontends):
        fields = frontend.get("properties") or {}
        target = f"properties.frontendIPConfigurations[{index}]"
        if fields.get("publicIPAddress"):
            reference(arm, fields["publicIPAddress"], f"{target}.publicIPAddress", path.name)
        elif fields.get("subnet"):
            reference(arm, fields["subnet"], f"{target}.subnet", path.name)
        else:
            raise invalid(
                "A frontend IP configuration needs a public IP address or a subnet.",
                target,
                "LoadBalancerFrontendIPConfigurationMissingIP",
            )
    frontend_ids = _named(frontends, lb_id, "frontendIPConfigurations")
    pool_ids = _named(
        properties.setdefault("backendAddressPools", []), lb_id, "backendAddressPools"
    )
    probes = properties.setdefault("probes", [])
    for index, probe in enumerate(probes):
        port = int((probe.get("properties") or {}).get("port") or 0)
        if not 1 <= port <= 65535:
            raise invalid(
                f"Probe port {port} is outside 1-65535.",
                f"properties.probes[{index}].properties.port",
                "InvalidProbePort",
            )
    probe_ids = _named(probes, lb_id, "probes")
    _check_rules(
        properties.setdefault("loadBalancingRules", []), lb_id, frontend_ids, pool_ids, probe_ids
    )
    return properties


def _check_rules(
    rules: list[Record], lb_id: str, frontends: set[str], pools: set[str], probes: set[str]
) -> None:
    seen: set[tuple[str, str, int]] = set()
    for index, rule in enumerate(rules):
        fields = rule.setdefault("properties", {})
        target = f"properties.loadBalancingRules[{index}]"
        protocol = fields.get("protocol")
        if protocol not in PROTOCOLS:
            raise invalid(
                f"Protocol {protocol} is not one of {', '.join(PROTOCOLS)}.",
                f"{target}.properties.protocol",
            )
        _own(fields.get("frontendIPConfiguration"), frontends, "frontend", target)
        _own(fields.get("backendAddressPool"), pools, "backend pool", target)
        if fields.get("probe"):
            _own(fields["probe"], probes, "probe", target)
        port = int(fields.get("frontendPort") or 0)
        slot = (key(fields["frontendIPConfiguration"]["id"]), protocol, port)
        if slot in seen:
            raise invalid(
                f"Frontend port {port}/{protocol} is used by two rules.",
                target,
                "LoadBalancingRuleFrontendPortConflict",
            )
        seen.add(slot)
    _named(rules, lb_id, "loadBalancingRules")


def pool_members(arm: Arm, lb_id: str) -> list[str]:
    """The NIC ip configurations in the balancer's pools."""
    prefix = key(lb_id) + "/backendaddresspools/"
    return [
        f"{nic['id']}/ipConfigurations/{config['name']}"
        for nic in arm.of_type("Microsoft.Network/networkInterfaces")
        for config in nic["properties"]["ipConfigurations"]
        for pool in config["properties"].get("loadBalancerBackendAddressPools") or []
        if key(pool.get("id", "")).startswith(prefix)
    ]


def check_pool_reference(arm: Arm, pool_id: str, target: str) -> None:
    """A NIC joining a pool: the balancer and the pool must exist."""
    lb_id, _, name = pool_id.rpartition("/backendAddressPools/")
    balancer = arm.find(lb_id) if name else None
    pools = {
        p["name"].lower()
        for p in (balancer or {}).get("properties", {}).get("backendAddressPools", [])
    }
    if name.lower() not in pools:
        raise invalid(
            f"Backend address pool {pool_id} was not found.", target, "InvalidResourceReference"
        )


def _in_use(arm: Arm, record: Record) -> InUse | None:
    members = pool_members(arm, record["id"])
    if not members:
        return None
    return InUse(
        members[0].split("/ipConfigurations/")[0],
        invalid(
            f"Load balancer {record['name']} cannot be deleted: its backend pools hold "
            f"{', '.join(members[:3])}. Remove them from the pools first.",
            code="LoadBalancerInUseByNetworkInterface",
        ),
    )


def _view(arm: Arm, shown: Record) -> Record:
    members = pool_members(arm, shown["id"])
    for pool in shown["properties"].get("backendAddressPools", []):
        pool["properties"]["backendIPConfigurations"] = [
            {"id": m} for m in members if _joined(arm, m, key(pool["id"]))
        ]
    return shown


def _joined(arm: Arm, member: str, pool_id: str) -> bool:
    nic_id, _, config_name = member.partition("/ipConfigurations/")
    nic = arm.find(nic_id) or {"properties": {"ipConfigurations": []}}
    for config in nic["properties"]["ipConfigurations"]:
        if config["name"] == config_name:
            return any(
                key(p.get("id", "")) == pool_id
                for p in config["properties"].get("loadBalancerBackendAddressPools") or []
            )
    return False


def used_public_ips(arm: Arm) -> dict[str, str]:
    """public IP id -> the balancer using it."""
    used: dict[str, str] = {}
    for balancer in arm.of_type(LOAD_BALANCER):
        for frontend in balancer["properties"]["frontendIPConfigurations"]:
            ref = (frontend.get("properties") or {}).get("publicIPAddress") or {}
            if ref.get("id"):
                used[key(ref["id"])] = balancer["id"]
    return used


TYPES = (ResourceType(LOAD_BALANCER, _build, in_use=_in_use, view=_view, kept_fields=("sku",)),)
