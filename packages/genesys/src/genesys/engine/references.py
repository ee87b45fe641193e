"""Resolving `${...}` references in desired attributes against known values."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from genesys.config.desired import Ref, Template
from genesys.engine.plan import UNKNOWN

# (address, attribute) -> value, or UNKNOWN when it is only known after apply.
Lookup = Callable[[str, str], Any]
# Values that are neither a reference nor hold one: passed over without a closer look.
PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})


def resolve(value: Any, lookup: Lookup) -> Any:
    """`value` with every Ref/Template replaced; UNKNOWN if any part is unknown."""
    if isinstance(value, Ref):
        return lookup(value.address, value.attribute)
    if isinstance(value, Template):
        parts = [p if isinstance(p, str) else lookup(p.address, p.attribute) for p in value.parts]
        if any(p is UNKNOWN for p in parts):
            return UNKNOWN
        return "".join("" if p is None else str(p) for p in parts)
    if isinstance(value, dict):
        return {k: v if type(v) in PLAIN_TYPES else resolve(v, lookup) for k, v in value.items()}
    if isinstance(value, list):
        return [v if type(v) in PLAIN_TYPES else resolve(v, lookup) for v in value]
    return value


def contains_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False


def has_references(value: Any) -> bool:
    if isinstance(value, (Ref, Template)):
        return True
    if isinstance(value, dict):
        return any(has_references(v) for v in value.values())
    if isinstance(value, list):
        return any(has_references(v) for v in value)
    return False


def references_in(value: Any) -> list[Ref]:
    """Every Ref in `value`, those inside templates included."""
    if isinstance(value, Ref):
        return [value]
    if isinstance(value, Template):
        return [p for p in value.parts if isinstance(p, Ref)]
    if isinstance(value, dict):
        return [r for v in value.values() if type(v) not in PLAIN_TYPES for r in references_in(v)]
    if isinstance(value, list):
        return [r for v in value if type(v) not in PLAIN_TYPES for r in references_in(v)]
    return []
