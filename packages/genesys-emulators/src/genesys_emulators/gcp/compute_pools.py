"""Compute Engine's instance collections for load balancing: regional target pools with
regional forwarding rules (pass-through), and zonal unmanaged instance groups with named
ports (what a backend service balances over). A pool still targeted by a rule, a group still
a backend, or an instance still in a pool or group, is in use.
"""

from __future__ import annotations

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

R = f"{P}/regions/<region>"
G = f"{P}/zones/<zone>/instanceGroups"
POOL_RULES = (
    Rule(G, methods=["GET"], endpoint="list_groups"),
    Rule(G, methods=["POST"], endpoint="insert_group"),
    Rule(f"{G}/<name>", methods=["GET"], endpoint="get_group"),
    Rule(f"{G}/<name>", methods=["DELETE"], endpoint="delete_group"),
    Rule(f"{G}/<name>/addInstances", methods=["POST"], endpoint="add_group_instances"),
    Rule(f"{G}/<name>/removeInstances", methods=["POST"], endpoint="remove_group_instances"),
    Rule(f"{G}/<name>/listInstances", methods=["POST"], endpoint="list_group_instances"),
    Rule(f"{G}/<name>/setNamedPorts", methods=["POST"], endpoint="set_named_ports"),
    Rule(f"{R}/targetPools", methods=["GET"], endpoint="list_pools"),
    Rule(f"{R}/targetPools", methods=["POST"], endpoint="insert_pool"),
    Rule(f"{R}/targetPools/<name>", methods=["GET"], endpoint="get_pool"),
    Rule(f"{R}/targetPools/<name>", methods=["DELETE"], endpoint="delete_pool"),
    Rule(f"{R}/targetPools/<name>/addInstance", methods=["POST"], endpoint="add_pool_instances"),
    Rule(
        f"{R}/targetPools/<name>/removeInstance", methods=["POST"], endpoint="remove_pool_instances"
    ),
    Rule(f"{R}/forwardingRules", methods=["GET"], endpoint="list_regional_rules"),
    Rule(f"{R}/forwardingRules", methods=["POST"], endpoint="insert_regional_rule"),
    Rule(f"{R}/forwardingRules/<name>", methods=["GET"], endpoint="get_regional_rule"),
    Rule(f"{R}/forwardingRules/<name>", methods=["DELETE"], endpoint="delete_regional_rule"),
)


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not k.startswith("_")}


