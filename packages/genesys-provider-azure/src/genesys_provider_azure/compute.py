"""Instances: a virtual machine with its own network interface (`<name>-nic`) in the
config's subnet, carrying the instance's NSG. The NIC and the OS disk are made with
deleteOption Delete, so deleting the VM takes them too; a size change resizes in place.

What Azure cannot read back (custom data, the image alias asked for) is kept in the
resource's private bytes.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors

from genesys_provider_azure import tables
from genesys_provider_azure.common import (
    AzureKind,
    apply_filters,
    arm_ids,
    as_private,
    by_id,
    delete_or_not_found,
    group_of,
    listed,
    name_of,
    parse_id,
    pick,
    private_json,
    sdk_models,
    system_tags,
    tags_with_token,
    token_of,
    user_tags,
)

SIZE_OF: dict[str, Any] = {v: k for k, v in tables.VM_SIZES.items()}


def image_reference(image: str) -> dict[str, str]:
    """An alias (ubuntu-lts) or a URN publisher:offer:sku:version -> imageReference fields."""
    urn = tables.IMAGES.get(image, image)
    parts = urn.split(":")
    if len(parts) != 4 or not all(parts):
        known = ", ".join(tables.IMAGES)
        raise errors.InvalidArgument(
            f"image {image!r} is neither an alias ({known}) nor publisher:offer:sku:version",
            attribute_path="config.image",
        )
    return dict(zip(("publisher", "offer", "sku", "version"), parts, strict=True))


class Instances(AzureKind):
    field = "instance"
    service = "compute"

    def _network(self) -> Any:
        return self.clients.client("network")

    # ----------------------------------------------------------------- create

    def create(self, config: pb.InstanceConfig, token: str) -> pb.Instance:
        group = self.clients.group
        private = as_private(
            {"image": config.image, "user_data": config.user_data, "key_pair": config.key_pair}
        )
        existing = self.taken(
            lambda: self._api().virtual_machines.get(group, config.name), token, "virtual machine"
        )
        if existing is not None:
            return self._convert(existing, self._nic_of(existing), private)
        nic = self._create_nic(config, token)
        try:
            vm = (
                self._api()
                .virtual_machines.begin_create_or_update(
                    group, config.name, self._vm_body(config, token, nic.id)
                )
                .result()
            )
        except Exception:
            # The VM was refused: its NIC must not be left behind.
            self._network().network_interfaces.begin_delete(group, nic.name).result()
            raise
        return self._convert(vm, nic, private)

    def _subnet_for(self, config: pb.InstanceConfig) -> str:
        if config.subnet_id:
            return config.subnet_id
        if not config.network_id:
            raise errors.InvalidArgument(
                f"virtual machine {config.name} needs a network or a subnet: Azure VMs live "
                "in a virtual network's subnet",
                attribute_path="config.network_id",
            )
        vnet = self._network().virtual_networks.get(
            group_of(config.network_id), name_of(config.network_id)
        )
        if not vnet.subnets:
            raise errors.FailedPrecondition(
                f"virtual network {vnet.name} has no subnet to put {config.name} in",
                attribute_path="config.network_id",
            )
        return str(vnet.subnets[0].id)

    def _create_nic(self, config: pb.InstanceConfig, token: str) -> Any:
        models = sdk_models("network")
        groups = list(config.security_group_ids)
        nic = models.NetworkInterface(
            location=self.clients.location,
            ip_configurations=[
                models.NetworkInterfaceIPConfiguration(
                    name="ipconfig1", subnet=models.Subnet(id=self._subnet_for(config))
                )
            ],
            network_security_group=models.NetworkSecurityGroup(id=groups[0]) if groups else None,
            tags=tags_with_token({}, token),
        )
        return (
            self._network()
            .network_interfaces.begin_create_or_update(
                self.clients.group, f"{config.name}-nic", nic
            )
            .result()
        )

    def _vm_body(self, config: pb.InstanceConfig, token: str, nic_id: str) -> Any:
        models = sdk_models("compute")
        linux: Any = None
        password: str | None = None
        if config.key_pair.startswith("ssh-"):
            path = f"/home/{tables.ADMIN_USER}/.ssh/authorized_keys"
            linux = models.LinuxConfiguration(
                disable_password_authentication=True,
                ssh=models.SshConfiguration(
                    public_keys=[models.SshPublicKey(path=path, key_data=config.key_pair)]
                ),
            )
        else:  # no key: a random password nobody keeps (reset it through Azure to log in)
            password = secrets.token_urlsafe(24) + "a1!"
        return models.VirtualMachine(
            location=self.clients.location,
            zones=[_zone(config.zone)] if config.zone else None,
            tags=tags_with_token(config.tags, token),
            hardware_profile=models.HardwareProfile(
                vm_size=tables.instance_size_for(config.size, config.provider_type)
            ),
            storage_profile=models.StorageProfile(
                image_reference=models.ImageReference(**image_reference(config.image)),
                os_disk=models.OSDisk(
                    create_option="FromImage",
                    delete_option="Delete",
                    disk_size_gb=tables.OS_DISK_GB,
                ),
            ),
            os_profile=models.OSProfile(
                computer_name=config.name[:64],
                admin_username=tables.ADMIN_USER,
                admin_password=password,
                linux_configuration=linux,
                custom_data=base64.b64encode(config.user_data.encode()).decode()
                if config.user_data
                else None,
            ),
            network_profile=models.NetworkProfile(
                network_interfaces=[
                    models.NetworkInterfaceReference(
                        id=nic_id, primary=True, delete_option="Delete"
                    )
                ]
            ),
        )

    # ------------------------------------------------------------------- read

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        ids = arm_ids(ids)
        machines: dict[str, Any] = {}
        nics: dict[str, Any] = {}
        for group in {group_of(i) for i in ids}:  # two list calls per group, whatever N
            machines.update(by_id(listed(self._api().virtual_machines.list, group)))
            nics.update(by_id(listed(self._network().network_interfaces.list, group)))
        return pick(
            ids,
            machines,
            lambda vm, rid: self._convert(vm, _primary_nic(vm, nics), privates.get(rid, b"")),
        )

    def find_by_token(self, token: str) -> str | None:
        machines = self._api().virtual_machines.list(self.clients.group)
        return next((vm.id for vm in machines if token_of(vm.tags) == token), None)

    def _nic_of(self, vm: Any) -> Any:
        nic_id = vm.network_profile.network_interfaces[0].id
        return self._network().network_interfaces.get(group_of(nic_id), name_of(nic_id))

    def _convert(self, vm: Any, nic: Any, private: bytes) -> pb.Instance:
        kept = private_json(private)
        image = vm.storage_profile.image_reference
        urn = (
            ":".join(
                str(getattr(image, f, "") or "") for f in ("publisher", "offer", "sku", "version")
            )
            if image
            else ""
        )
        size = vm.hardware_profile.vm_size
        config = nic.ip_configurations[0] if nic is not None and nic.ip_configurations else None
        subnet_id = config.subnet.id if config is not None and config.subnet else ""
        state = {
            "Succeeded": "running",
            "Creating": "pending",
            "Updating": "running",
            "Deleting": "terminated",
            "Failed": "failed",
        }
        return pb.Instance(
            id=vm.id,
            name=vm.name,
            size=SIZE_OF.get(size, pb.SIZE_UNSPECIFIED),
            provider_type=size,
            image=kept.get("image") or tables.IMAGE_ALIAS_OF.get(urn.lower(), urn),
            provider_image=urn,
            state=state.get(vm.provisioning_state or "", "pending"),
            private_ip=(config.private_ip_address or "") if config is not None else "",
            network_id=subnet_id.rsplit("/subnets/", 1)[0] if subnet_id else "",
            subnet_id=subnet_id,
            security_group_ids=[nic.network_security_group.id]
            if nic is not None and nic.network_security_group
            else [],
            user_data=kept.get("user_data", ""),
            key_pair=kept.get("key_pair", ""),
            tags=user_tags(vm.tags),
            zone=(vm.zones or [""])[0],
            private=private,
        )

    # ----------------------------------------------------------------- update

    def update(self, request: Any) -> pb.Instance:
        group, name = group_of(request.id), name_of(request.id)
        config = request.config
        vm = self._api().virtual_machines.get(group, name)
        nic = self._nic_of(vm)
        if "security_group_ids" in request.changed:
            nic = self._set_nic_group(nic, list(config.security_group_ids))
        size = tables.instance_size_for(config.size, config.provider_type)
        if size != vm.hardware_profile.vm_size or "tags" in request.changed:
            vm.hardware_profile.vm_size = size  # Azure resizes in place (the VM restarts)
            vm.tags = {**system_tags(vm.tags), **dict(config.tags)}
            vm = self._api().virtual_machines.begin_create_or_update(group, name, vm).result()
        return self._convert(vm, nic, request.private)

    def _set_nic_group(self, nic: Any, group_ids: list[str]) -> Any:
        models = sdk_models("network")
        nic.network_security_group = (
            models.NetworkSecurityGroup(id=group_ids[0]) if group_ids else None
        )
        return (
            self._network()
            .network_interfaces.begin_create_or_update(group_of(nic.id), nic.name, nic)
            .result()
        )

    # ----------------------------------------------------------- delete, list

    def delete(self, resource_id: str) -> None:
        group, name = group_of(resource_id), name_of(resource_id)
        delete_or_not_found(
            lambda: self._api().virtual_machines.begin_delete(group, name),
            "virtual machine",
            resource_id,
        )
        # deleteOption took the NIC; one left by an interrupted create goes too.
        self._network().network_interfaces.begin_delete(group, f"{name}-nic").result()

    @apply_filters
    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Instance]:
        group = self.clients.group
        nics = by_id(self._network().network_interfaces.list(group))
        return [
            self._convert(vm, _primary_nic(vm, nics), b"")
            for vm in self._api().virtual_machines.list(group)
        ]


def _primary_nic(vm: Any, nics: Mapping[str, Any]) -> Any:
    references = vm.network_profile.network_interfaces if vm.network_profile else []
    return nics.get(references[0].id.lower()) if references else None


def _zone(zone: str) -> str:
    """ "1" or "eastus-1" -> "1" (Azure zones are numbers within the location)."""
    return zone.rsplit("-", 1)[-1]


__all__ = ["Instances", "image_reference", "parse_id"]
