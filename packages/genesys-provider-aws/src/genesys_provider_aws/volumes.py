"""EBS volumes and their attachments: the block side of the storage service.

An attachment's id is "<volume id>:<instance id>" (stable for the pair). Attachments cannot be
tagged, so an attach tags its volume with `genesys:attachment-token` for token lookups.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.waiters import Waiter

from genesys_provider_aws import tables
from genesys_provider_aws.clients import AwsClients, chunked
from genesys_provider_aws.common import (
    NAME_TAG,
    client_token,
    ec2_tag_specs,
    retag_ec2,
    struct,
    tag_dict,
    tag_list,
    user_tags,
)
from genesys_provider_aws.readers import KindReader, filtered_reader, read_one

ATTACHMENT_TOKEN_TAG = "genesys:attachment-token"
LIST_FILTERS = {
    "name": "tag:Name",
    "zone": "availability-zone",
    "state": "status",
    "id": "volume-id",
    "volume_type": "volume-type",
}
FORCE_NEW = ("encrypted", "zone")
DEFAULT_SIZE_GB = 8
DEVICE_LETTERS = "fghijklmnop"


def default_zone(clients: AwsClients) -> str:
    """First available zone of the region (cached): where zone-less volumes go."""
    key = f"zone:{clients.region}"
    if key not in clients.cache:
        zones = clients.client("ec2").describe_availability_zones(
            Filters=[{"Name": "state", "Values": ["available"]}]
        )["AvailabilityZones"]
        if not zones:
            raise errors.Unavailable(f"no availability zone is available in {clients.region}")
        clients.cache[key] = sorted(z["ZoneName"] for z in zones)[0]
    return str(clients.cache[key])


# ---------------------------------------------------------------- volumes


def volume_from(raw: Mapping[str, Any]) -> pb.Volume:
    tags = tag_dict(raw.get("Tags"))
    attached = [
        a for a in raw.get("Attachments", []) if a.get("State") in ("attaching", "attached")
    ]
    return pb.Volume(
        id=raw["VolumeId"],
        name=tags.get(NAME_TAG, ""),
        size_gb=int(raw.get("Size", 0)),
        volume_class=tables.volume_class_of(raw.get("VolumeType", "")),
        provider_type=raw.get("VolumeType", ""),
        encrypted=bool(raw.get("Encrypted")),
        zone=raw.get("AvailabilityZone", ""),
        state=raw.get("State", ""),
        attached_instance_id=attached[0]["InstanceId"] if attached else "",
        tags=user_tags(tags, drop_name=True),
        provider_data=struct(
            {
                "iops": raw.get("Iops"),
                "throughput": raw.get("Throughput"),
                "create_time": raw.get("CreateTime"),
                "kms_key_id": raw.get("KmsKeyId"),
            }
        ),
    )


def describe(clients: AwsClients, filters: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    paginator = clients.client("ec2").get_paginator("describe_volumes")
    for page in paginator.paginate(Filters=filters):
        for raw in page.get("Volumes", []):
            if raw.get("State") not in ("deleted", "deleting"):
                yield raw


def volumes_where(
    clients: AwsClients, filters: list[dict[str, Any]], privates: Mapping[str, bytes]
) -> Iterator[pb.Volume]:
    return (volume_from(raw) for raw in describe(clients, filters))


VOLUME_READER = filtered_reader("volume", "volume", volumes_where, "volume-id")


def _volume_waiter(clients: AwsClients) -> Waiter[Any]:
    """Every volume wait of the process, served by one DescribeVolumes per poll."""

    def poll(ids: list[str]) -> dict[str, Any]:
        return VOLUME_READER.read_many(clients, ids, {})

    return clients.waiter("volume", poll, describe=lambda volume: volume.state)


def _wait_volume(clients: AwsClients, volume_id: str, wanted: str) -> pb.Volume:
    """Waits for the volume's state (gone counts as deleted); FailedPrecondition on error."""
    waiter = _volume_waiter(clients)

    def failed(volume: pb.Volume) -> bool:
        return volume.state == "error"

    def reached(volume: pb.Volume) -> bool:
        return volume.state == wanted

    if wanted == "deleted":
        waiter.wait_gone(volume_id, gone=reached, failed=failed)
        return pb.Volume(id=volume_id, state="deleted")
    return waiter.wait_for(volume_id, ready=reached, failed=failed)  # type: ignore[no-any-return]