class TargetPoolsMixin(ComputeBase):
    def _regional(self, project: str, region: str, collection: str, name: str) -> dict[str, Any]:
        self.check_region(project, region)
        return self.store.get(
            collection,
            f"{project}/{region}/{name}",
            lambda: not_found(f"projects/{project}/regions/{region}/{collection}/{name}"),
        )

    def _instance_links(self, project: str, region: str, body: dict[str, Any]) -> list[str]:
        links = []
        for entry in body.get("instances") or []:
            link = entry.get("instance", "") if isinstance(entry, dict) else str(entry)
            zone = segment_after(link, "zones")
            record = self.store.find("instances", f"{project}/{zone}/{last_segment(link)}")
            if record is None or self.region_of(zone) != region:
                raise invalid(
                    f"Invalid value for field 'resource.instances': '{link}'. "
                    "The referenced instance cannot be found in this region."
                )
            links.append(str(record["selfLink"]))
        return links

    def _list_regional(self, request: Request, project: str, region: str, collection: str) -> Any:
        self.check_region(project, region)
        prefix = f"{project}/{region}/"
        records = [
            _public(r)
            for k, r in self.store.collection(collection).copy().items()
            if k.startswith(prefix)
        ]
        items, token = page(request, records)
        return {"kind": f"compute#{collection[:-1]}List", "items": items, "nextPageToken": token}

    # ------------------------------------------------------------ target pools

    def insert_pool(self, request: Request, project: str, region: str) -> Any:
        self.check_region(project, region)
        body = self.json_body(request)
        name = check_name(body.get("name"))
        link = self.link(project, "regions", region, "targetPools", name)
        record = {
            "kind": "compute#targetPool",
            "id": self.store.new_id(),
            "creationTimestamp": now(),
            "name": name,
            "description": body.get("description", ""),
            "region": self.link(project, "regions", region),
            "instances": self._instance_links(project, region, body),
            "sessionAffinity": body.get("sessionAffinity") or "NONE",
            "selfLink": link,
        }
        self.store.insert(
            "targetPools",
            f"{project}/{region}/{name}",
            record,
            lambda: CloudError(
                409, "alreadyExists", f"The resource '{link.split('/v1/')[1]}' already exists"
            ),
        )
        return self.start_operation(project, ("regions", region), "insert", link, record["id"])

    def get_pool(self, request: Request, project: str, region: str, name: str) -> Any:
        return _public(self._regional(project, region, "targetPools", name))

    def list_pools(self, request: Request, project: str, region: str) -> Any:
        return self._list_regional(request, project, region, "targetPools")

    def _change_pool(
        self, request: Request, project: str, region: str, name: str, add: bool
    ) -> Any:
        record = self._regional(project, region, "targetPools", name)
        links = self._instance_links(project, region, self.json_body(request))

        def change() -> None:
            kept = [i for i in record["instances"] if i not in links]
            record["instances"] = kept + links if add else kept

        kind = "addInstance" if add else "removeInstance"
        return self.start_operation(
            project, ("regions", region), kind, record["selfLink"], record["id"], change
        )

    def add_pool_instances(self, request: Request, project: str, region: str, name: str) -> Any:
        return self._change_pool(request, project, region, name, add=True)

    def remove_pool_instances(self, request: Request, project: str, region: str, name: str) -> Any:
        return self._change_pool(request, project, region, name, add=False)

    def delete_pool(self, request: Request, project: str, region: str, name: str) -> Any:
        record = self._regional(project, region, "targetPools", name)
        with self.store.lock:
            for rule in self.store.values("forwardingRulesRegional"):
                if rule["target"] == record["selfLink"]:
                    raise in_use(
                        record["selfLink"].split("/v1/")[1], rule["selfLink"].split("/v1/")[1]
                    )
            self.store.remove("targetPools", f"{project}/{region}/{name}")
        return self.start_operation(
            project, ("regions", region), "delete", record["selfLink"], record["id"]
        )

    # ------------------------------------------------------------ regional forwarding rules

    def insert_regional_rule(self, request: Request, project: str, region: str) -> Any:
        self.check_region(project, region)
        body = self.json_body(request)
        name = check_name(body.get("name"))
        target = body.get("target") or ""
        if not target:
            raise required("resource.target")
        pool = self.store.find(
            "targetPools",
            f"{project}/{segment_after(target, 'regions') or region}/{last_segment(target)}",
        )
        if pool is None:
            raise invalid(
                f"Invalid value for field 'resource.target': '{target}'. "
                "The referenced target pool cannot be found."
            )
        protocol = str(body.get("IPProtocol") or "TCP").upper()
        if protocol not in ("TCP", "UDP"):
            raise invalid(
                f"Invalid value for field 'resource.IPProtocol': '{protocol}'. "
                "Must be TCP or UDP for a target pool."
            )
        link = self.link(project, "regions", region, "forwardingRules", name)
        record = {
            "kind": "compute#forwardingRule",
            "id": self.store.new_id(),
            "creationTimestamp": now(),
            "name": name,
            "description": body.get("description", ""),
            "region": self.link(project, "regions", region),
            "target": pool["selfLink"],
            "IPProtocol": protocol,
            "portRange": str(body.get("portRange") or "1-65535"),
            "loadBalancingScheme": body.get("loadBalancingScheme") or "EXTERNAL",
            "IPAddress": body.get("IPAddress")
            or f"35.192.{int(self.store.new_id()) % 250}.{len(name) % 250 + 2}",
            "selfLink": link,
        }
        self.store.insert(
            "forwardingRulesRegional",
            f"{project}/{region}/{name}",
            record,
            lambda: CloudError(
                409, "alreadyExists", f"The resource '{link.split('/v1/')[1]}' already exists"
            ),
        )
        return self.start_operation(project, ("regions", region), "insert", link, record["id"])

    def get_regional_rule(self, request: Request, project: str, region: str, name: str) -> Any:
        return _public(self._regional(project, region, "forwardingRulesRegional", name))

    def list_regional_rules(self, request: Request, project: str, region: str) -> Any:
        answer = self._list_regional(request, project, region, "forwardingRulesRegional")
        answer["kind"] = "compute#forwardingRuleList"
        return answer

    def delete_regional_rule(self, request: Request, project: str, region: str, name: str) -> Any:
        record = self._regional(project, region, "forwardingRulesRegional", name)
        self.store.remove("forwardingRulesRegional", f"{project}/{region}/{name}")
        return self.start_operation(
            project, ("regions", region), "delete", record["selfLink"], record["id"]
        )


