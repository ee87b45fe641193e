"""Write the config block for an adopted resource, in the config file's own format.

`config_block` turns a resource's recorded attributes back into the config's keys (`size` ->
`type`, `memory_mb` -> `memory`, ids of managed resources -> their config names).
`add_block_to_config` inserts it into the user's YAML or TOML file as text (comments and
layout elsewhere stay untouched), checks that the result is a valid config declaring the
address, and only then replaces the file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from genesys.errors import GenesysError

# kind -> config section under `resources:`
SECTIONS = {"instance": "compute", "bucket": "storage", "volume": "storage",
            "network": "network", "database": "database", "function": "serverless",
            "subnet": "network", "security_group": "network"}
# kind -> the list of its network's block it is written in
PARTS = {"subnet": "subnets", "security_group": "security_groups"}

_NAME = r"[A-Za-z0-9][A-Za-z0-9_-]*"
_TOP = re.compile(rf"^([a-z]+)\.({_NAME})(?:\[(\d+)\])?$")
_NESTED = re.compile(rf"^network\.({_NAME})\.(subnet|security_group)\.({_NAME})$")


@dataclass
class ConfigBlock:
    section: str  # "compute", "storage", ...
    values: dict[str, Any]  # config keys in the order they are written
    notes: list[str] = field(default_factory=list)  # written as comments above the block
    network: str = ""  # for a subnet or security group: the network block it goes under
    part: str = ""  # "subnets" | "security_groups" (with `network`)
    index: int | None = None  # compute.web[2]: one instance of a counted block


@dataclass
class Placement:
    section: str
    name: str
    network: str = ""
    part: str = ""
    index: int | None = None


def placement(address: str) -> Placement:
    """Where an address's block is written: top level, under a network, or as one index of
    a counted compute block."""
    nested = _NESTED.match(address)
    if nested:
        network, word, name = nested.groups()
        return Placement("network", name, network, PARTS[word])
    top = _TOP.match(address)
    if top is None or (top.group(3) is not None and top.group(1) != "compute"):
        raise GenesysError(
            f"--generate-config writes compute.NAME (or compute.NAME[i]), storage.NAME, "
            f"network.NAME, network.NET.subnet.NAME, network.NET.security_group.NAME, "
            f"database.NAME and serverless.NAME blocks; {address!r} is not one: write its "
            "block yourself, then adopt it"
        )
    index = int(top.group(3)) if top.group(3) is not None else None
    return Placement(top.group(1), top.group(2), index=index)


def block_name(address: str) -> tuple[str, str]:
    """(section word, name) of an address such as "storage.assets"."""
    where = placement(address)
    return where.section, where.name


def _names(ids: list[str], addresses: dict[str, str], notes: list[str], what: str) -> list[str]:
    """Config names (last address part) of managed resources, by provider id."""
    names = []
    for resource_id in ids:
        address = addresses.get(resource_id)
        if address is None:
            notes.append(f"{what} {resource_id} is not managed by Genesys: adopt it to "
                         "reference it")
        else:
            names.append(address.rsplit(".", 1)[1])
    return names


def _compute(a: dict[str, Any], addresses: dict[str, str], notes: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if a.get("size"):
        values["type"] = a["size"]
    elif a.get("provider_type"):
        values["provider_type"] = a["provider_type"]
        notes.append(f"{a['provider_type']} has no abstract size: provider_type keeps it as is")
    image = a.get("image") or a.get("provider_image")
    if image:
        values["image"] = image
    network = _names([a["network_id"]] if a.get("network_id") else [], addresses, notes, "network")
    if network:
        values["network"] = network[0]
        subnet = _names([a["subnet_id"]] if a.get("subnet_id") else [], addresses, notes, "subnet")
        if subnet:
            values["subnet"] = subnet[0]
        groups = _names(list(a.get("security_group_ids") or []), addresses, notes,
                        "security group")
        if groups:
            values["security_groups"] = groups
    for key in ("user_data", "key_pair", "zone"):
        if a.get(key):
            values[key] = a[key]
    return values


def _bucket(a: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {"type": "bucket"}
    for key in ("versioning", "encryption", "public_access"):
        values[key] = bool(a.get(key))
    days = (a.get("lifecycle") or {}).get("delete_after_days")
    if days:
        values["lifecycle"] = {"delete_after_days": days}
    if a.get("website"):
        values["website"] = dict(a["website"])
    return values


def _volume(a: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {"type": "volume", "size_gb": a.get("size_gb") or 1,
                              "volume_class": a.get("volume_class") or "standard",
                              "encrypted": bool(a.get("encrypted"))}
    if a.get("zone"):
        values["zone"] = a["zone"]
    return values


def _database(a: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {"engine": a.get("engine") or "postgres"}
    if a.get("version"):
        values["version"] = str(a["version"])
    values["size"] = a.get("size") or "small"
    if a.get("storage_gb"):
        values["storage"] = a["storage_gb"]
    values["multi_az"] = bool(a.get("multi_az"))
    backup = a.get("backup") or {}
    if backup:
        values["backup"] = {k: v for k, v in backup.items() if k in ("retention_days", "window")}
    if a.get("username"):
        values["username"] = a["username"]
    return values


def _function(a: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {"runtime": a.get("runtime") or "", "handler": a.get("handler") or ""}
    if a.get("memory_mb"):
        values["memory"] = a["memory_mb"]
    if a.get("timeout_s"):
        values["timeout"] = a["timeout_s"]
    if a.get("environment"):
        values["environment"] = dict(a["environment"])
    notes.append("the deployed code is not downloaded: set `source:` to your code's directory")
    return values


def config_block(address: str, kind: str, attributes: dict[str, Any],
                 managed: dict[str, str] | None = None) -> ConfigBlock:
    """The block declaring `address` with the resource's current settings.

    `managed` maps provider ids to the addresses of resources the state manages, so
    references (network, subnet, groups) are written by config name."""
    if kind not in SECTIONS:
        raise GenesysError(f"--generate-config cannot write a {kind} block: write it yourself")
    where = placement(address)
    section, name = where.section, where.name
    if section != SECTIONS[kind] or where.part != PARTS.get(kind, ""):
        raise GenesysError(f"a {kind} belongs under `{SECTIONS[kind]}`, not {address!r}")
    notes: list[str] = []
    addresses = managed or {}
    body = {
        "subnet": lambda: _subnet(attributes),
        "security_group": lambda: _security_group(attributes, addresses, notes),
        "instance": lambda: _compute(attributes, addresses, notes),
        "bucket": lambda: _bucket(attributes),
        "volume": lambda: _volume(attributes),
        "network": lambda: {"cidr": attributes.get("cidr", "")},
        "database": lambda: _database(attributes),
        "function": lambda: _function(attributes, notes),
    }[kind]()
    cloud_name = str(attributes.get("name") or "")
    if cloud_name and cloud_name != name:
        notes.append(f"it is named {cloud_name!r} in the cloud: a plan will propose renaming it")
    values = {"name": name, **body}
    tags = attributes.get("tags") or {}
    if tags:
        values["tags"] = {str(k): str(v) for k, v in tags.items()}
    return ConfigBlock(section, values, notes, where.network, where.part, where.index)


def _subnet(a: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {"cidr": a.get("cidr", ""), "public": bool(a.get("public"))}
    if a.get("zone"):
        values["zone"] = a["zone"]
    return values


def _security_group(a: dict[str, Any], addresses: dict[str, str],
                    notes: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if a.get("description"):
        values["description"] = a["description"]
    for direction in ("ingress", "egress"):
        values[direction] = [_rule(r, addresses, notes) for r in a.get(direction) or []]
    return values


def _rule(r: dict[str, Any], addresses: dict[str, str], notes: list[str]) -> dict[str, Any]:
    rule: dict[str, Any] = {"protocol": r.get("protocol") or "all"}
    low, high = int(r.get("from_port") or 0), int(r.get("to_port") or 0)
    if rule["protocol"] in ("tcp", "udp") or low or high:
        if low == high:
            rule["port"] = low
        else:
            rule["from_port"], rule["to_port"] = low, high
    if r.get("cidr_blocks"):
        rule["cidr_blocks"] = list(r["cidr_blocks"])
    source = r.get("source_security_group_id")
    names = _names([source] if source else [], addresses, notes, "security group")
    if names:
        rule["source_security_group"] = names[0]
    if r.get("description"):
        rule["description"] = r["description"]
    return rule


# ---------------------------------------------------------------- rendering


def render_yaml_item(block: ConfigBlock) -> str:
    """`- name: ...` lines of a list item, comments first."""
    comments = "".join(f"# {note}\n" for note in block.notes)
    return comments + yaml.safe_dump([block.values], sort_keys=False, default_flow_style=False,
                                     allow_unicode=True)


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    return json.dumps(str(value), ensure_ascii=False)


def render_toml_table(block: ConfigBlock) -> str:
    """`[[resources.SECTION]]` (`[[resources.network.subnets]]` for a part of a network)
    with its scalars, then one sub-table per mapping value."""
    lines = [f"# {note}" for note in block.notes]
    header = f"resources.{block.section}" + (f".{block.part}" if block.part else "")
    lines.append(f"[[{header}]]")
    tables = {k: v for k, v in block.values.items() if isinstance(v, dict)}
    for key, value in block.values.items():
        if key not in tables:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, table in tables.items():
        lines.append(f"\n[{header}.{_toml_key(key)}]")
        lines.extend(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items())
    return "\n".join(lines) + "\n"
