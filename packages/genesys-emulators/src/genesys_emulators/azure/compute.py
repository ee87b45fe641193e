"""Microsoft.Compute: virtual machines, managed disks, VM sizes and platform images.

As Azure does: the VM size must exist in the region, the image must be a platform image,
a NIC serves one VM, the OS disk is a managed disk made with the VM (deleted with it only
when its deleteOption says Delete, as are NICs), a data disk attaches to one VM, and a VM
is resized in place by a PUT with another size.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

from genesys_emulators.azure.model import (
    ArmPath,
    InUse,
    Record,
    ResourceType,
    invalid,
    key,
    now,
    reference,
    require,
)
from genesys_emulators.core import CloudError

if TYPE_CHECKING:
    from genesys_emulators.azure.arm import Arm

VM = "Microsoft.Compute/virtualMachines"
DISK = "Microsoft.Compute/disks"

# name: (cores, memory MB, max data disks)
VM_SIZES: dict[str, tuple[int, int, int]] = {
    "Standard_B1s": (1, 1024, 2),
    "Standard_B1ms": (1, 2048, 2),
    "Standard_B2s": (2, 4096, 4),
    "Standard_B2ms": (2, 8192, 4),
    "Standard_B4ms": (4, 16384, 8),
    "Standard_D2s_v3": (2, 8192, 4),
    "Standard_D4s_v3": (4, 16384, 8),
    "Standard_D8s_v3": (8, 32768, 16),
    "Standard_D2s_v5": (2, 8192, 4),
    "Standard_D4s_v5": (4, 16384, 8),
}
# (publisher, offer, sku) of the platform images this region offers.
PLATFORM_IMAGES = {
    ("canonical", "ubuntu-24_04-lts", "server"),
    ("canonical", "0001-com-ubuntu-server-jammy", "22_04-lts-gen2"),
    ("canonical", "0001-com-ubuntu-server-focal", "20_04-lts-gen2"),
    ("debian", "debian-12", "12-gen2"),
    ("microsoftwindowsserver", "windowsserver", "2022-datacenter-azure-edition"),
}
DISK_SKUS = (
    "Standard_LRS",
    "Premium_LRS",
    "StandardSSD_LRS",
    "UltraSSD_LRS",
    "Premium_ZRS",
    "StandardSSD_ZRS",
)


def _build_vm(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    properties = dict(body.get("properties") or {})
    size = require(body, "properties.hardwareProfile.vmSize")
    if size not in VM_SIZES:
        raise invalid(
            f"The value {size} provided for the VM size is not valid. The valid sizes "
            f"in the current region are: {', '.join(VM_SIZES)}.",
            "vmSize",
        )
    for zone in body.get("zones") or []:
        if str(zone) not in ("1", "2", "3"):
            raise invalid(
                f"The zone(s) '{zone}' for resource '{path.name}' is not supported. "
                "The supported zones for location are '1,2,3'.",
                "zones",
                "ZoneNotAvailableForRegion",
            )
    if existing is None:
        _check_image(require(body, "properties.storageProfile.imageReference"))
        require(body, "properties.osProfile.adminUsername")
        properties["vmId"] = str(uuid.uuid4())
        properties["timeCreated"] = now()
    else:
        properties["vmId"] = existing["properties"]["vmId"]
        properties["timeCreated"] = existing["properties"]["timeCreated"]
        properties["storageProfile"] = _keep_os_disk(properties, existing)
    osprofile = properties.get("osProfile") or {}
    osprofile.pop("adminPassword", None)  # never read back
    _check_nics(arm, path, properties)
    _check_data_disks(arm, path, properties, size)
    return properties


def _check_image(image: Record) -> None:
    wanted = tuple(str(image.get(f, "")).lower() for f in ("publisher", "offer", "sku"))
    if wanted not in PLATFORM_IMAGES:
        reference = ":".join(
            str(image.get(f, "")) for f in ("publisher", "offer", "sku", "version")
        )
        raise CloudError(
            404,
            "PlatformImageNotFound",
            f"The platform image '{reference}' is not available. Verify that all "
            "fields in the storage profile are correct.",
            target="imageReference",
        )


def _keep_os_disk(properties: Record, existing: Record) -> Record:
    storage = dict(properties.get("storageProfile") or existing["properties"]["storageProfile"])
    storage["osDisk"] = existing["properties"]["storageProfile"]["osDisk"]
    storage["imageReference"] = existing["properties"]["storageProfile"]["imageReference"]
    return storage


def _check_nics(arm: Arm, path: ArmPath, properties: Record) -> None:
    nics = (properties.get("networkProfile") or {}).get("networkInterfaces") or []
    if not nics:
        raise invalid(
            "Virtual machine must have at least one network interface.",
            "networkProfile.networkInterfaces",
            "VMMustHaveAtLeastOneNetworkInterface",
        )
    vm_id = path.resource_id()
    for index, ref in enumerate(nics):
        nic = reference(arm, ref, f"networkProfile.networkInterfaces[{index}]", path.name)
        holder = (nic["properties"].get("virtualMachine") or {}).get("id")
        if holder and key(holder) != key(vm_id):
            raise invalid(
                f"Network interface {nic['id']} is attached to virtual machine "
                f"{holder}; a network interface can be attached to one virtual "
                "machine only.",
                f"networkProfile.networkInterfaces[{index}]",
                "NicInUse",
            )


def _check_data_disks(arm: Arm, path: ArmPath, properties: Record, size: str) -> None:
    disks = (properties.get("storageProfile") or {}).get("dataDisks") or []
    if len(disks) > VM_SIZES[size][2]:
        raise invalid(
            f"The maximum number of data disks allowed to be attached to a VM of "
            f"this size is {VM_SIZES[size][2]}.",
            "dataDisks",
            "OperationNotAllowed",
        )
    luns = [d.get("lun") for d in disks]
    if len(set(luns)) != len(luns):
        raise invalid("Data disks must have unique LUNs.", "dataDisks", "InvalidParameter")
    for index, disk in enumerate(disks):
        ref = disk.get("managedDisk") or {}
        record = reference(arm, ref, f"storageProfile.dataDisks[{index}]", path.name)
        holder = record.get("managedBy")
        if holder and key(holder) != key(path.resource_id()):
            raise CloudError(
                409,
                "OperationNotAllowed",
                f"Disk {record['name']} is already attached to VM {holder}.",
                target="dataDisks",
            )


def _vm_created(arm: Arm, record: Record) -> None:
    storage = record["properties"].setdefault("storageProfile", {})
    os_disk = storage.setdefault("osDisk", {})
    name = os_disk.get("name") or f"{record['name']}_OsDisk_1_{uuid.uuid4().hex}"
    group_id = record["id"].split("/providers/")[0]
    disk_id = f"{group_id}/providers/{DISK}/{name}"
    size = int(os_disk.get("diskSizeGB") or 30)
    sku = (os_disk.get("managedDisk") or {}).get("storageAccountType") or "Premium_LRS"
    arm.store.put(
        "arm",
        key(disk_id),
        {
            "id": disk_id,
            "name": name,
            "type": DISK,
            "location": record["location"],
            "tags": {},
            "sku": {"name": sku},
            "managedBy": record["id"],
            "properties": {
                "diskSizeGB": size,
                "diskState": "Attached",
                "osType": "Linux",
                "creationData": {"createOption": "FromImage"},
                "provisioningState": "Succeeded",
                "timeCreated": now(),
            },
        },
    )
    os_disk.update(
        {
            "name": name,
            "diskSizeGB": size,
            "createOption": "FromImage",
            "managedDisk": {"id": disk_id, "storageAccountType": sku},
        }
    )
    _sync_attachments(arm, record)


def _sync_attachments(arm: Arm, record: Record) -> None:
    """NICs and data disks point back at the VM that holds them (and only while it does)."""
    properties = record["properties"]
    nic_ids = {key(n["id"]) for n in properties["networkProfile"]["networkInterfaces"]}
    disk_ids = {
        key(d["managedDisk"]["id"])
        for d in properties.get("storageProfile", {}).get("dataDisks") or []
    }
    for nic in arm.of_type("Microsoft.Network/networkInterfaces"):
        held = key((nic["properties"].get("virtualMachine") or {}).get("id", "")) == key(
            record["id"]
        )
        if key(nic["id"]) in nic_ids:
            nic["properties"]["virtualMachine"] = {"id": record["id"]}
        elif held:
            nic["properties"].pop("virtualMachine", None)
    for disk in arm.of_type(DISK):
        if key(disk["id"]) in disk_ids:
            disk["managedBy"] = record["id"]
            disk["properties"]["diskState"] = "Attached"
        elif (
            key(disk.get("managedBy") or "") == key(record["id"])
            and disk["name"] != properties["storageProfile"]["osDisk"]["name"]
        ):
            disk.pop("managedBy", None)
            disk["properties"]["diskState"] = "Unattached"


def _vm_deleted(arm: Arm, record: Record) -> None:
    properties = record["properties"]
    os_disk = properties["storageProfile"]["osDisk"]
    for ref in properties["networkProfile"]["networkInterfaces"]:
        nic = arm.find(ref["id"])
        if nic is None:
            continue
        nic["properties"].pop("virtualMachine", None)
        if (ref.get("properties") or {}).get("deleteOption") == "Delete":
            arm.store.remove("arm", key(nic["id"]))
    disk = arm.find(os_disk["managedDisk"]["id"])
    if disk is not None:
        disk.pop("managedBy", None)
        disk["properties"]["diskState"] = "Unattached"
        if os_disk.get("deleteOption") == "Delete":
            arm.store.remove("arm", key(disk["id"]))
    for data_disk in properties["storageProfile"].get("dataDisks") or []:
        attached = arm.find(data_disk["managedDisk"]["id"])
        if attached is not None:
            attached.pop("managedBy", None)
            attached["properties"]["diskState"] = "Unattached"


def _build_disk(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    properties = dict(body.get("properties") or {})
    option = require(body, "properties.creationData.createOption")
    size = properties.get("diskSizeGB")
    if option == "Empty" and not size:
        raise invalid("Disk size must be specified for an empty disk.", "diskSizeGB")
    if size is not None and not 1 <= int(size) <= 32767:
        raise invalid(f"Disk size {size} GB is outside the allowed range 1-32767.", "diskSizeGB")
    if (
        existing is not None
        and size is not None
        and int(size) < int(existing["properties"]["diskSizeGB"])
    ):
        raise CloudError(
            409, "OperationNotAllowed", "Disk size can only be increased.", target="diskSizeGB"
        )
    sku = (body.get("sku") or {}).get("name", "Standard_LRS")
    if sku not in DISK_SKUS:
        raise invalid(f"The value '{sku}' is not a valid disk SKU.", "sku.name")
    properties["diskState"] = (existing or {}).get("properties", {}).get("diskState", "Unattached")
    properties["timeCreated"] = (existing or {}).get("properties", {}).get("timeCreated", now())
    return properties


def _disk_in_use(arm: Arm, record: Record) -> InUse | None:
    holder = record.get("managedBy")
    if not holder:
        return None
    return InUse(
        holder,
        CloudError(
            409, "OperationNotAllowed", f"Disk {record['name']} is attached to VM {holder}."
        ),
    )


def _list_sizes(arm: Arm, path: ArmPath, request: Request) -> Any:
    return {
        "value": [
            {
                "name": name,
                "numberOfCores": cores,
                "memoryInMB": memory,
                "maxDataDiskCount": disks,
                "osDiskSizeInMB": 1047552,
                "resourceDiskSizeInMB": 4096,
            }
            for name, (cores, memory, disks) in VM_SIZES.items()
        ]
    }


TYPES = (
    ResourceType(
        VM,
        _build_vm,
        created=_vm_created,
        updated=_sync_attachments,
        deleted=_vm_deleted,
        kept_fields=("zones", "identity", "plan"),
    ),
    ResourceType(
        DISK,
        _build_disk,
        accepted="create",
        in_use=_disk_in_use,
        kept_fields=("sku", "zones", "managedBy"),
    ),
)
HANDLERS = {"Microsoft.Compute/locations/vmSizes": _list_sizes}
