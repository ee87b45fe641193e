"""The fast way to read plain YAML: data and positions straight from libyaml's events.

`yaml_source.parse_yaml_tree` composes a node tree and walks it; composing is most of the
time on large configs (a Python node object, two marks and a resolver call per node). Plain
documents (no anchors, aliases, tags or `<<` merges: nearly every config) need no tree:
this walker builds the same data, positions and duplicate-key problems in one pass over
the event stream, with the same resolver and constructor for scalars.

Anything else — an anchor, alias, explicit tag or merge key, a syntax or value error,
nesting or size past the limits — makes `read_plain` return None, and the precise
tree-based path reads the document and reports exactly what it always did. So this path
never has to get a corner case right: it only has to recognise that it is in one.
"""

from __future__ import annotations

from typing import Any

from genesys.config.diagnostics import Path
from yaml.constructor import SafeConstructor
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode

_STR_TAG = "tag:yaml.org,2002:str"
_CACHE_LIMIT = 100_000
# Plain scalar text + implicit flags -> resolved tag; constructed immutable values.
_tags: dict[tuple[str, Any], str] = {}
_constants: dict[tuple[str, str], Any] = {}


class _Unusual(Exception):
    """The document needs the precise path (see the module docstring)."""


def read_plain(
    loader_class: Any, text: str, max_depth: int, max_nodes: int
) -> tuple[Any, dict[Path, tuple[int, int]], list[Any]] | None:
    """(data, positions, duplicate keys as (line, column, message, path)) as `parse_yaml`
    finds them, or None when the document is not plain YAML or is wrong in any way."""
    loader = loader_class(text)
    try:
        return _Walker(loader, max_depth, max_nodes).document()
    except Exception:
        return None
    finally:
        loader.dispose()


class _Frame:
    """An open mapping or sequence: its value so far and where the next item goes."""

    __slots__ = ("depth", "is_mapping", "key", "path", "seen", "value")

    def __init__(self, value: Any, path: Path, depth: int) -> None:
        self.value = value
        self.path = path
        self.depth = depth
        self.is_mapping = isinstance(value, dict)
        self.key: str | None = None  # a mapping's key awaiting its value
        self.seen: dict[str, int] = {}  # key -> line it was first written on


