"""Data of plain TOML, built while its positions are scanned (so `tomllib` is not needed).

`tomllib` is pure Python and reads a large config about as slowly as the position scanner
does. Most configs use a small part of TOML: bare keys, table and array-of-tables headers,
strings without escapes, booleans, decimal integers, and one-line arrays and inline tables
of those. For such a file the scanner's one-line statements (`toml_source`) hand each
header and `key = value` to `PlainTable`, which builds what `tomllib.loads` returns.

Anything outside that part, or anything `tomllib` might reject — a key or table written
twice, a table header over a value, a float, date, escape or dotted key — raises
`NotPlain`, and the file is read by `tomllib` as always (so errors keep their messages).
"""

from __future__ import annotations

import re
from typing import Any

_INTEGER = re.compile(r"[+-]?(?:0|[1-9](?:_?[0-9])*)")
# An inline table's keys with their values as written, or an array's items as written.
Parts = list[tuple[list[str], str]]


class NotPlain(Exception):
    """The file needs `tomllib` (see the module docstring)."""


class PlainTable:
    """The document's data, one header or `key = value` at a time."""

    def __init__(self) -> None:
        self.root: dict[str, Any] = {}
        self.table = self.root
        # Tables a header may go through or into: made by headers, never by a value
        # (inline tables and arrays written as values cannot be extended).
        self._open: set[int] = {id(self.root)}
        self._arrays_of_tables: set[int] = set()

    def header(self, keys: list[str], is_array: bool) -> None:
        """`[a.b]` or `[[a.b]]`: the table that the following pairs go into."""
        node = self.root
        for key in keys[:-1]:
            child = node.get(key)
            if child is None:
                child = node[key] = {}
                self._open.add(id(child))
            elif id(child) in self._arrays_of_tables:
                child = child[-1]  # [[a]] then [a.b]: b goes into the last a
            elif id(child) not in self._open:
                raise NotPlain
            node = child
        table: dict[str, Any] = {}
        existing = node.get(keys[-1])
        if not is_array:
            if existing is not None:
                raise NotPlain  # declared before (perhaps validly, as a prefix): tomllib
            node[keys[-1]] = table
        elif existing is None:
            existing = node[keys[-1]] = [table]
            self._arrays_of_tables.add(id(existing))
        elif id(existing) in self._arrays_of_tables:
            existing.append(table)
        else:
            raise NotPlain
        self._open.add(id(table))
        self.table = table

    def pair(self, keys: list[str], text: str, parts: Parts) -> None:
        """`key = value` in the current table: `text` is the value as written, `parts`
        its items when it is an inline table or an array."""
        if len(keys) != 1 or keys[0] in self.table:
            raise NotPlain  # a dotted key, or a key written twice
        value: Any
        if text[0] == "{":
            value = {}
            for item_keys, item in parts:
                if len(item_keys) != 1 or item_keys[0] in value:
                    raise NotPlain
                value[item_keys[0]] = scalar_of(item)
        elif text[0] == "[":
            value = [scalar_of(item) for _, item in parts]
        else:
            value = scalar_of(text)
        self.table[keys[0]] = value


def scalar_of(text: str) -> Any:
    """A one-line string, boolean or decimal integer as `tomllib` reads it."""
    first = text[0]
    if first == '"':
        if "\\" in text:
            raise NotPlain  # escapes: tomllib's rules
        return text[1:-1]
    if first == "'":
        return text[1:-1]
    if text == "true" or text == "false":
        return text == "true"
    if _INTEGER.fullmatch(text) and len(text) < 100:  # (longer: Python's digit limit)
        return int(text.replace("_", ""))
    raise NotPlain  # floats, dates and times, hexadecimal: tomllib's rules
