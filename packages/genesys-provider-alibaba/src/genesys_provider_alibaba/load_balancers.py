"""Load balancers: SLB (Classic Load Balancer) instances in a vSwitch, with HTTP/HTTPS/TCP
listeners (started once made) and ECS backend servers.

`internal` makes an intranet load balancer (a private address of the vSwitch), else an
internet one; its address is the `dns_name`. Listeners and backends are diffed: a listener
whose protocol, target port or certificate changed is deleted and made again. An HTTPS
listener's certificate_id is an SLB server certificate id.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_in_chunks, read_one

from genesys_provider_alibaba.clients import AlibabaClients
from genesys_provider_alibaba.common import (
    listed,
    retag,
    struct,
    tag_params,
    tags_of,
    token_filter,
    token_value,
    visible_tags,
)

CREATE_LISTENER = {
    "http": "CreateLoadBalancerHTTPListener",
    "https": "CreateLoadBalancerHTTPSListener",
    "tcp": "CreateLoadBalancerTCPListener",
}
Listener = tuple[str, int, int, str]  # protocol, port, target port, certificate


def _listeners(listeners: Iterable[pb.Listener]) -> set[Listener]:
    return {
        (x.protocol.lower(), x.port, x.target_port or x.port, x.certificate_id) for x in listeners
    }


class LoadBalancers(KindHandler):
    field = "load_balancer"

    def __init__(self, clients: AlibabaClients) -> None:
        self.clients = clients

    def describe(self, **params: Any) -> Iterator[dict[str, Any]]:
        path = ("LoadBalancers", "LoadBalancer")
        yield from self.clients.pages("slb", "DescribeLoadBalancers", path, PageSize=100, **params)

    def _by_ids(self, ids: list[str]) -> Iterable[dict[str, Any]]:
        return self.describe(LoadBalancerId=",".join(ids))

    def _from(self, raw: Mapping[str, Any]) -> pb.LoadBalancer:
        lb_id = raw["LoadBalancerId"]
        detail = self.clients.rpc("slb", "DescribeLoadBalancerAttribute", LoadBalancerId=lb_id)
        listed = self.clients.rpc(
            "slb", "DescribeLoadBalancerListeners", **{"LoadBalancerId.1": lb_id}
        )
        listeners = [
            pb.Listener(
                protocol=str(x["ListenerProtocol"]).lower(),
                port=int(x["ListenerPort"]),
                target_port=int(x.get("BackendServerPort") or x["ListenerPort"]),
                certificate_id=str(x.get("ServerCertificateId", "")),
            )
            for x in sorted(listed.get("Listeners", []), key=lambda x: int(x["ListenerPort"]))
        ]
        backends = detail.get("BackendServers", {}).get("BackendServer", [])
        return pb.LoadBalancer(
            id=lb_id,
            name=raw.get("LoadBalancerName", ""),
            network_id=raw.get("VpcId", ""),
            subnet_ids=[raw["VSwitchId"]] if raw.get("VSwitchId") else [],
            internal=raw.get("AddressType") == "intranet",
            listeners=listeners,
            target_instance_ids=sorted(b["ServerId"] for b in backends),
            security_group_ids=sorted(
                detail.get("SecurityGroupIds", {}).get("SecurityGroupId", [])
            ),
            dns_name=raw.get("Address", ""),
            tags=visible_tags(tags_of(raw.get("Tags"))),
            provider_data=struct(
                {"status": raw.get("LoadBalancerStatus"), "spec": raw.get("LoadBalancerSpec")}
            ),
        )

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        raws = read_in_chunks(ids, self._by_ids, 20, id_of=lambda raw: str(raw["LoadBalancerId"]))
        return {
            str(raw["LoadBalancerId"]): outcome
            for raw, outcome in self.clients.pool.fan_out(self._from, list(raws.values()))
        }

    def find_by_token(self, token: str) -> str | None:
        for raw in self.describe(**token_filter(token)):
            return str(raw["LoadBalancerId"])
        return None

    def list(self, filters: Mapping[str, str]) -> Iterable[pb.LoadBalancer]:
        every = (self._from(raw) for raw in self.describe())
        return listed(
            every, filters, {"name": lambda b: b.name, "network_id": lambda b: b.network_id}
        )

    def create(self, config: pb.LoadBalancerConfig, token: str) -> pb.LoadBalancer:
        if not config.subnet_ids:
            raise errors.InvalidArgument(
                "an SLB load balancer lives in a vSwitch: set subnets",
                attribute_path="config.subnet_ids",
            )
        existing = self.find_by_token(token) if token else None
        if existing is None:
            answer = self.clients.rpc(
                "slb",
                "CreateLoadBalancer",
                VSwitchId=config.subnet_ids[0],
                AddressType="intranet" if config.internal else "internet",
                LoadBalancerName=config.name or None,
                LoadBalancerSpec="slb.s1.small",
                ClientToken=token_value(token) if token else None,
                **tag_params(dict(config.tags), token),
            )
            existing = answer["LoadBalancerId"]
        current = read_one(self, existing)
        self._sync(existing, current, config)
        return read_one(self, existing)

    def _sync(self, lb_id: str, current: pb.LoadBalancer, config: pb.LoadBalancerConfig) -> None:
        have, want = _listeners(current.listeners), _listeners(config.listeners)
        for _, port, _, _ in sorted(have - want):
            self.clients.rpc(
                "slb", "DeleteLoadBalancerListener", LoadBalancerId=lb_id, ListenerPort=port
            )
        for protocol, port, target, certificate in sorted(want - have):
            if protocol not in CREATE_LISTENER:
                raise errors.InvalidArgument(
                    f"listener protocol {protocol!r}: http, https or tcp",
                    attribute_path="config.listeners",
                )
            self.clients.rpc(
                "slb",
                CREATE_LISTENER[protocol],
                LoadBalancerId=lb_id,
                ListenerPort=port,
                BackendServerPort=target,
                Bandwidth=-1,
                StickySession="off" if protocol != "tcp" else None,
                HealthCheck="on" if protocol != "tcp" else None,
                ServerCertificateId=certificate or None,
            )
            self.clients.rpc(
                "slb", "StartLoadBalancerListener", LoadBalancerId=lb_id, ListenerPort=port
            )
        self._backends(lb_id, set(current.target_instance_ids), set(config.target_instance_ids))
        self._groups(lb_id, set(current.security_group_ids), set(config.security_group_ids))

    def _groups(self, lb_id: str, have: set[str], want: set[str]) -> None:
        """JoinSecurityGroup / LeaveSecurityGroup (CLB in a VPC takes ECS security groups)."""
        if want - have:
            joined = json.dumps(sorted(want - have))
            self.clients.rpc(
                "slb", "JoinSecurityGroup", LoadBalancerId=lb_id, SecurityGroupIds=joined
            )
        if have - want:
            left = json.dumps(sorted(have - want))
            self.clients.rpc(
                "slb", "LeaveSecurityGroup", LoadBalancerId=lb_id, SecurityGroupIds=left
            )

    def _backends(self, lb_id: str, have: set[str], want: set[str]) -> None:
        if want - have:
            servers = [{"ServerId": i, "Weight": 100} for i in sorted(want - have)]
            self.clients.rpc(
                "slb", "AddBackendServers", LoadBalancerId=lb_id, BackendServers=json.dumps(servers)
            )
        if have - want:
            servers = [{"ServerId": i} for i in sorted(have - want)]
            self.clients.rpc(
                "slb",
                "RemoveBackendServers",
                LoadBalancerId=lb_id,
                BackendServers=json.dumps(servers),
            )

    def update(self, request: Any) -> pb.LoadBalancer:
        current, config = read_one(self, request.id), request.config
        if config.name and config.name != current.name:
            self.clients.rpc(
                "slb",
                "SetLoadBalancerName",
                LoadBalancerId=request.id,
                LoadBalancerName=config.name,
            )
        self._sync(request.id, current, config)
        retag(self.clients, "slb", "instance", request.id, dict(current.tags), dict(config.tags))
        return read_one(self, request.id)

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        self.clients.rpc("slb", "DeleteLoadBalancer", LoadBalancerId=resource_id)


def kinds(clients: AlibabaClients) -> list[KindHandler]:
    return [LoadBalancers(clients)]
