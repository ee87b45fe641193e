"""Validating parsed data against the model, reporting every problem at once.

pydantic stops at the first broken level of a model, so a typo in one block would hide
a bad reference in another. We therefore validate, drop whatever was reported (the bad
key, or the list item missing a required key), and validate again — a few rounds at
most — until the rest is valid. The cross-field checks then run on that rest, while
references to a dropped item are not reported as undefined (the item's own error is).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any, Union, get_args, get_origin

from genesys.config.diagnostics import Path, did_you_mean, one_of
from genesys.config.model import Config
from genesys.config.reporter import Reporter
from genesys.config.types import ERROR_TYPE, describe
from pydantic import BaseModel, ValidationError

MAX_ROUNDS = 8
_SECTIONS = {
    "compute": "compute",
    "storage": "storage",
    "network": "network",
    "database": "database",
    "serverless": "serverless",
    "layers": "layer",
}
_PARTS = {
    "subnets": "subnet",
    "security_groups": "security_group",
    "load_balancers": "load_balancer",
}
_EXPECTED = {
    "string_type": "a string",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "float_type": "a number",
    "float_parsing": "a number",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "literal_error": None,
}


class Validated:
    """Outcome of validation: the model (None if nothing valid remains), how its paths map
    back to written paths, and the addresses of items dropped for errors."""

    def __init__(self) -> None:
        self.config: Config | None = None
        self.translate: Callable[[Path], Path] = lambda p: p
        self.broken: frozenset[str] = frozenset()


def validate_data(raw: dict[str, Any], reporter: Reporter) -> Validated:
    result = Validated()
    removed: set[Path] = set()
    dropped_items: set[Path] = set()
    for _ in range(MAX_ROUNDS):
        data, translate = _without(raw, removed)
        try:
            result.config = Config.model_validate(data)
            result.translate = translate
            break
        except ValidationError as err:
            progress = False
            for error in err.errors():
                _path, target = _report(error, data, translate, removed, reporter)
                if target is None or target in removed:
                    continue
                removed.add(target)
                if target and isinstance(target[-1], int):
                    dropped_items.add(target)
                progress = True
            if not progress:
                break
    result.broken = frozenset(a for a in (_address_of(raw, p) for p in dropped_items) if a)
    return result


def _report(
    error: Any,
    data: Any,
    translate: Callable[[Path], Path],
    removed: set[Path],
    reporter: Reporter,
) -> tuple[Path, Path | None]:
    """Reports one pydantic error (unless it is a consequence of an earlier removal);
    returns (written path, written path to remove so the next round can go on)."""
    kind = error["type"]
    loc = tuple(error["loc"])
    if kind == "missing":
        path = (*_data_path(data, loc[:-1]), loc[-1])
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        path = (*_data_path(data, loc), "type")
    else:
        path = _data_path(data, loc)
    written = translate(path)
    # Our own removal of a bad key makes its model report the key as missing: not news.
    # Nor is a whole-block check failing because a bad part of it was removed (a rule
    # whose only, invalid, CIDR was dropped then "needs cidr_blocks").
    consequence = (kind in ("missing", "union_tag_not_found") and written in removed) or (
        kind == ERROR_TYPE and any(r[: len(written)] == written != r for r in removed)
    )
    if not consequence:
        message, hint = _message(kind, error, path)
        reporter.error(written, message, hint)
    # A block without a required key, or of an unknown type, is unusable as a whole.
    if kind in ("missing", "union_tag_not_found", "union_tag_invalid"):
        return written, written[:-1] or None
    return written, written or None


def _message(kind: str, error: Any, path: Path) -> tuple[str, str | None]:
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == ERROR_TYPE:
        return str(ctx.get("message")), ctx.get("hint")
    if kind == "extra_forbidden":
        key = str(path[-1])
        allowed = _allowed_keys(error["loc"][:-1])
        hint = did_you_mean(key, allowed) or (
            "valid keys: " + ", ".join(allowed) if allowed else None
        )
        return f"unknown key '{key}'", hint
    if kind == "missing":
        return f"missing required key '{path[-1]}'", None
    if kind == "union_tag_invalid":
        tags = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
        tag = str(ctx.get("tag"))
        return f"unknown storage type '{tag}'", did_you_mean(
            tag, tags
        ) or f"expected {one_of(tags)}"
    if kind == "union_tag_not_found":
        return "missing required key 'type'", "expected 'bucket' or 'volume'"
    if _EXPECTED.get(kind):
        return f"expected {_EXPECTED[kind]}, got {describe(value)}", None
    bounds = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("above", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("below", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return f"must be {words} {ctx.get(key)}, got {value!r}", None
    text = str(error.get("msg", "invalid value"))
    text = text.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return text[:1].lower() + text[1:], None


def _data_path(data: Any, loc: tuple[Any, ...]) -> Path:
    """pydantic's loc -> a path into the data (dropping union member tags and the like)."""
    path: list[str | int] = []
    current = data
    for part in loc:
        if isinstance(current, dict) and isinstance(part, str) and part in current:  # noqa: SIM114
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        else:
            continue  # a union member's tag, not a key of the data
        path.append(part)
    return tuple(path)


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """Keys the model at `loc` accepts (for "did you mean" on unknown keys)."""
    current: Any = Config
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    model = _model(current)
    if model is None:
        return []
    return [
        field.alias or name
        for name, field in model.model_fields.items()
        if name not in ("enforcement", "unknown_price")  # filled from the setting form
    ]


