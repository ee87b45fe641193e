"""Compute Engine instances: insert (boot disk made from an image), get, list, aggregatedList,
delete, start, stop, setMachineType (only when TERMINATED), setLabels / setTags (fingerprints
checked), attachDisk, detachDisk (disks: compute_disks.py). A CPU quota per region
(GENESYS_EMULATOR_GCP_QUOTA_CPUS, default 5000) fails an insert's operation with
QUOTA_EXCEEDED, as Compute reports it.
"""

from __future__ import annotations

import ipaddress
import os
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from genesys_emulators.core import CloudError
from genesys_emulators.core.operations import Transition
from genesys_emulators.gcp.common import (
    check_labels,
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
from genesys_emulators.gcp.compute_base import MACHINE_TYPES, P
from genesys_emulators.gcp.compute_disks import DisksMixin, fingerprint

Z = f"{P}/zones/<zone>"
INSTANCE_RULES = (
    Rule(f"{Z}/instances", methods=["GET"], endpoint="list_instances"),
    Rule(f"{Z}/instances", methods=["POST"], endpoint="insert_instance"),
    Rule(f"{P}/aggregated/instances", methods=["GET"], endpoint="aggregated_instances"),
    Rule(f"{Z}/instances/<name>", methods=["GET"], endpoint="get_instance"),
    Rule(f"{Z}/instances/<name>", methods=["DELETE"], endpoint="delete_instance"),
    Rule(f"{Z}/instances/<name>/start", methods=["POST"], endpoint="start_instance"),
    Rule(f"{Z}/instances/<name>/stop", methods=["POST"], endpoint="stop_instance"),
    Rule(f"{Z}/instances/<name>/setMachineType", methods=["POST"], endpoint="set_machine_type"),
    Rule(f"{Z}/instances/<name>/setLabels", methods=["POST"], endpoint="set_instance_labels"),
    Rule(f"{Z}/instances/<name>/setTags", methods=["POST"], endpoint="set_instance_tags"),
    Rule(f"{Z}/instances/<name>/attachDisk", methods=["POST"], endpoint="attach_disk"),
    Rule(f"{Z}/instances/<name>/detachDisk", methods=["POST"], endpoint="detach_disk"),
)
RUNNING = ("PROVISIONING", "STAGING", "RUNNING")
STOPPING = ("STOPPING", "TERMINATED")
STARTING = ("STAGING", "RUNNING")


def cpu_quota() -> int:
    return int(os.environ.get("GENESYS_EMULATOR_GCP_QUOTA_CPUS", "5000"))


class InstancesMixin(DisksMixin):
    # ------------------------------------------------------------ views

    def _instance(self, project: str, zone: str, name: str) -> dict[str, Any]:
        self.check_zone(project, zone)
        return self.store.get(
            "instances",
            self._key(project, zone, name),
            lambda: not_found(f"projects/{project}/zones/{zone}/instances/{name}"),
        )

    def instance_view(self, record: dict[str, Any]) -> dict[str, Any]:
        view = {k: v for k, v in record.items() if not k.startswith("_")}
        view["status"] = self._status(record["_key"], "RUNNING")
        return view

    # ------------------------------------------------------------ insert

    def _machine_type(self, project: str, zone: str, body: dict[str, Any]) -> str:
        link = body.get("machineType")
        if not link:
            raise required("resource.machineType")
        name = last_segment(link)
        if name not in MACHINE_TYPES or segment_after(link, "zones") not in ("", zone):
            raise invalid(
                f"Invalid value for field 'resource.machineType': '{link}'. "
                f"Machine type with name '{name}' does not exist in zone '{zone}'."
            )
        return name

    def _nic(self, project: str, zone: str, nic: dict[str, Any], index: int) -> dict[str, Any]:
        subnet_link = nic.get("subnetwork", "")
        network_link = nic.get("network") or ("" if subnet_link else "global/networks/default")
        subnet = None
        if subnet_link:
            region = segment_after(subnet_link, "regions") or self.region_of(zone)
            subnet = self.store.find(
                "subnetworks", f"{project}/{region}/{last_segment(subnet_link)}"
            )
            if subnet is None or region != self.region_of(zone):
                raise invalid(
                    f"Invalid value for field 'resource.networkInterfaces[{index}].subnetwork':"
                    f" '{subnet_link}'. The referenced subnetwork resource cannot be found."
                )
            network_link = network_link or subnet["network"]
        network = self.store.find("networks", f"{project}/{last_segment(network_link)}")
        if network is None:
            raise invalid(
                f"Invalid value for field 'resource.networkInterfaces[{index}].network': "
                f"'{network_link}'. The referenced network resource cannot be found."
            )
        if subnet is None and not network.get("autoCreateSubnetworks"):
            raise invalid(
                f"Invalid value for field 'resource.networkInterfaces[{index}].subnetwork': ''."
                " Subnetwork should be specified for custom subnetmode network"
            )
        if subnet is not None and subnet["network"] != network["selfLink"]:
            raise invalid(f"Subnetwork '{subnet_link}' does not belong to network '{network_link}'")
        view = {
            "kind": "compute#networkInterface",
            "name": f"nic{index}",
            "network": network["selfLink"],
            "networkIP": self._allocate_ip(subnet) if subnet else "10.128.0.2",
            "stackType": "IPV4_ONLY",
            "fingerprint": fingerprint(index),
        }
        if subnet is not None:
            view["subnetwork"] = subnet["selfLink"]
        if nic.get("accessConfigs"):
            view["accessConfigs"] = [
                {
                    "kind": "compute#accessConfig",
                    "type": "ONE_TO_ONE_NAT",
                    "name": "External NAT",
                    "natIP": f"34.70.{int(self.store.new_id()) % 250}.{index + 10}",
                    "networkTier": "PREMIUM",
                }
            ]
        return view

    def _allocate_ip(self, subnet: dict[str, Any]) -> str:
        with self.store.lock:
            used = subnet.setdefault("_allocated", 1)
            subnet["_allocated"] = used + 1
        network = ipaddress.ip_network(subnet["ipCidrRange"])
        return str(network.network_address + used + 1)

    def _boot_disk(
        self, project: str, zone: str, name: str, disks: list[dict[str, Any]]
    ) -> dict[str, Any]:
        boot = next((d for d in disks if d.get("boot")), disks[0] if disks else None)
        if boot is None:
            raise required("resource.disks")
        params = boot.get("initializeParams") or {}
        if not params.get("sourceImage") and not boot.get("source"):
            raise invalid(
                "Invalid value for field 'resource.disks[0]': ''. "
                "Boot disk must have a source specified."
            )
        image = self.resolve_image(project, params["sourceImage"]) if params else None
        size = str(params.get("diskSizeGb") or (image or {}).get("diskSizeGb", "10"))
        disk_type = last_segment(params.get("diskType") or "pd-standard")
        disk_name = params.get("diskName") or name
        return {
            "name": disk_name,
            "sizeGb": size,
            "type": disk_type,
            "sourceImage": (image or {}).get("selfLink", ""),
            "autoDelete": boot.get("autoDelete", True),
        }

    def insert_instance(self, request: Request, project: str, zone: str) -> Any:
        self.check_zone(project, zone)
        body = self.json_body(request)
        name = check_name(body.get("name"))
        machine_type = self._machine_type(project, zone, body)
        labels = check_labels(body.get("labels"))
        nics = body.get("networkInterfaces") or [{}]
        interfaces = [self._nic(project, zone, nic, i) for i, nic in enumerate(nics)]
        boot = self._boot_disk(project, zone, name, body.get("disks") or [])
        key = self._key(project, zone, name)
        link = self.link(project, "zones", zone, "instances", name)
        with self.store.lock:
            if self.store.find("instances", key):
                raise CloudError(
                    409, "alreadyExists", f"The resource '{link.split('/v1/')[1]}' already exists"
                )
            if (
                self._cpus_in(project, self.region_of(zone)) + MACHINE_TYPES[machine_type][0]
                > cpu_quota()
            ):
                return self._quota_failure(project, zone, link, machine_type)
            record = self._new_instance(project, zone, name, body, machine_type, labels)
            record["networkInterfaces"] = interfaces
            record["disks"] = [self._attach_boot(project, zone, link, boot)]
            self.store.put("instances", key, record)
            self.transitions[key] = Transition(RUNNING)
        return self.start_operation(project, ("zones", zone), "insert", link, record["id"])

    def _cpus_in(self, project: str, region: str) -> int:
        return sum(
            MACHINE_TYPES[last_segment(r["machineType"])][0]
            for r in self.store.values("instances")
            if r["_key"].startswith(f"{project}/{region}-")
        )

    def _quota_failure(self, project: str, zone: str, link: str, machine_type: str) -> Any:
        region = self.region_of(zone)
        message = f"Quota 'CPUS' exceeded.  Limit: {cpu_quota():.1f} in region {region}."

        def fail() -> None:
            raise CloudError(403, "QUOTA_EXCEEDED", message)

        return self.start_operation(
            project, ("zones", zone), "insert", link, self.store.new_id(), fail
        )

    def _new_instance(
        self,
        project: str,
        zone: str,
        name: str,
        body: dict[str, Any],
        machine_type: str,
        labels: dict[str, str],
    ) -> dict[str, Any]:
        tags = (body.get("tags") or {}).get("items", [])
        for tag in tags:
            check_name(tag, "resource.tags.items")
        return {
            "_key": self._key(project, zone, name),
            "kind": "compute#instance",
            "id": self.store.new_id(),
            "creationTimestamp": now(),
            "name": name,
            "description": body.get("description", ""),
            "machineType": self.link(project, "zones", zone, "machineTypes", machine_type),
            "zone": self.link(project, "zones", zone),
            "labels": labels,
            "labelFingerprint": fingerprint(labels),
            "tags": {"items": tags, "fingerprint": fingerprint(tags)},
            "metadata": {
                "kind": "compute#metadata",
                "items": (body.get("metadata") or {}).get("items", []),
                "fingerprint": fingerprint((body.get("metadata") or {}).get("items", [])),
            },
            "scheduling": {"automaticRestart": True, "onHostMaintenance": "MIGRATE"},
            "cpuPlatform": "Intel Skylake",
            "deletionProtection": False,
            "selfLink": self.link(project, "zones", zone, "instances", name),
        }

    def _attach_boot(
        self, project: str, zone: str, instance_link: str, boot: dict[str, Any]
    ) -> dict[str, Any]:
        disk_key = self._key(project, zone, boot["name"])
        existing = self.store.find("disks", disk_key)
        if existing is None:
            existing = self._new_disk(project, zone, boot["name"], boot)
            self.store.put("disks", disk_key, existing)
        existing["users"] = [*existing.get("users", []), instance_link]
        return {
            "kind": "compute#attachedDisk",
            "type": "PERSISTENT",
            "mode": "READ_WRITE",
            "source": existing["selfLink"],
            "deviceName": "persistent-disk-0",
            "index": 0,
            "boot": True,
            "autoDelete": boot.get("autoDelete", True),
            "interface": "SCSI",
            "diskSizeGb": existing["sizeGb"],
        }

    # ------------------------------------------------------------ read

    def get_instance(self, request: Request, project: str, zone: str, name: str) -> Any:
        return self.instance_view(self._instance(project, zone, name))

    def list_instances(self, request: Request, project: str, zone: str) -> Any:
        self.check_zone(project, zone)
        prefix = f"{project}/{zone}/"
        views = [
            self.instance_view(r)
            for r in self.store.values("instances")
            if r["_key"].startswith(prefix)
        ]
        items, token = page(request, views)
        return {"kind": "compute#instanceList", "items": items, "nextPageToken": token}

    def aggregated_instances(self, request: Request, project: str) -> Any:
        return self._aggregated(request, project, "instances", self.instance_view)

    # ------------------------------------------------------------ change

    def delete_instance(self, request: Request, project: str, zone: str, name: str) -> Any:
        record = self._instance(project, zone, name)
        holders = [*self.store.values("targetPools"), *self.store.values("instanceGroups")]
        for pool in holders:
            if record["selfLink"] in pool.get("instances", pool.get("_members", [])):
                what = record["selfLink"].split("/v1/")[1]
                raise in_use(what, pool["selfLink"].split("/v1/")[1])
        key = record["_key"]
        self.transitions[key] = Transition(("STOPPING", "STOPPING"))

        def remove() -> None:
            with self.store.lock:
                self.store.remove("instances", key)
                self.transitions.pop(key, None)
                for attached in record.get("disks", []):
                    self._release_disk(project, zone, attached, record["selfLink"])

        return self.start_operation(
            project, ("zones", zone), "delete", record["selfLink"], record["id"], remove
        )

    def _release_disk(self, project: str, zone: str, attached: dict[str, Any], user: str) -> None:
        disk_key = self._key(project, zone, last_segment(attached["source"]))
        disk = self.store.find("disks", disk_key)
        if disk is None:
            return
        disk["users"] = [u for u in disk.get("users", []) if u != user]
        if attached.get("autoDelete"):
            self.store.remove("disks", disk_key)

    def _power(self, project: str, zone: str, name: str, kind: str, states: tuple[str, ...]) -> Any:
        record = self._instance(project, zone, name)
        self.transitions[record["_key"]] = Transition(states)
        return self.start_operation(
            project, ("zones", zone), kind, record["selfLink"], record["id"]
        )

    def start_instance(self, request: Request, project: str, zone: str, name: str) -> Any:
        return self._power(project, zone, name, "start", STARTING)

    def stop_instance(self, request: Request, project: str, zone: str, name: str) -> Any:
        return self._power(project, zone, name, "stop", STOPPING)

    def set_machine_type(self, request: Request, project: str, zone: str, name: str) -> Any:
        record = self._instance(project, zone, name)
        machine_type = self._machine_type(project, zone, self.json_body(request))
        if self._status(record["_key"], "RUNNING") != "TERMINATED":
            raise CloudError(
                400,
                "resourceNotReady",
                f"The resource 'projects/{project}/zones/{zone}/instances/{name}' is not ready: "
                "the instance must be stopped (TERMINATED) to change its machine type",
            )
        link = self.link(project, "zones", zone, "machineTypes", machine_type)

        def change() -> None:
            record["machineType"] = link

        return self.start_operation(
            project, ("zones", zone), "setMachineType", record["selfLink"], record["id"], change
        )

    def set_instance_labels(self, request: Request, project: str, zone: str, name: str) -> Any:
        return self._set_labels(
            project, ("zones", zone), self._instance(project, zone, name), request
        )

    def set_instance_tags(self, request: Request, project: str, zone: str, name: str) -> Any:
        record = self._instance(project, zone, name)
        body = self.json_body(request)
        if body.get("fingerprint") != record["tags"]["fingerprint"]:
            raise CloudError(
                412, "conditionNotMet", "Tags fingerprint invalid or tags have changed"
            )
        items = body.get("items", [])
        for tag in items:
            check_name(tag, "tags.items")

        def change() -> None:
            record["tags"] = {"items": items, "fingerprint": fingerprint(items)}

        return self.start_operation(
            project, ("zones", zone), "setTags", record["selfLink"], record["id"], change
        )

    def attach_disk(self, request: Request, project: str, zone: str, name: str) -> Any:
        record = self._instance(project, zone, name)
        body = self.json_body(request)
        source = body.get("source") or ""
        if not source:
            raise required("resource.source")
        disk = self._disk(project, segment_after(source, "zones") or zone, last_segment(source))
        if last_segment(disk["zone"]) != zone:
            raise invalid(f"Disk '{source}' is in another zone than instance '{name}'")
        if disk.get("users") and body.get("mode", "READ_WRITE") == "READ_WRITE":
            raise in_use(disk["selfLink"].split("/v1/")[1], disk["users"][0].split("/v1/")[1])
        device = body.get("deviceName") or disk["name"]
        if any(d["deviceName"] == device for d in record["disks"]):
            raise invalid(
                f"Invalid value for field 'resource.deviceName': '{device}'. Already in use"
            )
        attached = {
            "kind": "compute#attachedDisk",
            "type": "PERSISTENT",
            "mode": body.get("mode", "READ_WRITE"),
            "source": disk["selfLink"],
            "deviceName": device,
            "index": len(record["disks"]),
            "boot": False,
            "autoDelete": bool(body.get("autoDelete", False)),
            "interface": "SCSI",
            "diskSizeGb": disk["sizeGb"],
        }
        disk["users"] = [*disk.get("users", []), record["selfLink"]]  # claimed at once

        def change() -> None:
            record["disks"] = [*record["disks"], attached]

        return self.start_operation(
            project, ("zones", zone), "attachDisk", record["selfLink"], record["id"], change
        )

    def detach_disk(self, request: Request, project: str, zone: str, name: str) -> Any:
        record = self._instance(project, zone, name)
        device = request.args.get("deviceName", "")
        attached = next((d for d in record["disks"] if d["deviceName"] == device), None)
        if attached is None:
            raise invalid(
                f"Invalid value for field 'deviceName': '{device}'. No attached disk found"
            )

        def change() -> None:
            with self.store.lock:
                record["disks"] = [d for d in record["disks"] if d["deviceName"] != device]
                self._release_disk(
                    project, zone, {**attached, "autoDelete": False}, record["selfLink"]
                )

        return self.start_operation(
            project, ("zones", zone), "detachDisk", record["selfLink"], record["id"], change
        )
