"""Canonical layout for config files (`genesys fmt`). Comments, key order, quoting and
values are kept; only layout changes:

YAML: 2-space indentation, list items indented under their key (`  - name: x`), no
    trailing whitespace, one newline at the end (ruamel.yaml round-trip, which keeps
    comments).
TOML: no indentation before keys and table headers, `key = value` with single spaces,
    tables separated by one blank line, runs of blank lines collapsed, no trailing
    whitespace, one newline at the end. Values (multi-line arrays and strings included)
    are left exactly as written.

Both check that the formatted text parses to the same data as the original, so a
formatter bug can never change what a config means.
"""

from __future__ import annotations

import bisect
import io
import re
from typing import Any

from genesys.config.source import parse_document
from genesys.config.toml_source import parse_toml, scan_toml
from genesys.config.yaml_source import SourceProblem, parse_yaml


class FormatError(Exception):
    """The text could not be formatted without changing its meaning (a formatter bug)."""


def format_text(text: str, fmt: str) -> str:
    """Canonical form of a YAML or TOML config; SourceProblem on syntax errors."""
    parse_document(text, fmt)  # syntax errors surface here, located
    formatted = _format_toml(text) if fmt == "toml" else _format_yaml(text)
    if _data(formatted, fmt) != _data(text, fmt):
        raise FormatError("formatting would change the config's meaning; file left as is")
    return formatted


def _data(text: str, fmt: str) -> Any:
    return parse_toml(text)[0] if fmt == "toml" else parse_yaml(text)[0]


def _format_yaml(text: str) -> str:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = True  # PyYAML reads unquoted yes/on as booleans: keep quotes
    try:
        data = yaml.load(text)
        if data is None:
            return _tidy_lines(text, set())
        out = io.StringIO()
        yaml.dump(data, out)
    except YAMLError as err:
        raise SourceProblem(1, 1, f"invalid YAML: {err}") from None
    return _tidy_lines(out.getvalue(), set())


def _format_toml(text: str) -> str:
    scanner = scan_toml(text)
    if not scanner.complete:
        raise FormatError("this TOML file uses a layout the formatter does not know")
    edits: list[tuple[int, int, str]] = []
    for start, end, keys, is_array in scanner.headers:
        brackets = ("[[", "]]") if is_array else ("[", "]")
        edits.append((_line_start(text, start), end, brackets[0] + ".".join(keys) + brackets[1]))
    for start, keys, value_start in scanner.pairs:
        edits.append((_line_start(text, start), value_start, ".".join(keys) + " = "))
    for begin, end, replacement in sorted(edits, reverse=True):
        text = text[:begin] + replacement + text[end:]
    rescanned = scan_toml(text)
    protected = _lines_inside(text, rescanned.long_strings)
    header_lines = {_line_of(text, start) for start, *_ in rescanned.headers}
    return _tidy_lines(text, protected, header_lines)


def _tidy_lines(text: str, protected: set[int], header_lines: set[int] | None = None) -> str:
    """Strips trailing whitespace, collapses blank-line runs, puts one blank line before
    table headers (not after comments that introduce them), ends with one newline.
    Lines inside multi-line strings (`protected`, 1-based) are kept verbatim."""
    out: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if number in protected:
            out.append(line)
            continue
        line = line.rstrip()
        if not line and (not out or not out[-1]):
            continue
        if header_lines and number in header_lines and out and out[-1] and not _comment(out[-1]):
            out.append("")
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def _comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _lines_inside(text: str, spans: list[tuple[int, int]]) -> set[int]:
    """1-based numbers of the lines that continue a multi-line string (its 2nd line on)."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    inside: set[int] = set()
    for begin, end in spans:
        first = bisect.bisect_right(starts, begin)
        last = bisect.bisect_right(starts, end)
        inside.update(range(first + 1, last + 1))
        # The string's first line keeps its trailing whitespace too (it is content).
        inside.add(first)
    return inside
