"""ECS (Version 2014-05-26): instances, instance types, images, zones, security groups and rules,
disks and their attachment, tags.

Instances pass through Pending and Starting before Running (and Stopping before Stopped),
so a client must poll DescribeInstances; a type changes only while Stopped
(ModifyInstanceSpec on a running pay-as-you-go instance is IncorrectInstanceStatus), and
a running instance is deleted only with Force=true.
"""

from __future__ import annotations

import os
import time
from typing import Any

from genesys_emulators.alibaba import catalog
from genesys_emulators.alibaba.disks import DiskActions
from genesys_emulators.alibaba.network import Addresses, VpcState
from genesys_emulators.alibaba.rpc import (
    Params,
    RpcDialect,
    RpcService,
    id_list,
    indexed,
    integer,
    matches_tags,
    page,
    public,
    region,
    required,
    tag_resources,
    tag_view,
    tags_in,
)
from genesys_emulators.alibaba.security_groups import SecurityGroupActions
from genesys_emulators.core import CloudError, FaultPlan
from genesys_emulators.core.operations import Transition

# Seconds per pending state. GENESYS_EMULATOR_ALIBABA_STEP slows instances down, so a test
# can catch one mid-transition (OperationConflict).
STEP = float(os.environ.get("GENESYS_EMULATOR_ALIBABA_STEP", "0.05"))
BUSY = ("Pending", "Starting", "Stopping")
STARTING = ("Pending", "Starting", "Running")
STOPPING = ("Stopping", "Stopped")
RESTARTING = ("Starting", "Running")


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime())


def _incorrect_status(instance: dict[str, Any], action: str) -> CloudError:
    return CloudError(
        403,
        "IncorrectInstanceStatus",
        f"The current status of the resource does not support this operation ({action} while "
        f"{status_of(instance)}).",
    )


def status_of(instance: dict[str, Any], shown: bool = False) -> str:
    """The status now; `shown`: as a describe reports it (every state, in order)."""
    transition: Transition = instance["_transition"]
    return transition.seen() if shown else transition.current()


