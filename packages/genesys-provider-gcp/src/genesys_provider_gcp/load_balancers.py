"""Load balancers on GCP, by listener protocol.

A load balancer N (id: N) is anchored by its health check `N-hc`, whose description keeps
the Genesys view (token, listeners, subnets, security groups, tags). Then:

- http / https listeners (the Application Load Balancer, ports translated, TLS terminated):
  an unmanaged instance group `N-<zone>` per zone of the targets, with a named port
  `p<target_port>` per target port; per listener port P a backend service `N-b<P>` over the
  groups, a URL map `N-u<P>`, a target HTTP(S) proxy `N-p<P>` (https: the listener's
  certificate) and a global forwarding rule `N-f<P>` on P;
- tcp / udp listeners (the pass-through network load balancer): a target pool `N-pool` of the
  targets and a regional forwarding rule `N-<P>` per listener; the port is kept (target_port
  must equal port).

`dns_name` is the first forwarding rule's address. Internal balancers are not offered.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_one
from genesys_plugin_sdk.tags import label_token

from genesys_provider_gcp.clients import GcpClients
from genesys_provider_gcp.common import (
    describe,
    description_meta,
    filtered,
    names_filter,
    split_id,
    struct,
)

PROXIED = ("http", "https")
PASS_THROUGH = {"tcp": "TCP", "udp": "UDP"}


def listener_problems(config: Any) -> Iterator[tuple[str, str]]:
    """(attribute path, why) for what GCP's balancers (as this plugin builds them) refuse."""
    if config.internal:
        yield "internal", "internal load balancers are not offered on GCP by this provider"
    for index, listener in enumerate(config.listeners):
        if listener.protocol not in (*PROXIED, *PASS_THROUGH):
            yield (
                f"listeners[{index}].protocol",
                f"{listener.protocol!r}: one of http, https, tcp, udp",
            )
        elif listener.protocol in PASS_THROUGH and listener.target_port not in (0, listener.port):
            yield (
                f"listeners[{index}].target_port",
                "a GCP pass-through (tcp/udp) balancer keeps the port: target_port must equal port",
            )
        elif listener.protocol == "https" and not listener.certificate_id:
            yield f"listeners[{index}].certificate_id", "an https listener needs a certificate"


def _target(listener: Any) -> int:
    return int(listener.target_port or listener.port)


