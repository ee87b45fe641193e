"""Volumes (CBS cloud disks) and their attachment to CVM instances.

Class `standard` is CLOUD_PREMIUM, `ssd` CLOUD_SSD (CBS type names pass through). Sizes grow
in place (ResizeDisk); CBS never shrinks a disk. An attachment's id is "<disk>:<instance>";
CBS picks the device (the instance sees /dev/vdb, /dev/vdc, ... in attach order).
"""

from __future__ import annotations

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
    api_filters,
    by_filter,
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
    "UNATTACHED": "available",
    "ATTACHED": "in-use",
    "ATTACHING": "in-use",
    "DETACHING": "in-use",
    "EXPANDING": "available",
}
DISK_CHUNK = 100
ATTACH_TAG = "genesys:attachment-token"


def describe_disks(
    clients: TencentClients, filters: list[dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    return clients.paged("cbs", "DescribeDisks", {"Filters": filters}, "DiskSet")


def disks_by_id(clients: TencentClients, ids: list[str]) -> Iterator[dict[str, Any]]:
    return by_filter(lambda f: describe_disks(clients, f), "disk-id", ids, DISK_CHUNK)


def disk_waiter(clients: TencentClients) -> Waiter[str]:
    """Waits on disk states (volumes and attachments): one DescribeDisks per poll."""

    def states(ids: list[str]) -> dict[str, str]:
        return {r["DiskId"]: str(r.get("DiskState")) for r in disks_by_id(clients, ids)}

    return Waiter(states, what="disk", timing=clients.timing)


def volume_from(raw: Mapping[str, Any]) -> pb.Volume:
    disk_type = str(raw.get("DiskType", ""))
    return pb.Volume(
        id=raw["DiskId"],
        name=raw.get("DiskName", ""),
        size_gb=int(raw.get("DiskSize") or 0),
        volume_class=tables.volume_class_of(disk_type),
        provider_type=disk_type,
        encrypted=bool(raw.get("Encrypt")),
        zone=(raw.get("Placement") or {}).get("Zone", ""),
        state=STATE_WORDS.get(str(raw.get("DiskState")), str(raw.get("DiskState", "")).lower()),
        attached_instance_id=raw.get("InstanceId") or "",
        tags=user_tags(tag_dict(raw.get("Tags"))),
        provider_data=struct(
            {"disk_state": raw.get("DiskState"), "charge_type": raw.get("DiskChargeType")}
        ),
    )


class Volumes(KindHandler):
    field = "volume"

    def __init__(self, clients: TencentClients) -> None:
        self.clients = clients
        self.waiter = disk_waiter(clients)

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        return {r["DiskId"]: volume_from(r) for r in disks_by_id(self.clients, ids)}

    def find_by_token(self, token: str) -> str | None:
        found = [r["DiskId"] for r in describe_disks(self.clients, [token_filter(token)])]
        return found[0] if found else None

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Volume]:
        known = {"name": "disk-name", "id": "disk-id", "zone": "zone", "instance_id": "instance-id"}
        for raw in describe_disks(self.clients, api_filters(filters, known)):
            if raw.get("DiskUsage", "DATA_DISK") == "DATA_DISK":
                yield volume_from(raw)

    def create(self, config: pb.VolumeConfig, token: str) -> pb.Volume:
        disk_type = tables.volume_type_for(config.volume_class)
        if disk_type not in tables.CBS_TYPES:
            raise errors.InvalidArgument(
                f"volume class {config.volume_class!r}: standard, ssd or a CBS type "
                f"({', '.join(sorted(tables.CBS_TYPES))})",
                attribute_path="config.volume_class",
            )
        existing = self.find_by_token(token) if token else None
        if existing is None:
            params: dict[str, Any] = {
                "Placement": {"Zone": config.zone or self.clients.zones()[0]},
                "DiskChargeType": "POSTPAID_BY_HOUR",
                "DiskType": disk_type,
                "DiskSize": config.size_gb or 10,
                "DiskName": config.name or "genesys",
                "Tags": tag_list(config.tags, token=token),
            }
            if config.encrypted:
                params["Encrypt"] = "ENCRYPT"
            if token:
                params["ClientToken"] = client_token(token, 64)
            existing = self.clients.call("cbs", "CreateDisks", params)["DiskIdSet"][0]
        self.waiter.wait_for(existing, {"UNATTACHED", "ATTACHED"})
        return read_one(self, existing)

    def update(self, request: Any) -> pb.Volume:
        config = request.config
        changed = {c.split(".")[0] for c in request.changed} or {"name", "size_gb", "tags"}
        refuse_change(changed, ("encrypted", "zone", "volume_class"), "volume")
        current = read_one(self, request.id)
        if "size_gb" in changed and config.size_gb != current.size_gb:
            if config.size_gb < current.size_gb:
                raise errors.InvalidArgument(
                    f"a CBS disk only grows ({current.size_gb} GB now, {config.size_gb} asked)",
                    attribute_path="config.size_gb",
                )
            self.clients.call(
                "cbs", "ResizeDisk", {"DiskId": request.id, "DiskSize": config.size_gb}
            )
        if "name" in changed and config.name != current.name:
            self.clients.call(
                "cbs", "ModifyDiskAttributes", {"DiskIds": [request.id], "DiskName": config.name}
            )
        if "tags" in changed:
            name = self.clients.resource_name("cvm", f"volume/{request.id}")
            retag(self.clients, name, current.tags, config.tags)
        return read_one(self, request.id)

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        self.clients.call("cbs", "TerminateDisks", {"DiskIds": [resource_id]})
        self.waiter.wait_gone(resource_id)


class Attachments(KindHandler):
    field = "volume_attachment"

    def __init__(self, clients: TencentClients) -> None:
        self.clients = clients
        self.waiter = disk_waiter(clients)

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        wanted = {i: tuple(i.split(":", 1)) for i in ids if ":" in i}
        disks = {r["DiskId"]: r for r in disks_by_id(self.clients, [d for d, _ in wanted.values()])}
        found: dict[str, Any] = {}
        for ident, (disk_id, instance_id) in wanted.items():
            disk = disks.get(disk_id)
            if disk is not None and disk.get("InstanceId") == instance_id and disk.get("Attached"):
                device = str(read_private(privates.get(ident, b"")).get("device", ""))
                found[ident] = pb.VolumeAttachment(
                    id=ident,
                    volume_id=disk_id,
                    device=device,
                    instance_id=instance_id,
                    state="attached",
                    private=privates.get(ident, b""),
                )
        return found

    def find_by_token(self, token: str) -> str | None:
        """The disk carrying the attachment's token (an attach takes no tags of its own)."""
        wanted = {"Name": f"tag:{ATTACH_TAG}", "Values": [client_token(token, 127)]}
        for disk in describe_disks(self.clients, [wanted]):
            if disk.get("Attached"):
                return f"{disk['DiskId']}:{disk['InstanceId']}"
        return None

    def create(self, config: Any, token: str) -> pb.VolumeAttachment:
        ident = f"{config.volume_id}:{config.instance_id}"
        if token:
            resource = self.clients.resource_name("cvm", f"volume/{config.volume_id}")
            replace = [{"TagKey": ATTACH_TAG, "TagValue": client_token(token, 127)}]
            self.clients.call(
                "tag", "ModifyResourceTags", {"Resource": resource, "ReplaceTags": replace}
            )
        if not self.read_many([ident], {}):
            self.clients.call(
                "cbs",
                "AttachDisks",
                {"DiskIds": [config.volume_id], "InstanceId": config.instance_id},
            )
            self.waiter.wait_for(config.volume_id, {"ATTACHED"})
        # CBS picks the device; one asked for is kept so a refresh reads what the config says.
        return read_one(self, ident, private_json({"device": config.device}))

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        disk_id = resource_id.split(":", 1)[0]
        self.clients.call("cbs", "DetachDisks", {"DiskIds": [disk_id]})
        self.waiter.wait_for(disk_id, {"UNATTACHED"})
