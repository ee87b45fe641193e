"""ComputeService: an instance is a supervised OS process.

Create makes <root>/instances/<id>/, starts a detached supervisor (supervisor.py) that runs
`user_data` — as an executable script when it starts with "#!", else with /bin/sh -c — with
output in console.log, and then stays alive as "the instance" until deleted. The instance is
"running" while that process (same pid *and* start time) lives, "stopped" otherwise.
In a subnet it gets the subnet's next free host address; outside one, 127.0.0.1.
Sizes are labels (see tables.py): no cgroup or rlimit is applied.
"""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors

from genesys_provider_local import daemons, processes, tables
from genesys_provider_local.fs import make_dir, remove_path
from genesys_provider_local.network import allocate_ip, load_message
from genesys_provider_local.ops import Dep, KindOps, struct
from genesys_provider_local.registry import FAILED, Row

HOST_IMAGE = f"host:{platform.system().lower()}-{platform.machine().lower()}"


def instance_type(size: pb.Size, override: str) -> str:
    return override or tables.INSTANCE_TYPES.get(size, tables.INSTANCE_TYPES[pb.SIZE_SMALL])


def user_data_command(directory: Path, user_data: str) -> list[str] | None:
    if not user_data.strip():
        return None
    if user_data.startswith("#!"):
        script = directory / "user_data"
        script.write_text(user_data)
        script.chmod(0o700)
        return [str(script)]
    return ["/bin/sh", "-c", user_data]


class InstanceOps(KindOps[pb.Instance]):
    kind = pb.RESOURCE_KIND_INSTANCE

    def directory(self, rid: str) -> Path:
        return self.path("instances", rid)

    def dependencies(self, desired: Any) -> list[Dep]:
        deps = []
        if desired.subnet_id:
            deps.append(Dep("subnet_id", pb.RESOURCE_KIND_SUBNET, desired.subnet_id))
        if desired.network_id:
            deps.append(Dep("network_id", pb.RESOURCE_KIND_NETWORK, desired.network_id))
        for i, gid in enumerate(desired.security_group_ids):
            deps.append(Dep(f"security_group_ids[{i}]", pb.RESOURCE_KIND_SECURITY_GROUP, gid))
        return deps

    def _network_of(self, config: Any) -> str:
        if not config.subnet_id:
            return str(config.network_id)
        subnet = load_message(self.rt.registry, config.subnet_id, pb.Subnet)
        if config.network_id and config.network_id != subnet.network_id:
            raise errors.InvalidArgument(
                f"subnet {subnet.id} belongs to network {subnet.network_id}, "
                f"not {config.network_id}",
                attribute_path="config.subnet_id",
            )
        return str(subnet.network_id)

    def _check_groups(self, config: Any, network_id: str) -> None:
        for i, gid in enumerate(config.security_group_ids):
            group = load_message(self.rt.registry, gid, pb.SecurityGroup)
            if network_id and group.network_id and group.network_id != network_id:
                raise errors.InvalidArgument(
                    f"security group {gid} belongs to network {group.network_id}, not {network_id}",
                    attribute_path=f"config.security_group_ids[{i}]",
                )

    def reserve(self, rid: str, config: pb.InstanceConfig) -> None:
        network_id = self._network_of(config)
        self._check_groups(config, network_id)
        if config.subnet_id:
            subnet = load_message(self.rt.registry, config.subnet_id, pb.Subnet)
            allocate_ip(self.rt.registry, subnet, rid)

    def build(self, rid: str, config: pb.InstanceConfig) -> tuple[pb.Instance, dict[str, Any]]:
        directory = make_dir(self.directory(rid), 0o700)  # spec.json, console: owner only
        (directory / "volumes").mkdir(exist_ok=True)
        private_ip = self.rt.registry.ip_of(rid) or "127.0.0.1"
        provider_type = instance_type(config.size, config.provider_type)
        env = daemons.child_environment(
            {
                "GENESYS_INSTANCE_ID": rid,
                "GENESYS_INSTANCE_NAME": config.name,
                "GENESYS_PRIVATE_IP": private_ip,
                "GENESYS_INSTANCE_DIR": str(directory),
            }
        )
        command = user_data_command(directory, config.user_data)
        state = daemons.launch(directory, {"command": command, "env": env, "cwd": str(directory)})
        instance = pb.Instance(
            id=rid,
            name=config.name,
            size=config.size or tables.size_of_type(provider_type, tables.INSTANCE_TYPES),
            provider_type=provider_type,
            image=config.image,
            provider_image=HOST_IMAGE,
            state="running",
            private_ip=private_ip,
            network_id=self._network_of(config),
            subnet_id=config.subnet_id,
            security_group_ids=config.security_group_ids,
            user_data=config.user_data,
            key_pair=config.key_pair,
            tags=config.tags,
            zone=config.zone,
            provider_data=struct(
                directory=str(directory),
                console_log=str(directory / "console.log"),
                pid=state["pid"],
                resources=tables.INSTANCE_TYPE_LABELS.get(provider_type),
            ),
        )
        return instance, {"pid": state["pid"], "start": state["start"]}

    def destroy(self, rid: str, message: pb.Instance | None) -> None:
        directory = self.directory(rid)
        daemons.stop(directory)
        remove_path(directory, self.rt.root)

    def observe(self, row: Row) -> bytes | None:
        if row.status == FAILED:
            return row.body
        if not self.directory(row.id).is_dir():
            return None
        running = processes.is_alive(int(row.aux.get("pid", 0)), str(row.aux.get("start", "")))
        instance = pb.Instance.FromString(row.body)
        instance.state = "running" if running else "stopped"
        return instance.SerializeToString()

    def on_update(
        self, rid: str, message: pb.Instance, aux: dict[str, Any], config: Any, fields: set[str]
    ) -> dict[str, Any]:
        if fields & {"size", "provider_type"}:
            message.provider_type = instance_type(message.size, config.provider_type)
            message.provider_data["resources"] = tables.INSTANCE_TYPE_LABELS.get(
                message.provider_type, ""
            )
        if "security_group_ids" in fields:
            self._check_groups(message, message.network_id)
        return aux
