"""Compute: CVM instances.

Size -> instance type and image alias -> public image id come from `tables`. The alias asked
for is kept in the tag `genesys:image`, so a refresh reads "ubuntu-lts", not the image id.
User data is not returned by DescribeInstances; it is kept in the resource's private bytes.
A size change follows CVM's rule: ResetInstancesType on a STOPPED instance (stop, reset,
start). Every wait for many instances shares one DescribeInstances per poll (`Waiter`).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_one
from genesys_plugin_sdk.waiters import Waiter

from genesys_provider_tencent import tables
from genesys_provider_tencent.clients import TencentClients
from genesys_provider_tencent.common import (
    IMAGE_TAG,
    api_filters,
    chunked,
    client_token,
    private_json,
    read_private,
    refuse_change,
    retag,
    struct,
    tag_dict,
    tag_list,
    token_filter,
    user_tags,
)

STATE_WORDS = {
    "PENDING": "pending",
    "LAUNCH_FAILED": "failed",
    "RUNNING": "running",
    "STOPPED": "stopped",
    "STARTING": "pending",
    "STOPPING": "stopping",
    "REBOOTING": "running",
    "SHUTDOWN": "stopped",
    "TERMINATING": "terminated",
}
LIST_FILTERS = {
    "name": "instance-name",
    "zone": "zone",
    "network_id": "vpc-id",
    "subnet_id": "subnet-id",
    "id": "instance-id",
    "instance_type": "instance-type",
    "state": "instance-state",
}
FORCE_NEW = ("image", "zone", "subnet_id", "network_id", "key_pair", "user_data")
IN_PLACE = frozenset({"name", "size", "provider_type", "security_group_ids", "tags"})
MAX_IDS = 100


def instance_from(raw: Mapping[str, Any], private: bytes = b"") -> pb.Instance:
    tags = tag_dict(raw.get("Tags"))
    kept = read_private(private)
    vpc = raw.get("VirtualPrivateCloud") or {}
    itype = str(raw.get("InstanceType", ""))
    return pb.Instance(
        id=raw["InstanceId"],
        name=raw.get("InstanceName", ""),
        size=tables.size_of_instance_type(itype),
        provider_type=itype,
        image=tags.get(IMAGE_TAG) or str(kept.get("image", "")) or raw.get("ImageId", ""),
        provider_image=raw.get("ImageId", ""),
        state=STATE_WORDS.get(raw.get("InstanceState", ""), str(raw.get("InstanceState", ""))),
        private_ip=(raw.get("PrivateIpAddresses") or [""])[0],
        public_ip=(raw.get("PublicIpAddresses") or [""])[0],
        network_id=vpc.get("VpcId", ""),
        subnet_id=vpc.get("SubnetId", ""),
        security_group_ids=sorted(raw.get("SecurityGroupIds") or []),
        user_data=str(kept.get("user_data", "")),
        tags=user_tags(tags),
        zone=(raw.get("Placement") or {}).get("Zone", ""),
        provider_data=struct(
            {
                "cpu": raw.get("CPU"),
                "memory_gb": raw.get("Memory"),
                "os_name": raw.get("OsName"),
                "created": raw.get("CreatedTime"),
                "tencent_state": raw.get("InstanceState"),
            }
        ),
        private=private_json(kept) if kept else b"",
    )


class Instances(KindHandler):
    field = "instance"

    def __init__(self, clients: TencentClients) -> None:
        self.clients = clients
        self.waiter: Waiter[str] = Waiter(self._states, what="instance", timing=clients.timing)

    # ------------------------------------------------------------ reading

    def describe(self, filters: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        return self.clients.paged("cvm", "DescribeInstances", {"Filters": filters}, "InstanceSet")

    def by_ids(self, ids: list[str]) -> Iterator[dict[str, Any]]:
        """DescribeInstances with InstanceIds, 100 a call; missing ids are simply absent."""
        for part in chunked(sorted(set(ids)), MAX_IDS):
            params = {"InstanceIds": part, "Limit": MAX_IDS}
            yield from (
                self.clients.call("cvm", "DescribeInstances", params).get("InstanceSet") or []
            )

    def _states(self, ids: list[str]) -> dict[str, str]:
        return {r["InstanceId"]: r.get("InstanceState", "") for r in self.by_ids(ids)}

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        return {
            r["InstanceId"]: instance_from(r, privates.get(r["InstanceId"], b""))
            for r in self.by_ids(ids)
        }

    def find_by_token(self, token: str) -> str | None:
        found = [r["InstanceId"] for r in self.describe([token_filter(token)])]
        return found[0] if found else None

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Instance]:
        for raw in self.describe(api_filters(filters, LIST_FILTERS)):
            yield instance_from(raw)

    def adopt(self, resource_id: str) -> pb.Instance:
        instance = read_one(self, resource_id)
        if tables.is_image_id(instance.image):
            aliases = {v: k for k, v in tables.IMAGE_ALIASES.items() if k != "ubuntu-22.04"}
            instance.image = aliases.get(instance.image, instance.image)
        instance.private = private_json({"image": instance.image})
        return instance

    def discover(self, filters: Mapping[str, str]) -> Iterator[pb.Instance]:
        for instance in self.list(filters):
            yield self.adopt(instance.id)

    # ------------------------------------------------------------ writing

    def create(self, config: pb.InstanceConfig, token: str) -> pb.Instance:
        private = private_json({"user_data": config.user_data}) if config.user_data else b""
        existing = self.find_by_token(token) if token else None
        if existing is None:
            launched = self.clients.call("cvm", "RunInstances", self.run_arguments(config, token))
            existing = launched["InstanceIdSet"][0]
        self.waiter.wait_for(existing, {"RUNNING"}, failed={"LAUNCH_FAILED"})
        return read_one(self, existing, private)

    def run_arguments(self, config: pb.InstanceConfig, token: str) -> dict[str, Any]:
        image = tables.image_id_for(config.image)
        if image is None:
            known = ", ".join(sorted(tables.IMAGE_ALIASES))
            raise errors.InvalidArgument(
                f"unknown image {config.image!r}: use an image id (img-...) or one of {known}",
                attribute_path="config.image",
            )
        subnet = self._subnet(config)
        extra = (
            {IMAGE_TAG: config.image}
            if config.image and not tables.is_image_id(config.image)
            else {}
        )
        args: dict[str, Any] = {
            "InstanceChargeType": "POSTPAID_BY_HOUR",
            "Placement": {"Zone": subnet["Zone"]},
            "InstanceType": tables.instance_type_for(config.size, config.provider_type),
            "ImageId": image,
            "SystemDisk": dict(tables.SYSTEM_DISK),
            "VirtualPrivateCloud": {"VpcId": subnet["VpcId"], "SubnetId": subnet["SubnetId"]},
            "InstanceCount": 1,
            "InstanceName": config.name or "genesys",
            "SecurityGroupIds": list(config.security_group_ids),
            "TagSpecification": [
                {
                    "ResourceType": "instance",
                    "Tags": tag_list(config.tags, token=token, extra=extra),
                }
            ],
        }
        if token:
            args["ClientToken"] = client_token(token, 64)
        if config.user_data:
            args["UserData"] = base64.b64encode(config.user_data.encode()).decode()
        if config.key_pair:
            args["LoginSettings"] = {"KeyIds": [config.key_pair]}
        return args

    def _subnet(self, config: pb.InstanceConfig) -> dict[str, Any]:
        """The subnet to launch into: the one asked for, else one of the network's."""
        filters: list[dict[str, Any]] = []
        if config.subnet_id:
            filters.append({"Name": "subnet-id", "Values": [config.subnet_id]})
        elif config.network_id:
            filters.append({"Name": "vpc-id", "Values": [config.network_id]})
            if config.zone:
                filters.append({"Name": "zone", "Values": [config.zone]})
        else:
            raise errors.InvalidArgument(
                "a CVM instance needs a network or a subnet (VPC)",
                attribute_path="config.network_id",
            )
        found = list(
            self.clients.paged("vpc", "DescribeSubnets", {"Filters": filters}, "SubnetSet")
        )
        if not found:
            where = config.subnet_id or f"network {config.network_id}"
            raise errors.InvalidArgument(
                f"no subnet {where} to launch into", attribute_path="config.subnet_id"
            )
        return min(found, key=lambda s: s["SubnetId"])

    def update(self, request: Any) -> pb.Instance:
        instance_id, config = request.id, request.config
        changed = {c.split(".")[0] for c in request.changed} or IN_PLACE
        refuse_change(changed, FORCE_NEW, "instance")
        current = read_one(self, instance_id, request.private)
        if "tags" in changed:
            name = self.clients.resource_name("cvm", f"instance/{instance_id}")
            retag(self.clients, name, current.tags, config.tags)
        attributes: dict[str, Any] = {}
        if "name" in changed and config.name != current.name:
            attributes["InstanceName"] = config.name
        if "security_group_ids" in changed:
            attributes["SecurityGroups"] = list(config.security_group_ids)
        if attributes:
            self.clients.call(
                "cvm", "ModifyInstancesAttribute", {"InstanceIds": [instance_id], **attributes}
            )
        wanted = tables.instance_type_for(config.size, config.provider_type)
        if changed & {"size", "provider_type"} and wanted != current.provider_type:
            self._change_type(instance_id, wanted)
        return read_one(self, instance_id, request.private)

    def _change_type(self, instance_id: str, instance_type: str) -> None:
        """CVM resets the type of a STOPPED instance only: stop, reset, start."""
        ids = {"InstanceIds": [instance_id]}
        self.clients.call("cvm", "StopInstances", {**ids, "StopType": "SOFT_FIRST"})
        self.waiter.wait_for(instance_id, {"STOPPED"})
        self.clients.call("cvm", "ResetInstancesType", {**ids, "InstanceType": instance_type})
        self.waiter.wait_for(instance_id, {"STOPPED"})
        self.clients.call("cvm", "StartInstances", ids)
        self.waiter.wait_for(instance_id, {"RUNNING"})

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)  # NotFound when already gone
        self.clients.call("cvm", "TerminateInstances", {"InstanceIds": [resource_id]})
        self.waiter.wait_gone(resource_id)
