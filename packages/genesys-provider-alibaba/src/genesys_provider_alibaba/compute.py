"""Compute: ECS instances.

Size -> instance type and image alias -> public image come from `tables`; the alias asked for
is kept in the tag `genesys:image` so a refresh reads "ubuntu-lts", not the image id. ECS
wants a vSwitch and a security group for every instance: the vSwitch is `subnet_id`, else
the network's first vSwitch (by id). Instances pass through Pending and Starting: one
shared waiter polls DescribeInstances for every instance being waited for (one call per 100).
A type changes as ECS allows: StopInstance, ModifyInstanceSpec while Stopped, StartInstance.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_in_chunks, read_one
from genesys_plugin_sdk.waiters import Waiter

from genesys_provider_alibaba import tables
from genesys_provider_alibaba.clients import AlibabaClients
from genesys_provider_alibaba.common import (
    filter_words,
    polled,
    private_json,
    read_private,
    retag,
    struct,
    tag_params,
    tags_of,
    token_filter,
    token_value,
    visible_tags,
)

IMAGE_TAG = "genesys:image"
STATES = {
    "Pending": "pending",
    "Starting": "pending",
    "Running": "running",
    "Stopping": "stopping",
    "Stopped": "stopped",
}
LIST_FILTERS = {
    "name": "InstanceName",
    "state": "Status",
    "zone": "ZoneId",
    "network_id": "VpcId",
    "subnet_id": "VSwitchId",
    "instance_type": "InstanceType",
}
FORCE_NEW = ("image", "zone", "subnet_id", "network_id", "key_pair", "user_data")
PAGE = 100  # DescribeInstances: at most 100 ids and 100 per page


def instance_from(raw: Mapping[str, Any], private: bytes = b"") -> pb.Instance:
    tags = tags_of(raw.get("Tags"))
    vpc = raw.get("VpcAttributes", {})
    kept = read_private(private)
    public_ips = raw.get("PublicIpAddress", {}).get("IpAddress", [])
    eip = raw.get("EipAddress", {}).get("IpAddress", "")
    return pb.Instance(
        id=raw["InstanceId"],
        name=raw.get("InstanceName", ""),
        size=tables.size_of_instance_type(raw.get("InstanceType", "")),
        provider_type=raw.get("InstanceType", ""),
        image=tags.get(IMAGE_TAG) or str(kept.get("image", "")) or raw.get("ImageId", ""),
        provider_image=raw.get("ImageId", ""),
        state=STATES.get(raw.get("Status", ""), raw.get("Status", "").lower()),
        private_ip=(vpc.get("PrivateIpAddress", {}).get("IpAddress") or [""])[0],
        public_ip=eip or (public_ips[0] if public_ips else ""),
        network_id=vpc.get("VpcId", ""),
        subnet_id=vpc.get("VSwitchId", ""),
        security_group_ids=sorted(raw.get("SecurityGroupIds", {}).get("SecurityGroupId", [])),
        user_data=str(kept.get("user_data", "")),
        key_pair=raw.get("KeyPairName", ""),
        tags=visible_tags(tags),
        zone=raw.get("ZoneId", ""),
        provider_data=struct(
            {
                "ecs_status": raw.get("Status"),
                "cpu": raw.get("Cpu"),
                "memory_mb": raw.get("Memory"),
                "created": raw.get("CreationTime"),
            }
        ),
        private=private_json(kept) if kept else b"",
    )


class Instances(KindHandler):
    field = "instance"

    def __init__(self, clients: AlibabaClients) -> None:
        self.clients = clients
        self.waiter: Waiter[str] = Waiter(self._statuses, what="instance", timing=clients.timing)

    # ------------------------------------------------------------ reading

    def describe(self, **params: Any) -> Iterator[dict[str, Any]]:
        yield from self.clients.pages(
            "ecs", "DescribeInstances", ("Instances", "Instance"), PageSize=PAGE, **params
        )

    def _by_ids(self, ids: list[str]) -> Iterable[dict[str, Any]]:
        return self.describe(InstanceIds=json.dumps(ids))

    def _statuses(self, ids: list[str]) -> dict[str, str]:
        return polled(lambda: {raw["InstanceId"]: str(raw["Status"]) for raw in self._by_ids(ids)})

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        raws = read_in_chunks(ids, self._by_ids, PAGE, id_of=lambda raw: str(raw["InstanceId"]))
        return {i: instance_from(raw, privates.get(i, b"")) for i, raw in raws.items()}

    def find_by_token(self, token: str) -> str | None:
        for raw in self.describe(**token_filter(token)):
            return str(raw["InstanceId"])
        return None

    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Instance]:
        for raw in self.describe(**filter_words(filters, LIST_FILTERS)):
            yield instance_from(raw)

    def discover(self, filters: Mapping[str, str]) -> Iterable[pb.Instance]:
        for instance in self.list(filters):
            yield self._for_adoption(instance)

    def adopt(self, resource_id: str) -> pb.Instance:
        return self._for_adoption(read_one(self, resource_id))

    def _for_adoption(self, instance: pb.Instance) -> pb.Instance:
        """Adds what a read lacks: the user data (DescribeUserData) and an image alias."""
        answer = self.clients.rpc("ecs", "DescribeUserData", InstanceId=instance.id)
        kept: dict[str, Any] = {"image": instance.image}
        if answer.get("UserData"):
            instance.user_data = base64.b64decode(answer["UserData"]).decode("utf-8", "replace")
            kept["user_data"] = instance.user_data
        instance.private = private_json(kept)
        return instance

    # ------------------------------------------------------------ images and placement

    def resolve_image(self, image: str) -> str:
        wanted = image or "ubuntu-lts"
        if tables.is_image_id(wanted):
            return wanted
        prefix = tables.IMAGE_ALIASES.get(wanted)
        if prefix is None:
            known = ", ".join(sorted(tables.IMAGE_ALIASES))
            raise errors.InvalidArgument(
                f"unknown image {wanted!r}: use an image id (…vhd, m-…) or one of {known}",
                attribute_path="config.image",
            )
        key = f"image:{self.clients.region}:{wanted}"
        if key not in self.clients.cache:
            images = list(
                self.clients.pages(
                    "ecs",
                    "DescribeImages",
                    ("Images", "Image"),
                    ImageName=prefix,
                    ImageOwnerAlias="system",
                    PageSize=100,
                )
            )
            if not images:
                raise errors.InvalidArgument(
                    f"no public image for {wanted!r} in {self.clients.region}",
                    attribute_path="config.image",
                )
            self.clients.cache[key] = max(images, key=lambda i: str(i["ImageId"]))["ImageId"]
        return str(self.clients.cache[key])

    def _vswitch(self, config: pb.InstanceConfig) -> str:
        if config.subnet_id:
            return config.subnet_id
        if not config.network_id:
            raise errors.InvalidArgument(
                "an ECS instance needs a vSwitch: set subnet (or network)",
                attribute_path="config.subnet_id",
            )
        params: dict[str, Any] = {"VpcId": config.network_id, "PageSize": 50}
        if config.zone:
            params["ZoneId"] = config.zone
        switches = list(
            self.clients.pages("vpc", "DescribeVSwitches", ("VSwitches", "VSwitch"), **params)
        )
        if not switches:
            where = f" in {config.zone}" if config.zone else ""
            raise errors.InvalidArgument(
                f"network {config.network_id} has no vSwitch to launch into{where}",
                attribute_path="config.network_id",
            )
        return str(min(s["VSwitchId"] for s in switches))

    # ------------------------------------------------------------ writing

    def run_parameters(self, config: pb.InstanceConfig, token: str) -> dict[str, Any]:
        if not config.security_group_ids:
            raise errors.InvalidArgument(
                "an ECS instance needs a security group: set security_groups",
                attribute_path="config.security_group_ids",
            )
        extra = (
            {IMAGE_TAG: config.image}
            if config.image and not tables.is_image_id(config.image)
            else {}
        )
        params: dict[str, Any] = {
            "ImageId": self.resolve_image(config.image),
            "InstanceType": tables.instance_type_for(config.size, config.provider_type),
            "VSwitchId": self._vswitch(config),
            "InstanceName": config.name or None,
            "InstanceChargeType": "PostPaid",
            "Amount": 1,
            "ClientToken": token_value(token) if token else None,
            "KeyPairName": config.key_pair or None,
            "ZoneId": config.zone or None,
            **tag_params({**dict(config.tags), **extra}, token),
        }
        for n, group in enumerate(config.security_group_ids, start=1):
            params[f"SecurityGroupIds.{n}"] = group
        if config.user_data:
            params["UserData"] = base64.b64encode(config.user_data.encode()).decode()
        return params

    def create(self, config: pb.InstanceConfig, token: str) -> pb.Instance:
        private = private_json({"user_data": config.user_data}) if config.user_data else b""
        existing = self.find_by_token(token) if token else None
        if existing is None:
            answer = self.clients.rpc("ecs", "RunInstances", **self.run_parameters(config, token))
            existing = answer["InstanceIdSets"]["InstanceIdSet"][0]
        self.waiter.wait_for(existing, ready={"Running"})
        return read_one(self, existing, private)

    def update(self, request: Any) -> pb.Instance:
        instance_id, config = request.id, request.config
        changed = set(request.changed) or {
            "name",
            "tags",
            "size",
            "provider_type",
            "security_group_ids",
        }
        blocked = sorted(changed & set(FORCE_NEW))
        if blocked:
            raise errors.InvalidArgument(
                f"changing {blocked[0]} replaces the instance; it cannot be updated in place",
                attribute_path=f"config.{blocked[0]}",
            )
        current = read_one(self, instance_id, request.private)
        if "name" in changed and config.name != current.name:
            self.clients.rpc(
                "ecs", "ModifyInstanceAttribute", InstanceId=instance_id, InstanceName=config.name
            )
        if "tags" in changed:
            raw_tags = dict(current.tags)
            retag(self.clients, "ecs", "instance", instance_id, raw_tags, dict(config.tags))
        if "security_group_ids" in changed and sorted(config.security_group_ids) != list(
            current.security_group_ids
        ):
            groups = {
                f"SecurityGroupIds.{n}": g for n, g in enumerate(config.security_group_ids, start=1)
            }
            self.clients.rpc("ecs", "ModifyInstanceAttribute", InstanceId=instance_id, **groups)
        wanted = tables.instance_type_for(config.size, config.provider_type)
        if changed & {"size", "provider_type"} and wanted != current.provider_type:
            self._change_type(instance_id, wanted)
        return read_one(self, instance_id, request.private)

    def _change_type(self, instance_id: str, instance_type: str) -> None:
        """ECS changes the type of a stopped pay-as-you-go instance only."""
        self.clients.rpc("ecs", "StopInstance", InstanceId=instance_id, StoppedMode="KeepCharging")
        self.waiter.wait_for(instance_id, ready={"Stopped"})
        self.clients.rpc(
            "ecs", "ModifyInstanceSpec", InstanceId=instance_id, InstanceType=instance_type
        )
        self.clients.rpc("ecs", "StartInstance", InstanceId=instance_id)
        self.waiter.wait_for(instance_id, ready={"Running"})

    def delete(self, resource_id: str) -> None:
        if read_one(self, resource_id).state in ("pending", "stopping"):  # NotFound when gone
            self.waiter.wait_for(resource_id, ready={"Running", "Stopped"})  # ECS refuses mid-start
        self.clients.rpc("ecs", "DeleteInstance", InstanceId=resource_id, Force=True)
        self.waiter.wait_gone(resource_id)


def kinds(clients: AlibabaClients) -> list[KindHandler]:
    from genesys_provider_alibaba import volumes

    return [Instances(clients), *volumes.kinds(clients)]
