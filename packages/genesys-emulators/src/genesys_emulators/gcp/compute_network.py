"""Compute Engine networking: VPC networks (custom or auto mode), regional subnetworks
(CIDR checked, no overlap inside a network, in use while an instance holds an address) and
firewall rules. Deleting a network that still has subnetworks, firewalls or instances is
refused with resourceInUseByAnotherResource, as Compute refuses it.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from genesys_emulators.core import CloudError
from genesys_emulators.gcp.common import (
    check_name,
    in_use,
    invalid,
    last_segment,
    not_found,
    now,
    page,
    required,
    segment_after,
)
from genesys_emulators.gcp.compute_base import ComputeBase, P
from genesys_emulators.gcp.compute_instances import fingerprint

NETWORK_RULES = (
    Rule(f"{P}/global/networks", methods=["GET"], endpoint="list_networks"),
    Rule(f"{P}/global/networks", methods=["POST"], endpoint="insert_network"),
    Rule(f"{P}/global/networks/<name>", methods=["GET"], endpoint="get_network"),
    Rule(f"{P}/global/networks/<name>", methods=["DELETE"], endpoint="delete_network"),
    Rule(f"{P}/regions/<region>/subnetworks", methods=["GET"], endpoint="list_subnetworks"),
    Rule(f"{P}/regions/<region>/subnetworks", methods=["POST"], endpoint="insert_subnetwork"),
    Rule(f"{P}/aggregated/subnetworks", methods=["GET"], endpoint="aggregated_subnetworks"),
    Rule(f"{P}/regions/<region>/subnetworks/<name>", methods=["GET"], endpoint="get_subnetwork"),
    Rule(
        f"{P}/regions/<region>/subnetworks/<name>",
        methods=["DELETE"],
        endpoint="delete_subnetwork",
    ),
    Rule(f"{P}/global/firewalls", methods=["GET"], endpoint="list_firewalls"),
    Rule(f"{P}/global/firewalls", methods=["POST"], endpoint="insert_firewall"),
    Rule(f"{P}/global/firewalls/<name>", methods=["GET"], endpoint="get_firewall"),
    Rule(f"{P}/global/firewalls/<name>", methods=["PATCH"], endpoint="patch_firewall"),
    Rule(f"{P}/global/firewalls/<name>", methods=["DELETE"], endpoint="delete_firewall"),
)
_PROTOCOLS = {"tcp", "udp", "icmp", "esp", "ah", "sctp", "ipip", "all"}


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not k.startswith("_")}


class NetworksMixin(ComputeBase):
    # ------------------------------------------------------------ networks

    def _network(self, project: str, name: str) -> dict[str, Any]:
        return self.store.get(
            "networks",
            f"{project}/{name}",
            lambda: not_found(f"projects/{project}/global/networks/{name}"),
        )

    def insert_network(self, request: Request, project: str) -> Any:
        body = self.json_body(request)
        name = check_name(body.get("name"))
        if "autoCreateSubnetworks" not in body and "IPv4Range" not in body:
            raise invalid(
                "Invalid value for field 'resource.autoCreateSubnetworks': ''. "
                "Legacy networks need IPv4Range; set autoCreateSubnetworks for a VPC network."
            )
        link = self.link(project, "global", "networks", name)
        record = {
            "kind": "compute#network",
            "id": self.store.new_id(),
            "creationTimestamp": now(),
            "name": name,
            "description": body.get("description", ""),
            "autoCreateSubnetworks": bool(body.get("autoCreateSubnetworks")),
            "routingConfig": body.get("routingConfig") or {"routingMode": "REGIONAL"},
            "mtu": body.get("mtu") or 1460,
            "subnetworks": [],
            "networkFirewallPolicyEnforcementOrder": "AFTER_CLASSIC_FIREWALL",
            "selfLink": link,
        }
        self.store.insert(
            "networks",
            f"{project}/{name}",
            record,
            lambda: CloudError(
                409,
                "alreadyExists",
                f"The resource 'projects/{project}/global/networks/{name}' already exists",
            ),
        )
        return self.start_operation(project, ("global",), "insert", link, record["id"])

    def get_network(self, request: Request, project: str, name: str) -> Any:
        return _public(self._network(project, name))

    def list_networks(self, request: Request, project: str) -> Any:
        records = [
            _public(r)
            for key, r in self.store.collection("networks").copy().items()
            if key.startswith(f"{project}/")
        ]
        items, token = page(request, records)
        return {"kind": "compute#networkList", "items": items, "nextPageToken": token}

    def delete_network(self, request: Request, project: str, name: str) -> Any:
        record = self._network(project, name)
        what = f"projects/{project}/global/networks/{name}"
        with self.store.lock:
            if record["subnetworks"]:
                raise in_use(what, record["subnetworks"][0].split("/v1/")[1])
            for firewall in self.store.values("firewalls"):
                if firewall["network"] == record["selfLink"]:
                    raise in_use(what, firewall["selfLink"].split("/v1/")[1])
            self.store.remove("networks", f"{project}/{name}")
        return self.start_operation(
            project, ("global",), "delete", record["selfLink"], record["id"]
        )

    # ------------------------------------------------------------ subnetworks

    def _subnetwork(self, project: str, region: str, name: str) -> dict[str, Any]:
        self.check_region(project, region)
        return self.store.get(
            "subnetworks",
            f"{project}/{region}/{name}",
            lambda: not_found(f"projects/{project}/regions/{region}/subnetworks/{name}"),
        )

    def _cidr(self, text: Any) -> ipaddress.IPv4Network:
        if not text:
            raise required("resource.ipCidrRange")
        try:
            network = ipaddress.IPv4Network(str(text), strict=True)
        except ValueError:
            raise invalid(
                f"Invalid value for field 'resource.ipCidrRange': '{text}'. "
                f"Invalid IPCidrRange: {text}"
            ) from None
        if network.prefixlen > 29 or network.prefixlen < 8:
            raise invalid(
                f"Invalid value for field 'resource.ipCidrRange': '{text}'. The "
                f"prefix length must be between 8 and 29."
            )
        return network

    def insert_subnetwork(self, request: Request, project: str, region: str) -> Any:
        self.check_region(project, region)
        body = self.json_body(request)
        name = check_name(body.get("name"))
        cidr = self._cidr(body.get("ipCidrRange"))
        if not body.get("network"):
            raise required("resource.network")
        network = self.store.find("networks", f"{project}/{last_segment(body['network'])}")
        if network is None:
            raise invalid(
                f"Invalid value for field 'resource.network': "
                f"'{body['network']}'. The referenced network resource cannot be found."
            )
        link = self.link(project, "regions", region, "subnetworks", name)
        with self.store.lock:
            self._refuse_overlap(project, network, cidr, body["ipCidrRange"])
            record = {
                "kind": "compute#subnetwork",
                "id": self.store.new_id(),
                "creationTimestamp": now(),
                "name": name,
                "description": body.get("description", ""),
                "network": network["selfLink"],
                "ipCidrRange": str(cidr),
                "gatewayAddress": str(cidr.network_address + 1),
                "region": self.link(project, "regions", region),
                "privateIpGoogleAccess": bool(body.get("privateIpGoogleAccess")),
                "purpose": "PRIVATE",
                "stackType": "IPV4_ONLY",
                "fingerprint": fingerprint(name),
                "selfLink": link,
            }
            self.store.insert(
                "subnetworks",
                f"{project}/{region}/{name}",
                record,
                lambda: CloudError(
                    409,
                    "alreadyExists",
                    f"The resource "
                    f"'projects/{project}/regions/{region}/subnetworks/{name}' already exists",
                ),
            )
            network["subnetworks"] = [*network["subnetworks"], link]
        return self.start_operation(project, ("regions", region), "insert", link, record["id"])

    def _refuse_overlap(
        self, project: str, network: dict[str, Any], cidr: ipaddress.IPv4Network, text: str
    ) -> None:
        for other in self.store.values("subnetworks"):
            if other["network"] == network["selfLink"] and cidr.overlaps(
                ipaddress.IPv4Network(other["ipCidrRange"])
            ):
                raise invalid(
                    f"Invalid IPCidrRange: {text} conflicts with existing subnetwork "
                    f"'{other['name']}' in region '{last_segment(other['region'])}'."
                )

    def get_subnetwork(self, request: Request, project: str, region: str, name: str) -> Any:
        return _public(self._subnetwork(project, region, name))

    def list_subnetworks(self, request: Request, project: str, region: str) -> Any:
        self.check_region(project, region)
        records = [
            _public(r)
            for r in self.store.values("subnetworks")
            if segment_after(r["region"], "regions") == region
            and f"/projects/{project}/" in r["selfLink"]
        ]
        items, token = page(request, records)
        return {"kind": "compute#subnetworkList", "items": items, "nextPageToken": token}

    def aggregated_subnetworks(self, request: Request, project: str) -> Any:
        records = [
            _public(r)
            for r in self.store.values("subnetworks")
            if f"/projects/{project}/" in r["selfLink"]
        ]
        items, token = page(request, records)
        scoped: dict[str, Any] = {}
        for item in items:
            scoped.setdefault(f"regions/{last_segment(item['region'])}", {"subnetworks": []})[
                "subnetworks"
            ].append(item)
        return {"kind": "compute#subnetworkAggregatedList", "items": scoped, "nextPageToken": token}

    def delete_subnetwork(self, request: Request, project: str, region: str, name: str) -> Any:
        record = self._subnetwork(project, region, name)
        with self.store.lock:
            for instance in self.store.values("instances"):
                if any(
                    nic.get("subnetwork") == record["selfLink"]
                    for nic in instance["networkInterfaces"]
                ):
                    raise in_use(
                        f"projects/{project}/regions/{region}/subnetworks/{name}",
                        instance["selfLink"].split("/v1/")[1],
                    )
            self.store.remove("subnetworks", f"{project}/{region}/{name}")
            network = self.store.find("networks", f"{project}/{last_segment(record['network'])}")
            if network is not None:
                network["subnetworks"] = [
                    s for s in network["subnetworks"] if s != record["selfLink"]
                ]
        return self.start_operation(
            project, ("regions", region), "delete", record["selfLink"], record["id"]
        )

    # ------------------------------------------------------------ firewalls

    def _firewall(self, project: str, name: str) -> dict[str, Any]:
        return self.store.get(
            "firewalls",
            f"{project}/{name}",
            lambda: not_found(f"projects/{project}/global/firewalls/{name}"),
        )

    def _firewall_fields(self, project: str, body: dict[str, Any]) -> dict[str, Any]:
        """The settable fields of a firewall, checked as Compute checks them."""
        fields: dict[str, Any] = {}
        for key in ("allowed", "denied"):
            if key in body:
                fields[key] = [self._rule(r, key, i) for i, r in enumerate(body[key] or [])]
        for key in ("sourceRanges", "destinationRanges"):
            if key in body:
                for text in body[key] or []:
                    try:
                        ipaddress.ip_network(text, strict=False)
                    except ValueError:
                        raise invalid(
                            f"Invalid value for field 'resource.{key}': '{text}'. "
                            f"Must be a CIDR address range"
                        ) from None
                fields[key] = list(body[key] or [])
        for key in ("targetTags", "sourceTags"):
            if key in body:
                fields[key] = [check_name(t, f"resource.{key}") for t in body[key] or []]
        for key in ("description", "disabled", "priority", "direction"):
            if key in body:
                fields[key] = body[key]
        if fields.get("direction", "INGRESS") not in ("INGRESS", "EGRESS"):
            raise invalid(f"Invalid value for field 'resource.direction': '{fields['direction']}'.")
        return fields

    @staticmethod
    def _rule(rule: dict[str, Any], key: str, index: int) -> dict[str, Any]:
        protocol = str(rule.get("IPProtocol", ""))
        if not protocol:
            raise required(f"resource.{key}[{index}].IPProtocol")
        if protocol.lower() not in _PROTOCOLS and not protocol.isdigit():
            raise invalid(
                f"Invalid value for field 'resource.{key}[{index}].IPProtocol': '{protocol}'."
            )
        out: dict[str, Any] = {"IPProtocol": protocol}
        if rule.get("ports"):
            out["ports"] = [str(p) for p in rule["ports"]]
        return out

    def insert_firewall(self, request: Request, project: str) -> Any:
        body = self.json_body(request)
        name = check_name(body.get("name"))
        network_link = body.get("network") or "global/networks/default"
        network = self.store.find("networks", f"{project}/{last_segment(network_link)}")
        if network is None:
            raise invalid(
                f"Invalid value for field 'resource.network': '{network_link}'. "
                f"The referenced network resource cannot be found."
            )
        fields = self._firewall_fields(project, body)
        if not fields.get("allowed") and not fields.get("denied"):
            raise invalid(
                "Invalid value for field 'resource.allowed': ''. Must specify at "
                "least one allowed or denied rule."
            )
        link = self.link(project, "global", "firewalls", name)
        record = {
            "kind": "compute#firewall",
            "id": self.store.new_id(),
            "creationTimestamp": now(),
            "name": name,
            "network": network["selfLink"],
            "priority": 1000,
            "direction": "INGRESS",
            "disabled": False,
            "description": "",
            "logConfig": {"enable": False},
            "selfLink": link,
            **fields,
        }
        if record["direction"] == "INGRESS" and not any(
            k in record for k in ("sourceRanges", "sourceTags")
        ):
            record["sourceRanges"] = ["0.0.0.0/0"]
        self.store.insert(
            "firewalls",
            f"{project}/{name}",
            record,
            lambda: CloudError(
                409,
                "alreadyExists",
                f"The resource 'projects/{project}/global/firewalls/{name}' already exists",
            ),
        )
        return self.start_operation(project, ("global",), "insert", link, record["id"])

    def get_firewall(self, request: Request, project: str, name: str) -> Any:
        return _public(self._firewall(project, name))

    def list_firewalls(self, request: Request, project: str) -> Any:
        records = [
            _public(r)
            for r in self.store.values("firewalls")
            if f"/projects/{project}/" in r["selfLink"]
        ]
        items, token = page(request, records)
        return {"kind": "compute#firewallList", "items": items, "nextPageToken": token}

    def patch_firewall(self, request: Request, project: str, name: str) -> Any:
        record = self._firewall(project, name)
        body = self.json_body(request)
        if body.get("network") and last_segment(body["network"]) != last_segment(record["network"]):
            raise invalid(
                "Invalid value for field 'resource.network': a firewall's network cannot change."
            )
        fields = self._firewall_fields(project, body)

        def change() -> None:
            for key in ("allowed", "denied"):
                if fields.get(key):
                    record.pop("denied" if key == "allowed" else "allowed", None)
            record.update(fields)

        return self.start_operation(
            project, ("global",), "patch", record["selfLink"], record["id"], change
        )

    def delete_firewall(self, request: Request, project: str, name: str) -> Any:
        record = self._firewall(project, name)
        self.store.remove("firewalls", f"{project}/{name}")
        return self.start_operation(
            project, ("global",), "delete", record["selfLink"], record["id"]
        )
