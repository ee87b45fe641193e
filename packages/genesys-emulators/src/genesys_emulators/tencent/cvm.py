"""CVM (cvm.tencentcloudapi.com, 2017-03-12): instances, instance types, images, zones.

Instances pass PENDING → RUNNING, STOPPING → STOPPED, STARTING → RUNNING and TERMINATING →
gone, so a client must wait as it must on the real service; DescribeInstances shows a new
instance PENDING at least once (on CVM it lasts far longer than a poll).
`ResetInstancesType` is refused unless the instance is STOPPED, as CVM refuses it. The last
zone of a region answers every instance type as sold out.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from genesys_emulators.core.operations import Transition
from genesys_emulators.tencent.api import (
    ActionService,
    Record,
    apply_filters,
    error,
    new_id,
    now,
    page,
    required,
)

# type → (vCPU, memory GiB); the S5 standard family as CVM sells it.
INSTANCE_TYPES: dict[str, tuple[int, int]] = {
    "S5.SMALL1": (1, 1),
    "S5.SMALL2": (1, 2),
    "S5.SMALL4": (1, 4),
    "S5.MEDIUM2": (2, 2),
    "S5.MEDIUM4": (2, 4),
    "S5.MEDIUM8": (2, 8),
    "S5.LARGE8": (4, 8),
    "S5.LARGE16": (4, 16),
    "S5.2XLARGE16": (8, 16),
    "S5.2XLARGE32": (8, 32),
}
# Public images: id → (name, OS, platform).
IMAGES: dict[str, tuple[str, str, str]] = {
    "img-487zeit5": ("Ubuntu Server 22.04 LTS 64bit", "Ubuntu Server 22.04 LTS 64bit", "Ubuntu"),
    "img-22trbn9x": ("Ubuntu Server 20.04 LTS 64bit", "Ubuntu Server 20.04 LTS 64bit", "Ubuntu"),
    "img-l8og963d": ("CentOS 7.9 64bit", "CentOS 7.9 64bit", "CentOS"),
    "img-eb30mz89": ("Debian 12.0 64bit", "Debian 12.0 64bit", "Debian"),
    "img-9id7emv7": ("Windows Server 2022 DataCenter 64bit", "Windows Server 2022", "Windows"),
}
STEP = 0.05  # seconds per lifecycle state
SYSTEM_DISK = {"DiskType": "CLOUD_PREMIUM", "DiskSize": 50}
MAX_IDS = 100


class Cvm(ActionService):
    service = "cvm"
    version = "2017-03-12"

    # ------------------------------------------------------------ catalog

    def DescribeZones(self, body: Record, region: str) -> Record:
        zones = [
            {"Zone": z, "ZoneName": z, "ZoneId": str(100000 + i), "ZoneState": "AVAILABLE"}
            for i, z in enumerate(self.world.zones(region))
        ]
        return {"TotalCount": len(zones), "ZoneSet": zones}

    def _type_rows(self, region: str) -> list[Record]:
        return [
            {
                "Zone": zone,
                "InstanceType": name,
                "InstanceFamily": "S5",
                "CPU": cpu,
                "Cpu": cpu,
                "Memory": mem,
                "GPU": 0,
                "FPGA": 0,
                "Status": "SOLD_OUT" if self.world.sold_out(zone) else "SELL",
                "InstanceChargeType": "POSTPAID_BY_HOUR",
                "TypeName": "Standard S5",
            }
            for zone in self.world.zones(region)
            for name, (cpu, mem) in INSTANCE_TYPES.items()
        ]

    def DescribeInstanceTypeConfigs(self, body: Record, region: str) -> Record:
        rows = apply_filters(self._type_rows(region), body.get("Filters"), _TYPE_FILTERS)
        keys = ("Zone", "InstanceType", "InstanceFamily", "GPU", "CPU", "Memory", "FPGA")
        return {"InstanceTypeConfigSet": [{k: r[k] for k in keys} for r in rows]}

    def DescribeZoneInstanceConfigInfos(self, body: Record, region: str) -> Record:
        rows = apply_filters(self._type_rows(region), body.get("Filters"), _TYPE_FILTERS)
        keys = (
            "Zone",
            "InstanceType",
            "InstanceFamily",
            "Cpu",
            "Memory",
            "Status",
            "InstanceChargeType",
            "TypeName",
        )
        return {"InstanceTypeQuotaSet": [{k: r[k] for k in keys} for r in rows]}

    def DescribeImages(self, body: Record, region: str) -> Record:
        rows = [
            {
                "ImageId": i,
                "ImageName": name,
                "OsName": os_name,
                "Platform": platform,
                "ImageType": "PUBLIC_IMAGE",
                "ImageState": "NORMAL",
                "Architecture": "x86_64",
                "ImageSize": 20,
                "CreatedTime": "2024-01-01T00:00:00Z",
                "ImageDescription": name,
            }
            for i, (name, os_name, platform) in IMAGES.items()
        ]
        if body.get("ImageIds"):
            rows = [r for r in rows if r["ImageId"] in body["ImageIds"]]
        rows = apply_filters(rows, body.get("Filters"), _IMAGE_FILTERS)
        return {"TotalCount": len(rows), "ImageSet": page(rows, body)}

    # ------------------------------------------------------------ instances

    def RunInstances(self, body: Record, region: str) -> Record:
        token = body.get("ClientToken")
        with self.store.lock:
            if token:
                earlier = self.store.find("cvm.tokens", token)
                if earlier is not None:
                    return {"InstanceIdSet": earlier["ids"]}
            zone, itype, subnet, groups = self._checked_launch(body, region)
            count = int(body.get("InstanceCount") or 1)
            if body.get("DryRun"):
                raise error("DryRunOperation", "The request would have succeeded.")
            ids = [self._launch(body, region, zone, itype, subnet, groups, n) for n in range(count)]
            if token:
                self.store.put("cvm.tokens", token, {"ids": ids})
        return {"InstanceIdSet": ids}

    def _checked_launch(self, body: Record, region: str) -> tuple[str, str, Record, list[str]]:
        zone = required(body.get("Placement") or {}, "Zone")
        self.world.check_zone(region, zone)
        itype = required(body, "InstanceType")
        if itype not in INSTANCE_TYPES:
            raise error(
                "InvalidParameterValue.InstanceTypeNotFound",
                f"The instance type `{itype}` does not exist.",
            )
        if self.world.sold_out(zone):
            raise error(
                "ResourcesSoldOut.SpecifiedInstanceType",
                f"The instance type `{itype}` is sold out in {zone}.",
            )
        image = required(body, "ImageId")
        if image not in IMAGES:
            raise error("InvalidImageId.NotFound", f"The image `{image}` does not exist.")
        vpc = required(body, "VirtualPrivateCloud")
        subnet = self.store.find("vpc.subnets", required(vpc, "SubnetId"))
        if subnet is None or subnet["VpcId"] != required(vpc, "VpcId"):
            raise error(
                "InvalidParameterValue.VpcIdNotExist",
                f"The subnet `{vpc.get('SubnetId')}` is not in VPC `{vpc.get('VpcId')}`.",
            )
        if subnet["Zone"] != zone:
            raise error(
                "InvalidParameterValue.VpcIdZoneIdNotMatch",
                f"The subnet `{subnet['SubnetId']}` is in {subnet['Zone']}, not {zone}.",
            )
        groups = list(body.get("SecurityGroupIds") or [])
        for group in groups:
            if self.store.find("vpc.security_groups", group) is None:
                raise error(
                    "InvalidSecurityGroupId.NotFound",
                    f"The security group `{group}` does not exist.",
                )
        return zone, itype, subnet, groups

    def _launch(
        self,
        body: Record,
        region: str,
        zone: str,
        itype: str,
        subnet: Record,
        groups: list[str],
        n: int,
    ) -> str:
        ident = new_id("ins")
        cpu, memory = INSTANCE_TYPES[itype]
        system_disk = body.get("SystemDisk") or {}
        record: Record = {
            "Placement": {"Zone": zone, "ProjectId": 0},
            "InstanceId": ident,
            "InstanceType": itype,
            "CPU": cpu,
            "Memory": memory,
            "InstanceName": body.get("InstanceName") or "Unnamed",
            "InstanceChargeType": body.get("InstanceChargeType") or "POSTPAID_BY_HOUR",
            "SystemDisk": {**SYSTEM_DISK, **system_disk, "DiskId": new_id("disk")},
            "DataDisks": [],
            "PrivateIpAddresses": [allocate_ip(subnet)],
            "PublicIpAddresses": [],
            "InternetAccessible": body.get("InternetAccessible") or {},
            "VirtualPrivateCloud": {"VpcId": subnet["VpcId"], "SubnetId": subnet["SubnetId"]},
            "ImageId": body["ImageId"],
            "OsName": IMAGES[body["ImageId"]][1],
            "CreatedTime": now(),
            "SecurityGroupIds": groups,
            "Tags": _instance_tags(body),
            "Uuid": ident,
            "RestrictState": "NORMAL",
            "_region": region,
            "_user_data": body.get("UserData", ""),
            "_state": Transition(["PENDING", "RUNNING"], STEP, shows_every_state=True),
        }
        self.store.put("cvm.instances", ident, record)
        return ident

    def DescribeInstances(self, body: Record, region: str) -> Record:
        ids = body.get("InstanceIds") or []
        if ids and body.get("Filters"):
            raise error(
                "InvalidParameterCombination", "InstanceIds and Filters cannot be given together."
            )
        if len(ids) > MAX_IDS:
            raise error("InvalidParameterValue.LimitExceeded", "At most 100 InstanceIds.")
        rows = [self._view(r) for r in self._live(region)]
        if ids:
            wanted = set(ids)
            rows = [r for r in rows if r["InstanceId"] in wanted]
        rows = apply_filters(rows, body.get("Filters"), _INSTANCE_FILTERS)
        return {"TotalCount": len(rows), "InstanceSet": page(rows, body)}

    def _live(self, region: str) -> list[Record]:
        """Instances of `region`; those whose termination finished are dropped for good."""
        alive = []
        for record in self.store.values("cvm.instances"):
            if record["_state"].current() == "TERMINATED":
                self.store.remove("cvm.instances", record["InstanceId"])
                release_ip(
                    self.store.find("vpc.subnets", record["VirtualPrivateCloud"]["SubnetId"]),
                    record["PrivateIpAddresses"][0],
                )
            elif record["_region"] == region:
                alive.append(record)
        return alive

    @staticmethod
    def _view(record: Record) -> Record:
        view = {k: v for k, v in record.items() if not k.startswith("_")}
        view["InstanceState"] = record["_state"].seen()
        return view

    def _instances(self, body: Record, region: str) -> list[Record]:
        ids = required(body, "InstanceIds")
        live = {r["InstanceId"]: r for r in self._live(region)}
        for ident in ids:
            if not ident.startswith("ins-"):
                raise error("InvalidInstanceId.Malformed", f"`{ident}` is not an instance id.")
            if ident not in live:
                raise error("InvalidInstanceId.NotFound", f"The instance `{ident}` does not exist.")
        return [live[i] for i in ids]

    def _move(self, records: list[Record], allowed: set[str], states: list[str]) -> None:
        for record in records:
            state = record["_state"].current()
            if state not in allowed:
                raise error(
                    "UnsupportedOperation.InstanceState" + state.title().replace("_", ""),
                    f"The instance `{record['InstanceId']}` is {state}.",
                )
        for record in records:
            record["_state"] = Transition(states, STEP)

    def StopInstances(self, body: Record, region: str) -> Record:
        with self.store.lock:
            self._move(
                self._instances(body, region), {"RUNNING", "STOPPED"}, ["STOPPING", "STOPPED"]
            )
        return {}

    def StartInstances(self, body: Record, region: str) -> Record:
        with self.store.lock:
            self._move(
                self._instances(body, region), {"STOPPED", "RUNNING"}, ["STARTING", "RUNNING"]
            )
        return {}

    def TerminateInstances(self, body: Record, region: str) -> Record:
        with self.store.lock:
            records = self._instances(body, region)
            self._move(
                records,
                {"RUNNING", "STOPPED", "PENDING", "LAUNCH_FAILED"},
                ["TERMINATING", "TERMINATED"],
            )
            for record in records:
                for disk in self.store.values("cbs.disks"):
                    if disk.get("InstanceId") == record["InstanceId"]:
                        disk.update(Attached=False, InstanceId="", DiskState="UNATTACHED")
        return {}

    def ResetInstancesType(self, body: Record, region: str) -> Record:
        itype = required(body, "InstanceType")
        if itype not in INSTANCE_TYPES:
            raise error(
                "InvalidParameterValue.InstanceTypeNotFound",
                f"The instance type `{itype}` does not exist.",
            )
        with self.store.lock:
            records = self._instances(body, region)
            for record in records:
                state = record["_state"].current()
                if state != "STOPPED":
                    raise error(
                        "UnsupportedOperation.InstanceStateRunning",
                        f"The instance `{record['InstanceId']}` is {state}; "
                        "ResetInstancesType needs it STOPPED.",
                    )
            for record in records:
                record["InstanceType"] = itype
                record["CPU"], record["Memory"] = INSTANCE_TYPES[itype]
        return {}

    def ModifyInstancesAttribute(self, body: Record, region: str) -> Record:
        with self.store.lock:
            records = self._instances(body, region)
            for group in body.get("SecurityGroups") or []:
                if self.store.find("vpc.security_groups", group) is None:
                    raise error(
                        "InvalidSecurityGroupId.NotFound",
                        f"The security group `{group}` does not exist.",
                    )
            for record in records:
                if body.get("InstanceName"):
                    record["InstanceName"] = body["InstanceName"]
                if body.get("SecurityGroups") is not None:
                    record["SecurityGroupIds"] = list(body["SecurityGroups"])
        return {}


def allocate_ip(subnet: Record) -> str:
    network = ipaddress.IPv4Network(subnet["CidrBlock"])
    used = set(subnet.setdefault("_used_ips", []))
    for host in list(network.hosts())[1:]:
        if str(host) not in used:
            subnet["_used_ips"].append(str(host))
            subnet["AvailableIpAddressCount"] -= 1
            return str(host)
    raise error("InsufficientSubnetIp", f"The subnet `{subnet['SubnetId']}` has no free address.")


def _instance_tags(body: Record) -> list[Record]:
    return [
        t
        for spec in body.get("TagSpecification") or []
        if spec.get("ResourceType") == "instance"
        for t in spec.get("Tags") or []
    ]


def release_ip(subnet: Record | None, ip: str) -> None:
    if subnet is not None and ip in subnet["_used_ips"]:
        subnet["_used_ips"].remove(ip)
        subnet["AvailableIpAddressCount"] += 1


_TYPE_FILTERS: dict[str, Any] = {
    "zone": lambda r: r["Zone"],
    "instance-family": lambda r: r["InstanceFamily"],
    "instance-type": lambda r: r["InstanceType"],
    "instance-charge-type": lambda r: r["InstanceChargeType"],
}
_IMAGE_FILTERS: dict[str, Any] = {
    "image-id": lambda r: r["ImageId"],
    "image-type": lambda r: r["ImageType"],
    "image-name": lambda r: r["ImageName"],
    "platform": lambda r: r["Platform"],
}
_INSTANCE_FILTERS: dict[str, Any] = {
    "zone": lambda r: r["Placement"]["Zone"],
    "instance-id": lambda r: r["InstanceId"],
    "instance-name": lambda r: r["InstanceName"],
    "instance-type": lambda r: r["InstanceType"],
    "instance-state": lambda r: r["InstanceState"],
    "vpc-id": lambda r: r["VirtualPrivateCloud"]["VpcId"],
    "subnet-id": lambda r: r["VirtualPrivateCloud"]["SubnetId"],
    "private-ip-address": lambda r: r["PrivateIpAddresses"],
    "security-group-id": lambda r: r["SecurityGroupIds"],
    "instance-charge-type": lambda r: r["InstanceChargeType"],
    "image-id": lambda r: r["ImageId"],
}
