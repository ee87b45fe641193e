"""Insert a generated block into a config file as text, keeping everything else as written.

YAML: the file is composed (not loaded) to find where `resources:` and its section sit; the
new list item goes after the section's last item with the same indentation (the section or
`resources:` is created when missing). TOML: an `[[resources.SECTION]]` table is appended,
which TOML allows anywhere after the last table. Either way the result must load as a valid
config that declares the address before the file is replaced (atomically).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import yaml
from genesys.discovery.generate import ConfigBlock, render_toml_table, render_yaml_item
from genesys.errors import GenesysError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


class Unsupported(Exception):
    """The file's layout is one the text insertion does not handle (flow style, ...)."""


def value_of(mapping: MappingNode, key: str) -> tuple[ScalarNode, Node] | None:
    for key_node, value_node in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag.endswith(":null")


def last_content_line(lines: list[str], before: int) -> int:
    """Index just after the last line before `before` that is not blank or a comment."""
    index = min(before, len(lines))
    while index > 0 and (not lines[index - 1].strip() or lines[index - 1].lstrip().startswith("#")):
        index -= 1
    return index


def end_index(lines: list[str], mark: yaml.Mark) -> int:
    """Line index where a block collection ends: the line of the token after it when that
    token starts its line, else the line after the mark."""
    if mark.line < len(lines) and not lines[mark.line][: mark.column].strip():
        return mark.line
    return mark.line + 1


def splice(lines: list[str], at: int, text: str, indent: int) -> str:
    if at > 0 and not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
    lines[at:at] = [textwrap.indent(text, " " * indent)]
    return "".join(lines)


def _after_key(lines: list[str], key: ScalarNode, text: str, indent: int) -> str:
    """Under a key whose value is empty (`storage:`): the new lines go right after it."""
    return splice(lines, key.start_mark.line + 1, text, indent)


def into_section(lines: list[str], key: ScalarNode, node: Node, item: str) -> str:
    if _is_null(node):
        return _after_key(lines, key, item, key.start_mark.column + 2)
    if not isinstance(node, SequenceNode) or node.flow_style or not node.value:
        raise Unsupported
    first = node.value[0]
    dash = lines[first.start_mark.line].rfind("-", 0, first.start_mark.column + 1)
    if dash < 0:
        raise Unsupported
    at = last_content_line(lines, end_index(lines, node.end_mark))
    return splice(lines, at, item, dash)


def insert_yaml(text: str, section: str, item: str) -> str:
    """`text` with `item` (a `- ...` list item) appended to `resources.SECTION`."""
    new_section = f"{section}:\n" + textwrap.indent(item, "  ")
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        raise Unsupported from None
    lines = text.splitlines(keepends=True)
    if root is None:
        return text + ("\n" if text and not text.endswith("\n") else "") + "resources:\n" + \
            textwrap.indent(new_section, "  ")
    if not isinstance(root, MappingNode) or root.flow_style:
        raise Unsupported
    found = value_of(root, "resources")
    if found is None:
        tail = "" if not text or text.endswith("\n") else "\n"
        return text + tail + "resources:\n" + textwrap.indent(new_section, "  ")
    key, resources = found
    if _is_null(resources):
        return _after_key(lines, key, new_section, key.start_mark.column + 2)
    if not isinstance(resources, MappingNode) or resources.flow_style:
        raise Unsupported
    existing = value_of(resources, section)
    if existing is not None:
        return into_section(lines, existing[0], existing[1], item)
    indent = resources.value[0][0].start_mark.column
    at = last_content_line(lines, end_index(lines, resources.end_mark))
    return splice(lines, at, new_section, indent)


def with_block(text: str, fmt: str, block: ConfigBlock) -> str:
    """The config text with the block added, or GenesysError showing the block to paste."""
    if block.part or block.index is not None:
        from genesys.discovery import nested

        try:
            data = _parsed(text, fmt)
            if block.index is not None:
                counted = nested.counted_block(text, fmt, data, block)
                if counted is not None:
                    return counted
            elif fmt == "toml":
                return nested.insert_nested_toml(text, data, block)
            else:
                return nested.insert_nested_yaml(text, block)
        except Unsupported:
            raise _manual(block, fmt) from None
    if fmt == "toml":
        separator = "" if text.endswith("\n\n") or not text else ("\n" if text.endswith("\n")
                                                                   else "\n\n")
        return text + separator + render_toml_table(block)
    try:
        return insert_yaml(text, block.section, render_yaml_item(block))
    except Unsupported:
        raise _manual(block, fmt) from None


def _parsed(text: str, fmt: str) -> dict[str, Any]:
    from genesys.config.toml_source import tomllib

    try:
        data = tomllib.loads(text) if fmt == "toml" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError):
        raise Unsupported from None
    return data if isinstance(data, dict) else {}


def _manual(block: ConfigBlock, fmt: str) -> GenesysError:
    shown = render_toml_table(block) if fmt == "toml" else render_yaml_item(block)
    where = f"resources.{block.section}"
    if block.part:
        where = f"the {block.part} of network {block.network!r}"
    return GenesysError(
        f"could not add the block to the config automatically; add it under "
        f"{where} yourself, then rerun without --generate-config:\n\n{shown}"
    )


def add_block_to_config(path: Path, fmt: str, block: ConfigBlock, address: str) -> None:
    """Insert the block into the file at `path`, keeping it a valid config with `address`."""
    from genesys.config import inspect_config

    new_text = with_block(path.read_text(encoding="utf-8"), fmt, block)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix,
                                         dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(new_text)
        inspection = inspect_config(temp)
        if inspection.errors or address not in inspection.addresses:
            problems = "; ".join(str(d) for d in inspection.errors) or f"{address} missing"
            raise GenesysError(f"the generated block does not load ({problems})\n"
                               + str(_manual(block, fmt)))
        os.chmod(temp, path.stat().st_mode & 0o777)
        os.replace(temp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