class Ecs(SecurityGroupActions, DiskActions, RpcService):
    version = "2014-05-26"
    product = "Ecs"
    dialect = RpcDialect("ecs.aliyuncs.com")

    def __init__(self, state: VpcState, faults: FaultPlan | None = None) -> None:
        super().__init__(faults)
        self.state = state
        self.store = state.store
        self.addresses = Addresses()

    # ------------------------------------------------------------ catalog

    def do_DescribeRegions(self, params: Params) -> dict[str, Any]:
        regions = [
            {"RegionId": r, "LocalName": r, "RegionEndpoint": "ecs.aliyuncs.com"}
            for r in catalog.ZONES
        ]
        return {"Regions": {"Region": regions}}

    def do_DescribeZones(self, params: Params) -> dict[str, Any]:
        types = list(catalog.INSTANCE_TYPES)
        zones = [
            {
                "ZoneId": zone,
                "LocalName": zone,
                "AvailableInstanceTypes": {"InstanceTypes": types},
                "AvailableResourceCreation": {"ResourceTypes": ["Instance", "Disk", "VSwitch"]},
            }
            for zone in catalog.zones_of(region(params))
        ]
        return {"Zones": {"Zone": zones}}

    def do_DescribeInstanceTypes(self, params: Params) -> dict[str, Any]:
        wanted = set(indexed(params, "InstanceTypes"))
        types = [
            {
                "InstanceTypeId": name,
                "CpuCoreCount": cpu,
                "MemorySize": memory,
                "InstanceTypeFamily": family,
            }
            for name, (cpu, memory, family) in catalog.INSTANCE_TYPES.items()
            if not wanted or name in wanted
        ]
        return {"InstanceTypes": {"InstanceType": types}}

    def do_DescribeImages(self, params: Params) -> dict[str, Any]:
        ids = set(params.get("ImageId", "").split(",")) - {""}
        name = params.get("ImageName", "")
        images = [
            {
                "ImageId": image_id,
                "ImageName": image_id.removesuffix(".vhd"),
                "OSName": os_name,
                "OSType": os_type,
                "ImageOwnerAlias": "system",
                "Status": "Available",
                "Architecture": "x86_64",
            }
            for image_id, (os_name, os_type) in catalog.IMAGES.items()
            if (not ids or image_id in ids) and (not name or name in image_id)
        ]
        chosen, keys = page(images, params)
        return {"Images": {"Image": chosen}, **keys, "RegionId": region(params)}

    # ------------------------------------------------------------ instances

    def _validate_launch(self, params: Params) -> tuple[str, dict[str, Any], list[str]]:
        instance_type = required(params, "InstanceType")
        if instance_type not in catalog.INSTANCE_TYPES:
            raise CloudError(
                404,
                "InvalidInstanceType.NotFound",
                f"The specified InstanceType {instance_type} does not exist.",
            )
        image = required(params, "ImageId")
        if image not in catalog.IMAGES:
            raise CloudError(
                404, "InvalidImageId.NotFound", "The specified ImageId does not exist."
            )
        vswitch = self.state.vswitch(required(params, "VSwitchId"))
        groups = indexed(params, "SecurityGroupIds") or [required(params, "SecurityGroupId")]
        for group_id in groups:
            group = self.sg(group_id)
            if group["VpcId"] != vswitch["VpcId"]:
                raise CloudError(
                    403,
                    "InvalidSecurityGroupId.VPCMismatch",
                    "The security group and the vSwitch are not in the same VPC.",
                )
        zone = params.get("ZoneId", "")
        if zone and zone != vswitch["ZoneId"]:
            raise CloudError(
                400,
                "InvalidVSwitchId.Mismatch",
                "The specified VSwitchId is not in the specified ZoneId.",
            )
        return instance_type, vswitch, groups

    def do_RunInstances(self, params: Params) -> dict[str, Any]:
        where = region(params)
        amount = integer(params, "Amount", 1, 1, 100)
        token = params.get("ClientToken", "")
        with self.store.lock:
            if token:
                earlier = [
                    i["InstanceId"] for i in self.store.values("instances") if i["_token"] == token
                ]
                if earlier:
                    return {"InstanceIdSets": {"InstanceIdSet": earlier}}
            instance_type, vswitch, groups = self._validate_launch(params)
            made = [
                self._launch(params, where, instance_type, vswitch, groups, token)
                for _ in range(amount)
            ]
        return {"InstanceIdSets": {"InstanceIdSet": made}, "TradePrice": 0.0}

    def _launch(
        self,
        params: Params,
        where: str,
        instance_type: str,
        vswitch: dict[str, Any],
        groups: list[str],
        token: str,
    ) -> str:
        instance_id = f"i-{self.store.new_id()}"
        cpu, memory, _ = catalog.INSTANCE_TYPES[instance_type]
        record = {
            "InstanceId": instance_id,
            "InstanceName": params.get("InstanceName") or instance_id,
            "HostName": params.get("HostName") or f"iZ{instance_id[2:]}Z",
            "InstanceType": instance_type,
            "ImageId": params["ImageId"],
            "RegionId": where,
            "ZoneId": vswitch["ZoneId"],
            "Cpu": cpu,
            "Memory": int(memory * 1024),
            "InstanceChargeType": params.get("InstanceChargeType", "PostPaid"),
            "InstanceNetworkType": "vpc",
            "CreationTime": _now(),
            "VpcAttributes": {
                "VpcId": vswitch["VpcId"],
                "VSwitchId": vswitch["VSwitchId"],
                "PrivateIpAddress": {"IpAddress": [self.addresses.next(vswitch)]},
                "NatIpAddress": "",
            },
            "SecurityGroupIds": {"SecurityGroupId": list(groups)},
            "PublicIpAddress": {"IpAddress": []},
            "EipAddress": {"IpAddress": "", "AllocationId": ""},
            "_user_data": params.get("UserData", ""),
            "_token": params.get("ClientToken", "") or token,
            "_tags": tags_in(params),
            # describes show each launch state (ECS: minutes each, here 0.05 s)
            "_transition": Transition(STARTING, STEP, shows_every_state=True),
        }
        self.store.put("instances", instance_id, record)
        return instance_id

    def instance(self, instance_id: str) -> dict[str, Any]:
        def missing() -> CloudError:
            return CloudError(
                404, "InvalidInstanceId.NotFound", "The specified InstanceId does not exist."
            )

        return self.store.get("instances", instance_id, missing)

    def view(self, instance: dict[str, Any]) -> dict[str, Any]:
        out = public(instance)
        out["Status"] = status_of(instance, shown=True)
        out["Tags"] = tag_view(instance["_tags"])
        return out

    def _selected(self, params: Params) -> list[dict[str, Any]]:
        ids = id_list(params, "InstanceIds")
        wanted_tags = tags_in(params)
        tests = {
            "VpcId": lambda i: i["VpcAttributes"]["VpcId"],
            "VSwitchId": lambda i: i["VpcAttributes"]["VSwitchId"],
            "ZoneId": lambda i: i["ZoneId"],
            "InstanceName": lambda i: i["InstanceName"],
            "InstanceType": lambda i: i["InstanceType"],
            "Status": status_of,
            "SecurityGroupId": lambda i: i["SecurityGroupIds"]["SecurityGroupId"][0],
        }
        where = region(params)
        found = []
        for record in self.store.values("instances"):
            if record["RegionId"] != where or (ids is not None and record["InstanceId"] not in ids):
                continue
            if not matches_tags(record["_tags"], wanted_tags):
                continue
            if all(get(record) == params[name] for name, get in tests.items() if params.get(name)):
                found.append(record)
        return sorted(found, key=lambda r: r["InstanceId"])

    def do_DescribeInstances(self, params: Params) -> dict[str, Any]:
        chosen, keys = page(self._selected(params), params)
        return {"Instances": {"Instance": [self.view(i) for i in chosen]}, **keys}

    def do_DescribeInstanceStatus(self, params: Params) -> dict[str, Any]:
        chosen, keys = page(self._selected(params), params, max_size=50)
        statuses = [{"InstanceId": i["InstanceId"], "Status": status_of(i, True)} for i in chosen]
        return {"InstanceStatuses": {"InstanceStatus": statuses}, **keys}

    def do_DescribeUserData(self, params: Params) -> dict[str, Any]:
        instance = self.instance(required(params, "InstanceId"))
        return {
            "InstanceId": instance["InstanceId"],
            "UserData": instance["_user_data"],
            "RegionId": instance["RegionId"],
        }

    def do_StopInstance(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            instance = self.instance(required(params, "InstanceId"))
            if status_of(instance) != "Running":
                raise _incorrect_status(instance, "StopInstance")
            instance["_transition"] = Transition(STOPPING, STEP)
        return {}

    def do_StartInstance(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            instance = self.instance(required(params, "InstanceId"))
            if status_of(instance) != "Stopped":
                raise _incorrect_status(instance, "StartInstance")
            instance["_transition"] = Transition(RESTARTING, STEP)
        return {}

    def do_ModifyInstanceSpec(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            instance = self.instance(required(params, "InstanceId"))
            instance_type = required(params, "InstanceType")
            if instance_type not in catalog.INSTANCE_TYPES:
                raise CloudError(
                    404,
                    "InvalidInstanceType.NotFound",
                    f"The specified InstanceType {instance_type} does not exist.",
                )
            if status_of(instance) != "Stopped":
                raise _incorrect_status(instance, "ModifyInstanceSpec")
            cpu, memory, _ = catalog.INSTANCE_TYPES[instance_type]
            instance.update(InstanceType=instance_type, Cpu=cpu, Memory=int(memory * 1024))
        return {}

    def do_ModifyInstanceAttribute(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            instance = self.instance(required(params, "InstanceId"))
            if status_of(instance) in BUSY:  # another operation runs on it
                raise CloudError(
                    403,
                    "OperationConflict",
                    "Request was denied due to conflict with a previous request.",
                )
            for name in ("InstanceName", "HostName", "Description"):
                if params.get(name):
                    instance[name] = params[name]
            if params.get("UserData"):
                instance["_user_data"] = params["UserData"]
            groups = indexed(params, "SecurityGroupIds")
            for group_id in groups:
                self.sg(group_id)
            if groups:
                instance["SecurityGroupIds"] = {"SecurityGroupId": groups}
        return {}

    def do_DeleteInstance(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            instance = self.instance(required(params, "InstanceId"))
            self._delete(instance, params.get("Force", "").lower() == "true")
        return {}

    def do_DeleteInstances(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            instances = [self.instance(i) for i in indexed(params, "InstanceId")]
            for instance in instances:
                self._delete(instance, params.get("Force", "").lower() == "true")
        return {}

    def _delete(self, instance: dict[str, Any], force: bool) -> None:
        status = status_of(instance)
        if not (status == "Stopped" or (force and status == "Running")):
            raise _incorrect_status(instance, "DeleteInstance")
        for disk in self.store.values("disks"):  # data disks outlive the instance, detached
            if disk["InstanceId"] == instance["InstanceId"]:
                disk.update(InstanceId="", Device="")
                disk["_transition"] = Transition(("Available",), STEP)
        self.store.remove("instances", instance["InstanceId"])

    # ------------------------------------------------------------ tags

    def _taggable(self, kind: str, resource_id: str) -> dict[str, Any]:
        collection = {
            "instance": "instances",
            "securitygroup": "security_groups",
            "disk": "disks",
        }.get(kind)
        if collection is None:
            raise CloudError(
                400, "InvalidResourceType.NotFound", f"The ResourceType {kind} is not valid."
            )
        record = self.store.find(collection, resource_id)
        if record is None:
            raise CloudError(
                404, "InvalidResourceId.NotFound", f"The resource {resource_id} does not exist."
            )
        return record

    def do_TagResources(self, params: Params) -> dict[str, Any]:
        kind = required(params, "ResourceType")
        return tag_resources(self.store.lock, lambda i: self._taggable(kind, i), params)

    def do_UntagResources(self, params: Params) -> dict[str, Any]:
        kind = required(params, "ResourceType")
        return tag_resources(self.store.lock, lambda i: self._taggable(kind, i), params, untag=True)
