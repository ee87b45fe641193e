"""Blocks that do not go at the top level: a subnet or security group under its network's
block, and one instance of a `count` compute block (`compute.web[2]`).

Like insert.py, everything is done as text so the file's comments and layout stay; where
the layout is one this cannot edit (flow style, inline tables), insert.py's caller shows
the block to paste instead.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import yaml
from genesys.discovery.generate import ConfigBlock, render_toml_table, render_yaml_item
from genesys.discovery.insert import (
    Unsupported,
    end_index,
    into_section,
    last_content_line,
    splice,
    value_of,
)
from genesys.errors import GenesysError
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\"-]+?)\s*\]\]?\s*(#.*)?$")


# ---------------------------------------------------------------- YAML


def _yaml_item(text: str, section: str, name: str) -> MappingNode:
    """The mapping node of `resources.SECTION[*]` whose name is `name`."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        raise Unsupported from None
    resources = value_of(root, "resources") if isinstance(root, MappingNode) else None
    items = (
        value_of(resources[1], section)
        if resources and isinstance(resources[1], MappingNode)
        else None
    )
    if items is None or not isinstance(items[1], SequenceNode) or items[1].flow_style:
        raise Unsupported
    for item in items[1].value:
        named = value_of(item, "name") if isinstance(item, MappingNode) else None
        if named is not None and isinstance(named[1], ScalarNode) and named[1].value == name:
            if item.flow_style:
                raise Unsupported
            return item
    raise GenesysError(f"no {section} block named {name!r} in the config: declare it first")


def insert_nested_yaml(text: str, block: ConfigBlock) -> str:
    """The block appended to `NETWORK.subnets` (or `security_groups`), created if missing."""
    network = _yaml_item(text, "network", block.network)
    lines = text.splitlines(keepends=True)
    item = render_yaml_item(block)
    existing = value_of(network, block.part)
    if existing is not None:
        return into_section(lines, existing[0], existing[1], item)
    indent = network.value[0][0].start_mark.column
    at = last_content_line(lines, end_index(lines, network.end_mark))
    return splice(lines, at, f"{block.part}:\n" + textwrap.indent(item, "  "), indent)


def _bump_yaml(text: str, name: str, count: int) -> str:
    node = value_of(_yaml_item(text, "compute", name), "count")
    assert node is not None  # checked by the caller from the parsed data
    start, end = node[1].start_mark.index, node[1].end_mark.index
    return text[:start] + str(count) + text[end:]


# ---------------------------------------------------------------- TOML


def _toml_regions(text: str, header: str) -> list[tuple[int, int]]:
    """(first line, end line) of each `[[header]]` table with its sub-tables."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if _header(line) == f"[[{header}]]"]
    regions = []
    for start in starts:
        end = start + 1
        while end < len(lines):
            found = _header(lines[end])
            if found and not found.strip("[]").startswith(header + "."):
                break
            end += 1
        regions.append((start, end))
    return regions


def _header(line: str) -> str | None:
    match = _HEADER.match(line)
    if not match:
        return None
    double = line.strip().startswith("[[")
    return f"[[{match.group(1)}]]" if double else f"[{match.group(1)}]"


def _toml_region(text: str, data: dict[str, Any], section: str, name: str) -> tuple[int, int]:
    items = (data.get("resources") or {}).get(section) or []
    regions = _toml_regions(text, f"resources.{section}")
    if len(regions) != len(items):  # some written as inline tables: not ours to edit
        raise Unsupported
    for item, region in zip(items, regions, strict=True):
        if isinstance(item, dict) and item.get("name") == name:
            return region
    raise GenesysError(f"no {section} block named {name!r} in the config: declare it first")


def insert_nested_toml(text: str, data: dict[str, Any], block: ConfigBlock) -> str:
    """A `[[resources.network.subnets]]` table at the end of its network's tables."""
    start, end = _toml_region(text, data, "network", block.network)
    lines = text.splitlines(keepends=True)
    written = _network_of(data, block.network).get(block.part) or []
    tables = [i for i in range(start, end) if _header(lines[i]) == _part_header(block)]
    if len(tables) != len(written):
        raise Unsupported  # an inline array of them: a table cannot join it
    at = last_content_line(lines, end)
    table = "\n" + render_toml_table(block)
    if at < len(lines) and lines[at].strip():  # keep a blank line before what follows
        table += "\n"
    return splice(lines, at, table, 0)


def _part_header(block: ConfigBlock) -> str:
    return f"[[resources.network.{block.part}]]"


def _network_of(data: dict[str, Any], name: str) -> dict[str, Any]:
    for item in (data.get("resources") or {}).get("network") or []:
        if isinstance(item, dict) and item.get("name") == name:
            return item
    return {}


def _bump_toml(text: str, data: dict[str, Any], name: str, count: int) -> str:
    start, end = _toml_region(text, data, "compute", name)
    lines = text.splitlines(keepends=True)
    for i in range(start, end):
        if re.match(r"^\s*count\s*=\s*\d+", lines[i]):
            lines[i] = re.sub(r"(count\s*=\s*)\d+", rf"\g<1>{count}", lines[i], count=1)
            return "".join(lines)
    raise Unsupported


# ---------------------------------------------------------------- count


def counted_block(text: str, fmt: str, data: dict[str, Any], block: ConfigBlock) -> str | None:
    """For `compute.NAME[i]`: the text with the block's count raised to i+1 (when i is its
    next index), or None when the block is new (then written with `count: 1` for i = 0);
    a GenesysError saying why not otherwise."""
    name, index = block.values["name"], block.index
    assert index is not None
    item = next(
        (c for c in (data.get("resources") or {}).get("compute") or []
         if isinstance(c, dict) and c.get("name") == name),
        None,
    )
    if item is None:
        if index != 0:
            raise GenesysError(
                f"compute.{name}[{index}]: a new block {name} with count {index + 1} would "
                f"also create compute.{name}[0]..[{index - 1}]; adopt compute.{name}[0] first"
            )
        block.values = {"name": name, "count": 1, **{
            k: v for k, v in block.values.items() if k != "name"}}
        return None
    count = item.get("count")
    if count is None:
        raise GenesysError(
            f"compute.{name} has no count: its one instance is compute.{name}, not "
            f"compute.{name}[{index}]; adopt it under that address"
        )
    if index != count:
        raise GenesysError(
            f"compute.{name}[{index}]: the block has count {count}; raising it to "
            f"{index + 1} would also create compute.{name}[{count}]..[{index - 1}]; adopt "
            f"compute.{name}[{count}] first"
        )
    block.notes.append(
        f"compute.{name}'s count was raised to {index + 1}: the instance takes that block's "
        "settings, and `genesys plan` shows how it differs"
    )
    if fmt == "toml":
        return _bump_toml(text, data, name, index + 1)
    return _bump_yaml(text, name, index + 1)
