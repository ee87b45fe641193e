"""`${...}` references inside config strings.

Grammar (inside a string, anywhere):
    ${account_id} | ${project_id} | ${region}        identity of the authenticated provider
    ${ADDRESS.ATTRIBUTE}                              an attribute of another resource, e.g.
        ${database.app-db.endpoint}
        ${compute.web-server[0].private_ip}
        ${network.main-vpc.subnet.public.id}
    ${count.index}                                    the index inside a `count` compute block
    $${                                               a literal "${"

A string that is exactly one reference becomes a `Ref`; a string mixing text and references
becomes a `Template`; anything else stays a plain string.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, TypeAlias

from genesys.config.desired import Ref, Template, Value
from genesys.config.vocab import IDENTITY_ATTRIBUTES

COUNT_INDEX = Ref("count", "index")

_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9_-]*(?:\[\d+\])?"
_ADDRESS = re.compile(rf"^[a-z_]+(?:\[\d+\])?(?:\.{_SEGMENT})+$")
_ATTRIBUTE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

Part: TypeAlias = str | Ref


def tokenize(text: str) -> tuple[list[Part], list[str]]:
    """Splits a string into literal text and Refs; returns (parts, syntax errors)."""
    parts: list[Part] = []
    errors: list[str] = []
    literal = ""
    position = 0
    while True:
        start = text.find("$", position)
        if start < 0:
            literal += text[position:]
            break
        literal += text[position:start]
        if text.startswith("$${", start):
            literal += "${"
            position = start + 3
        elif text.startswith("${", start):
            end = text.find("}", start + 2)
            if end < 0:
                errors.append(f"unterminated reference '{text[start : start + 30]}': missing '}}'")
                literal += text[start:]
                break
            ref, error = parse_reference(text[start + 2 : end])
            if error or ref is None:
                errors.append(error or "bad reference")
                literal += text[start : end + 1]
            else:
                if literal:
                    parts.append(literal)
                    literal = ""
                parts.append(ref)
            position = end + 1
        else:
            literal += "$"
            position = start + 1
    if literal:
        parts.append(literal)
    return parts, errors


def parse_reference(expression: str) -> tuple[Ref | None, str | None]:
    """The text between `${` and `}` -> (Ref, None) or (None, error message)."""
    expr = expression.strip()
    if not expr:
        return None, "empty reference '${}'"
    if expr in IDENTITY_ATTRIBUTES:
        return Ref("", expr), None
    if expr == "count.index":
        return COUNT_INDEX, None
    address, _, attribute = expr.rpartition(".")
    if not (_ADDRESS.match(address) and _ATTRIBUTE.match(attribute)):
        identities = ", ".join(f"${{{a}}}" for a in IDENTITY_ATTRIBUTES)
        return None, (
            f"invalid reference '${{{expr}}}': expected ${{kind.name.attribute}} "
            f"(e.g. ${{database.app-db.endpoint}}) or one of {identities}"
        )
    return Ref(address, attribute), None


def parse_value(text: str) -> Value:
    """A config string -> plain str, `Ref` or `Template` (syntax errors are left literal;
    validation reports them before this is used)."""
    if "$" not in text:
        return text
    parts, _ = tokenize(text)
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return Template(tuple(parts))


def refs_in(value: Any) -> Iterator[Ref]:
    """Every Ref inside a value (nested dicts, lists and Templates included)."""
    if isinstance(value, Ref):
        yield value
    elif isinstance(value, Template):
        yield from (p for p in value.parts if isinstance(p, Ref))
    elif isinstance(value, dict):
        for item in value.values():
            yield from refs_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from refs_in(item)


def resolve_value(value: Any, lookup: Callable[[Ref], Any]) -> Any:
    """Substitutes every Ref in a value: a whole-value Ref becomes whatever `lookup`
    returns (any type); Refs inside a Template are rendered as text."""
    if isinstance(value, Ref):
        return lookup(value)
    if isinstance(value, Template):
        return "".join(p if isinstance(p, str) else _text(lookup(p)) for p in value.parts)
    if isinstance(value, dict):
        return {k: resolve_value(v, lookup) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_value(v, lookup) for v in value]
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def substitute_count_index(value: Any, index: int) -> Any:
    """Replaces ${count.index} in the strings of a value with the instance's index."""
    if isinstance(value, str):
        return re.sub(r"(?<!\$)\$\{\s*count\.index\s*\}", str(index), value)
    if isinstance(value, dict):
        return {k: substitute_count_index(v, index) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute_count_index(v, index) for v in value]
    return value