def create_volume(clients: AwsClients, config: pb.VolumeConfig, token: str) -> pb.Volume:
    existing = VOLUME_READER.find_by_token(clients, token) if token else None
    if existing is None:
        volume_type = tables.volume_type_for(config.volume_class)
        if volume_type not in tables.EBS_VOLUME_TYPES:
            raise errors.InvalidArgument(
                f"unknown volume class {config.volume_class!r}",
                attribute_path="config.volume_class",
            )
        args: dict[str, Any] = {
            "AvailabilityZone": config.zone or default_zone(clients),
            "Size": config.size_gb or DEFAULT_SIZE_GB,
            "VolumeType": volume_type,
            "Encrypted": config.encrypted,
            "TagSpecifications": ec2_tag_specs(
                "volume", tag_list(config.tags, name=config.name, token=token)
            ),
        }
        if volume_type in ("io1", "io2"):
            args["Iops"] = tables.PROVISIONED_IOPS
        if token:
            args["ClientToken"] = client_token(token)
        existing = clients.client("ec2").create_volume(**args)["VolumeId"]
    return _wait_volume(clients, str(existing), "available")


def update_volume(clients: AwsClients, request: Any) -> pb.Volume:
    config, volume_id = request.config, request.id
    changed = set(request.changed) or {"name", "tags", "size_gb", "volume_class"}
    blocked = sorted(changed & set(FORCE_NEW))
    if blocked:
        raise errors.InvalidArgument(
            f"changing {blocked[0]} replaces the volume", attribute_path=f"config.{blocked[0]}"
        )
    current = read_one(VOLUME_READER, clients, volume_id)
    modify: dict[str, Any] = {}
    if "size_gb" in changed and config.size_gb != current.size_gb:
        if config.size_gb < current.size_gb:
            raise errors.InvalidArgument(
                "EBS volumes cannot shrink; a smaller size needs a new volume",
                attribute_path="config.size_gb",
            )
        modify["Size"] = config.size_gb
    wanted_type = tables.volume_type_for(config.volume_class)
    if "volume_class" in changed and wanted_type != current.provider_type:
        modify["VolumeType"] = wanted_type
        if wanted_type in ("io1", "io2"):
            modify["Iops"] = tables.PROVISIONED_IOPS
    ec2 = clients.client("ec2")
    if modify:
        ec2.modify_volume(VolumeId=volume_id, **modify)
    if changed & {"name", "tags"}:
        retag_ec2(ec2, volume_id, current, config)
    return read_one(VOLUME_READER, clients, volume_id)


def delete_volume(clients: AwsClients, volume_id: str) -> None:
    current = read_one(VOLUME_READER, clients, volume_id)
    if current.attached_instance_id:
        raise errors.FailedPrecondition(
            f"volume {volume_id} is attached to {current.attached_instance_id}; detach it first"
        )
    clients.client("ec2").delete_volume(VolumeId=volume_id)
    _wait_volume(clients, volume_id, "deleted")


def list_volumes(clients: AwsClients, filters: list[dict[str, Any]]) -> Iterator[pb.Volume]:
    for raw in describe(clients, filters):
        yield volume_from(raw)


# ---------------------------------------------------------------- attachments


def attachment_id(volume_id: str, instance_id: str) -> str:
    return f"{volume_id}:{instance_id}"


def _split(attachment: str) -> tuple[str, str]:
    volume_id, _, instance_id = attachment.partition(":")
    if not volume_id or not instance_id:
        raise errors.NotFound(f"attachment {attachment!r} not found (not <volume>:<instance>)")
    return volume_id, instance_id


def attachment_from(raw_volume: Mapping[str, Any], instance_id: str) -> pb.VolumeAttachment | None:
    for att in raw_volume.get("Attachments", []):
        if att.get("InstanceId") == instance_id and att.get("State") != "detached":
            return pb.VolumeAttachment(
                id=attachment_id(raw_volume["VolumeId"], instance_id),
                volume_id=raw_volume["VolumeId"],
                instance_id=instance_id,
                device=att.get("Device", ""),
                state=att.get("State", ""),
            )
    return None


