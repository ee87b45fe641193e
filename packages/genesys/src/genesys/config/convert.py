"""Config blocks -> DesiredResources for compute, storage, database, serverless and layers.

Attribute names are the fields of the kind's protocol *Config message; names written in
the config (network, subnet, security_groups, layers, attach_to) become `Ref`s to the
`id` of what they name, which is also what makes them dependency edges.
"""

from __future__ import annotations

from genesys.config.build import Build, optional
from genesys.config.desired import Ref, Value
from genesys.config.diagnostics import Path
from genesys.config.refs import substitute_count_index
from genesys.config.resources import (
    BucketSpec,
    ComputeSpec,
    DatabaseSpec,
    TriggerSpec,
    VolumeSpec,
)


def id_ref(address: str) -> Ref:
    return Ref(address, "id")


NamePath = tuple[str, Path]


def placement(
    build: Build,
    path: Path,
    network: str | None,
    subnets: list[NamePath],
    groups: list[NamePath],
) -> tuple[str | None, list[str], list[str]]:
    """(network address, subnet addresses, group addresses) for names written in a block."""
    if network is None:
        for name, where in subnets[:1]:
            build.reporter.error(where, f"subnet '{name}' needs `network`: set network: too")
        for name, where in groups[:1]:
            build.reporter.error(
                where, f"security group '{name}' needs `network`: groups belong to a network"
            )
        return None, [], []
    net = build.ns.network(network, (*path, "network"))
    if net is None:
        return None, [], []
    subnet_addresses = [
        a for name, where in subnets if (a := build.ns.subnet(network, name, where)) is not None
    ]
    group_addresses = [build.ns.security_group(network, name, where) for name, where in groups]
    return net, subnet_addresses, group_addresses


def _named(names: list[str], path: Path) -> list[NamePath]:
    return [(name, (*path, i)) for i, name in enumerate(names)]


def build_compute(build: Build) -> None:
    for i, vm in enumerate(build.cfg.resources.compute):
        path: Path = ("resources", "compute", i)
        subnet = [(vm.subnet, (*path, "subnet"))] if vm.subnet else []
        groups = _named(vm.security_groups, (*path, "security_groups"))
        net, subnets, sgs = placement(build, path, vm.network, subnet, groups)
        links: dict[str, Value] = {}
        if net:
            links["network_id"] = id_ref(net)
            # No `subnet:` means the network's first subnet, as a user of one subnet expects.
            candidates = (
                subnets if vm.subnet else [a for a, _ in build.ns.subnets_of(vm.network or "")]
            )
            if candidates:
                links["subnet_id"] = id_ref(candidates[0])
        links["security_group_ids"] = [id_ref(a) for a in sgs]
        if vm.count is None:
            build.add(f"compute.{vm.name}", "instance", _instance(vm, vm.name, links), path)
            continue
        for index in range(vm.count):
            attributes = substitute_count_index(_instance(vm, f"{vm.name}-{index}", links), index)
            build.add(f"compute.{vm.name}[{index}]", "instance", attributes, path)


def _instance(vm: ComputeSpec, name: str, links: dict[str, Value]) -> dict[str, Value]:
    attributes: dict[str, Value] = {"name": name, "size": vm.type, "image": vm.image, **links}
    optional(
        attributes,
        user_data=vm.user_data,
        key_pair=vm.key_pair,
        zone=vm.zone,
        provider_type=vm.provider_type,
    )
    attributes["tags"] = dict(vm.tags)
    return attributes


def build_storage(build: Build) -> None:
    for i, item in enumerate(build.cfg.resources.storage):
        path: Path = ("resources", "storage", i)
        address = f"storage.{item.name}"
        if isinstance(item, BucketSpec):
            build.add(address, "bucket", bucket_attributes(item), path)
            continue
        build.add(address, "volume", _volume(item), path)
        if item.attach_to:
            targets = build.ns.instances(item.attach_to, (*path, "attach_to"), one=True)
            if targets:
                attachment = {"volume_id": id_ref(address), "instance_id": id_ref(targets[0])}
                optional(attachment, device=item.device)
                build.add(f"{address}.attachment", "volume_attachment", attachment, path)


