"""SLB, Classic Load Balancer (Version 2014-05-15): load balancers in a vSwitch, HTTP/TCP
listeners, backend servers (ECS instances) and tags.

A load balancer is `inactive` until its first listener starts, then `active`. Backend
servers must be existing ECS instances in the load balancer's VPC.
"""

from __future__ import annotations

import json
from typing import Any

from genesys_emulators.alibaba.network import Addresses, VpcState
from genesys_emulators.alibaba.rpc import (
    Params,
    RpcDialect,
    RpcService,
    id_list,
    indexed,
    integer,
    page,
    public,
    region,
    required,
    tag_resources,
    tag_view,
    tags_in,
)
from genesys_emulators.core import CloudError, FaultPlan

PROTOCOLS = ("http", "https", "tcp", "udp")


def _not_found(lb_id: str) -> CloudError:
    return CloudError(
        404,
        "InvalidLoadBalancerId.NotFound",
        f"The specified LoadBalancerId {lb_id} does not exist.",
    )


class Slb(RpcService):
    version = "2014-05-15"
    product = "Slb"
    dialect = RpcDialect("slb.aliyuncs.com")

    def __init__(self, state: VpcState, faults: FaultPlan | None = None) -> None:
        super().__init__(faults)
        self.state = state
        self.store = state.store
        self.addresses = Addresses()

    def lb(self, lb_id: str) -> dict[str, Any]:
        return self.store.get("slb", lb_id, lambda: _not_found(lb_id))

    def do_CreateLoadBalancer(self, params: Params) -> dict[str, Any]:
        where = region(params)
        token = params.get("ClientToken", "")
        with self.store.lock:
            for existing in self.store.values("slb"):
                if token and existing["_token"] == token:
                    return {
                        k: existing[k] for k in ("LoadBalancerId", "Address", "VpcId", "VSwitchId")
                    }
            vswitch = self.state.vswitch(required(params, "VSwitchId"))
            address_type = params.get("AddressType", "internet")
            if address_type not in ("internet", "intranet"):
                raise CloudError(
                    400, "InvalidAddressType", f"AddressType {address_type} is not valid."
                )
            lb_id = f"lb-{self.store.new_id()}"
            count = len(self.store.values("slb")) + 1
            address = (
                f"47.{100 + count // 65536}.{count // 256 % 256}.{count % 256}"
                if address_type == "internet"
                else self.addresses.next(vswitch)
            )
            record = {
                "LoadBalancerId": lb_id,
                "LoadBalancerName": params.get("LoadBalancerName") or lb_id,
                "Address": address,
                "AddressType": address_type,
                "VpcId": vswitch["VpcId"],
                "VSwitchId": vswitch["VSwitchId"],
                "RegionId": where,
                "NetworkType": "vpc",
                "LoadBalancerSpec": params.get("LoadBalancerSpec", "slb.s1.small"),
                "_token": token,
                "_tags": tags_in(params),
                "_listeners": {},
                "_backends": {},
                "_groups": [],
            }
            self.store.put("slb", lb_id, record)
        return {k: record[k] for k in ("LoadBalancerId", "Address", "VpcId", "VSwitchId")}

    def _status(self, lb: dict[str, Any]) -> str:
        running = any(listener["Status"] == "running" for listener in lb["_listeners"].values())
        return "active" if running else "inactive"

    def _view(self, lb: dict[str, Any]) -> dict[str, Any]:
        listeners = sorted(lb["_listeners"].values(), key=lambda item: item["ListenerPort"])
        return {
            **public(lb),
            "LoadBalancerStatus": self._status(lb),
            "Tags": tag_view(lb["_tags"]),
            "ListenerPortsAndProtocol": {
                "ListenerPortAndProtocol": [
                    {"ListenerPort": item["ListenerPort"], "ListenerProtocol": item["Protocol"]}
                    for item in listeners
                ]
            },
            "BackendServers": {"BackendServer": list(lb["_backends"].values())},
            "SecurityGroupIds": {"SecurityGroupId": list(lb["_groups"])},
        }

    def do_DescribeLoadBalancers(self, params: Params) -> dict[str, Any]:
        where = region(params)
        ids = id_list(params, "LoadBalancerId", limit=20)
        wanted = tags_in(params)
        wanted.update({t["TagKey"]: t["TagValue"] for t in json.loads(params.get("Tags") or "[]")})
        found = [
            lb
            for lb in self.store.values("slb")
            if lb["RegionId"] == where
            and (ids is None or lb["LoadBalancerId"] in ids)
            and all(lb["_tags"].get(k) == v for k, v in wanted.items())
            and (not params.get("VpcId") or lb["VpcId"] == params["VpcId"])
        ]
        chosen, keys = page(
            sorted(found, key=lambda lb: lb["LoadBalancerId"]), params, max_size=100
        )
        return {"LoadBalancers": {"LoadBalancer": [self._view(lb) for lb in chosen]}, **keys}

    def do_DescribeLoadBalancerAttribute(self, params: Params) -> dict[str, Any]:
        return self._view(self.lb(required(params, "LoadBalancerId")))

    def do_SetLoadBalancerName(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            self.lb(required(params, "LoadBalancerId"))["LoadBalancerName"] = required(
                params, "LoadBalancerName"
            )
        return {}

    def do_DeleteLoadBalancer(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            lb = self.lb(required(params, "LoadBalancerId"))
            self.store.remove("slb", lb["LoadBalancerId"])
        return {}

    # ------------------------------------------------------------ listeners

    def _create_listener(self, params: Params, protocol: str) -> dict[str, Any]:
        with self.store.lock:
            lb = self.lb(required(params, "LoadBalancerId"))
            port = integer(params, "ListenerPort", 0, 1, 65535)
            required(params, "ListenerPort")
            if port in lb["_listeners"]:
                raise CloudError(
                    400, "ListenerAlreadyExists", f"The listener on port {port} exists."
                )
            if protocol == "https" and not params.get("ServerCertificateId"):
                required(params, "ServerCertificateId")
            lb["_listeners"][port] = {
                "ListenerPort": port,
                "BackendServerPort": integer(params, "BackendServerPort", port, 1, 65535),
                "Protocol": protocol,
                "Status": "stopped",
                "ServerCertificateId": params.get("ServerCertificateId", ""),
            }
        return {}

    def do_CreateLoadBalancerHTTPListener(self, params: Params) -> dict[str, Any]:
        return self._create_listener(params, "http")

    def do_CreateLoadBalancerHTTPSListener(self, params: Params) -> dict[str, Any]:
        return self._create_listener(params, "https")

    def do_CreateLoadBalancerTCPListener(self, params: Params) -> dict[str, Any]:
        return self._create_listener(params, "tcp")

    def _listener(self, params: Params) -> tuple[dict[str, Any], int]:
        lb = self.lb(required(params, "LoadBalancerId"))
        port = integer(params, "ListenerPort", 0, 1, 65535)
        if port not in lb["_listeners"]:
            raise CloudError(
                404, "ListenerNotExist", f"The listener on port {port} does not exist."
            )
        return lb, port

    def do_StartLoadBalancerListener(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            lb, port = self._listener(params)
            lb["_listeners"][port]["Status"] = "running"
        return {}

    def do_DeleteLoadBalancerListener(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            lb, port = self._listener(params)
            del lb["_listeners"][port]
        return {}

    def do_DescribeLoadBalancerListeners(self, params: Params) -> dict[str, Any]:
        ids = indexed(params, "LoadBalancerId")
        rows = [
            {**listener, "LoadBalancerId": lb_id, "ListenerProtocol": listener["Protocol"]}
            for lb_id in ids
            for listener in self.lb(lb_id)["_listeners"].values()
        ]
        return {"Listeners": rows, "TotalCount": len(rows)}

    # ------------------------------------------------------------ backends and tags

    def do_AddBackendServers(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            lb = self.lb(required(params, "LoadBalancerId"))
            servers = json.loads(required(params, "BackendServers"))
            for server in servers:
                instance = self.store.find("instances", server.get("ServerId", ""))
                if instance is None or instance["VpcAttributes"]["VpcId"] != lb["VpcId"]:
                    raise CloudError(
                        400,
                        "InvalidBackendServers.ServerIdNotExist",
                        "A backend server does not exist.",
                    )
                lb["_backends"][server["ServerId"]] = {
                    "ServerId": server["ServerId"],
                    "Weight": int(server.get("Weight", 100)),
                    "Type": "ecs",
                }
        return {"LoadBalancerId": lb["LoadBalancerId"]}

    def do_RemoveBackendServers(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            lb = self.lb(required(params, "LoadBalancerId"))
            for server in json.loads(required(params, "BackendServers")):
                lb["_backends"].pop(server.get("ServerId", ""), None)
        return {"LoadBalancerId": lb["LoadBalancerId"]}

    def _group_ids(self, params: Params, lb: dict[str, Any]) -> list[str]:
        ids = json.loads(required(params, "SecurityGroupIds"))
        for group_id in ids:
            group = self.store.find("security_groups", group_id)
            if group is None:
                raise CloudError(
                    404,
                    "InvalidSecurityGroupId.NotFound",
                    f"The security group {group_id} does not exist.",
                )
            if group["VpcId"] != lb["VpcId"]:
                raise CloudError(
                    400,
                    "InvalidSecurityGroupId.VpcMismatch",
                    "The security group is in another VPC.",
                )
        return [str(i) for i in ids]

    def do_JoinSecurityGroup(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            lb = self.lb(required(params, "LoadBalancerId"))
            for group_id in self._group_ids(params, lb):
                if group_id not in lb["_groups"]:
                    lb["_groups"].append(group_id)
        return {}

    def do_LeaveSecurityGroup(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            lb = self.lb(required(params, "LoadBalancerId"))
            gone = set(self._group_ids(params, lb))
            lb["_groups"] = [g for g in lb["_groups"] if g not in gone]
        return {}

    def do_TagResources(self, params: Params) -> dict[str, Any]:
        return tag_resources(self.store.lock, self.lb, params)

    def do_UntagResources(self, params: Params) -> dict[str, Any]:
        return tag_resources(self.store.lock, self.lb, params, untag=True)