def read_attachments(
    clients: AwsClients, ids: list[str], privates: Mapping[str, bytes]
) -> dict[str, Any]:
    pairs = [_split(i) for i in ids]
    raws: dict[str, Any] = {}
    for chunk in chunked(sorted({v for v, _ in pairs}), 200):
        for raw in describe(clients, [{"Name": "volume-id", "Values": chunk}]):
            raws[raw["VolumeId"]] = raw
    found: dict[str, Any] = {}
    for volume_id, instance_id in pairs:
        attachment = attachment_from(raws.get(volume_id, {}), instance_id)
        if attachment is not None:
            found[attachment.id] = attachment
    return found


def find_attachment_by_token(clients: AwsClients, token: str) -> str | None:
    for raw in describe(clients, [{"Name": f"tag:{ATTACHMENT_TOKEN_TAG}", "Values": [token]}]):
        for att in raw.get("Attachments", []):
            return attachment_id(raw["VolumeId"], att["InstanceId"])
    return None


ATTACHMENT_READER = KindReader(
    "volume_attachment", "volume attachment", read_attachments, find_attachment_by_token
)


def attach(clients: AwsClients, request: Any) -> pb.VolumeAttachment:
    volume_id, instance_id = request.volume_id, request.instance_id
    wanted = attachment_id(volume_id, instance_id)
    current = read_one(VOLUME_READER, clients, volume_id)
    if current.attached_instance_id == instance_id:
        return _wait_attachment(clients, wanted, "attached")
    if current.attached_instance_id:
        raise errors.FailedPrecondition(
            f"volume {volume_id} is attached to {current.attached_instance_id}"
        )
    ec2 = clients.client("ec2")
    if request.idempotency_token:
        ec2.create_tags(
            Resources=[volume_id],
            Tags=[{"Key": ATTACHMENT_TOKEN_TAG, "Value": request.idempotency_token}],
        )
    device = request.device or _free_device(clients, instance_id)
    ec2.attach_volume(VolumeId=volume_id, InstanceId=instance_id, Device=device)
    return _wait_attachment(clients, wanted, "attached")


def _free_device(clients: AwsClients, instance_id: str) -> str:
    reservations = clients.client("ec2").describe_instances(InstanceIds=[instance_id])
    used = {
        m.get("DeviceName", "")
        for r in reservations["Reservations"]
        for i in r["Instances"]
        for m in i.get("BlockDeviceMappings", [])
    }
    for letter in DEVICE_LETTERS:
        for device in (f"/dev/sd{letter}", f"/dev/xvd{letter}"):
            if device in used:
                break
        else:
            return f"/dev/sd{letter}"
    raise errors.FailedPrecondition(f"instance {instance_id} has no free device name")


def _attachment_waiter(clients: AwsClients) -> Waiter[Any]:
    """Every attachment wait of the process, served by one DescribeVolumes per poll."""

    def poll(ids: list[str]) -> dict[str, Any]:
        return read_attachments(clients, ids, {})

    return clients.waiter("attachment", poll, describe=lambda attachment: attachment.state)


def _wait_attachment(clients: AwsClients, wanted: str, state: str) -> pb.VolumeAttachment:
    waiter = _attachment_waiter(clients)
    if state == "detached":
        waiter.wait_gone(wanted)
        return pb.VolumeAttachment(id=wanted, state="detached")

    def reached(attachment: pb.VolumeAttachment) -> bool:
        return attachment.state == state

    return waiter.wait_for(wanted, ready=reached)  # type: ignore[no-any-return]


def detach(clients: AwsClients, attachment: str) -> None:
    volume_id, instance_id = _split(attachment)
    read_one(ATTACHMENT_READER, clients, attachment)  # NotFound when not attached
    clients.client("ec2").detach_volume(VolumeId=volume_id, InstanceId=instance_id)
    _wait_attachment(clients, attachment, "detached")
