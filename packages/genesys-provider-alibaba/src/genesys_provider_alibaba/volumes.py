"""Volumes: ECS data disks, and their attachment to instances.

Class `standard` is a cloud_efficiency disk, `ssd` a cloud_essd one (an ECS category name is
taken verbatim). A disk is zonal: without `zone` it takes the region's first zone, as
vSwitches do (attaching needs the instance's zone: set `zone` when they differ). An
attachment's id is `<disk id>:<instance id>`; its token is the disk's tag
`genesys:attach-token`. Disks pass through Creating/Attaching/Detaching: one shared waiter
polls DescribeDisks (100 ids per call) for every disk being waited for.
"""

from __future__ import annotations

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
    retag,
    struct,
    tag_params,
    tags_of,
    token_filter,
    token_value,
    visible_tags,
)
from genesys_provider_alibaba.network import first_zone

ATTACH_TOKEN_TAG = "genesys:attach-token"
STATES = {
    "Creating": "creating",
    "Available": "available",
    "In_use": "in-use",
    "Attaching": "in-use",
}


def volume_from(raw: Mapping[str, Any]) -> pb.Volume:
    return pb.Volume(
        id=raw["DiskId"],
        name=raw.get("DiskName", ""),
        size_gb=int(raw.get("Size") or 0),
        volume_class=tables.volume_class_of(raw.get("Category", "")),
        provider_type=raw.get("Category", ""),
        encrypted=bool(raw.get("Encrypted")),
        zone=raw.get("ZoneId", ""),
        state=STATES.get(raw.get("Status", ""), str(raw.get("Status", "")).lower()),
        attached_instance_id=raw.get("InstanceId", ""),
        tags=visible_tags(tags_of(raw.get("Tags"))),
        provider_data=struct({"device": raw.get("Device"), "status": raw.get("Status")}),
    )


class Disks:
    """DescribeDisks reads and the shared waiter, for both kinds."""

    def __init__(self, clients: AlibabaClients) -> None:
        self.clients = clients
        self.waiter: Waiter[str] = Waiter(self._statuses, what="disk", timing=clients.timing)

    def describe(self, **params: Any) -> Iterator[dict[str, Any]]:
        yield from self.clients.pages(
            "ecs", "DescribeDisks", ("Disks", "Disk"), PageSize=100, **params
        )

    def by_ids(self, ids: list[str]) -> Iterable[dict[str, Any]]:
        return self.describe(DiskIds=json.dumps(ids))

    def _statuses(self, ids: list[str]) -> dict[str, str]:
        return polled(lambda: {raw["DiskId"]: str(raw["Status"]) for raw in self.by_ids(ids)})

    def raw_many(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        return read_in_chunks(ids, self.by_ids, 100, id_of=lambda raw: str(raw["DiskId"]))


class Volumes(KindHandler):
    field = "volume"

    def __init__(self, clients: AlibabaClients, disks: Disks) -> None:
        self.clients, self.disks = clients, disks

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        return {i: volume_from(raw) for i, raw in self.disks.raw_many(ids).items()}

    def find_by_token(self, token: str) -> str | None:
        for raw in self.disks.describe(**token_filter(token)):
            return str(raw["DiskId"])
        return None

    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Volume]:
        known = {"name": "DiskName", "zone": "ZoneId", "instance_id": "InstanceId"}
        for raw in self.disks.describe(**filter_words(filters, known)):
            yield volume_from(raw)

    def create(self, config: pb.VolumeConfig, token: str) -> pb.Volume:
        category = tables.disk_category_for(config.volume_class)
        if category is None:
            raise errors.InvalidArgument(
                f"unknown volume class {config.volume_class!r}: standard, ssd or an ECS category",
                attribute_path="config.volume_class",
            )
        existing = self.find_by_token(token) if token else None
        if existing is None:
            answer = self.clients.rpc(
                "ecs",
                "CreateDisk",
                ZoneId=config.zone or first_zone(self.clients),
                Size=config.size_gb,
                DiskCategory=category,
                Encrypted=config.encrypted,
                DiskName=config.name or None,
                ClientToken=token_value(token) if token else None,
                **tag_params(dict(config.tags), token),
            )
            existing = answer["DiskId"]
        self.disks.waiter.wait_for(existing, ready={"Available", "In_use"})
        return read_one(self, existing)

    def update(self, request: Any) -> pb.Volume:
        current, config = read_one(self, request.id), request.config
        if config.size_gb < current.size_gb:
            raise errors.InvalidArgument(
                "an ECS disk can only grow", attribute_path="config.size_gb"
            )
        if config.size_gb > current.size_gb:
            self.clients.rpc(
                "ecs", "ResizeDisk", DiskId=request.id, NewSize=config.size_gb, Type="online"
            )
        if (
            config.volume_class
            and tables.disk_category_for(config.volume_class) != current.provider_type
        ):
            raise errors.InvalidArgument(
                "changing volume_class replaces the disk", attribute_path="config.volume_class"
            )
        if config.name != current.name:
            self.clients.rpc("ecs", "ModifyDiskAttribute", DiskId=request.id, DiskName=config.name)
        retag(self.clients, "ecs", "disk", request.id, dict(current.tags), dict(config.tags))
        return read_one(self, request.id)

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        self.disks.waiter.wait_for(resource_id, ready={"Available"})
        self.clients.rpc("ecs", "DeleteDisk", DiskId=resource_id)
        self.disks.waiter.wait_gone(resource_id)


