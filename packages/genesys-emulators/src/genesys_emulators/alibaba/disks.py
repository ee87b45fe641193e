"""ECS disks (a mixin of the Ecs service): data disks in a zone, attached to an instance of
the same zone, resized up only.

Creating → Available; AttachDisk: Attaching → In_use (instance Running or Stopped, disk
Available, same zone); DetachDisk: Detaching → Available; only an Available disk is deleted.
"""

from __future__ import annotations

from typing import Any

from genesys_emulators.alibaba import catalog
from genesys_emulators.alibaba.rpc import (
    Params,
    id_list,
    integer,
    matches_tags,
    page,
    public,
    region,
    required,
    tag_view,
    tags_in,
)
from genesys_emulators.core import CloudError, Store
from genesys_emulators.core.operations import Transition

STEP = 0.05
CATEGORIES = {
    "cloud_efficiency": (20, 32768),
    "cloud_ssd": (20, 32768),
    "cloud_essd": (20, 65536),
    "cloud_auto": (1, 65536),
}
DEVICES = [f"/dev/xvd{letter}" for letter in "bcdefghijklmnopq"]


def disk_status(disk: dict[str, Any]) -> str:
    transition: Transition = disk["_transition"]
    return transition.current()


def _incorrect(disk: dict[str, Any], action: str) -> CloudError:
    return CloudError(
        403,
        "IncorrectDiskStatus",
        f"The current disk status does not support {action} ({disk_status(disk)}).",
    )


def _disk_spec(params: Params, where: str) -> tuple[str, str, int]:
    """(zone, category, size) of a CreateDisk, refused as ECS refuses them."""
    zone = required(params, "ZoneId")
    if zone not in catalog.zones_of(where):
        raise CloudError(
            404, "InvalidZoneId.NotFound", f"The specified zone {zone} does not exist."
        )
    category = params.get("DiskCategory", "cloud_efficiency")
    if category not in CATEGORIES:
        raise CloudError(
            400,
            "InvalidDiskCategory.ValueNotSupported",
            f"DiskCategory {category} is not supported.",
        )
    low, high = CATEGORIES[category]
    required(params, "Size")
    return zone, category, integer(params, "Size", 0, low, high)


class DiskActions:
    store: Store

    def instance(self, instance_id: str) -> dict[str, Any]:
        raise NotImplementedError

    def disk(self, disk_id: str) -> dict[str, Any]:
        def missing() -> CloudError:
            return CloudError(
                404, "InvalidDiskId.NotFound", f"The specified disk {disk_id} does not exist."
            )

        return self.store.get("disks", disk_id, missing)

    def do_CreateDisk(self, params: Params) -> dict[str, Any]:
        where = region(params)
        zone, category, size = _disk_spec(params, where)
        token = params.get("ClientToken", "")
        with self.store.lock:
            for disk in self.store.values("disks"):
                if token and disk["_token"] == token:
                    return {"DiskId": disk["DiskId"]}
            disk_id = f"d-{self.store.new_id()}"
            self.store.put(
                "disks",
                disk_id,
                {
                    "DiskId": disk_id,
                    "DiskName": params.get("DiskName", ""),
                    "Size": size,
                    "Category": category,
                    "Encrypted": params.get("Encrypted", "").lower() == "true",
                    "ZoneId": zone,
                    "RegionId": where,
                    "Type": "data",
                    "InstanceId": "",
                    "Device": "",
                    "_token": token,
                    "_tags": tags_in(params),
                    "_transition": Transition(("Creating", "Available"), STEP),
                },
            )
        return {"DiskId": disk_id}

    def do_DescribeDisks(self, params: Params) -> dict[str, Any]:
        where = region(params)
        ids = id_list(params, "DiskIds")
        wanted = tags_in(params)
        tests = ("ZoneId", "InstanceId", "DiskName")
        found = [
            d
            for d in self.store.values("disks")
            if d["RegionId"] == where
            and (ids is None or d["DiskId"] in ids)
            and all(d[t] == params[t] for t in tests if params.get(t))
            and (not params.get("Status") or disk_status(d) == params["Status"])
            and matches_tags(d["_tags"], wanted)
        ]
        chosen, keys = page(sorted(found, key=lambda d: d["DiskId"]), params, max_size=100)
        views = [
            {**public(d), "Status": disk_status(d), "Tags": tag_view(d["_tags"])} for d in chosen
        ]
        return {"Disks": {"Disk": views}, **keys}

    def do_AttachDisk(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            disk = self.disk(required(params, "DiskId"))
            instance = self.instance(required(params, "InstanceId"))
            if disk_status(disk) != "Available":
                raise _incorrect(disk, "AttachDisk")
            status = instance["_transition"].current()
            if status not in ("Running", "Stopped"):
                raise CloudError(403, "IncorrectInstanceStatus", f"The instance is {status}.")
            if disk["ZoneId"] != instance["ZoneId"]:
                raise CloudError(
                    403,
                    "InvalidDiskId.ZoneMismatch",
                    "The disk and the instance are not in the same zone.",
                )
            taken = {
                d["Device"]
                for d in self.store.values("disks")
                if d["InstanceId"] == instance["InstanceId"]
            }
            device = params.get("Device") or next(d for d in DEVICES if d not in taken)
            if device in taken:
                raise CloudError(400, "InvalidDevice.InUse", f"The device {device} is in use.")
            disk.update(InstanceId=instance["InstanceId"], Device=device)
            disk["_transition"] = Transition(("Attaching", "In_use"), STEP)
        return {}

    def do_DetachDisk(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            disk = self.disk(required(params, "DiskId"))
            if (
                disk["InstanceId"] != required(params, "InstanceId")
                or disk_status(disk) != "In_use"
            ):
                raise _incorrect(disk, "DetachDisk")
            disk["_transition"] = Transition(("Detaching", "Available"), STEP)
            disk.update(InstanceId="", Device="")
        return {}

    def do_ResizeDisk(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            disk = self.disk(required(params, "DiskId"))
            low, high = CATEGORIES[disk["Category"]]
            size = integer(params, "NewSize", 0, low, high)
            if size < disk["Size"]:
                raise CloudError(400, "InvalidDiskSize.TooSmall", "A disk can only grow.")
            disk["Size"] = size
        return {}

    def do_ModifyDiskAttribute(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            disk = self.disk(required(params, "DiskId"))
            if "DiskName" in params:
                disk["DiskName"] = params["DiskName"]
        return {}

    def do_DeleteDisk(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            disk = self.disk(required(params, "DiskId"))
            if disk_status(disk) != "Available":
                raise _incorrect(disk, "DeleteDisk")
            self.store.remove("disks", disk["DiskId"])
        return {}