class LoadBalancers(KindHandler):
    field = "load_balancer"

    def __init__(self, clients: GcpClients) -> None:
        self.clients = clients

    def api(self, name: str) -> Any:
        return self.clients.compute(name)

    def listed(self, client: str, filter_text: str = "", **scope: str) -> list[Any]:
        request = {"project": self.clients.project, "filter": filter_text, **scope}
        return list(self.api(client).list(request=request))

    def wait(self, operation: Any) -> None:
        self.clients.wait_operation(operation)

    # ------------------------------------------------------------ reading

    def _from(self, anchor: Any) -> pb.LoadBalancer:
        meta = description_meta(anchor.description)
        name = anchor.name.removesuffix("-hc")
        region = self.clients.region
        rules = {
            r.name: r
            for r in self.listed("GlobalForwardingRulesClient", f'name eq "{name}-f[0-9]+"')
        }
        rules.update(
            {
                r.name: r
                for r in self.listed(
                    "ForwardingRulesClient", f'name eq "{name}-[0-9]+"', region=region
                )
            }
        )
        listeners, addresses = [], []
        for recorded in meta.get("listeners", []):
            proxied = recorded["protocol"] in PROXIED
            rule = rules.get(
                f"{name}-f{recorded['port']}" if proxied else f"{name}-{recorded['port']}"
            )
            if rule is not None:
                listeners.append(pb.Listener(**recorded))
                addresses.append(rule.I_p_address)
        return pb.LoadBalancer(
            id=name,
            name=str(meta.get("name") or name),
            network_id=str(meta.get("network_id", "")),
            subnet_ids=list(meta.get("subnet_ids", [])),
            security_group_ids=list(meta.get("security_group_ids", [])),
            listeners=listeners,
            target_instance_ids=sorted(self._targets(name, meta)),
            dns_name=addresses[0] if addresses else "",
            tags=dict(meta.get("tags") or {}),
            provider_data=struct({"addresses": addresses, "forwarding_rules": sorted(rules)}),
        )

    def _targets(self, name: str, meta: dict[str, Any]) -> set[str]:
        found: set[str] = set()
        for zone in sorted({t.split("/")[0] for t in meta.get("targets", [])}):
            try:
                members = self.api("InstanceGroupsClient").list_instances(
                    project=self.clients.project, zone=zone, instance_group=f"{name}-{zone}"
                )
            except Exception:  # no group in that zone (only pass-through listeners)
                continue
            found |= {f"{zone}/{m.instance.rsplit('/', 1)[-1]}" for m in members}
        pools = self.listed(
            "TargetPoolsClient", names_filter([f"{name}-pool"]), region=self.clients.region
        )
        for pool in pools:
            found |= {
                f"{i.split('/zones/')[1].split('/')[0]}/{i.rsplit('/', 1)[-1]}"
                for i in pool.instances
            }
        return found

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        anchors = self.listed("HealthChecksClient", names_filter([f"{i}-hc" for i in ids]))
        return {a.name.removesuffix("-hc"): self._from(a) for a in anchors}

    def find_by_token(self, token: str) -> str | None:
        for anchor in self.listed("HealthChecksClient"):
            if description_meta(anchor.description).get("token") == label_token(token):
                return str(anchor.name.removesuffix("-hc"))
        return None

    # ------------------------------------------------------------ writing

    def _meta(self, config: Any, token: str) -> dict[str, Any]:
        from google.protobuf.json_format import MessageToDict

        return {
            "token": token,
            "name": config.name,
            "network_id": config.network_id,
            "subnet_ids": list(config.subnet_ids),
            "security_group_ids": list(config.security_group_ids),
            "listeners": [
                MessageToDict(item, preserving_proto_field_name=True) for item in config.listeners
            ],
            "targets": sorted(config.target_instance_ids),
            "tags": dict(config.tags),
        }

    def _check(self, config: Any) -> None:
        for path, why in listener_problems(config):
            raise errors.InvalidArgument(why, attribute_path=f"config.{path}")

    def create(self, config: pb.LoadBalancerConfig, token: str) -> pb.LoadBalancer:
        self._check(config)
        name = self.find_by_token(token) if token else None
        if name is None:
            name = config.name
            first = _target(config.listeners[0]) if config.listeners else 80
            body = {
                "name": f"{name}-hc",
                "type_": "TCP",
                "tcp_health_check": {"port": first},
                "description": describe(self._meta(config, label_token(token) if token else "")),
            }
            self.wait(
                self.api("HealthChecksClient").insert_unary(
                    project=self.clients.project, health_check_resource=body
                )
            )
        self._converge(name, config)
        return read_one(self, name)  # type: ignore[no-any-return]

    def _converge(self, name: str, config: Any) -> None:
        """Makes the parts the config needs and removes the ones it no longer does."""
        from genesys_provider_gcp.load_balancer_parts import Parts

        Parts(self, name, config).converge()

    def update(self, request: Any) -> pb.LoadBalancer:
        config, name = request.config, request.id
        self._check(config)
        anchors = self.listed("HealthChecksClient", names_filter([f"{name}-hc"]))
        if not anchors:
            raise errors.NotFound(f"load balancer {name} not found")
        token = description_meta(anchors[0].description).get("token", "")
        body = {"description": describe(self._meta(config, token))}
        self.wait(
            self.api("HealthChecksClient").patch_unary(
                project=self.clients.project, health_check=f"{name}-hc", health_check_resource=body
            )
        )
        self._converge(name, config)
        return read_one(self, name)  # type: ignore[no-any-return]

    def delete(self, resource_id: str) -> None:
        from genesys_provider_gcp.load_balancer_parts import Parts

        anchors = self.listed("HealthChecksClient", names_filter([f"{resource_id}-hc"]))
        if not anchors:
            raise errors.NotFound(f"load balancer {resource_id} not found")
        meta = description_meta(anchors[0].description)
        Parts(
            self, resource_id, None, zones={t.split("/")[0] for t in meta.get("targets", [])}
        ).converge()
        self.wait(
            self.api("HealthChecksClient").delete_unary(
                project=self.clients.project, health_check=f"{resource_id}-hc"
            )
        )

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.LoadBalancer]:
        anchors = self.listed("HealthChecksClient")
        mine = (a for a in anchors if a.name.endswith("-hc") and description_meta(a.description))
        return filtered(map(self._from, mine), filters)


def zone_of(instance_id: str) -> str:
    return split_id(instance_id, "instance")[0]
