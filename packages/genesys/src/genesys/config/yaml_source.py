"""YAML -> plain data plus the position of every key and list item.

PyYAML composes a node tree (libyaml when available, and nodes keep their marks); we
build the data from the nodes ourselves so that every path gets a line and column,
duplicate keys are reported instead of silently dropped, mapping keys stay the text the
user wrote (`on:` is the key "on", not True), and alias bombs or recursive aliases end in
an error instead of exhausting memory.
"""

from __future__ import annotations

from typing import Any

import yaml
from genesys.config.diagnostics import Path
from genesys.config.yaml_events import read_plain
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Positions = dict[Path, tuple[int, int]]

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Caches implicit tag resolution: configs repeat the same keys and values thousands
    of times, and PyYAML resolves each scalar with a chain of regular expressions."""

    _resolved: dict[tuple[Any, str, Any], str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if not isinstance(value, str) or len(self._resolved) > 100_000:
            return super().resolve(kind, value, implicit)
        key = (kind, value, implicit)
        tag = self._resolved.get(key)
        if tag is None:
            tag = self._resolved[key] = super().resolve(kind, value, implicit)
        return tag


_MERGE_TAG = "tag:yaml.org,2002:merge"
MAX_DEPTH = 64
MAX_NODES = 1_000_000


class SourceProblem(Exception):
    """A located problem that stops reading (syntax) or is collected (duplicates)."""

    def __init__(self, line: int, column: int, message: str, path: Path = ()) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message
        self.path = path


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def parse_yaml(text: str) -> tuple[Any, Positions, list[SourceProblem]]:
    """Returns (data, positions, non-fatal problems); raises SourceProblem on bad syntax.

    Plain documents are read from the event stream (`yaml_events`, several times faster);
    the node tree below reads everything else, and judges every error.
    """
    plain = read_plain(_Loader, text, MAX_DEPTH, MAX_NODES)
    if plain is not None:
        data, positions, duplicates = plain
        return data, positions, [SourceProblem(*found) for found in duplicates]
    return parse_yaml_tree(text)


def parse_yaml_tree(text: str) -> tuple[Any, Positions, list[SourceProblem]]:
    """`parse_yaml` through the node tree: any document, any error, located."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = err.problem or "syntax error"
        if err.context:
            problem = f"{problem} ({err.context})"
        raise SourceProblem(line, column, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as err:
        raise SourceProblem(1, 1, f"invalid YAML: {err}") from None
    builder = _Builder()
    if root is None:
        return None, {(): (1, 1)}, []
    data = builder.build(root, (), 0)
    builder.positions.setdefault((), (1, 1))
    return data, builder.positions, builder.problems


class _Builder:
    def __init__(self) -> None:
        self.positions: Positions = {}
        self.problems: list[SourceProblem] = []
        self._scalars = SafeConstructor()
        self._active: set[int] = set()
        self._nodes = 0

    def build(self, node: Node, path: Path, depth: int) -> Any:
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise SourceProblem(*_mark(node), "document too large (alias expansion?)")
        if depth > MAX_DEPTH:
            raise SourceProblem(*_mark(node), f"nesting deeper than {MAX_DEPTH} levels")
        if id(node) in self._active:
            raise SourceProblem(*_mark(node), "recursive alias: a node contains itself")
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        self._active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return self._sequence(node, path, depth)
            return self._mapping(node, path, depth)
        finally:
            self._active.discard(id(node))

    def _scalar(self, node: ScalarNode) -> Any:
        try:
            return self._scalars.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as err:
            raise SourceProblem(*_mark(node), f"invalid YAML value: {err.problem}") from None
        except (ValueError, TypeError, OverflowError) as err:
            raise SourceProblem(*_mark(node), f"invalid YAML value: {err}") from None

    def _sequence(self, node: SequenceNode, path: Path, depth: int) -> list[Any]:
        items = []
        for index, child in enumerate(node.value):
            self.positions.setdefault((*path, index), _mark(child))
            items.append(self.build(child, (*path, index), depth + 1))
        return items

    def _mapping(self, node: Node, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        if not isinstance(node, MappingNode):
            raise SourceProblem(*_mark(node), "unsupported YAML node")
        merged: dict[str, Any] = {}
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.update(self._merge_sources(value_node, path, depth))
                continue
            key = self._key(key_node)
            if key in seen:
                self.problems.append(
                    SourceProblem(
                        *_mark(key_node),
                        f"duplicate key '{key}' (first written on line {seen[key]})",
                        (*path, key),
                    )
                )
                continue
            seen[key] = _mark(key_node)[0]
            key_path = (*path, key)
            self.positions[key_path] = _mark(key_node)
            result[key] = self.build(value_node, key_path, depth + 1)
        return {**{k: v for k, v in merged.items() if k not in result}, **result}

    def _merge_sources(self, node: Node, path: Path, depth: int) -> dict[str, Any]:
        """`<<: *defaults` (or a list of aliases): keys merged under the current mapping."""
        sources = node.value if isinstance(node, SequenceNode) else [node]
        merged: dict[str, Any] = {}
        for source in sources:
            if not isinstance(source, MappingNode):
                raise SourceProblem(*_mark(source), "'<<' merges only mappings")
            for key, value in self.build(source, path, depth + 1).items():
                merged.setdefault(key, value)
        return merged

    @staticmethod
    def _key(node: Node) -> str:
        if not isinstance(node, ScalarNode):
            raise SourceProblem(*_mark(node), "mapping keys must be plain strings")
        return str(node.value)
