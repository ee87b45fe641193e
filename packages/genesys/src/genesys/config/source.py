"""Reading a config file: format detection, decoding, parsing to data with positions,
and the normalisations that happen before validation (the two `policies` forms)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from genesys.config.diagnostics import Path
from genesys.config.toml_source import parse_toml
from genesys.config.vocab import POLICY_NAMES
from genesys.config.yaml_source import MAX_DEPTH, Positions, SourceProblem, parse_yaml

YAML_SUFFIXES = (".yaml", ".yml")
TOML_SUFFIXES = (".toml",)
_TOML_STATEMENT = re.compile(
    r"""^\s*(\[\[?[^\]]*\]\]?\s*(#.*)?|[A-Za-z0-9_."'-]+(\s*\.\s*[A-Za-z0-9_"'-]+)*\s*=.*)$"""
)


@dataclass
class Document:
    """A parsed config file: plain data, where each path was written, and the problems
    found while reading that do not stop validation (duplicate keys, policy forms)."""

    data: dict[str, Any]
    positions: Positions
    format: str
    text: str
    problems: list[SourceProblem] = field(default_factory=list)


def detect_format(path: FsPath, text: str) -> str:
    """By extension; without one, by the first statement (`key = ...` or `[table]`: TOML)."""
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        return "yaml"
    if suffix in TOML_SUFFIXES:
        return "toml"
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        return "toml" if _TOML_STATEMENT.match(stripped) else "yaml"
    return "yaml"


def read_text(path: FsPath) -> str:
    """The file's text; SourceProblem (line 0) when it cannot be read or decoded."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceProblem(0, 0, "file not found") from None
    except IsADirectoryError:
        raise SourceProblem(0, 0, "is a directory, not a config file") from None
    except OSError as err:
        raise SourceProblem(0, 0, f"cannot read: {err.strerror or err}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise SourceProblem(line, column, "file is not valid UTF-8 text") from None


def parse_document(text: str, fmt: str) -> Document:
    """Parses text of a known format; raises SourceProblem on syntax errors."""
    problems: list[SourceProblem] = []
    if fmt == "toml":
        data, positions = parse_toml(text)
    else:
        data, positions, problems = parse_yaml(text)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SourceProblem(
            1, 1, "the top level must be a mapping of keys (provider, region, resources, ...)"
        )
    if fmt == "toml" and _depth(data) > MAX_DEPTH:  # the YAML reader checks as it goes
        raise SourceProblem(1, 1, f"nesting deeper than {MAX_DEPTH} levels")
    document = Document(data, positions, fmt, text, problems)
    _normalise_policies(document)
    return document


def _normalise_policies(document: Document) -> None:
    """`policies` as a list of one-key maps (the seed's YAML) -> the table form (its TOML).

    Positions move with the keys, so errors still point at the list item the user wrote.
    """
    policies = document.data.get("policies")
    if not isinstance(policies, list):
        return
    table: dict[str, Any] = {}
    positions = document.positions
    for index, item in enumerate(policies):
        item_path: Path = ("policies", index)
        if not isinstance(item, dict) or len(item) != 1:
            line, column = positions.get(item_path, positions.get(("policies",), (1, 1)))
            document.problems.append(
                SourceProblem(
                    line,
                    column,
                    "each list item must be one `policy: value` pair, e.g. "
                    "`- no_public_buckets: true` (known policies: " + ", ".join(POLICY_NAMES) + ")",
                    item_path,
                )
            )
            continue
        ((name, value),) = item.items()
        if name in table:
            line, column = positions.get((*item_path, name), (1, 1))
            document.problems.append(
                SourceProblem(line, column, f"policy '{name}' is set twice", ("policies", name))
            )
            continue
        table[name] = value
        _move_positions(positions, (*item_path, name), ("policies", name))
    document.data["policies"] = table


def _move_positions(positions: Positions, old: Path, new: Path) -> None:
    for path in [p for p in positions if p[: len(old)] == old]:
        positions[new + path[len(old) :]] = positions[path]


def _depth(data: Any) -> int:
    """Nesting depth of plain data, without recursion (TOML may nest deeply); once past
    MAX_DEPTH, some depth past it."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        if isinstance(value, (dict, list)):
            for child in value.values() if isinstance(value, dict) else value:
                if isinstance(child, (dict, list)):
                    stack.append((child, depth + 1))
                else:  # a scalar child is one level deeper, with nothing below it
                    deepest = max(deepest, depth + 1)
    return deepest
