"""Known secret values, and text with them masked.

Attribute-level masking (the provider's schema, references to secrets) covers what the
engine renders itself. Free text it did not compose — a provider's error message echoing a
connection string, a plugin's log line, a crash's stderr tail — can only be cleaned by
value: every secret the engine has seen this run is registered here, and progress, logs,
errors and rendered plans pass through `redact` on their way out.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

MASK = "(sensitive value)"
# Shorter values would mask ordinary words and numbers all over the output, and a secret
# that short is not one anyway.
MIN_LENGTH = 4


class Redactor:
    def __init__(self) -> None:
        self._values: set[str] = set()
        self._ordered: list[str] = []  # longest first: a secret containing another goes whole
        self._dirty = False
        self._lock = threading.Lock()

    def add(self, value: Any) -> None:
        """Registers every string (or number) leaf of `value` long enough to be a secret."""
        found: list[str] = []
        _leaves(value, found)
        fresh = [v for v in found if len(v) >= MIN_LENGTH and v not in self._values]
        if fresh:
            with self._lock:
                self._values.update(fresh)
                self._dirty = True  # sorted on the next redact: adds stay O(1) each

    def _secrets(self) -> list[str]:
        if self._dirty:
            with self._lock:
                self._ordered = sorted(self._values, key=len, reverse=True)
                self._dirty = False
        return self._ordered

    def add_attributes(self, attributes: dict[str, Any], names: Iterable[str]) -> None:
        """Registers the values of `names` (dotted for nested ones) in `attributes`."""
        for name in names:
            value: Any = attributes
            for part in name.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            self.add(value)

    def redact(self, text: str) -> str:
        if not text or not self._values:
            return text
        # Substring tests run in C; a regex alternation of thousands of secrets would not.
        for secret in self._secrets():
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def redact_value(self, value: Any) -> Any:
        """`value` (JSON-like) with every string redacted; containers are copied."""
        if not self._values:
            return value
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {k: self.redact_value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.redact_value(v) for v in value]
        return value


def _leaves(value: Any, found: list[str]) -> None:
    if isinstance(value, str):
        found.append(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        found.append(str(value))
    elif isinstance(value, dict):
        for item in value.values():
            _leaves(item, found)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _leaves(item, found)


# One per process: a CLI run is one process, and every secret it has seen is worth hiding
# wherever it shows up.
SECRETS = Redactor()


def redact(text: str) -> str:
    return SECRETS.redact(text)
