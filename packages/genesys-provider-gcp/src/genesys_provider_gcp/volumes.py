"""Volumes and attachments: Compute Engine persistent disks, attached to instances.

A volume's id is `<zone>/<name>`; class `standard` -> pd-standard, `ssd` -> pd-ssd, none ->
pd-balanced. Persistent disks are always encrypted at rest (Google-managed keys); the value
asked for is kept in private bytes and read back, so a config saying either shows no drift.
A disk grows in place (resize); it never shrinks. An attachment's id is
`<volume id>:<instance id>`; its device name is the one asked for, else the disk's name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_one
from genesys_plugin_sdk.tags import TOKEN_LABEL, label_token

from genesys_provider_gcp import tables
from genesys_provider_gcp.clients import GcpClients
from genesys_provider_gcp.common import (
    ATTACH_LABEL,
    after,
    filtered,
    labels_for,
    last,
    names_filter,
    private_json,
    read_chunks_in_parallel,
    read_private,
    split_id,
    struct,
    tags_of,
    token_filter,
)

CLASSES = {v: k for k, v in tables.VOLUME_TYPES.items()}


def volume_from(raw: Any, private: bytes = b"") -> pb.Volume:
    kept = read_private(private)
    disk_type = last(raw.type_)
    users = list(raw.users)
    zone = last(raw.zone)
    status = raw.status
    return pb.Volume(
        id=f"{zone}/{raw.name}",
        name=raw.name,
        size_gb=int(raw.size_gb),
        volume_class=CLASSES.get(disk_type, disk_type),
        provider_type=disk_type,
        encrypted=bool(kept.get("encrypted", True)),
        zone=zone,
        state="in-use" if users else ("available" if status == "READY" else status.lower()),
        attached_instance_id=f"{zone}/{last(users[0])}" if users else "",
        tags=tags_of(dict(raw.labels), kept.get("tags") or {}),
        provider_data=struct({"self_link": raw.self_link, "status": status}),
        private=private,
    )


class Volumes(KindHandler):
    field = "volume"

    def __init__(self, clients: GcpClients) -> None:
        self.clients = clients

    @property
    def api(self) -> Any:
        return self.clients.compute("DisksClient")

    def _aggregated(self, filter_text: str) -> Iterator[Any]:
        request = {"project": self.clients.project, "filter": filter_text}
        for _, scoped in self.api.aggregated_list(request=request):
            yield from scoped.disks

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        def fetch(chunk: list[str]) -> Iterator[pb.Volume]:
            names = sorted({split_id(i, "volume")[1] for i in chunk})
            for raw in self._aggregated(names_filter(names)):
                resource_id = f"{last(raw.zone)}/{raw.name}"
                if resource_id in chunk:
                    yield volume_from(raw, privates.get(resource_id, b""))

        return read_chunks_in_parallel(self.clients.pool, ids, fetch)

    def find_by_token(self, token: str) -> str | None:
        for raw in self._aggregated(token_filter(token)):
            return f"{last(raw.zone)}/{raw.name}"
        return None

    def create(self, config: pb.VolumeConfig, token: str) -> pb.Volume:
        private = private_json({"tags": dict(config.tags), "encrypted": config.encrypted})
        existing = self.find_by_token(token) if token else None
        if existing is None:
            zone = self.clients.zone(config.zone)
            disk_type = tables.VOLUME_TYPES.get(config.volume_class, config.volume_class)
            body = {
                "name": config.name,
                "size_gb": config.size_gb or 10,
                "type_": f"zones/{zone}/diskTypes/{disk_type}",
                "labels": labels_for(config.tags, token),
            }
            operation = self.api.insert_unary(
                project=self.clients.project, zone=zone, disk_resource=body
            )
            self.clients.wait_operation(operation)
            existing = f"{zone}/{config.name}"
        return read_one(self, existing, private)  # type: ignore[no-any-return]

    def update(self, request: Any) -> pb.Volume:
        zone, name = split_id(request.id, "volume")
        where = {"project": self.clients.project, "zone": zone, "disk": name}
        raw = self.api.get(**where)
        config = request.config
        if config.size_gb and config.size_gb < int(raw.size_gb):
            raise errors.InvalidArgument(
                f"a persistent disk grows but never shrinks ({raw.size_gb} GB now)",
                attribute_path="config.size_gb",
            )
        if config.size_gb > int(raw.size_gb):
            body = {"size_gb": config.size_gb}
            self.clients.wait_operation(
                self.api.resize_unary(**where, disks_resize_request_resource=body)
            )
        own = {k: v for k, v in raw.labels.items() if k in (TOKEN_LABEL, ATTACH_LABEL)}
        labels = {**labels_for(config.tags), **own}
        if labels != dict(raw.labels):
            body = {"labels": labels, "label_fingerprint": raw.label_fingerprint}
            self.clients.wait_operation(
                self.api.set_labels_unary(
                    project=self.clients.project,
                    zone=zone,
                    resource=name,
                    zone_set_labels_request_resource=body,
                )
            )
        private = private_json({**read_private(request.private), "tags": dict(config.tags)})
        return read_one(self, request.id, private)  # type: ignore[no-any-return]

    def delete(self, resource_id: str) -> None:
        zone, name = split_id(resource_id, "volume")
        self.clients.wait_operation(
            self.api.delete_unary(project=self.clients.project, zone=zone, disk=name)
        )

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Volume]:
        return filtered(map(volume_from, self._aggregated("")), filters, ("name", "zone"))


def _pair(attachment_id: str) -> tuple[str, str]:
    volume, sep, instance = attachment_id.partition(":")
    if not sep:
        raise errors.NotFound(
            f"volume attachment {attachment_id!r} not found (ids are <volume>:<instance>)"
        )
    return volume, instance


class Attachments(KindHandler):
    field = "volume_attachment"

    def __init__(self, clients: GcpClients) -> None:
        self.clients = clients

    @property
    def api(self) -> Any:
        return self.clients.compute("InstancesClient")

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        pairs = {i: _pair(i) for i in ids}
        names = sorted({split_id(instance, "instance")[1] for _, instance in pairs.values()})
        request = {"project": self.clients.project, "filter": names_filter(names)}
        instances = {
            f"{last(i.zone)}/{i.name}": i
            for _, s in self.api.aggregated_list(request=request)
            for i in s.instances
        }
        found: dict[str, Any] = {}
        for attachment_id, (volume, instance) in pairs.items():
            raw = instances.get(instance)
            disk = split_id(volume, "volume")[1]
            attached = next((d for d in raw.disks if last(d.source) == disk), None) if raw else None
            if attached is not None:
                found[attachment_id] = pb.VolumeAttachment(
                    id=attachment_id,
                    volume_id=volume,
                    instance_id=instance,
                    device=attached.device_name,
                    state="attached",
                )
        return found

    def find_by_token(self, token: str) -> str | None:
        """The attachment made with `token`: its disk carries the label ATTACH_LABEL."""
        request = {
            "project": self.clients.project,
            "filter": f'labels.{ATTACH_LABEL} = "{label_token(token)}"',
        }
        disks = self.clients.compute("DisksClient")
        for _, scoped in disks.aggregated_list(request=request):
            for raw in scoped.disks:
                if raw.users:
                    zone = last(raw.zone)
                    return f"{zone}/{raw.name}:{after(raw.users[0], 'zones')}/{last(raw.users[0])}"
        return None

    def _mark(self, volume_id: str, token: str) -> None:
        """Labels the disk with the attach token (ReadResources finds the pair by it)."""
        zone, name = split_id(volume_id, "volume")
        disks = self.clients.compute("DisksClient")
        raw = disks.get(project=self.clients.project, zone=zone, disk=name)
        labels = {**dict(raw.labels), ATTACH_LABEL: label_token(token)}
        body = {"labels": labels, "label_fingerprint": raw.label_fingerprint}
        operation = disks.set_labels_unary(
            project=self.clients.project,
            zone=zone,
            resource=name,
            zone_set_labels_request_resource=body,
        )
        self.clients.wait_operation(operation)

    def create(self, request: Any, token: str) -> pb.VolumeAttachment:
        attachment_id = f"{request.volume_id}:{request.instance_id}"
        if attachment_id in self.read_many([attachment_id], {}):
            return read_one(self, attachment_id)  # type: ignore[no-any-return]
        volume_zone, disk = split_id(request.volume_id, "volume")
        zone, name = split_id(request.instance_id, "instance")
        body = {
            "source": f"zones/{volume_zone}/disks/{disk}",
            "device_name": request.device or disk,
        }
        operation = self.api.attach_disk_unary(
            project=self.clients.project, zone=zone, instance=name, attached_disk_resource=body
        )
        self.clients.wait_operation(operation)
        if token:
            self._mark(request.volume_id, token)
        return read_one(self, attachment_id)  # type: ignore[no-any-return]

    def delete(self, resource_id: str) -> None:
        attachment = read_one(self, resource_id)
        zone, name = split_id(attachment.instance_id, "instance")
        operation = self.api.detach_disk_unary(
            project=self.clients.project, zone=zone, instance=name, device_name=attachment.device
        )
        self.clients.wait_operation(operation)
