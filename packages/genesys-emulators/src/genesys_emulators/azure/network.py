"""Microsoft.Network: virtual networks, subnets, network security groups, public IP addresses,
network interfaces. As Azure does: a subnet lies inside its network's address space and
overlaps no sibling, a NIC's private address is allocated from its subnet (the first four are
Azure's), and nothing still used (a subnet with NICs, an NSG or public IP attached, a NIC on a
VM) can be deleted."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from genesys_emulators.azure.load_balancer import check_pool_reference, used_public_ips
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

VNET = "Microsoft.Network/virtualNetworks"
SUBNET = "Microsoft.Network/virtualNetworks/subnets"
NSG = "Microsoft.Network/networkSecurityGroups"
PUBLIC_IP = "Microsoft.Network/publicIPAddresses"
NIC = "Microsoft.Network/networkInterfaces"
RULE_FIELDS = ("protocol", "access", "direction", "priority")


def _network(text: Any, target: str) -> ipaddress.IPv4Network:
    try:
        return ipaddress.IPv4Network(str(text), strict=True)
    except ValueError:
        raise invalid(
            f"Address prefix {text} is not a valid CIDR notation.",
            target,
            "InvalidAddressPrefixFormat",
        ) from None


def _build_vnet(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    properties = dict(body.get("properties") or {})
    prefixes = require(body, "properties.addressSpace.addressPrefixes")
    for prefix in prefixes:
        _network(prefix, "properties.addressSpace.addressPrefixes")
    properties.pop("subnets", None)  # subnets are children; the view lists them
    return properties


def _view_vnet(arm: Arm, shown: Record) -> Record:
    shown["properties"]["subnets"] = [
        arm.view(s) for s in arm.children(shown["id"]) if s["type"] == SUBNET
    ]
    return shown


def _build_subnet(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    properties = dict(body.get("properties") or {})
    prefix = _network(require(body, "properties.addressPrefix"), "properties.addressPrefix")
    vnet = arm.find(path.parent_id) or {}
    spaces = [
        ipaddress.IPv4Network(p) for p in vnet["properties"]["addressSpace"]["addressPrefixes"]
    ]
    if not any(prefix.subnet_of(space) for space in spaces):
        raise invalid(
            f"Subnet '{path.name}' is not valid because its IP address range is "
            f"outside the IP address range of virtual network '{vnet['name']}'.",
            "properties.addressPrefix",
            "NetcfgSubnetRangeOutsideVnet",
        )
    for sibling in arm.children(vnet["id"]):
        if sibling["type"] != SUBNET or sibling["name"].lower() == path.name.lower():
            continue
        if prefix.overlaps(ipaddress.IPv4Network(sibling["properties"]["addressPrefix"])):
            raise invalid(
                f"Subnet '{path.name}' is not valid because its IP address range "
                f"overlaps with that of an existing subnet '{sibling['name']}' in "
                f"virtual network '{vnet['name']}'.",
                "properties.addressPrefix",
                "NetcfgSubnetRangesOverlap",
            )
    if properties.get("networkSecurityGroup"):
        reference(arm, properties["networkSecurityGroup"], "networkSecurityGroup", path.name)
    return properties


def _nics_in(arm: Arm, subnet_id: str) -> list[Record]:
    return [
        nic
        for nic in arm.of_type(NIC)
        for config in nic["properties"]["ipConfigurations"]
        if key(config["properties"]["subnet"]["id"]) == key(subnet_id)
    ]


def _subnet_in_use(arm: Arm, record: Record) -> InUse | None:
    users = _nics_in(arm, record["id"])
    if not users:
        return None
    return InUse(
        users[0]["id"],
        invalid(
            f"Subnet {record['name']} is in use by {users[0]['id']}/ipConfigurations/"
            f"{users[0]['properties']['ipConfigurations'][0]['name']} and cannot be deleted. In "
            f"order to delete the subnet, delete all the resources within the subnet.",
            code="InUseSubnetCannotBeDeleted",
        ),
    )


def _view_subnet(arm: Arm, shown: Record) -> Record:
    shown["properties"]["ipConfigurations"] = [
        {"id": f"{nic['id']}/ipConfigurations/{config['name']}"}
        for nic in _nics_in(arm, shown["id"])
        for config in nic["properties"]["ipConfigurations"]
    ]
    return shown


def _build_nsg(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    properties = dict(body.get("properties") or {})
    rules = properties.get("securityRules") or []
    seen: set[tuple[str, int]] = set()
    for index, rule in enumerate(rules):
        target = f"properties.securityRules[{index}]"
        fields = rule.get("properties") or {}
        for field in RULE_FIELDS:
            if fields.get(field) in (None, ""):
                raise invalid(
                    f"Security rule {rule.get('name')} has no {field}.",
                    f"{target}.properties.{field}",
                    "SecurityRuleParameterMissing",
                )
        priority = int(fields["priority"])
        if not 100 <= priority <= 4096:
            raise invalid(
                f"Security rule {rule.get('name')} has invalid Priority {priority}. "
                "Value provided: {priority} Allowed range 100-4096.",
                target,
                "SecurityRuleInvalidPriority",
            )
        if (fields["direction"], priority) in seen:
            raise invalid(
                f"Security rule {rule.get('name')} conflicts with another rule: "
                f"rules cannot have the same Priority and Direction.",
                target,
                "SecurityRuleConflict",
            )
        seen.add((fields["direction"], priority))
        rule["id"] = f"{path.resource_id()}/securityRules/{rule.get('name')}"
        fields["provisioningState"] = "Succeeded"
    properties["securityRules"] = rules
    return properties


def _nsg_in_use(arm: Arm, record: Record) -> InUse | None:
    users = [
        r["id"]
        for r in [*arm.of_type(NIC), *arm.of_type(SUBNET)]
        if key((r["properties"].get("networkSecurityGroup") or {}).get("id", ""))
        == key(record["id"])
    ]
    if not users:
        return None
    return InUse(
        users[0],
        invalid(
            f"Network security group {record['id']} cannot be deleted because it is in use by the "
            f"following resources: {', '.join(users)}. In order to delete the Network security "
            f"group, remove the association with the resource(s).",
            code="InUseNetworkSecurityGroupCannotBeDeleted",
        ),
    )


def _build_public_ip(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    properties = dict(body.get("properties") or {})
    if existing is not None:
        properties["ipAddress"] = existing["properties"]["ipAddress"]
    else:
        count = len(arm.of_type(PUBLIC_IP)) + 1
        properties["ipAddress"] = f"20.{count // 65536 % 256}.{count // 256 % 256}.{count % 256}"
    properties.setdefault("publicIPAllocationMethod", "Static")
    label = (properties.get("dnsSettings") or {}).get("domainNameLabel")
    if label:
        location = body.get("location") or (existing or {}).get("location")
        properties["dnsSettings"]["fqdn"] = f"{label}.{location}.cloudapp.azure.com"
    return properties


def _public_ip_in_use(arm: Arm, record: Record) -> InUse | None:
    balancer = used_public_ips(arm).get(key(record["id"]))
    if balancer:
        return InUse(
            balancer,
            invalid(
                f"Public IP address {record['id']} can not be deleted since it is still "
                f"allocated to resource {balancer}.",
                code="PublicIPAddressCannotBeDeleted",
            ),
        )
    for nic in arm.of_type(NIC):
        for config in nic["properties"]["ipConfigurations"]:
            ref = (config["properties"].get("publicIPAddress") or {}).get("id", "")
            if key(ref) == key(record["id"]):
                return InUse(
                    nic["id"],
                    invalid(
                        f"Public IP address {record['id']} can not be deleted since it is still "
                        f"allocated to resource {nic['id']}/ipConfigurations/{config['name']}.",
                        code="PublicIPAddressCannotBeDeleted",
                    ),
                )
    return None


def _build_nic(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    properties = dict(body.get("properties") or {})
    configs = require(body, "properties.ipConfigurations")
    for index, config in enumerate(configs):
        fields = config.setdefault("properties", {})
        target = f"properties.ipConfigurations[{index}].properties.subnet"
        subnet = reference(arm, fields.get("subnet"), target, path.name)
        if fields.get("publicIPAddress"):
            reference(arm, fields["publicIPAddress"], "publicIPAddress", path.name)
        for pool in fields.get("loadBalancerBackendAddressPools") or []:
            check_pool_reference(
                arm, str(pool.get("id", "")), f"{target}.loadBalancerBackendAddressPools"
            )
        fields["privateIPAddress"] = _address(arm, subnet, existing, index)
        fields.setdefault("privateIPAllocationMethod", "Dynamic")
        fields["provisioningState"] = "Succeeded"
        config["id"] = f"{path.resource_id()}/ipConfigurations/{config.get('name')}"
    if properties.get("networkSecurityGroup"):
        reference(arm, properties["networkSecurityGroup"], "networkSecurityGroup", path.name)
    if existing is not None and existing["properties"].get("virtualMachine"):
        properties["virtualMachine"] = existing["properties"]["virtualMachine"]
    return properties


def _address(arm: Arm, subnet: Record, existing: Record | None, index: int) -> str:
    if existing is not None:
        configs = existing["properties"]["ipConfigurations"]
        if index < len(configs):
            return str(configs[index]["properties"]["privateIPAddress"])
    taken = {
        c["properties"]["privateIPAddress"]
        for nic in _nics_in(arm, subnet["id"])
        for c in nic["properties"]["ipConfigurations"]
    }
    network = ipaddress.IPv4Network(subnet["properties"]["addressPrefix"])
    for host in list(network.hosts())[3:]:  # .1-.3 are Azure's
        if str(host) not in taken:
            return str(host)
    raise invalid(
        f"Subnet {subnet['name']} has no free address left.",
        "properties.ipConfigurations",
        "SubnetIsFull",
    )


def _nic_in_use(arm: Arm, record: Record) -> InUse | None:
    machine = (record["properties"].get("virtualMachine") or {}).get("id")
    if not machine:
        return None
    return InUse(
        machine,
        invalid(
            f"Network Interface {record['id']} is used by existing resource {machine}. In order "
            f"to delete the network interface, it must be dissociated from the resource.",
            code="NicInUse",
        ),
    )


TYPES = (
    ResourceType(VNET, _build_vnet, view=_view_vnet),
    ResourceType(SUBNET, _build_subnet, located=False, in_use=_subnet_in_use, view=_view_subnet),
    ResourceType(NSG, _build_nsg, in_use=_nsg_in_use),
    ResourceType(PUBLIC_IP, _build_public_ip, in_use=_public_ip_in_use),
    ResourceType(NIC, _build_nic, in_use=_nic_in_use),
)
