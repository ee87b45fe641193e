"""Volume attachments: a symlink <instance dir>/volumes/<device> -> the volume's file.

The attachment id is "<volume id>--<instance id>", stable for the pair. A volume attaches to
one instance at a time (FAILED_PRECONDITION otherwise); attaching the same pair again
returns the existing attachment. The volume's state (available/in-use) and
attached_instance_id change in the same registry transaction as the attachment row.
"""

from __future__ import annotations

import re
from pathlib import Path

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors

from genesys_provider_local.registry import READY, Row
from genesys_provider_local.runtime import Runtime

ATTACHMENT = pb.RESOURCE_KIND_VOLUME_ATTACHMENT
_DEVICE = re.compile(r"^(/dev/)?[a-z][a-z0-9]{1,15}$")
_FREE_DEVICES = [f"/dev/sd{letter}" for letter in "fghijklmnop"]


class AttachmentOps:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt

    def _link(self, attachment: pb.VolumeAttachment) -> Path:
        device = attachment.device.rsplit("/", 1)[-1]
        return self.rt.root / "instances" / attachment.instance_id / "volumes" / device

    def _row_of(self, rid: str, kind: int, attribute: str) -> Row:
        row = self.rt.registry.get(rid) if rid else None
        if row is None or row.kind != kind or row.status != READY:
            what = "volume" if kind == pb.RESOURCE_KIND_VOLUME else "instance"
            raise errors.NotFound(f"{what} {rid!r} does not exist", attribute_path=attribute)
        return row

    def _devices_in_use(self, instance_id: str) -> set[str]:
        used = set()
        for row in self.rt.registry.of_kind(ATTACHMENT):
            attachment = pb.VolumeAttachment.FromString(row.body)
            if attachment.instance_id == instance_id:
                used.add(attachment.device)
        return used

    def _pick_device(self, instance_id: str, device: str) -> str:
        used = self._devices_in_use(instance_id)
        if device:
            if not _DEVICE.match(device):
                raise errors.InvalidArgument(
                    f"device {device!r} must look like /dev/sdf", attribute_path="device"
                )
            if device in used:
                raise errors.FailedPrecondition(f"device {device} of {instance_id} is taken")
            return device
        for candidate in _FREE_DEVICES:
            if candidate not in used:
                return candidate
        raise errors.FailedPrecondition(f"instance {instance_id} has no free device name left")

    def _record(
        self, volume_id: str, instance_id: str, device: str, token: str
    ) -> tuple[pb.VolumeAttachment, bool]:
        """The attachment row and the volume's new state, atomically; (attachment, is_new)."""
        registry = self.rt.registry
        rid = f"{volume_id}--{instance_id}"
        with registry.transaction():
            existing = registry.get(rid)
            if existing is not None:
                return pb.VolumeAttachment.FromString(existing.body), False
            volume_row = self._row_of(volume_id, pb.RESOURCE_KIND_VOLUME, "volume_id")
            self._row_of(instance_id, pb.RESOURCE_KIND_INSTANCE, "instance_id")
            volume = pb.Volume.FromString(volume_row.body)
            if volume.attached_instance_id:
                raise errors.FailedPrecondition(
                    f"volume {volume_id} is attached to {volume.attached_instance_id}; "
                    "detach it first"
                )
            attachment = pb.VolumeAttachment(
                id=rid,
                volume_id=volume_id,
                instance_id=instance_id,
                device=self._pick_device(instance_id, device),
                state="attached",
            )
            body = attachment.SerializeToString()
            registry.insert(Row(rid, ATTACHMENT, rid, token or None, READY, body))
            registry.set_refs(rid, [volume_id, instance_id])
            self._set_volume(volume_row, volume, instance_id)
        return attachment, True

    def _set_volume(self, row: Row, volume: pb.Volume, instance_id: str) -> None:
        volume.attached_instance_id = instance_id
        volume.state = "in-use" if instance_id else "available"
        body = volume.SerializeToString()
        self.rt.registry.save(row.id, status=row.status, body=body, aux=row.aux, name=row.name)

    def attach(
        self, volume_id: str, instance_id: str, device: str, token: str
    ) -> pb.VolumeAttachment:
        self.rt.gate(mutating=True)
        if token:
            row = self.rt.registry.by_token(token)
            if row is not None and row.kind == ATTACHMENT:
                return pb.VolumeAttachment.FromString(row.body)
        attachment, is_new = self._record(volume_id, instance_id, device, token)
        if is_new:
            link = self._link(attachment)
            try:
                link.parent.mkdir(parents=True, exist_ok=True)
                link.symlink_to(self.rt.root / "volumes" / f"{volume_id}.img")
            except OSError as exc:
                self._forget(attachment)
                raise errors.FailedPrecondition(f"cannot attach {volume_id}: {exc}") from None
        return attachment

    def observe(self, row: Row) -> bytes | None:
        attachment = pb.VolumeAttachment.FromString(row.body)
        return row.body if self._link(attachment).is_symlink() else None

    def observe_many(self, rows: list[Row]) -> list[bytes | None]:
        return [self.observe(row) for row in rows]

    def get(self, rid: str) -> pb.VolumeAttachment:
        self.rt.gate(mutating=False)
        row = self.rt.registry.get(rid) if rid else None
        body = self.observe(row) if row is not None and row.kind == ATTACHMENT else None
        if body is None:
            raise errors.NotFound(f"volume attachment {rid!r} does not exist")
        return pb.VolumeAttachment.FromString(body)

    def detach(self, rid: str) -> None:
        self.rt.gate(mutating=True)
        row = self.rt.registry.get(rid) if rid else None
        if row is None or row.kind != ATTACHMENT:
            raise errors.NotFound(f"volume attachment {rid!r} does not exist")
        attachment = pb.VolumeAttachment.FromString(row.body)
        self._link(attachment).unlink(missing_ok=True)
        self._forget(attachment)

    def _forget(self, attachment: pb.VolumeAttachment) -> None:
        registry = self.rt.registry
        with registry.transaction():
            registry.forget(attachment.id)
            volume_row = registry.get(attachment.volume_id)
            if volume_row is not None:
                volume = pb.Volume.FromString(volume_row.body)
                if volume.attached_instance_id == attachment.instance_id:
                    self._set_volume(volume_row, volume, "")
