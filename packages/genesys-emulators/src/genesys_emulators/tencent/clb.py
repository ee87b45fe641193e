"""CLB (clb.tencentcloudapi.com, 2018-03-17): load balancers, listeners, rules and targets.

A load balancer passes Status 0 (creating) to 1 (normal). TCP/UDP listeners take targets
directly; HTTP/HTTPS listeners forward by rules (domain + URL), and targets register on a
rule (`LocationId`, or `Domain` + `Url`). HTTPS needs a certificate the SSL service knows.
Targets must be instances of the balancer's VPC; a port is listened on once per protocol.
"""

from __future__ import annotations

from typing import Any

from genesys_emulators.core.operations import Transition
from genesys_emulators.tencent.api import (
    ActionService,
    Record,
    apply_filters,
    error,
    invalid,
    new_id,
    now,
    page,
    required,
    tag_pairs,
)

STEP = 0.05
LAYER7 = ("HTTP", "HTTPS")
PROTOCOLS = ("TCP", "UDP", "TCP_SSL", "QUIC", *LAYER7)


class Clb(ActionService):
    service = "clb"
    version = "2018-03-17"

    def _get(self, ident: str) -> Record:
        return self.existing(
            "clb.lbs",
            ident,
            "InvalidParameter.LBIdNotFound",
            f"The load balancer `{ident}` does not exist.",
        )

    def CreateLoadBalancer(self, body: Record, region: str) -> Record:
        kind = required(body, "LoadBalancerType")
        if kind not in ("OPEN", "INTERNAL"):
            raise invalid("LoadBalancerType", kind, "OPEN or INTERNAL")
        vpc = self.store.find("vpc.vpcs", required(body, "VpcId"))
        if vpc is None:
            raise error("InvalidParameterValue", f"The VPC `{body['VpcId']}` does not exist.")
        subnet_id = body.get("SubnetId") or ""
        if kind == "INTERNAL":
            subnet = self.store.find("vpc.subnets", required(body, "SubnetId"))
            if subnet is None or subnet["VpcId"] != vpc["VpcId"]:
                raise error("InvalidParameterValue", f"The subnet `{subnet_id}` is not in the VPC.")
        token = body.get("ClientToken")
        with self.store.lock:
            earlier = self.store.find("clb.tokens", token) if token else None
            if earlier is not None:
                return {"LoadBalancerIds": earlier["ids"], "DealName": ""}
            ident = new_id("lb")
            self.store.put("clb.lbs", ident, _balancer(ident, body, kind, vpc["VpcId"], region))
            if token:
                self.store.put("clb.tokens", token, {"ids": [ident]})
        return {"LoadBalancerIds": [ident], "DealName": new_id("deal")}

    def DescribeLoadBalancers(self, body: Record, region: str) -> Record:
        rows = [r for r in self.store.values("clb.lbs") if r["_region"] == region]
        if body.get("LoadBalancerIds"):
            rows = [r for r in rows if r["LoadBalancerId"] in body["LoadBalancerIds"]]
        if body.get("LoadBalancerName"):
            rows = [r for r in rows if r["LoadBalancerName"] == body["LoadBalancerName"]]
        if body.get("VpcId"):
            rows = [r for r in rows if r["VpcId"] == body["VpcId"]]
        rows = apply_filters(
            rows,
            body.get("Filters"),
            _FILTERS,
            tag_field="Tags",
            key_field="TagKey",
            value_field="TagValue",
        )
        views = [
            {
                **{k: v for k, v in r.items() if not k.startswith("_")},
                "Status": int(r["_state"].seen()),
            }
            for r in rows
        ]
        return {"TotalCount": len(views), "LoadBalancerSet": page(views, body, 20, 100)}

    def DeleteLoadBalancer(self, body: Record, region: str) -> Record:
        with self.store.lock:
            for ident in required(body, "LoadBalancerIds"):
                self._get(ident)
            for ident in body["LoadBalancerIds"]:
                self.store.remove("clb.lbs", ident)
        return {}

    def ModifyLoadBalancerAttributes(self, body: Record, region: str) -> Record:
        record = self._get(required(body, "LoadBalancerId"))
        if body.get("LoadBalancerName"):
            record["LoadBalancerName"] = body["LoadBalancerName"]
        return {}

    def SetLoadBalancerSecurityGroups(self, body: Record, region: str) -> Record:
        record = self._get(required(body, "LoadBalancerId"))
        groups = list(body.get("SecurityGroups") or [])
        for group in groups:
            if self.store.find("vpc.security_groups", group) is None:
                raise error("InvalidParameter", f"The security group `{group}` does not exist.")
        record["SecureGroups"] = groups
        return {}

    # ------------------------------------------------------------ listeners

    def CreateListener(self, body: Record, region: str) -> Record:
        with self.store.lock:
            record = self._get(required(body, "LoadBalancerId"))
            protocol = required(body, "Protocol")
            if protocol not in PROTOCOLS:
                raise invalid("Protocol", protocol)
            ports = required(body, "Ports")
            names = body.get("ListenerNames") or []
            certificate = self._certificate(protocol, body.get("Certificate"))
            ids = []
            for index, port in enumerate(ports):
                if any(
                    lis["Port"] == port and _family(lis["Protocol"]) == _family(protocol)
                    for lis in record["_listeners"].values()
                ):
                    raise error(
                        "InvalidParameter.PortCheckFailed",
                        f"Port {port} is already listened on ({protocol}).",
                    )
                ident = new_id("lbl")
                record["_listeners"][ident] = {
                    "ListenerId": ident,
                    "Protocol": protocol,
                    "Port": int(port),
                    "ListenerName": names[index] if index < len(names) else "",
                    "Certificate": certificate,
                    "CreateTime": now(),
                    "_rules": {},
                    "_targets": [],
                }
                ids.append(ident)
        return {"ListenerIds": ids}

    def _certificate(self, protocol: str, certificate: Record | None) -> Record | None:
        if protocol not in ("HTTPS", "TCP_SSL"):
            return None
        cert_id = required(certificate or {}, "CertId")
        if self.store.find("ssl.certificates", cert_id) is None:
            raise error("InvalidParameter", f"The certificate `{cert_id}` does not exist.")
        return {"SSLMode": (certificate or {}).get("SSLMode", "UNIDIRECTIONAL"), "CertId": cert_id}

    def _listener(self, record: Record, ident: str) -> Record:
        listener = record["_listeners"].get(ident)
        if listener is None:
            raise error(
                "InvalidParameter.ListenerIdNotFound", f"The listener `{ident}` does not exist."
            )
        return listener

    def DescribeListeners(self, body: Record, region: str) -> Record:
        record = self._get(required(body, "LoadBalancerId"))
        listeners = list(record["_listeners"].values())
        if body.get("ListenerIds"):
            listeners = [lis for lis in listeners if lis["ListenerId"] in body["ListenerIds"]]
        views = [
            {
                **{k: v for k, v in lis.items() if not k.startswith("_")},
                "Rules": [
                    {"LocationId": loc, "Domain": r["Domain"], "Url": r["Url"]}
                    for loc, r in lis["_rules"].items()
                ],
            }
            for lis in listeners
        ]
        return {"Listeners": views, "TotalCount": len(views)}

    def DeleteListener(self, body: Record, region: str) -> Record:
        with self.store.lock:
            record = self._get(required(body, "LoadBalancerId"))
            self._listener(record, required(body, "ListenerId"))
            del record["_listeners"][body["ListenerId"]]
        return {}

    def CreateRule(self, body: Record, region: str) -> Record:
        with self.store.lock:
            record = self._get(required(body, "LoadBalancerId"))
            listener = self._listener(record, required(body, "ListenerId"))
            if listener["Protocol"] not in LAYER7:
                raise error(
                    "InvalidParameter.ProtocolCheckFailed",
                    "Rules belong to HTTP and HTTPS listeners.",
                )
            ids = []
            for rule in required(body, "Rules"):
                domain, url = required(rule, "Domain"), required(rule, "Url")
                if any(
                    r["Domain"] == domain and r["Url"] == url for r in listener["_rules"].values()
                ):
                    raise error("InvalidParameter", f"The rule {domain}{url} already exists.")
                ident = new_id("loc")
                listener["_rules"][ident] = {"Domain": domain, "Url": url, "_targets": []}
                ids.append(ident)
        return {"LocationIds": ids}

    # ------------------------------------------------------------ targets

    def _where(self, record: Record, body: Record) -> list[Record]:
        """The target list a Register/Deregister call acts on (listener or rule)."""
        listener = self._listener(record, required(body, "ListenerId"))
        if listener["Protocol"] not in LAYER7:
            return listener["_targets"]
        rules = listener["_rules"]
        if body.get("LocationId"):
            rule = rules.get(body["LocationId"])
        else:
            rule = next(
                (
                    r
                    for r in rules.values()
                    if r["Domain"] == body.get("Domain") and r["Url"] == body.get("Url")
                ),
                None,
            )
        if rule is None:
            raise error(
                "InvalidParameter.LocationNotFound",
                "A layer-7 listener takes targets on a rule: give LocationId or Domain and Url.",
            )
        return rule["_targets"]

    def RegisterTargets(self, body: Record, region: str) -> Record:
        with self.store.lock:
            record = self._get(required(body, "LoadBalancerId"))
            targets = self._where(record, body)
            for target in required(body, "Targets"):
                instance = self.store.find("cvm.instances", required(target, "InstanceId"))
                if instance is None or instance["VirtualPrivateCloud"]["VpcId"] != record["VpcId"]:
                    raise error(
                        "InvalidParameter",
                        f"The instance `{target['InstanceId']}` is not in the balancer's VPC.",
                    )
                entry = {
                    "Type": "CVM",
                    "InstanceId": target["InstanceId"],
                    "Port": int(required(target, "Port")),
                    "Weight": int(target.get("Weight", 10)),
                    "PrivateIpAddresses": instance["PrivateIpAddresses"],
                    "InstanceName": instance["InstanceName"],
                    "RegisteredTime": now(),
                }
                targets[:] = [
                    t
                    for t in targets
                    if (t["InstanceId"], t["Port"]) != (entry["InstanceId"], entry["Port"])
                ]
                targets.append(entry)
        return {}

    def DeregisterTargets(self, body: Record, region: str) -> Record:
        with self.store.lock:
            record = self._get(required(body, "LoadBalancerId"))
            targets = self._where(record, body)
            gone = {(t["InstanceId"], int(t.get("Port", 0))) for t in required(body, "Targets")}
            targets[:] = [t for t in targets if (t["InstanceId"], t["Port"]) not in gone]
        return {}

    def DescribeTargets(self, body: Record, region: str) -> Record:
        record = self._get(required(body, "LoadBalancerId"))
        listeners = list(record["_listeners"].values())
        if body.get("ListenerIds"):
            listeners = [lis for lis in listeners if lis["ListenerId"] in body["ListenerIds"]]
        answer: list[Any] = []
        for lis in listeners:
            rules = [
                {
                    "LocationId": loc,
                    "Domain": r["Domain"],
                    "Url": r["Url"],
                    "Targets": list(r["_targets"]),
                }
                for loc, r in lis["_rules"].items()
            ]
            answer.append(
                {
                    "ListenerId": lis["ListenerId"],
                    "Protocol": lis["Protocol"],
                    "Port": lis["Port"],
                    "Rules": rules,
                    "Targets": list(lis["_targets"]),
                }
            )
        return {"Listeners": answer}


