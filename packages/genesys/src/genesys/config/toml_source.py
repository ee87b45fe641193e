"""TOML -> plain data plus the position of every key and array item.

`tomllib` parses (and judges syntax) but keeps no positions, so a small scanner walks the
already-valid text once more to find where each key, table header and array item was
written. The scanner only has to understand valid TOML; if it ever stops early, the
positions it found so far are kept and later paths fall back to their nearest ancestor.

Statements on one line with simple values (nearly every line of a config) are matched by
one regular expression each, which records the same offsets several times faster than
stepping through them character by character; everything else is scanned the slow way.
The data itself always comes from tomllib.
"""

from __future__ import annotations

import bisect
import re
import sys
from typing import Any

from genesys.config.diagnostics import Path
from genesys.config.yaml_source import Positions, SourceProblem

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}\n\r#]")
_SPACE = re.compile(r"(?:[ \t]+|#[^\n]*)*")
_SPACE_AND_NEWLINES = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")

# One-line statements (see the module docstring): a value is a plain scalar (number, bool,
# date), a one-line string, or a one-line array or inline table of those.
_KEYS = r"[A-Za-z0-9_-]+(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)*"
_SIMPLE = r""""[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\n]*'|[A-Za-z0-9_:.+-]+"""
_INLINE_PAIR = rf"{_KEYS}[ \t]*=[ \t]*(?:{_SIMPLE})"
_INLINE_TABLE = rf"\{{[ \t]*(?:{_INLINE_PAIR}(?:[ \t]*,[ \t]*{_INLINE_PAIR})*)?[ \t]*\}}"
_ARRAY = rf"\[[ \t]*(?:(?:{_SIMPLE})(?:[ \t]*,[ \t]*(?:{_SIMPLE}))*[ \t]*,?)?[ \t]*\]"
# What ends a one-line statement: the rest of its line, then blank and comment lines.
_END = r"[ \t]*(?:#[^\n]*)?(?:\r?\n|\Z)(?:[ \t\r\n]+|#[^\n]*)*"
_LINE_PAIR = re.compile(
    rf"(?P<keys>{_KEYS})[ \t]*=[ \t]*(?P<value>{_SIMPLE}|{_INLINE_TABLE}|{_ARRAY}){_END}"
)
_LINE_HEADER = re.compile(
    rf"\[(?P<array>\[)?[ \t]*(?P<keys>{_KEYS})[ \t]*\](?(array)\])(?P<end>){_END}"
)
# Inside a value the statement's expression matched: its items, one after another.
_TABLE_ITEMS = re.compile(rf"(?:[ \t]*,)?[ \t]*(?P<keys>{_KEYS})[ \t]*=[ \t]*(?P<value>{_SIMPLE})")
_ARRAY_ITEMS = re.compile(rf"(?:[ \t]*,)?[ \t]*(?P<item>{_SIMPLE})")


