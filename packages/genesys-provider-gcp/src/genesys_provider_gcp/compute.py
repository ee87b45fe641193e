"""Compute: Compute Engine instances.

An instance's id is `<zone>/<name>` (names are unique per zone). Size -> machine type and
image alias -> image family come from `tables`; the alias asked for is kept in the metadata
item `genesys-image`, so a refresh reads "ubuntu-lts" and no replacement is planned when the
family moves. Security groups are firewalls; an instance joins one through the network tag
that is the group's id. Reads of many instances are one filtered aggregatedList per chunk;
waits for RUNNING are shared by every concurrent create (one filtered list per poll).

GCP changes a machine type only on a stopped instance: stop -> setMachineType -> start, in
place (the instance keeps its name, disks and addresses).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_one
from genesys_plugin_sdk.tags import split_filters
from genesys_plugin_sdk.waiters import Waiter, WaitTiming

from genesys_provider_gcp import tables
from genesys_provider_gcp.clients import GcpClients
from genesys_provider_gcp.common import (
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

IMAGE_ITEM = "genesys-image"
STARTUP_ITEM = "startup-script"
STATES = {
    "PROVISIONING": "pending",
    "STAGING": "pending",
    "RUNNING": "running",
    "STOPPING": "stopping",
    "SUSPENDING": "stopping",
    "SUSPENDED": "stopped",
    "TERMINATED": "stopped",
    "REPAIRING": "pending",
}
FORCE_NEW = ("name", "image", "zone", "subnet_id", "network_id", "key_pair", "user_data")


def instance_from(raw: Any, private: bytes = b"") -> pb.Instance:
    kept = read_private(private)
    metadata = {item.key: item.value for item in raw.metadata.items}
    nic = raw.network_interfaces[0] if raw.network_interfaces else None
    zone = last(raw.zone)
    machine_type = last(raw.machine_type)
    subnet = nic.subnetwork if nic else ""
    return pb.Instance(
        id=f"{zone}/{raw.name}",
        name=raw.name,
        size=tables.size_of_machine_type(machine_type),
        provider_type=machine_type,
        image=metadata.get(IMAGE_ITEM, "") or str(kept.get("image", "")),
        provider_image=str(kept.get("provider_image", "")),
        state=STATES.get(raw.status, raw.status.lower()),
        private_ip=nic.network_i_p if nic else "",
        public_ip=nic.access_configs[0].nat_i_p if nic and nic.access_configs else "",
        network_id=last(nic.network) if nic else "",
        subnet_id=f"{after(subnet, 'regions')}/{last(subnet)}" if subnet else "",
        security_group_ids=sorted(raw.tags.items),
        user_data=metadata.get(STARTUP_ITEM, ""),
        tags=tags_of(dict(raw.labels), kept.get("tags") or {}),
        zone=zone,
        provider_data=struct(
            {
                "gcp_status": raw.status,
                "self_link": raw.self_link,
                "cpu_platform": raw.cpu_platform,
                "labels": dict(raw.labels),
                "created": raw.creation_timestamp,
            }
        ),
        private=private,
    )


class Instances(KindHandler):
    field = "instance"

    def __init__(self, clients: GcpClients) -> None:
        self.clients = clients

    @property
    def api(self) -> Any:
        return self.clients.compute("InstancesClient")

    # ------------------------------------------------------------ reading

    def _aggregated(self, filter_text: str) -> Iterator[Any]:
        request = {"project": self.clients.project, "filter": filter_text, "max_results": 500}
        for _, scoped in self.api.aggregated_list(request=request):
            yield from scoped.instances

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        def fetch(chunk: list[str]) -> Iterator[pb.Instance]:
            wanted = set(chunk)
            names = sorted({split_id(i, "instance")[1] for i in chunk})
            for raw in self._aggregated(names_filter(names)):
                resource_id = f"{last(raw.zone)}/{raw.name}"
                if resource_id in wanted:
                    yield instance_from(raw, privates.get(resource_id, b""))

        return read_chunks_in_parallel(self.clients.pool, ids, fetch, chunk_size=100)

    def find_by_token(self, token: str) -> str | None:
        for raw in self._aggregated(token_filter(token)):
            return f"{last(raw.zone)}/{raw.name}"
        return None

    def statuses(self, ids: list[str]) -> dict[str, str]:
        """The shared waiter's poll: every waited-for instance's status in one list call."""
        names = sorted({split_id(i, "instance")[1] for i in ids})
        found = {
            f"{last(r.zone)}/{r.name}": r.status for r in self._aggregated(names_filter(names))
        }
        return {i: found[i] for i in ids if i in found}

    def waiter(self) -> Waiter[str]:
        def make() -> Waiter[str]:
            settings = self.clients.settings
            timing = WaitTiming(
                first_delay=min(0.05, settings.poll_interval),
                max_delay=max(settings.poll_interval, 0.05),
                timeout=settings.wait_timeout,
            )
            return Waiter(self.statuses, what="instance", timing=timing)

        return self.clients.cache.fact("instance-waiter", make)  # type: ignore[no-any-return]

    # ------------------------------------------------------------ writing

    def _subnet_link(self, config: pb.InstanceConfig, zone: str) -> str:
        region = zone.rsplit("-", 1)[0]
        project = self.clients.project
        if config.subnet_id:
            subnet_region, name = split_id(config.subnet_id, "subnet")
            return f"projects/{project}/regions/{subnet_region}/subnetworks/{name}"
        if not config.network_id:
            raise errors.InvalidArgument(
                "an instance on GCP needs a network or a subnet", attribute_path="config.network_id"
            )
        subnets = self.clients.compute("SubnetworksClient").list(
            request={
                "project": project,
                "region": region,
                "filter": f'network = "{self._network_link(config.network_id)}"',
            }
        )
        names = sorted(s.name for s in subnets)
        if not names:
            raise errors.InvalidArgument(
                f"network {config.network_id} has no subnetwork in {region} to launch into",
                attribute_path="config.network_id",
            )
        return f"projects/{project}/regions/{region}/subnetworks/{names[0]}"

    def _network_link(self, network: str) -> str:
        listed = self.clients.compute("NetworksClient").get(
            project=self.clients.project, network=network
        )
        return str(listed.self_link)

    def _body(self, config: pb.InstanceConfig, token: str, zone: str) -> dict[str, Any]:
        try:
            source = tables.image_source(config.image)
        except ValueError as exc:
            raise errors.InvalidArgument(str(exc), attribute_path="config.image") from None
        machine_type = tables.machine_type_for(config.size, config.provider_type)
        items = [{"key": IMAGE_ITEM, "value": config.image or "ubuntu-lts"}]
        if config.user_data:
            items.append({"key": STARTUP_ITEM, "value": config.user_data})
        return {
            "name": config.name,
            "machine_type": f"zones/{zone}/machineTypes/{machine_type}",
            "labels": labels_for(config.tags, token),
            "tags": {"items": sorted(config.security_group_ids)},
            "metadata": {"items": items},
            "disks": [
                {"boot": True, "auto_delete": True, "initialize_params": {"source_image": source}}
            ],
            "network_interfaces": [{"subnetwork": self._subnet_link(config, zone)}],
        }

    def create(self, config: pb.InstanceConfig, token: str) -> pb.Instance:
        private = private_json({"tags": dict(config.tags), "image": config.image})
        existing = self.find_by_token(token) if token else None
        if existing is None:
            zone = self.clients.zone(config.zone)
            body = self._body(config, token, zone)
            operation = self.api.insert_unary(
                project=self.clients.project, zone=zone, instance_resource=body
            )
            self.clients.wait_operation(operation)
            existing = f"{zone}/{config.name}"
        self.waiter().wait_for(existing, ready={"RUNNING"}, failed={"TERMINATED"})
        return read_one(self, existing, private)  # type: ignore[no-any-return]

    def update(self, request: Any) -> pb.Instance:
        config, changed = request.config, set(request.changed)
        blocked = sorted(changed & set(FORCE_NEW))
        if blocked:
            raise errors.InvalidArgument(
                f"changing {blocked[0]} replaces the instance; it cannot be updated in place",
                attribute_path=f"config.{blocked[0]}",
            )
        private = private_json({**read_private(request.private), "tags": dict(config.tags)})
        zone, name = split_id(request.id, "instance")
        where = {"project": self.clients.project, "zone": zone, "instance": name}
        raw = self.api.get(**where)
        if not changed or "tags" in changed:
            body = {
                "labels": labels_for(config.tags, _token_of(raw)),
                "label_fingerprint": raw.label_fingerprint,
            }
            self.clients.wait_operation(
                self.api.set_labels_unary(**where, instances_set_labels_request_resource=body)
            )
        if not changed or "security_group_ids" in changed:
            body = {"items": sorted(config.security_group_ids), "fingerprint": raw.tags.fingerprint}
            self.clients.wait_operation(self.api.set_tags_unary(**where, tags_resource=body))
        wanted = tables.machine_type_for(config.size, config.provider_type)
        if wanted != last(raw.machine_type):
            self._change_machine_type(where, zone, wanted, request.id)
        return read_one(self, request.id, private)  # type: ignore[no-any-return]

    def _change_machine_type(
        self, where: dict[str, str], zone: str, machine_type: str, resource_id: str
    ) -> None:
        self.clients.wait_operation(self.api.stop_unary(**where))
        self.waiter().wait_for(resource_id, ready={"TERMINATED"})
        body = {"machine_type": f"zones/{zone}/machineTypes/{machine_type}"}
        self.clients.wait_operation(
            self.api.set_machine_type_unary(
                **where, instances_set_machine_type_request_resource=body
            )
        )
        self.clients.wait_operation(self.api.start_unary(**where))
        self.waiter().wait_for(resource_id, ready={"RUNNING"})

    def delete(self, resource_id: str) -> None:
        zone, name = split_id(resource_id, "instance")
        operation = self.api.delete_unary(project=self.clients.project, zone=zone, instance=name)
        self.clients.wait_operation(operation)

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Instance]:
        """Names and tags filter server-side too (one filtered aggregatedList)."""
        own, tags = split_filters(filters, ("name", "zone", "state"))
        terms = [names_filter(own["name"])] if "name" in own else []
        terms += [
            " OR ".join(
                f'(labels.{tables.label_key(k)} = "{tables.label_value(v)}")' for v in values
            )
            for k, values in tags.items()
        ]
        # One term goes to the server; several are matched here (filtered() below checks all).
        text = terms[0] if len(terms) == 1 else ""
        return filtered(
            map(instance_from, self._aggregated(text)), filters, ("name", "zone", "state")
        )

    def adopt(self, resource_id: str) -> pb.Instance:
        return read_one(self, resource_id, b"")  # type: ignore[no-any-return]


def _token_of(raw: Any) -> str:
    from genesys_plugin_sdk.tags import TOKEN_LABEL

    return str(raw.labels.get(TOKEN_LABEL, ""))