def _balancer(ident: str, body: Record, kind: str, vpc_id: str, region: str) -> Record:
    public = kind == "OPEN"
    return {
        "LoadBalancerId": ident,
        "LoadBalancerName": body.get("LoadBalancerName") or ident,
        "LoadBalancerType": kind,
        "Forward": int(body.get("Forward", 1)),
        "Domain": f"{ident}.clb.{region}.tencentclb.com" if public else "",
        "LoadBalancerVips": ["203.0.113.10" if public else "10.0.0.10"],
        "CreateTime": now(),
        "ProjectId": int(body.get("ProjectId") or 0),
        "VpcId": vpc_id,
        "SubnetId": body.get("SubnetId") or "",
        "SecureGroups": [],
        "Tags": tag_pairs(body.get("Tags")),
        "_region": region,
        "_listeners": {},
        "_state": Transition(["0", "1"], STEP, shows_every_state=True),  # creating shown
    }


def _family(protocol: str) -> str:
    return "UDP" if protocol in ("UDP", "QUIC") else "TCP"


_FILTERS: dict[str, Any] = {
    "loadbalancer-id": lambda r: r["LoadBalancerId"],
    "vpc-id": lambda r: r["VpcId"],
    "load-balancer-name": lambda r: r["LoadBalancerName"],
}