def _split(attachment: str) -> tuple[str, str]:
    disk_id, sep, instance_id = attachment.partition(":")
    if not sep or not disk_id or not instance_id:
        raise errors.InvalidArgument(
            f"attachment id {attachment!r} is not <disk>:<instance>", attribute_path="id"
        )
    return disk_id, instance_id


class Attachments(KindHandler):
    field = "volume_attachment"

    def __init__(self, clients: AlibabaClients, disks: Disks) -> None:
        self.clients, self.disks = clients, disks

    @staticmethod
    def _from(raw: Mapping[str, Any]) -> pb.VolumeAttachment:
        state = {"In_use": "attached", "Attaching": "attaching", "Detaching": "detaching"}
        return pb.VolumeAttachment(
            id=f"{raw['DiskId']}:{raw['InstanceId']}",
            volume_id=raw["DiskId"],
            instance_id=raw["InstanceId"],
            device=raw.get("Device", ""),
            state=state.get(str(raw.get("Status")), "attached"),
        )

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        wanted = dict(i.split(":", 1) for i in ids if i.count(":") == 1)  # others: not found
        raws = self.disks.raw_many(list(wanted))
        return {
            f"{disk_id}:{raw['InstanceId']}": self._from(raw)
            for disk_id, raw in raws.items()
            if raw.get("InstanceId") and raw["InstanceId"] == wanted.get(disk_id)
        }

    def find_by_token(self, token: str) -> str | None:
        params = {"Tag.1.Key": ATTACH_TOKEN_TAG, "Tag.1.Value": token_value(token)}
        for raw in self.disks.describe(**params):
            if raw.get("InstanceId"):
                return f"{raw['DiskId']}:{raw['InstanceId']}"
        return None

    def create(self, request: Any, token: str) -> pb.VolumeAttachment:
        disk_id, instance_id = request.volume_id, request.instance_id
        volume = read_one(Volumes(self.clients, self.disks), disk_id)
        if volume.attached_instance_id and volume.attached_instance_id != instance_id:
            raise errors.FailedPrecondition(
                f"disk {disk_id} is attached to {volume.attached_instance_id}"
            )
        if not volume.attached_instance_id:
            if request.idempotency_token:
                tag = {ATTACH_TOKEN_TAG: token_value(request.idempotency_token)}
                self.clients.rpc(
                    "ecs",
                    "TagResources",
                    ResourceType="disk",
                    **{"ResourceId.1": disk_id},
                    **tag_params(tag),
                )
            self.disks.waiter.wait_for(disk_id, ready={"Available"})
            self.clients.rpc(
                "ecs",
                "AttachDisk",
                DiskId=disk_id,
                InstanceId=instance_id,
                Device=request.device or None,
            )
        self.disks.waiter.wait_for(disk_id, ready={"In_use"})
        return read_one(self, f"{disk_id}:{instance_id}")

    def delete(self, resource_id: str) -> None:
        disk_id, instance_id = _split(resource_id)
        read_one(self, resource_id)
        self.clients.rpc("ecs", "DetachDisk", DiskId=disk_id, InstanceId=instance_id)
        self.disks.waiter.wait_for(disk_id, ready={"Available"})


def kinds(clients: AlibabaClients) -> list[KindHandler]:
    disks = Disks(clients)
    return [Volumes(clients, disks), Attachments(clients, disks)]