def _step(annotation: Any, part: Any) -> Any:
    model = _model(annotation)
    if model is not None:
        for name, field in model.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
        return None
    while get_origin(annotation) is typing.Annotated:  # a discriminated union (storage)
        annotation = get_args(annotation)[0]
    origin = get_origin(annotation)
    if origin is list:
        return get_args(annotation)[0]
    if origin is dict:
        return get_args(annotation)[1]
    if origin in (Union, types.UnionType):  # Optional[X] and X | Y
        for member in get_args(annotation):
            member_model = _model(member)
            if member_model and "type" in member_model.model_fields:
                literal = get_args(member_model.model_fields["type"].annotation)
                if part in literal:
                    return member
    return None


def _model(annotation: Any) -> type[BaseModel] | None:
    """The model class an annotation stands for (through Annotated and Optional)."""
    while get_origin(annotation) is typing.Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return _model(members[0])
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _without(raw: dict[str, Any], removed: set[Path]) -> tuple[Any, Callable[[Path], Path]]:
    """A copy of the data without the removed paths, and the map from its paths back."""
    if not removed:
        return raw, lambda p: p
    kept_indices: dict[Path, list[int]] = {}

    def copy(value: Any, path: Path) -> Any:
        if isinstance(value, dict):
            return {k: copy(v, (*path, k)) for k, v in value.items() if (*path, k) not in removed}
        if isinstance(value, list):
            kept = [i for i in range(len(value)) if (*path, i) not in removed]
            if len(kept) != len(value):
                kept_indices[path] = kept
            return [copy(value[i], (*path, i)) for i in kept]
        return value

    data = copy(raw, ())

    def translate(path: Path) -> Path:
        written: list[str | int] = []
        for part in path:
            kept = kept_indices.get(tuple(written))
            if isinstance(part, int) and kept is not None and part < len(kept):
                part = kept[part]
            written.append(part)
        return tuple(written)

    return data, translate


def _address_of(raw: dict[str, Any], path: Path) -> str | None:
    """The address a dropped list item would have had (so references to it stay quiet)."""
    if len(path) < 3 or path[0] != "resources" or str(path[1]) not in _SECTIONS:
        return None
    item = _at(raw, path[:3])
    name = item.get("name") if isinstance(item, dict) else None
    if not isinstance(name, str):
        return None
    base = f"{_SECTIONS[str(path[1])]}.{name}"
    if len(path) == 3:
        return base
    if len(path) == 5 and path[1] == "network" and path[3] in _PARTS:
        child = _at(raw, path)
        child_name = child.get("name") if isinstance(child, dict) else None
        if isinstance(child_name, str):
            return f"{base}.{_PARTS[str(path[3])]}.{child_name}"
    return None


def _at(data: Any, path: Path) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data