class _Walker:
    def __init__(self, loader: Any, max_depth: int, max_nodes: int) -> None:
        self.get = loader.get_event
        self.resolve = loader.resolve
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.nodes = 0
        self.positions: dict[Path, tuple[int, int]] = {}
        self.problems: list[tuple[int, int, str, Path]] = []
        self.constructor = SafeConstructor()

    def document(self) -> tuple[Any, dict[Path, tuple[int, int]], list[Any]]:
        """The whole stream: nothing, or exactly one document."""
        _expect(self.get(), StreamStartEvent)
        event = self.get()
        if type(event) is StreamEndEvent:
            return None, {(): (1, 1)}, []
        _expect(event, DocumentStartEvent)
        data = self.root()
        _expect(self.get(), DocumentEndEvent)
        _expect(self.get(), StreamEndEvent)  # a second document: the precise path says so
        self.positions.setdefault((), (1, 1))
        return data, self.positions, self.problems

    def root(self) -> Any:
        """The document's value, built event by event with an explicit stack.

        The hot loop of loading a large config (a million events at 100,000 resources):
        `key`, `place` and `scalar` are inlined for the common cases, and a path tuple is
        made only where it is kept (a key's or list item's position, a collection's path).
        """
        top = _Frame(None, (), -1)
        stack = [top]
        get = self.get
        positions = self.positions
        tags = _tags
        max_nodes, max_depth = self.max_nodes, self.max_depth
        while True:
            frame = stack[-1]
            event = get()
            kind = type(event)
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                stack.pop()
                value = frame.value
                frame = stack[-1]
            elif frame.is_mapping and frame.key is None:
                key = event.value if kind is ScalarEvent else None
                if key is None or key in frame.seen or event.anchor is not None:
                    self.key(frame, event)  # a duplicate, or something unusual
                    continue
                if event.tag is not None or key == "<<":
                    raise _Unusual
                mark = event.start_mark
                line = mark.line + 1
                frame.seen[key] = line
                frame.key = key
                where = (*frame.path, key)
                positions[where] = (line, mark.column + 1)
                continue
            else:
                self.nodes += 1
                if self.nodes > max_nodes or frame.depth >= max_depth:
                    raise _Unusual
                if event.anchor is not None or event.tag is not None:
                    raise _Unusual
                if kind is ScalarEvent:
                    if not frame.is_mapping and frame.value is not None:
                        mark = event.start_mark
                        where = (*frame.path, len(frame.value))
                        positions[where] = (mark.line + 1, mark.column + 1)
                    text = event.value
                    tag = tags.get((text, event.implicit))
                    value = text if tag == _STR_TAG else self.scalar(event)
                elif kind is MappingStartEvent or kind is SequenceStartEvent:
                    path = self.place(frame, event)
                    stack.append(_Frame({} if kind is MappingStartEvent else [], path, len(path)))
                    continue
                else:
                    raise _Unusual  # an alias
            if frame is top:
                return value
            if frame.is_mapping:
                frame.value[frame.key] = value
                frame.key = None
            else:
                frame.value.append(value)

    def key(self, frame: _Frame, event: Any) -> None:
        """A mapping key: recorded, or reported as a duplicate (its value then skipped,
        as the precise path skips it)."""
        if type(event) is not ScalarEvent:
            raise _Unusual  # a collection or alias as a key
        _plain(event)
        key = event.value
        if key == "<<":
            raise _Unusual  # a merge key
        mark: Any = event.start_mark
        line = mark.line + 1
        path = (*frame.path, key)
        if key in frame.seen:
            message = f"duplicate key '{key}' (first written on line {frame.seen[key]})"
            self.problems.append((line, mark.column + 1, message, path))
            self.skip()
            return
        frame.seen[key] = line
        frame.key = key
        self.positions[path] = (line, mark.column + 1)

    def place(self, frame: _Frame, event: Any) -> Path:
        """The path of the collection starting with `event` (counted and checked against
        the limits in `root`); a sequence item's position is recorded here."""
        if frame.is_mapping:
            return (*frame.path, frame.key)  # type: ignore[arg-type]
        if frame.value is None:
            return ()
        path = (*frame.path, len(frame.value))
        mark = event.start_mark
        self.positions[path] = (mark.line + 1, mark.column + 1)
        return path

    def scalar(self, event: Any) -> Any:
        _plain(event)
        value = event.value
        implicit = event.implicit
        tag = _tags.get((value, implicit))
        if tag is None:
            tag = self.resolve(ScalarNode, value, implicit)
            if len(_tags) < _CACHE_LIMIT:
                _tags[(value, implicit)] = tag
        if tag == _STR_TAG:
            return value
        cached = _constants.get((tag, value), _constants)
        if cached is not _constants:
            return cached
        node = ScalarNode(tag, value, event.start_mark, event.end_mark, style=event.style)
        result = self.constructor.construct_object(node, deep=True)
        if isinstance(result, (bool, int, float, type(None))) and len(_constants) < _CACHE_LIMIT:
            _constants[(tag, value)] = result
        return result

    def skip(self) -> None:
        """Consumes one node's events (a duplicate key's value), still refusing anything
        the precise path would read differently."""
        depth = 0
        while True:
            event = self.get()
            kind = type(event)
            if kind is MappingStartEvent or kind is SequenceStartEvent:
                _plain(event)
                depth += 1
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                depth -= 1
            elif kind is ScalarEvent:
                _plain(event)
            else:
                raise _Unusual
            if depth == 0:
                return


def _plain(event: Any) -> None:
    if event.anchor is not None or event.tag is not None:
        raise _Unusual


def _expect(event: Any, kind: type) -> None:
    if type(event) is not kind:
        raise _Unusual
