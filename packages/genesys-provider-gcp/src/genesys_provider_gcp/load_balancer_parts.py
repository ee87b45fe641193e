"""The parts of one load balancer (see load_balancers.py), converged to a config: what is
missing is made, what is no longer wanted (or wanted differently) is removed. `config=None`
removes every part (delete). Each listener's chain carries its signature (protocol, target
port, certificate) in its forwarding rule's description, so a changed listener is rebuilt.
"""

from __future__ import annotations

from typing import Any

from genesys_provider_gcp.common import describe, description_meta, names_filter

PROXIED = ("http", "https")


def _signature(listener: Any) -> dict[str, Any]:
    return {
        "protocol": listener.protocol,
        "target_port": int(listener.target_port or listener.port),
        "certificate_id": listener.certificate_id,
    }


class Parts:
    def __init__(self, handler: Any, name: str, config: Any, zones: set[str] | None = None) -> None:
        self.h = handler
        self.name = name
        self.project = handler.clients.project
        self.region = handler.clients.region
        listeners = list(config.listeners) if config is not None else []
        self.proxied = {int(item.port): item for item in listeners if item.protocol in PROXIED}
        self.passing = {int(item.port): item for item in listeners if item.protocol not in PROXIED}
        targets = sorted(config.target_instance_ids) if config is not None else []
        self.targets = targets
        self.zones = {t.split("/")[0] for t in targets} | (zones or set())

    def converge(self) -> None:
        self._proxied_chains()
        self._pass_through()

    # ------------------------------------------------------------ helpers

    def _links(self, ids: list[str]) -> list[dict[str, str]]:
        return [
            {"instance": f"projects/{self.project}/zones/{zone}/instances/{name}"}
            for zone, name in (i.split("/", 1) for i in ids)
        ]

    def _existing(self, client: str, pattern: str, **scope: str) -> dict[str, Any]:
        return {
            r.name: r for r in self.h.listed(client, f'name eq "{self.name}-{pattern}"', **scope)
        }

    def _delete(self, client: str, argument: str, name: str, **scope: str) -> None:
        api = self.h.api(client)
        self.h.wait(api.delete_unary(project=self.project, **scope, **{argument: name}))

    # ------------------------------------------------------------ http / https

    def _proxied_chains(self) -> None:
        rules = self._existing("GlobalForwardingRulesClient", "f[0-9]+")
        stale = {
            int(n.rsplit("-f", 1)[1])
            for n, rule in rules.items()
            if int(n.rsplit("-f", 1)[1]) not in self.proxied
            or description_meta(rule.description).get("signature")
            != _signature(self.proxied[int(n.rsplit("-f", 1)[1])])
        }
        for port in sorted(stale):
            self._remove_chain(port)
        groups = self._groups() if self.proxied else []
        for port, listener in sorted(self.proxied.items()):
            if f"{self.name}-f{port}" not in rules or port in stale:
                self._make_chain(port, listener, groups)
        if not self.proxied:
            self._remove_groups()

    def _groups(self) -> list[str]:
        """The instance group of each zone of the targets, holding exactly them, with a named
        port per target port; groups of zones without targets removed."""
        api = self.h.api("InstanceGroupsClient")
        links = []
        for zone in sorted(self.zones):
            group = f"{self.name}-{zone}"
            wanted = [t for t in self.targets if t.startswith(f"{zone}/")]
            exists = bool(self.h.listed("InstanceGroupsClient", names_filter([group]), zone=zone))
            if exists and not wanted:
                self._empty_group(zone, group)
                self._delete("InstanceGroupsClient", "instance_group", group, zone=zone)
            if not wanted:
                continue
            if not exists:
                body = {"name": group}
                self.h.wait(
                    api.insert_unary(project=self.project, zone=zone, instance_group_resource=body)
                )
            self._sync_group(zone, group, wanted)
            links.append(f"zones/{zone}/instanceGroups/{group}")
        return links

    def _sync_group(self, zone: str, group: str, wanted: list[str]) -> None:
        """The group's members made `wanted`, its named ports the listeners' target ports."""
        api = self.h.api("InstanceGroupsClient")
        where = {"project": self.project, "zone": zone, "instance_group": group}
        have = {f"{zone}/{m.instance.rsplit('/', 1)[-1]}" for m in api.list_instances(**where)}
        body: dict[str, Any]
        if set(wanted) - have:
            body = {"instances": self._links(sorted(set(wanted) - have))}
            self.h.wait(
                api.add_instances_unary(
                    **where, instance_groups_add_instances_request_resource=body
                )
            )
        if have - set(wanted):
            body = {"instances": self._links(sorted(have - set(wanted)))}
            self.h.wait(
                api.remove_instances_unary(
                    **where, instance_groups_remove_instances_request_resource=body
                )
            )
        ports = sorted({_signature(i)["target_port"] for i in self.proxied.values()})
        body = {"named_ports": [{"name": f"p{p}", "port": p} for p in ports]}
        self.h.wait(
            api.set_named_ports_unary(
                **where, instance_groups_set_named_ports_request_resource=body
            )
        )

    def _empty_group(self, zone: str, group: str) -> None:
        api = self.h.api("InstanceGroupsClient")
        where = {"project": self.project, "zone": zone, "instance_group": group}
        members = [{"instance": m.instance} for m in api.list_instances(**where)]
        if members:
            body = {"instances": members}
            self.h.wait(
                api.remove_instances_unary(
                    **where, instance_groups_remove_instances_request_resource=body
                )
            )

    def _remove_groups(self) -> None:
        for zone in sorted(self.zones):
            group = f"{self.name}-{zone}"
            if self.h.listed("InstanceGroupsClient", names_filter([group]), zone=zone):
                self._empty_group(zone, group)
                self._delete("InstanceGroupsClient", "instance_group", group, zone=zone)

    def _make_chain(self, port: int, listener: Any, groups: list[str]) -> None:
        n, project = self.name, self.project
        signature = _signature(listener)
        service = {
            "name": f"{n}-b{port}",
            "protocol": "HTTP",
            "port_name": f"p{signature['target_port']}",
            "load_balancing_scheme": "EXTERNAL_MANAGED",
            "health_checks": [f"global/healthChecks/{n}-hc"],
            "backends": [{"group": g} for g in groups],
        }
        self.h.wait(
            self.h.api("BackendServicesClient").insert_unary(
                project=project, backend_service_resource=service
            )
        )
        url_map = {"name": f"{n}-u{port}", "default_service": f"global/backendServices/{n}-b{port}"}
        self.h.wait(
            self.h.api("UrlMapsClient").insert_unary(project=project, url_map_resource=url_map)
        )
        proxy: dict[str, Any] = {"name": f"{n}-p{port}", "url_map": f"global/urlMaps/{n}-u{port}"}
        if listener.protocol == "https":
            proxy["ssl_certificates"] = [f"global/sslCertificates/{listener.certificate_id}"]
            api = self.h.api("TargetHttpsProxiesClient")
            self.h.wait(api.insert_unary(project=project, target_https_proxy_resource=proxy))
            kind = "targetHttpsProxies"
        else:
            api = self.h.api("TargetHttpProxiesClient")
            self.h.wait(api.insert_unary(project=project, target_http_proxy_resource=proxy))
            kind = "targetHttpProxies"
        rule = {
            "name": f"{n}-f{port}",
            "target": f"global/{kind}/{n}-p{port}",
            "port_range": str(port),
            "load_balancing_scheme": "EXTERNAL_MANAGED",
            "description": describe({"signature": signature}),
        }
        self.h.wait(
            self.h.api("GlobalForwardingRulesClient").insert_unary(
                project=project, forwarding_rule_resource=rule
            )
        )

    def _remove_chain(self, port: int) -> None:
        n = self.name
        steps = (
            ("GlobalForwardingRulesClient", "forwarding_rule", f"{n}-f{port}"),
            ("TargetHttpsProxiesClient", "target_https_proxy", f"{n}-p{port}"),
            ("TargetHttpProxiesClient", "target_http_proxy", f"{n}-p{port}"),
            ("UrlMapsClient", "url_map", f"{n}-u{port}"),
            ("BackendServicesClient", "backend_service", f"{n}-b{port}"),
        )
        for client, argument, name in steps:
            if self.h.listed(client, names_filter([name])):
                self._delete(client, argument, name)

    # ------------------------------------------------------------ tcp / udp

    def _pass_through(self) -> None:
        region = {"region": self.region}
        rules = self._existing("ForwardingRulesClient", "[0-9]+", **region)
        pool_name = f"{self.name}-pool"
        pools = self.h.listed("TargetPoolsClient", names_filter([pool_name]), **region)
        for rule_name in sorted(rules):
            if int(rule_name.rsplit("-", 1)[1]) not in self.passing:
                self._delete("ForwardingRulesClient", "forwarding_rule", rule_name, **region)
        if not self.passing:
            if pools:
                self._delete("TargetPoolsClient", "target_pool", pool_name, **region)
            return
        self._sync_pool(pool_name, pools[0] if pools else None)
        rules_api = self.h.api("ForwardingRulesClient")
        for port, listener in sorted(self.passing.items()):
            if f"{self.name}-{port}" in rules:
                continue
            body = {
                "name": f"{self.name}-{port}",
                "target": f"regions/{self.region}/targetPools/{pool_name}",
                "port_range": str(port),
                "I_p_protocol": listener.protocol.upper(),
                "load_balancing_scheme": "EXTERNAL",
            }
            self.h.wait(
                rules_api.insert_unary(
                    project=self.project, region=self.region, forwarding_rule_resource=body
                )
            )

    def _sync_pool(self, pool_name: str, pool: Any) -> None:
        """The target pool made, or its instances made the targets."""
        api = self.h.api("TargetPoolsClient")
        if pool is None:
            links = [i["instance"] for i in self._links(self.targets)]
            body: dict[str, Any] = {"name": pool_name, "instances": links}
            self.h.wait(
                api.insert_unary(
                    project=self.project, region=self.region, target_pool_resource=body
                )
            )
            return
        where = {"project": self.project, "region": self.region, "target_pool": pool_name}
        have = {
            f"{i.split('/zones/')[1].split('/')[0]}/{i.rsplit('/', 1)[-1]}" for i in pool.instances
        }
        if set(self.targets) - have:
            body = {"instances": self._links(sorted(set(self.targets) - have))}
            self.h.wait(
                api.add_instance_unary(**where, target_pools_add_instance_request_resource=body)
            )
        if have - set(self.targets):
            body = {"instances": self._links(sorted(have - set(self.targets)))}
            self.h.wait(
                api.remove_instance_unary(
                    **where, target_pools_remove_instance_request_resource=body
                )
            )