class InstanceGroupsMixin(ComputeBase):
    def _group(self, project: str, zone: str, name: str) -> dict[str, Any]:
        self.check_zone(project, zone)
        return self.store.get(
            "instanceGroups",
            f"{project}/{zone}/{name}",
            lambda: not_found(f"projects/{project}/zones/{zone}/instanceGroups/{name}"),
        )

    def _group_view(self, record: dict[str, Any]) -> dict[str, Any]:
        return {**_public(record), "size": len(record["_members"])}

    def _members(self, project: str, zone: str, body: dict[str, Any]) -> list[str]:
        links = []
        for entry in body.get("instances") or []:
            link = str(entry.get("instance", ""))
            record = self.store.find("instances", f"{project}/{zone}/{last_segment(link)}")
            if record is None or segment_after(link, "zones") not in ("", zone):
                raise invalid(
                    f"Invalid value for field 'resource.instances': '{link}'. "
                    "The instance must exist in the group's zone."
                )
            links.append(str(record["selfLink"]))
        return links

    def insert_group(self, request: Request, project: str, zone: str) -> Any:
        self.check_zone(project, zone)
        body = self.json_body(request)
        name = check_name(body.get("name"))
        link = self.link(project, "zones", zone, "instanceGroups", name)
        record = {
            "kind": "compute#instanceGroup",
            "id": self.store.new_id(),
            "creationTimestamp": now(),
            "name": name,
            "description": body.get("description", ""),
            "zone": self.link(project, "zones", zone),
            "network": body.get("network", ""),
            "namedPorts": body.get("namedPorts") or [],
            "fingerprint": "42WmSpB8rSM=",
            "selfLink": link,
            "_members": [],
        }
        self.store.insert(
            "instanceGroups",
            f"{project}/{zone}/{name}",
            record,
            lambda: CloudError(
                409, "alreadyExists", f"The resource '{link.split('/v1/')[1]}' already exists"
            ),
        )
        return self.start_operation(project, ("zones", zone), "insert", link, record["id"])

    def get_group(self, request: Request, project: str, zone: str, name: str) -> Any:
        return self._group_view(self._group(project, zone, name))

    def list_groups(self, request: Request, project: str, zone: str) -> Any:
        self.check_zone(project, zone)
        prefix = f"{project}/{zone}/"
        records = [
            self._group_view(r)
            for k, r in self.store.collection("instanceGroups").copy().items()
            if k.startswith(prefix)
        ]
        items, token = page(request, records)
        return {"kind": "compute#instanceGroupList", "items": items, "nextPageToken": token}

    def _change_group(self, request: Request, project: str, zone: str, name: str, add: bool) -> Any:
        record = self._group(project, zone, name)
        links = self._members(project, zone, self.json_body(request))

        def change() -> None:
            kept = [m for m in record["_members"] if m not in links]
            record["_members"] = kept + links if add else kept

        kind = "addInstances" if add else "removeInstances"
        return self.start_operation(
            project, ("zones", zone), kind, record["selfLink"], record["id"], change
        )

    def add_group_instances(self, request: Request, project: str, zone: str, name: str) -> Any:
        return self._change_group(request, project, zone, name, add=True)

    def remove_group_instances(self, request: Request, project: str, zone: str, name: str) -> Any:
        return self._change_group(request, project, zone, name, add=False)

    def list_group_instances(self, request: Request, project: str, zone: str, name: str) -> Any:
        record = self._group(project, zone, name)
        items = [{"instance": m, "status": "RUNNING"} for m in record["_members"]]
        return {"kind": "compute#instanceGroupsListInstances", "items": items}

    def set_named_ports(self, request: Request, project: str, zone: str, name: str) -> Any:
        record = self._group(project, zone, name)
        ports = self.json_body(request).get("namedPorts") or []

        def change() -> None:
            record["namedPorts"] = ports

        return self.start_operation(
            project, ("zones", zone), "setNamedPorts", record["selfLink"], record["id"], change
        )

    def delete_group(self, request: Request, project: str, zone: str, name: str) -> Any:
        record = self._group(project, zone, name)
        with self.store.lock:
            for service in self.store.values("backendServices"):
                if any(
                    b.get("group", "").endswith(record["selfLink"].split("/v1/")[1])
                    for b in service.get("backends") or []
                ):
                    raise in_use(
                        record["selfLink"].split("/v1/")[1], service["selfLink"].split("/v1/")[1]
                    )
            self.store.remove("instanceGroups", f"{project}/{zone}/{name}")
        return self.start_operation(
            project, ("zones", zone), "delete", record["selfLink"], record["id"]
        )
