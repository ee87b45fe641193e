"""CBS (cbs.tencentcloudapi.com, 2017-03-12): cloud disks, attached to instances of their zone."""

from __future__ import annotations

from typing import Any

from genesys_emulators.tencent.api import (
    ActionService,
    Record,
    apply_filters,
    by_ids,
    error,
    invalid,
    new_id,
    now,
    page,
    required,
)

DISK_TYPES = ("CLOUD_BASIC", "CLOUD_PREMIUM", "CLOUD_SSD", "CLOUD_HSSD", "CLOUD_BSSD")


class Cbs(ActionService):
    service = "cbs"
    version = "2017-03-12"

    def CreateDisks(self, body: Record, region: str) -> Record:
        zone = required(required(body, "Placement"), "Zone")
        self.world.check_zone(region, zone)
        kind = required(body, "DiskType")
        if kind not in DISK_TYPES:
            raise invalid("DiskType", kind, "one of " + ", ".join(DISK_TYPES))
        size = int(required(body, "DiskSize"))
        if not 10 <= size <= 32000 or size % 10:
            raise error(
                "InvalidParameterValue.DiskSizeNotMultipleOfStep",
                f"DiskSize {size} must be a multiple of 10 from 10 to 32000 GB.",
            )
        token = body.get("ClientToken")
        with self.store.lock:
            earlier = self.store.find("cbs.tokens", token) if token else None
            if earlier is not None:
                return {"DiskIdSet": earlier["ids"]}
            ids = [
                self._create(body, region, zone, kind, size)
                for _ in range(int(body.get("DiskCount") or 1))
            ]
            if token:
                self.store.put("cbs.tokens", token, {"ids": ids})
        return {"DiskIdSet": ids}

    def _create(self, body: Record, region: str, zone: str, kind: str, size: int) -> str:
        ident = new_id("disk")
        self.store.put(
            "cbs.disks",
            ident,
            {
                "DiskId": ident,
                "DiskName": body.get("DiskName") or ident,
                "DiskType": kind,
                "DiskSize": size,
                "DiskState": "UNATTACHED",
                "Attached": False,
                "InstanceId": "",
                "DiskUsage": "DATA_DISK",
                "DiskChargeType": body.get("DiskChargeType") or "POSTPAID_BY_HOUR",
                "Placement": {"Zone": zone, "ProjectId": 0},
                "Encrypt": bool(body.get("Encrypt")),
                "Tags": [
                    {"Key": t["Key"], "Value": t.get("Value", "")} for t in body.get("Tags") or []
                ],
                "CreateTime": now(),
                "Portable": True,
                "DeleteWithInstance": False,
                "_region": region,
            },
        )
        return ident

    def DescribeDisks(self, body: Record, region: str) -> Record:
        rows = [r for r in self.store.values("cbs.disks") if r["_region"] == region]
        rows = by_ids(rows, body.get("DiskIds"), "DiskId", "disk", "InvalidDiskId.NotFound")
        rows = apply_filters(rows, body.get("Filters"), _DISK_FILTERS)
        visible = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
        return {"TotalCount": len(visible), "DiskSet": page(visible, body)}

    def _disks(self, ids: list[str]) -> list[Record]:
        found = []
        for ident in ids:
            disk = self.store.find("cbs.disks", ident)
            if disk is None:
                raise error("InvalidDiskId.NotFound", f"The disk `{ident}` does not exist.")
            found.append(disk)
        return found

    def AttachDisks(self, body: Record, region: str) -> Record:
        with self.store.lock:
            disks = self._disks(required(body, "DiskIds"))
            instance_id = required(body, "InstanceId")
            instance = self.store.find("cvm.instances", instance_id)
            if instance is None or instance["_state"].current() in ("TERMINATING", "TERMINATED"):
                raise error(
                    "InvalidInstanceId.NotFound", f"The instance `{instance_id}` does not exist."
                )
            for disk in disks:
                if disk["Attached"]:
                    raise error(
                        "InvalidDisk.Busy",
                        f"The disk `{disk['DiskId']}` is attached to {disk['InstanceId']}.",
                    )
                if disk["Placement"]["Zone"] != instance["Placement"]["Zone"]:
                    raise error(
                        "InvalidParameter.DiskConfigNotSupported",
                        f"The disk `{disk['DiskId']}` is in {disk['Placement']['Zone']}, "
                        f"the instance in {instance['Placement']['Zone']}.",
                    )
            for disk in disks:
                disk.update(Attached=True, InstanceId=instance_id, DiskState="ATTACHED")
        return {}

    def DetachDisks(self, body: Record, region: str) -> Record:
        with self.store.lock:
            disks = self._disks(required(body, "DiskIds"))
            for disk in disks:
                if not disk["Attached"]:
                    raise error(
                        "InvalidDisk.NotSupported", f"The disk `{disk['DiskId']}` is not attached."
                    )
            for disk in disks:
                disk.update(Attached=False, InstanceId="", DiskState="UNATTACHED")
        return {}

    def ResizeDisk(self, body: Record, region: str) -> Record:
        disk = self._disks([required(body, "DiskId")])[0]
        size = int(required(body, "DiskSize"))
        if size <= disk["DiskSize"]:
            raise invalid("DiskSize", size, f"a disk only grows (now {disk['DiskSize']} GB)")
        disk["DiskSize"] = size
        return {}

    def ModifyDiskAttributes(self, body: Record, region: str) -> Record:
        for disk in self._disks(required(body, "DiskIds")):
            if body.get("DiskName"):
                disk["DiskName"] = body["DiskName"]
        return {}

    def TerminateDisks(self, body: Record, region: str) -> Record:
        with self.store.lock:
            disks = self._disks(required(body, "DiskIds"))
            for disk in disks:
                if disk["Attached"]:
                    raise error(
                        "InvalidDisk.Busy",
                        f"The disk `{disk['DiskId']}` is attached to {disk['InstanceId']}.",
                    )
            for disk in disks:
                self.store.remove("cbs.disks", disk["DiskId"])
        return {}


_DISK_FILTERS: dict[str, Any] = {
    "disk-id": lambda r: r["DiskId"],
    "disk-name": lambda r: r["DiskName"],
    "zone": lambda r: r["Placement"]["Zone"],
    "instance-id": lambda r: r["InstanceId"],
    "disk-type": lambda r: r["DiskType"],
    "disk-state": lambda r: r["DiskState"],
    "disk-usage": lambda r: r["DiskUsage"],
}