def parse_toml(text: str) -> tuple[dict[str, Any], Positions]:
    """Returns (data, positions); raises SourceProblem on bad syntax."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        message = str(err.args[0] if err.args else err)
        match = _AT.search(message)
        line, column = (int(match[1]), int(match[2])) if match else (1, 1)
        if not match and "end of document" in message:
            line, column = text.count("\n") + 1, 1
        message = _AT.sub("", message).replace(" (at end of document)", "")
        raise SourceProblem(line, column, f"invalid TOML: {message}") from None
    except RecursionError:
        raise SourceProblem(1, 1, "invalid TOML: nesting too deep") from None
    except ValueError as err:  # e.g. an integer past Python's 4300-digit conversion limit
        raise SourceProblem(1, 1, f"invalid TOML: {err}") from None
    scanner = scan_toml(text)
    return data, scanner.positions()


def scan_toml(text: str, *, one_line: bool = True) -> _Scanner:
    """Scans valid TOML for positions (and, for the formatter, statements).
    `one_line=False` scans every statement character by character (tests compare)."""
    scanner = _Scanner(text, one_line)
    try:
        scanner.scan()
    except (IndexError, ValueError, RecursionError, tomllib.TOMLDecodeError):
        scanner.complete = False  # positions found so far are kept; see module docstring
    return scanner


class _Scanner:
    def __init__(self, text: str, one_line: bool = True) -> None:
        self.text = text
        self.one_line = one_line
        self.i = 0
        self.complete = True
        self.offsets: dict[Path, int] = {}
        self.array_tables: dict[Path, int] = {}
        self.table: Path = ()
        # For `genesys fmt`: top-level statements and multi-line string spans.
        self.headers: list[tuple[int, int, list[str], bool]] = []  # start, end, raw keys, [[
        self.pairs: list[tuple[int, list[str], int]] = []  # start, raw keys, value start
        self.long_strings: list[tuple[int, int]] = []
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._dotted: dict[str, list[tuple[str, int, int]]] = {}  # dotted keys -> parts

    def positions(self) -> Positions:
        found: Positions = {(): (1, 1)}
        for path, offset in self.offsets.items():
            line = bisect.bisect_right(self.line_starts, offset)
            found[path] = (line, offset - self.line_starts[line - 1] + 1)
        return found

    def _record(self, path: Path, offset: int) -> None:
        self.offsets.setdefault(path, offset)

    # ------------------------------------------------------------ statements

    def scan(self) -> None:
        while True:
            self._skip(newlines=True)
            if self.i >= len(self.text):
                return
            start = self.i
            if self.one_line and self._one_line_statements():
                continue
            if self.text[self.i] == "[":
                self._header()
            else:
                self._key_value(self.table, top=True)
            if self.i == start:  # never loop without progress
                return

    def _header(self) -> None:
        start = self.i
        is_array = self.text.startswith("[[", self.i)
        self.i += 2 if is_array else 1
        keys = self._keys()
        self.i += 2 if is_array else 1
        self._open_table(start, keys, is_array)

    def _open_table(self, start: int, keys: list[tuple[str, int, int]], is_array: bool) -> None:
        """A `[table]` or `[[array]]` header from `start` to self.i with these keys."""
        self.headers.append((start, self.i, [self.text[o:e] for _, o, e in keys], is_array))
        offsets, arrays = self.offsets, self.array_tables  # `_record`, inlined: hot
        path: Path = ()
        last = len(keys) - 1
        for number, (key, offset, _) in enumerate(keys):
            path = (*path, key)
            if number == last and is_array:
                count = arrays.get(path, 0)
                arrays[path] = count + 1
                offsets.setdefault(path, offset)
                path = (*path, count)
                offsets.setdefault(path, start)
            elif path in arrays:
                path = (*path, arrays[path] - 1)
            else:
                offsets.setdefault(path, offset)
        self.table = path

    # ------------------------------------------------------------ one-line statements

    def _one_line_statements(self) -> bool:
        """Scans statements from self.i while they are one-line headers, or `key = value`
        with a plain scalar, a one-line string, or a one-line array or inline table of
        those; False when the first is none of these. Records exactly what the
        character-wise scan records, and stops where it would after skipping blanks."""
        text, offsets, pairs = self.text, self.offsets, self.pairs
        begin = i = self.i
        while i < len(text):
            if text[i] == "[":
                header = _LINE_HEADER.match(text, i)
                if header is None:
                    break
                self.i = header.start("end")
                keys = self._bare_keys(header)
                self._open_table(i, keys, header["array"] is not None)
                i = header.end()
                continue
            pair = _LINE_PAIR.match(text, i)
            if pair is None:
                break
            key = pair["keys"]
            if "." in key:  # dotted: every part is recorded
                keys = self._bare_keys(pair)
                path = self._record_keys(self.table, keys)
                names = [part for part, _, _ in keys]
            else:  # one bare key, recorded inline: most statements come this way
                path = (*self.table, key)
                offsets.setdefault(path, i)
                names = [key]
            value, value_end = pair.span("value")
            pairs.append((i, names, value))
            if text[value] in "{[":
                self._one_line_items(path, value, value_end)
            i = pair.end()
        self.i = i
        return i != begin

    def _one_line_items(self, path: Path, start: int, end: int) -> None:
        """Records the keys of a one-line inline table, or the items of a one-line array,
        at start..end."""
        if self.text[start] == "{":
            for item in _TABLE_ITEMS.finditer(self.text, start + 1, end - 1):
                self._record_keys(path, self._bare_keys(item))
        else:
            for index, item in enumerate(_ARRAY_ITEMS.finditer(self.text, start + 1, end - 1)):
                self._record((*path, index), item.start("item"))

    def _bare_keys(self, match: re.Match[str]) -> list[tuple[str, int, int]]:
        """(key, start, end) of the bare keys in a match's `keys` group (`a` or `a.b.c`)."""
        keys = match["keys"]
        start, end = match.span("keys")
        if "." not in keys:
            return [(keys, start, end)]
        parts = self._dotted.get(keys)  # headers like [[resources.storage]] repeat
        if parts is None:
            parts = self._dotted[keys] = [
                (m.group(), m.start(), m.end()) for m in _BARE_KEY.finditer(keys)
            ]
        return [(key, start + begin, start + finish) for key, begin, finish in parts]

    def _record_keys(self, base: Path, keys: list[tuple[str, int, int]]) -> Path:
        path = base
        for key, offset, _ in keys:
            path = (*path, key)
            self._record(path, offset)
        return path

    def _key_value(self, base: Path, top: bool = False) -> None:
        start = self.i
        keys = self._keys()
        path = self._record_keys(base, keys)
        self._skip()
        self.i += 1  # '='
        self._skip()
        if top:
            self.pairs.append((start, [self.text[o:e] for _, o, e in keys], self.i))
        self._value(path)

    def _keys(self) -> list[tuple[str, int, int]]:
        keys = []
        while True:
            self._skip()
            offset = self.i
            char = self.text[self.i]
            if char in "\"'":
                raw = self._string_end()
                keys.append((tomllib.loads(f"k = {self.text[offset:raw]}")["k"], offset, raw))
                self.i = raw
            else:
                match = _BARE_KEY.match(self.text, self.i)
                if not match:
                    raise ValueError("key expected")
                keys.append((match.group(), offset, match.end()))
                self.i = match.end()
            self._skip()
            if self.i < len(self.text) and self.text[self.i] == ".":
                self.i += 1
                continue
            return keys

    # ------------------------------------------------------------ values

    def _value(self, path: Path) -> None:
        char = self.text[self.i]
        if char in "\"'":
            start = self.i
            self.i = self._string_end()
            if self.text.startswith(char * 3, start):
                self.long_strings.append((start, self.i))
        elif char == "[":
            self._array(path)
        elif char == "{":
            self._inline_table(path)
        else:
            match = _SCALAR_END.search(self.text, self.i)
            self.i = match.start() if match else len(self.text)

    def _array(self, path: Path) -> None:
        self.i += 1
        index = 0
        while True:
            self._skip(newlines=True)
            if self.text[self.i] == "]":
                self.i += 1
                return
            self._record((*path, index), self.i)
            self._value((*path, index))
            index += 1
            self._skip(newlines=True)
            if self.text[self.i] == ",":
                self.i += 1

    def _inline_table(self, path: Path) -> None:
        self.i += 1
        while True:
            self._skip(newlines=True)
            if self.text[self.i] == "}":
                self.i += 1
                return
            self._key_value(path)
            self._skip(newlines=True)
            if self.text[self.i] == ",":
                self.i += 1

    def _string_end(self) -> int:
        """Offset just past the string starting at self.i (any of the four kinds)."""
        text, i = self.text, self.i
        for quote in ('"""', "'''"):
            if text.startswith(quote, i):
                end = i + 3
                while True:
                    end = text.index(quote, end)
                    if quote == '"""' and _escaped(text, end):
                        end += 1
                        continue
                    end += 3
                    extra = 0  # up to two quotes may sit right before the closing three
                    while extra < 2 and end < len(text) and text[end] == quote[0]:
                        end += 1
                        extra += 1
                    return end
        quote = text[i]
        end = i + 1
        while True:
            end = text.index(quote, end)
            if quote == '"' and _escaped(text, end):
                end += 1
                continue
            return end + 1

    def _skip(self, newlines: bool = False) -> None:
        """Skips spaces, tabs and comments (and newlines when asked)."""
        space = _SPACE_AND_NEWLINES if newlines else _SPACE
        self.i = space.match(self.text, self.i).end()  # type: ignore[union-attr]


def _escaped(text: str, index: int) -> bool:
    """Whether the character at `index` is preceded by an odd number of backslashes."""
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1
