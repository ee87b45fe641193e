"""Volumes: managed disks; attachments: a VM's data disks (Microsoft.Compute).

volume_class standard -> StandardSSD_LRS, ssd -> Premium_LRS (Azure disk SKUs are taken
verbatim too). Managed disks are always encrypted at rest (platform-managed keys):
`encrypted` is recorded as asked. An attachment is a data disk on its VM at the first free
LUN; its id is `<vm id>/dataDisks/<disk name>`, its device `lun<N>`, its idempotency token a
`genesys-token-disk-<disk>` tag written on the VM by the same PUT that attaches the disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors

from genesys_provider_azure import tables
from genesys_provider_azure.common import (
    AzureKind,
    absent,
    apply_filters,
    arm_ids,
    as_private,
    by_id,
    delete_or_not_found,
    group_of,
    listed,
    name_of,
    pick,
    private_json,
    same_id,
    sdk_models,
    system_tags,
    tags_with_token,
    token_of,
    user_tags,
)

CLASS_OF = {sku: cls for cls, sku in tables.VOLUME_SKUS.items()}
DISK_TOKEN = "genesys-token-disk-"


def disk_sku(volume_class: str) -> str:
    sku = tables.VOLUME_SKUS.get(volume_class or "standard", volume_class)
    if sku not in tables.DISK_SKUS:
        raise errors.InvalidArgument(
            f"volume_class {volume_class!r} is neither standard, ssd nor an Azure disk SKU "
            f"({', '.join(tables.DISK_SKUS)})",
            attribute_path="config.volume_class",
        )
    return sku


class Volumes(AzureKind):
    field = "volume"
    service = "compute"

    def create(self, config: pb.VolumeConfig, token: str) -> pb.Volume:
        if config.size_gb <= 0:
            raise errors.InvalidArgument(
                "a volume needs size_gb of 1 or more", attribute_path="config.size_gb"
            )
        models = sdk_models("compute")
        api, group = self._api(), self.clients.group
        private = as_private({"encrypted": config.encrypted})
        existing = self.taken(lambda: api.disks.get(group, config.name), token, "managed disk")
        if existing is not None:
            return self._convert(existing, private)
        disk = api.disks.begin_create_or_update(
            group,
            config.name,
            models.Disk(
                location=self.clients.location,
                sku=models.DiskSku(name=disk_sku(config.volume_class)),
                disk_size_gb=config.size_gb,
                zones=[config.zone.rsplit("-", 1)[-1]] if config.zone else None,
                creation_data=models.CreationData(create_option="Empty"),
                tags=tags_with_token(config.tags, token),
            ),
        ).result()
        return self._convert(disk, private)

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        ids = arm_ids(ids)
        found: dict[str, Any] = {}
        for group in {group_of(i) for i in ids}:
            found.update(by_id(listed(self._api().disks.list_by_resource_group, group)))
        return pick(ids, found, lambda d, rid: self._convert(d, privates.get(rid, b"")))

    def find_by_token(self, token: str) -> str | None:
        disks = self._api().disks.list_by_resource_group(self.clients.group)
        return next((d.id for d in disks if token_of(d.tags) == token), None)

    def update(self, request: Any) -> pb.Volume:
        models = sdk_models("compute")
        group, name = group_of(request.id), name_of(request.id)
        config = request.config
        current = self._api().disks.get(group, name)
        disk = (
            self._api()
            .disks.begin_update(
                group,
                name,
                models.DiskUpdate(
                    disk_size_gb=config.size_gb or None,
                    sku=models.DiskSku(name=disk_sku(config.volume_class)),
                    tags={**system_tags(current.tags), **dict(config.tags)},
                ),
            )
            .result()
        )
        return self._convert(disk, as_private({"encrypted": config.encrypted}))

    def delete(self, resource_id: str) -> None:
        delete_or_not_found(
            lambda: self._api().disks.begin_delete(group_of(resource_id), name_of(resource_id)),
            "managed disk",
            resource_id,
        )

    @apply_filters
    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Volume]:
        return [
            self._convert(d, b"")
            for d in self._api().disks.list_by_resource_group(self.clients.group)
            if str(getattr(d.creation_data, "create_option", ""))
            != "FromImage"  # OS disks: the VM's
        ]

    def _convert(self, disk: Any, private: bytes) -> pb.Volume:
        sku = disk.sku.name if disk.sku else ""
        return pb.Volume(
            id=disk.id,
            name=disk.name,
            size_gb=int(disk.disk_size_gb or 0),
            volume_class=CLASS_OF.get(sku, sku),
            provider_type=sku,
            encrypted=bool(private_json(private).get("encrypted", True)),
            zone=(disk.zones or [""])[0],
            state="in-use" if disk.managed_by else "available",
            attached_instance_id=disk.managed_by or "",
            tags=user_tags(disk.tags),
            private=private,
        )


class VolumeAttachments(AzureKind):
    field = "volume_attachment"
    service = "compute"

    def create(self, request: Any, token: str) -> pb.VolumeAttachment:
        models = sdk_models("compute")
        group, vm_name = group_of(request.instance_id), name_of(request.instance_id)
        vm = self._api().virtual_machines.get(group, vm_name)
        disks = vm.storage_profile.data_disks or []
        found = next((d for d in disks if same_id(d.managed_disk.id, request.volume_id)), None)
        if found is not None:
            return _attachment(vm, found)
        used = {d.lun for d in disks}
        lun = (
            int(request.device.removeprefix("lun"))
            if request.device
            else next(n for n in range(64) if n not in used)
        )
        disks.append(
            models.DataDisk(
                lun=lun,
                create_option="Attach",
                managed_disk=models.ManagedDiskParameters(id=request.volume_id),
            )
        )
        vm.storage_profile.data_disks = disks
        if request.idempotency_token:
            vm.tags = {
                **(vm.tags or {}),
                f"{DISK_TOKEN}{name_of(request.volume_id)}": request.idempotency_token,
            }
        vm = self._api().virtual_machines.begin_create_or_update(group, vm_name, vm).result()
        attached = next(
            d
            for d in vm.storage_profile.data_disks
            if same_id(d.managed_disk.id, request.volume_id)
        )
        return _attachment(vm, attached)

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        wanted = [i for i in arm_ids(ids) if "/dataDisks/" in i]
        machines: dict[str, Any] = {}
        for group in {group_of(i) for i in wanted}:
            machines.update(by_id(listed(self._api().virtual_machines.list, group)))
        found: dict[str, Any] = {}
        for attachment_id in wanted:
            vm_id, _, disk = attachment_id.partition("/dataDisks/")
            vm = machines.get(vm_id.lower())
            for data_disk in (vm.storage_profile.data_disks or []) if vm is not None else []:
                if name_of(data_disk.managed_disk.id).lower() == disk.lower():
                    found[attachment_id] = _attachment(vm, data_disk)
        return found

    def find_by_token(self, token: str) -> str | None:
        for vm in self._api().virtual_machines.list(self.clients.group):
            for name, value in (vm.tags or {}).items():
                if name.startswith(DISK_TOKEN) and value == token:
                    return f"{vm.id}/dataDisks/{name[len(DISK_TOKEN) :]}"
        return None

    def delete(self, resource_id: str) -> None:
        vm_id, _, disk = resource_id.partition("/dataDisks/")
        if not disk:
            raise errors.NotFound(f"volume attachment {resource_id} does not exist")
        group, vm_name = group_of(vm_id), name_of(vm_id)
        vm = absent(lambda: self._api().virtual_machines.get(group, vm_name))
        disks = vm.storage_profile.data_disks or [] if vm is not None else []
        kept = [d for d in disks if name_of(d.managed_disk.id).lower() != disk.lower()]
        if vm is None or len(kept) == len(disks):
            raise errors.NotFound(f"volume attachment {resource_id} does not exist")
        vm.storage_profile.data_disks = kept
        vm.tags = {k: v for k, v in (vm.tags or {}).items() if k != f"{DISK_TOKEN}{disk}"}
        self._api().virtual_machines.begin_create_or_update(group, vm_name, vm).result()

    @apply_filters
    def list(self, filters: Mapping[str, str]) -> Iterable[pb.VolumeAttachment]:
        return [
            _attachment(vm, d)
            for vm in self._api().virtual_machines.list(self.clients.group)
            for d in vm.storage_profile.data_disks or []
        ]


def _attachment(vm: Any, data_disk: Any) -> pb.VolumeAttachment:
    disk_name = name_of(data_disk.managed_disk.id)
    return pb.VolumeAttachment(
        id=f"{vm.id}/dataDisks/{disk_name}",
        volume_id=data_disk.managed_disk.id,
        instance_id=vm.id,
        device=f"lun{data_disk.lun}",
        state="attached",
    )