def bucket_attributes(item: BucketSpec) -> dict[str, Value]:
    attributes: dict[str, Value] = {
        "name": item.name,
        "versioning": item.versioning,
        "encryption": item.encryption,
        "public_access": item.public_access,
    }
    if item.lifecycle is not None:
        attributes["lifecycle"] = {"delete_after_days": item.lifecycle.delete_after_days}
    if item.website is not None:
        attributes["website"] = item.website.model_dump()
    attributes["tags"] = dict(item.tags)
    return attributes


def _volume(item: VolumeSpec) -> dict[str, Value]:
    attributes: dict[str, Value] = {
        "name": item.name,
        "size_gb": item.size_gb,
        "volume_class": item.volume_class,
        "encrypted": item.encrypted,
    }
    optional(attributes, zone=item.zone)
    attributes["tags"] = dict(item.tags)
    return attributes


def build_databases(build: Build) -> None:
    for i, db in enumerate(build.cfg.resources.database):
        path: Path = ("resources", "database", i)
        attributes: dict[str, Value] = {
            "name": db.name,
            "engine": db.engine,
            "size": db.size,
            "storage_gb": db.storage,
            "multi_az": db.multi_az,
        }
        optional(attributes, version=db.version, username=db.username)
        if db.backup is not None:
            attributes["backup"] = optional(
                {"retention_days": db.backup.retention_days}, window=db.backup.window
            )
        attributes.update(_database_placement(build, db, path))
        attributes["tags"] = dict(db.tags)
        build.add(f"database.{db.name}", "database", attributes, path)


def _database_placement(build: Build, db: DatabaseSpec, path: Path) -> dict[str, Value]:
    subnets = _named(db.subnets or [], (*path, "subnets"))
    groups = _named(db.security_groups, (*path, "security_groups"))
    net, subnet_addresses, sgs = placement(build, path, db.network, subnets, groups)
    if net is None:
        return {}
    if db.subnets is None:  # default: every subnet of the network
        subnet_addresses = [a for a, _ in build.ns.subnets_of(db.network or "")]
    return {
        "subnet_ids": [id_ref(a) for a in subnet_addresses],
        "security_group_ids": [id_ref(a) for a in sgs],
    }


def build_functions(build: Build) -> None:
    for i, fn in enumerate(build.cfg.resources.serverless):
        path: Path = ("resources", "serverless", i)
        layer_ids = []
        for j, name in enumerate(fn.layers):
            layer = build.ns.layer(name, (*path, "layers", j))
            if layer:
                layer_ids.append(id_ref(layer))
        attributes: dict[str, Value] = {
            "name": fn.name,
            "runtime": fn.runtime,
            "handler": fn.handler,
            "memory_mb": fn.memory,
            "timeout_s": fn.timeout,
            "environment": dict(fn.environment),
            "triggers": [trigger_attributes(t) for t in fn.triggers],
            "layer_ids": layer_ids,
        }
        code = build.code(fn.source, path, name=fn.name, runtime=fn.runtime, handler=fn.handler)
        optional(attributes, code=code)
        attributes["tags"] = dict(fn.tags)
        build.add(f"serverless.{fn.name}", "function", attributes, path)


def trigger_attributes(trigger: TriggerSpec) -> dict[str, Value]:
    attributes: dict[str, Value] = {"type": trigger.type}
    optional(attributes, path=trigger.path, schedule=trigger.schedule, source=trigger.source)
    if trigger.methods:
        attributes["methods"] = list(trigger.methods)
    return attributes


def build_layers(build: Build) -> None:
    for i, layer in enumerate(build.cfg.resources.layers):
        path: Path = ("resources", "layers", i)
        attributes: dict[str, Value] = {
            "name": layer.name,
            "compatible_runtimes": list(layer.compatible_runtimes),
        }
        optional(attributes, code=build.source_code(layer.source, (*path, "source")))
        attributes["tags"] = dict(layer.tags)
        build.add(f"layer.{layer.name}", "layer", attributes, path)
