"""Load balancers: CLB instances with their listeners, rules and targets.

`internal: false` is an OPEN (public) CLB in the VPC, `true` an INTERNAL one in the config's
first subnet. A TCP/UDP listener takes its targets directly; an HTTP/HTTPS listener forwards
by a rule (the balancer's domain, URL "/"), and its targets register on that rule, as CLB
requires. HTTPS takes a certificate id from the SSL service. Updates re-create a listener
whose protocol, port, target port or certificate changed, and re-register targets otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import chunked, read_one
from genesys_plugin_sdk.tags import TOKEN_TAG
from genesys_plugin_sdk.waiters import Waiter

from genesys_provider_tencent.clients import TencentClients
from genesys_provider_tencent.common import (
    client_token,
    private_json,
    read_private,
    refuse_change,
    retag,
    struct,
    tag_dict,
    token_filter,
    user_tags,
)

LAYER7 = ("HTTP", "HTTPS")
PROTOCOLS = {"http": "HTTP", "https": "HTTPS", "tcp": "TCP", "udp": "UDP"}
LB_CHUNK = 20


def _listener_from(raw: Mapping[str, Any], backend: Mapping[str, Any]) -> pb.Listener:
    targets = list(backend.get("Targets") or [])
    for rule in backend.get("Rules") or []:
        targets += rule.get("Targets") or []
    return pb.Listener(
        protocol=str(raw.get("Protocol", "")).lower(),
        port=int(raw["Port"]),
        target_port=int(targets[0]["Port"]) if targets else 0,
        certificate_id=(raw.get("Certificate") or {}).get("CertId", ""),
    )


def _listeners(raws: list[dict[str, Any]], backends: dict[str, Any]) -> list[pb.Listener]:
    made = [_listener_from(raw, backends.get(raw["ListenerId"], {})) for raw in raws]
    return sorted(made, key=lambda listener: (listener.port, listener.protocol))


def _instances_of(backends: list[Mapping[str, Any]]) -> list[str]:
    found = set()
    for backend in backends:
        found |= {t["InstanceId"] for t in backend.get("Targets") or []}
        for rule in backend.get("Rules") or []:
            found |= {t["InstanceId"] for t in rule.get("Targets") or []}
    return sorted(found)


class LoadBalancers(KindHandler):
    field = "load_balancer"

    def __init__(self, clients: TencentClients) -> None:
        self.clients = clients
        self.waiter: Waiter[int] = Waiter(self._states, what="load balancer", timing=clients.timing)

    def _raw(self, ids: list[str]) -> Iterator[dict[str, Any]]:
        for part in chunked(sorted(set(ids)), LB_CHUNK):
            yield from self.clients.paged(
                "clb",
                "DescribeLoadBalancers",
                {"LoadBalancerIds": part},
                "LoadBalancerSet",
                LB_CHUNK,
            )

    def _states(self, ids: list[str]) -> dict[str, int]:
        return {r["LoadBalancerId"]: int(r.get("Status") or 0) for r in self._raw(ids)}

    def _from(self, raw: dict[str, Any], private: bytes = b"") -> pb.LoadBalancer:
        ident = raw["LoadBalancerId"]
        listeners = self.clients.call("clb", "DescribeListeners", {"LoadBalancerId": ident})
        backends = self.clients.call("clb", "DescribeTargets", {"LoadBalancerId": ident})
        by_id = {b["ListenerId"]: b for b in backends.get("Listeners") or []}
        kept = read_private(private)
        return pb.LoadBalancer(
            id=ident,
            name=raw.get("LoadBalancerName", ""),
            network_id=raw.get("VpcId", ""),
            subnet_ids=list(
                kept.get("subnet_ids") or ([raw["SubnetId"]] if raw.get("SubnetId") else [])
            ),
            security_group_ids=sorted(raw.get("SecureGroups") or []),
            internal=raw.get("LoadBalancerType") == "INTERNAL",
            listeners=_listeners(listeners.get("Listeners") or [], by_id),
            target_instance_ids=_instances_of(list(by_id.values())),
            dns_name=raw.get("Domain") or (raw.get("LoadBalancerVips") or [""])[0],
            tags=user_tags(tag_dict(raw.get("Tags"), "TagKey", "TagValue")),
            provider_data=struct(
                {
                    "status": raw.get("Status"),
                    "vips": raw.get("LoadBalancerVips"),
                    "type": raw.get("LoadBalancerType"),
                }
            ),
            private=private,
        )

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        raws = list(self._raw(ids))
        return {
            raw["LoadBalancerId"]: outcome
            for raw, outcome in self.clients.pool.fan_out(
                lambda r: self._from(r, privates.get(r["LoadBalancerId"], b"")), raws
            )
        }

    def find_by_token(self, token: str) -> str | None:
        found = self.clients.call(
            "clb", "DescribeLoadBalancers", {"Filters": [token_filter(token)]}
        )
        items = found.get("LoadBalancerSet") or []
        return str(items[0]["LoadBalancerId"]) if items else None

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.LoadBalancer]:
        known = {"name": "load-balancer-name", "id": "loadbalancer-id", "network_id": "vpc-id"}
        unknown = [k for k in filters if k not in known and not k.startswith("tag:")]
        if unknown:
            raise errors.InvalidArgument(
                f"unknown filter {unknown[0]!r}", attribute_path=f"filters.{unknown[0]}"
            )
        api = [{"Name": known.get(k, k), "Values": v.split(",")} for k, v in filters.items()]
        for raw in self.clients.paged(
            "clb", "DescribeLoadBalancers", {"Filters": api}, "LoadBalancerSet", LB_CHUNK
        ):
            yield self._from(raw)

    # ------------------------------------------------------------ writing

    def create(self, config: pb.LoadBalancerConfig, token: str) -> pb.LoadBalancer:
        if not config.network_id:
            raise errors.InvalidArgument(
                "a CLB needs a network (VPC)", attribute_path="config.network_id"
            )
        existing = self.find_by_token(token) if token else None
        if existing is None:
            existing = self._make(config, token)
        self.waiter.wait_for(existing, {1})
        if config.security_group_ids:
            self.clients.call(
                "clb",
                "SetLoadBalancerSecurityGroups",
                {"LoadBalancerId": existing, "SecurityGroups": list(config.security_group_ids)},
            )
        current = read_one(self, existing)
        have = {(lis.protocol, lis.port) for lis in current.listeners}
        for listener in config.listeners:
            if (listener.protocol, listener.port) not in have:
                self._add_listener(current, listener, list(config.target_instance_ids))
        return read_one(self, existing, private_json({"subnet_ids": list(config.subnet_ids)}))

    def _make(self, config: pb.LoadBalancerConfig, token: str) -> str:
        tags = {**config.tags, TOKEN_TAG: client_token(token, 127)} if token else dict(config.tags)
        params: dict[str, Any] = {
            "LoadBalancerType": "INTERNAL" if config.internal else "OPEN",
            "Forward": 1,
            "LoadBalancerName": config.name or "genesys",
            "VpcId": config.network_id,
            "Tags": [{"TagKey": k, "TagValue": v} for k, v in tags.items()],
        }
        if config.internal:
            if not config.subnet_ids:
                raise errors.InvalidArgument(
                    "an internal CLB needs a subnet", attribute_path="config.subnet_ids"
                )
            params["SubnetId"] = config.subnet_ids[0]
        if token:
            params["ClientToken"] = client_token(token, 64)
        return str(self.clients.call("clb", "CreateLoadBalancer", params)["LoadBalancerIds"][0])

    def _add_listener(self, lb: pb.LoadBalancer, listener: pb.Listener, targets: Any) -> None:
        protocol = PROTOCOLS.get(listener.protocol.lower())
        if protocol is None:
            raise errors.InvalidArgument(
                f"listener protocol {listener.protocol!r}: http, https, tcp or udp",
                attribute_path="config.listeners",
            )
        params: dict[str, Any] = {
            "LoadBalancerId": lb.id,
            "Ports": [listener.port],
            "Protocol": protocol,
            "ListenerNames": [f"{listener.protocol}-{listener.port}"],
        }
        if protocol == "HTTPS":
            if not listener.certificate_id:
                raise errors.InvalidArgument(
                    "an https listener needs a certificate_id", attribute_path="config.listeners"
                )
            params["Certificate"] = {"SSLMode": "UNIDIRECTIONAL", "CertId": listener.certificate_id}
        listener_id = self.clients.call("clb", "CreateListener", params)["ListenerIds"][0]
        where: dict[str, Any] = {"LoadBalancerId": lb.id, "ListenerId": listener_id}
        if protocol in LAYER7:
            rule = {"Domain": lb.dns_name, "Url": "/"}
            made = self.clients.call("clb", "CreateRule", {**where, "Rules": [rule]})
            where["LocationId"] = made["LocationIds"][0]
        if targets:
            port = listener.target_port or listener.port
            self.clients.call(
                "clb",
                "RegisterTargets",
                {**where, "Targets": [{"InstanceId": i, "Port": port} for i in targets]},
            )

    def update(self, request: Any) -> pb.LoadBalancer:
        config = request.config
        changed = {c.split(".")[0] for c in request.changed} or {
            "name",
            "security_group_ids",
            "listeners",
            "target_instance_ids",
            "tags",
        }
        refuse_change(changed, ("internal", "network_id", "subnet_ids"), "load balancer")
        current = read_one(self, request.id, request.private)
        if "name" in changed and config.name != current.name:
            self.clients.call(
                "clb",
                "ModifyLoadBalancerAttributes",
                {"LoadBalancerId": request.id, "LoadBalancerName": config.name},
            )
        if "security_group_ids" in changed:
            self.clients.call(
                "clb",
                "SetLoadBalancerSecurityGroups",
                {"LoadBalancerId": request.id, "SecurityGroups": list(config.security_group_ids)},
            )
        if changed & {"listeners", "target_instance_ids"}:
            self._replace_listeners(current, config)
        if "tags" in changed:
            name = self.clients.resource_name("clb", f"clb/{request.id}")
            retag(self.clients, name, current.tags, config.tags)
        return read_one(self, request.id, request.private)

    def _replace_listeners(self, current: pb.LoadBalancer, config: Any) -> None:
        """Every listener is re-created as configured (targets included): simple and exact."""
        found = self.clients.call("clb", "DescribeListeners", {"LoadBalancerId": current.id})
        for listener in found.get("Listeners") or []:
            self.clients.call(
                "clb",
                "DeleteListener",
                {"LoadBalancerId": current.id, "ListenerId": listener["ListenerId"]},
            )
        for listener in config.listeners:
            self._add_listener(current, listener, list(config.target_instance_ids))

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        self.clients.call("clb", "DeleteLoadBalancer", {"LoadBalancerIds": [resource_id]})
        self.waiter.wait_gone(resource_id)
