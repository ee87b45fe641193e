"""Located diagnostics: one per problem, each naming file, line, column and field path.

A *path* is a tuple of keys (str) and list indices (int) into the config document, e.g.
`("resources", "compute", 0, "type")`, shown as `resources.compute[0].type`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

PathPart = str | int
Path = tuple[PathPart, ...]

Severity = Literal["error", "warning"]

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def format_path(path: Sequence[PathPart]) -> str:
    """`("resources", "compute", 0, "type")` -> `resources.compute[0].type`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            out += f".{part}" if out else part
        else:
            out += '["{}"]'.format(part.replace("\\", "\\\\").replace('"', '\\"'))
    return out


_PATH_TOKEN = re.compile(r'\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([A-Za-z0-9_-]+)')


def parse_path(text: str) -> Path:
    """Inverse of `format_path` for the paths it produces."""
    parts: list[PathPart] = []
    for index, quoted, plain in _PATH_TOKEN.findall(text):
        if index:
            parts.append(int(index))
        elif plain:
            parts.append(plain)
        else:
            parts.append(re.sub(r"\\(.)", r"\1", quoted))
    return tuple(parts)


@dataclass(frozen=True)
class Diagnostic:
    """One problem (or warning) in a config file.

    `line`/`column` are 1-based; 0 when the problem has no position (e.g. unreadable file).
    `str(d)` is the one-line form every CLI prints:
    `genesys.yaml:12:7: resources.compute[0].type: unknown size 'mediun' (did you mean 'medium'?)`
    """

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: Severity = "error"
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column}"
        text = where + ": "
        if self.severity == "warning":
            text += "warning: "
        if self.path:
            text += f"{self.path}: "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text

    def to_json(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "hint": self.hint,
        }


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by position, duplicates dropped (recovery passes may report a problem twice)."""
    unique = dict.fromkeys(diagnostics)
    return sorted(unique, key=lambda d: (d.file, d.line, d.column, d.severity, d.path))


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A hint naming the closest candidate, or None when nothing is close."""
    pool = list(candidates)
    match = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not match:
        lowered = {c.lower(): c for c in pool}
        if word.lower() in lowered:
            match = [lowered[word.lower()]]
    return f"did you mean '{match[0]}'?" if match else None


def one_of(candidates: Iterable[str]) -> str:
    """`'a', 'b' or 'c'` for messages listing the allowed values."""
    quoted = [f"'{c}'" for c in candidates]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]
