"""Load balancers: an Azure Load Balancer (Standard): a frontend on a public IP of its own
(`<name>-ip`, with a DNS label) or, internal, on the first subnet; one backend pool
(`targets`) the target VMs' NICs join; per listener a TCP health probe on the target port and
a rule. Azure's load balancer is layer 4: http and https listeners balance TCP, and a
certificate (TLS termination, Application Gateway's work) is refused before any call.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors

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
    pick,
    private_json,
    same_id,
    sdk_models,
    system_tags,
    tags_with_token,
    token_of,
    user_tags,
)

POOL = "targets"
PROTOCOL = {"http": "Tcp", "https": "Tcp", "tcp": "Tcp", "udp": "Udp", "tls": "Tcp"}


class LoadBalancers(AzureKind):
    field = "load_balancer"
    service = "network"

    def create(self, config: pb.LoadBalancerConfig, token: str) -> pb.LoadBalancer:
        _check_listeners(config)
        api, group = self._api(), self.clients.group
        self.taken(lambda: api.load_balancers.get(group, config.name), token, "load balancer")
        frontend = self._frontend(group, config)
        balancer = api.load_balancers.begin_create_or_update(
            group, config.name, self._body(group, config, frontend, token)
        ).result()
        self._set_targets(balancer, list(config.target_instance_ids))
        return self._read(group, config.name, self._private(config))

    def _private(self, config: Any) -> bytes:
        # A public Azure balancer sits in no subnet and has no NSG: the config's are recorded.
        return as_private(
            {
                "security_group_ids": list(config.security_group_ids),
                "network_id": config.network_id,
                "subnet_ids": list(config.subnet_ids),
            }
        )

    def _frontend(self, group: str, config: Any) -> dict[str, Any]:
        models = sdk_models("network")
        if config.internal:
            if not config.subnet_ids:
                raise errors.InvalidArgument(
                    "an internal load balancer needs a subnet", attribute_path="config.subnet_ids"
                )
            return {"subnet": models.Subnet(id=config.subnet_ids[0])}
        digest = hashlib.sha256(self.clients.group_id().encode()).hexdigest()[:6]
        label = f"{config.name.lower()}-{digest}"  # DNS labels are regional: made unique
        ip = (
            self._api()
            .public_ip_addresses.begin_create_or_update(
                group,
                f"{config.name}-ip",
                models.PublicIPAddress(
                    location=self.clients.location,
                    sku=models.PublicIPAddressSku(name="Standard"),
                    public_ip_allocation_method="Static",
                    dns_settings=models.PublicIPAddressDnsSettings(domain_name_label=label[:63]),
                    tags={"genesys-managed": "true"},
                ),
            )
            .result()
        )
        return {"public_ip_address": models.PublicIPAddress(id=ip.id)}

    def _body(self, group: str, config: Any, frontend: dict[str, Any], token: str) -> Any:
        models = sdk_models("network")
        lb_id = (
            (f"{self.clients.group_id()}/providers/Microsoft.Network/loadBalancers/{config.name}")
            if group == self.clients.group
            else ""
        )

        def ref(kind: str, name: str) -> Any:
            return models.SubResource(id=f"{lb_id}/{kind}/{name}")

        probes, rules = [], []
        for index, listener in enumerate(config.listeners):
            target = listener.target_port or listener.port
            probes.append(
                models.Probe(
                    name=f"probe-{target}",
                    protocol="Tcp",
                    port=target,
                    interval_in_seconds=15,
                    number_of_probes=2,
                )
            )
            rules.append(
                models.LoadBalancingRule(
                    name=f"rule-{index}",
                    protocol=PROTOCOL[listener.protocol.lower() or "tcp"],
                    frontend_port=listener.port,
                    backend_port=target,
                    frontend_ip_configuration=ref("frontendIPConfigurations", "frontend"),
                    backend_address_pool=ref("backendAddressPools", POOL),
                    probe=ref("probes", f"probe-{target}"),
                    idle_timeout_in_minutes=4,
                )
            )
        unique = {p.name: p for p in probes}
        return models.LoadBalancer(
            location=self.clients.location,
            sku=models.LoadBalancerSku(name="Standard"),
            frontend_ip_configurations=[
                models.FrontendIPConfiguration(name="frontend", **frontend)
            ],
            backend_address_pools=[models.BackendAddressPool(name=POOL)],
            probes=list(unique.values()),
            load_balancing_rules=rules,
            tags=tags_with_token(config.tags, token),
        )

    def _set_targets(self, balancer: Any, instance_ids: list[str]) -> None:
        """Each target VM's primary NIC joins the pool; NICs no longer targeted leave it."""
        models = sdk_models("network")
        pool_id = f"{balancer.id}/backendAddressPools/{POOL}"
        compute, network = self.clients.client("compute"), self._api()
        wanted: set[str] = set()
        for vm_id in instance_ids:
            vm = compute.virtual_machines.get(group_of(vm_id), name_of(vm_id))
            wanted.add(vm.network_profile.network_interfaces[0].id.lower())
        for nic in listed(network.network_interfaces.list, group_of(balancer.id)):
            config = nic.ip_configurations[0]
            pools = list(config.load_balancer_backend_address_pools or [])
            member = any(same_id(p.id, pool_id) for p in pools)
            if (nic.id.lower() in wanted) == member:
                continue
            if member:
                pools = [p for p in pools if not same_id(p.id, pool_id)]
            else:
                pools.append(models.BackendAddressPool(id=pool_id))
            config.load_balancer_backend_address_pools = pools
            network.network_interfaces.begin_create_or_update(
                group_of(nic.id), nic.name, nic
            ).result()

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        ids = arm_ids(ids)
        found: dict[str, Any] = {}
        for group in {group_of(i) for i in ids}:
            found.update(by_id(listed(self._api().load_balancers.list, group)))
        return pick(ids, found, lambda lb, rid: self._convert(lb, privates.get(rid, b"")))

    def _read(self, group: str, name: str, private: bytes) -> pb.LoadBalancer:
        return self._convert(self._api().load_balancers.get(group, name), private)

    def _convert(self, balancer: Any, private: bytes) -> pb.LoadBalancer:
        kept = private_json(private)
        frontend = balancer.frontend_ip_configurations[0]
        dns, subnets = "", list(kept.get("subnet_ids", []))
        if frontend.public_ip_address is not None:
            ip = self._api().public_ip_addresses.get(
                group_of(frontend.public_ip_address.id), name_of(frontend.public_ip_address.id)
            )
            dns = (ip.dns_settings.fqdn if ip.dns_settings else "") or ip.ip_address or ""
        elif frontend.subnet is not None:
            subnets = [frontend.subnet.id]
            dns = frontend.private_ip_address or ""
        listeners = [
            pb.Listener(
                protocol=str(getattr(r.protocol, "value", r.protocol)).lower(),
                port=r.frontend_port,
                target_port=r.backend_port,
            )
            for r in balancer.load_balancing_rules or []
        ]
        members = self._members(balancer)
        return pb.LoadBalancer(
            id=balancer.id,
            name=balancer.name,
            network_id=kept.get("network_id", ""),
            subnet_ids=subnets,
            security_group_ids=kept.get("security_group_ids", []),
            internal=frontend.subnet is not None,
            listeners=listeners,
            target_instance_ids=members,
            dns_name=dns,
            tags=user_tags(balancer.tags),
            private=private,
        )

    def _members(self, balancer: Any) -> list[str]:
        pool_id = f"{balancer.id}/backendAddressPools/{POOL}"
        compute = self.clients.client("compute")
        nic_ids = {
            nic.id.lower()
            for nic in listed(self._api().network_interfaces.list, group_of(balancer.id))
            if any(
                same_id(p.id, pool_id)
                for p in nic.ip_configurations[0].load_balancer_backend_address_pools or []
            )
        }
        return sorted(
            vm.id
            for vm in listed(compute.virtual_machines.list, group_of(balancer.id))
            if vm.network_profile.network_interfaces[0].id.lower() in nic_ids
        )

    def find_by_token(self, token: str) -> str | None:
        balancers = listed(self._api().load_balancers.list, self.clients.group)
        return next((b.id for b in balancers if token_of(b.tags) == token), None)

    def update(self, request: Any) -> pb.LoadBalancer:
        config = request.config
        _check_listeners(config)
        group, name = group_of(request.id), name_of(request.id)
        current = self._api().load_balancers.get(group, name)
        frontend_config = current.frontend_ip_configurations[0]
        frontend = (
            {"public_ip_address": frontend_config.public_ip_address}
            if frontend_config.public_ip_address is not None
            else {"subnet": frontend_config.subnet}
        )
        body = self._body(group, config, frontend, "")
        body.tags = {**system_tags(current.tags), **dict(config.tags)}
        balancer = self._api().load_balancers.begin_create_or_update(group, name, body).result()
        self._set_targets(balancer, list(config.target_instance_ids))
        return self._read(group, name, self._private(config))

    def delete(self, resource_id: str) -> None:
        group, name = group_of(resource_id), name_of(resource_id)
        balancer = absent(lambda: self._api().load_balancers.get(group, name))
        if balancer is None:
            raise errors.NotFound(f"load balancer {resource_id} does not exist")
        self._set_targets(balancer, [])  # Azure refuses to delete a balancer NICs still use
        delete_or_not_found(
            lambda: self._api().load_balancers.begin_delete(group, name),
            "load balancer",
            resource_id,
        )
        self._api().public_ip_addresses.begin_delete(group, f"{name}-ip").result()

    @apply_filters
    def list(self, filters: Mapping[str, str]) -> Iterable[pb.LoadBalancer]:
        return [
            self._convert(b, b"")
            for b in listed(self._api().load_balancers.list, self.clients.group)
        ]


def _check_listeners(config: Any) -> None:
    for index, listener in enumerate(config.listeners):
        if listener.certificate_id:
            raise errors.InvalidArgument(
                "Azure Load Balancer works at layer 4: TLS termination (a listener "
                "certificate) needs Application Gateway, which this provider does not offer",
                attribute_path=f"config.listeners[{index}].certificate_id",
            )
        if listener.protocol.lower() not in PROTOCOL and listener.protocol:
            raise errors.InvalidArgument(
                f"listener protocol {listener.protocol!r}: one of {', '.join(PROTOCOL)}",
                attribute_path=f"config.listeners[{index}].protocol",
            )
