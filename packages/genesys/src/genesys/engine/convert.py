"""Conversions between protocol messages and the engine's plain attribute dicts.

The engine diffs, stores and renders resources as plain dicts keyed by protobuf field names
with enums as the lower-case abstract word ("medium", "postgres"), so that a config value,
a recorded value and a freshly read value compare with `==`. These converters walk the
message descriptors directly (`ListFields`) instead of `json_format`, which is ~6x slower
and sits on the refresh hot path.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from genesys.kinds import Kind
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message

# Fields the engine keeps out of attribute dicts: opaque or bulky.
_SKIPPED_FIELDS = frozenset({"private", "provider_data"})


@cache
def _enum_prefix(enum: EnumDescriptor) -> str:
    """'SIZE_' for Size, 'DATABASE_ENGINE_' for DatabaseEngine: the part before each word."""
    names = [v.name for v in enum.values if v.number != 0]
    unspecified = next(v.name for v in enum.values if v.number == 0)
    return unspecified[: -len("UNSPECIFIED")] if unspecified.endswith("UNSPECIFIED") else names[0]


@cache
def _enum_words(enum: EnumDescriptor) -> dict[int, str]:
    prefix = _enum_prefix(enum)
    return {v.number: v.name[len(prefix) :].lower() for v in enum.values if v.number != 0}


@cache
def _enum_numbers(enum: EnumDescriptor) -> dict[str, int]:
    return {word: number for number, word in _enum_words(enum).items()}


def is_map(field: FieldDescriptor) -> bool:
    message = field.message_type
    return message is not None and bool(message.GetOptions().map_entry)


def is_repeated(field: FieldDescriptor) -> bool:
    # protobuf 7 dropped `label`; `is_repeated` is missing before 5.29.
    if hasattr(field, "is_repeated"):
        return bool(field.is_repeated)
    return bool(field.label == FieldDescriptor.LABEL_REPEATED)  # type: ignore[attr-defined]


def message_to_attributes(message: Message) -> dict[str, Any]:
    """A message as a plain dict of its set fields (defaults omitted, like proto3 itself)."""
    out: dict[str, Any] = {}
    for field, value in message.ListFields():
        name = field.name
        if name in _SKIPPED_FIELDS:
            continue
        shape = _shape(field)
        out[name] = value if shape is _AS_IS else _value_to_plain(field, value)
    return out


# What converting a field's value takes, decided once per field (refresh converts every
# field of every resource: descriptor options and types are not free to ask each time).
_AS_IS, _ENUM, _MESSAGE, _BYTES, _MAP, _MAP_OF_MESSAGES, _REPEATED = range(7)


@cache
def _shape(field: FieldDescriptor) -> int:
    if is_map(field):
        value_field = field.message_type.fields_by_name["value"]  # type: ignore[union-attr]
        return _MAP_OF_MESSAGES if value_field.type == FieldDescriptor.TYPE_MESSAGE else _MAP
    if is_repeated(field):
        return _REPEATED
    return _scalar_shape(field)


@cache
def _scalar_shape(field: FieldDescriptor) -> int:
    if field.type == FieldDescriptor.TYPE_ENUM:
        return _ENUM
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        return _MESSAGE
    if field.type == FieldDescriptor.TYPE_BYTES:
        return _BYTES
    return _AS_IS


def _value_to_plain(field: FieldDescriptor, value: Any) -> Any:
    shape = _shape(field)
    if shape == _MAP_OF_MESSAGES:
        return {k: message_to_attributes(v) for k, v in value.items()}
    if shape == _MAP:
        return dict(value)
    if shape == _REPEATED:
        return [_scalar_to_plain(field, v) for v in value]
    return _scalar_to_plain(field, value)


def _scalar_to_plain(field: FieldDescriptor, value: Any) -> Any:
    shape = _scalar_shape(field)
    if shape == _ENUM:
        return _enum_words(field.enum_type).get(value, str(value))
    if shape == _MESSAGE:
        return message_to_attributes(value)
    if shape == _BYTES:
        return None  # bulky payloads (code zips) are compared by their digest instead
    return value


def attributes_to_message(descriptor_cls: type[Message], attributes: dict[str, Any]) -> Message:
    """Build a message from plain attributes; unknown keys raise ValueError naming the key."""
    descriptor: Any = descriptor_cls.DESCRIPTOR
    return descriptor_cls(**_plain_to_kwargs(descriptor, attributes))


def _plain_to_kwargs(descriptor: Descriptor, attributes: dict[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for name, value in attributes.items():
        field = descriptor.fields_by_name.get(name)
        if field is None:
            raise ValueError(f"unknown attribute {name!r} for {descriptor.name}")
        if value is None:
            continue
        kwargs[name] = _plain_to_field(field, value)
    return kwargs


def _plain_to_field(field: FieldDescriptor, value: Any) -> Any:
    if is_map(field):
        return {str(k): str(v) if v is not None else "" for k, v in value.items()}
    if is_repeated(field):
        return [_plain_to_scalar(field, v) for v in value]
    return _plain_to_scalar(field, value)


def _plain_to_scalar(field: FieldDescriptor, value: Any) -> Any:
    if field.type == FieldDescriptor.TYPE_ENUM:
        if isinstance(value, int):
            return value
        number = _enum_numbers(field.enum_type).get(str(value).lower())
        if number is None:
            allowed = ", ".join(sorted(_enum_numbers(field.enum_type)))
            raise ValueError(f"{field.name}: {value!r} is not one of {allowed}")
        return number
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        return _plain_to_kwargs(field.message_type, value)  # type: ignore[arg-type]
    return value


def config_message(kind: Kind, attributes: dict[str, Any]) -> Message:
    """The kind's *Config message for create/update calls."""
    if kind.config is None:
        raise ValueError(f"{kind.name} has no config message")
    return attributes_to_message(kind.config, attributes)


# Config attributes whose recorded counterpart has another name or shape.
_RECORDED_NAME = {"code": "code_sha256"}
RENAMED_WHEN_RECORDED = frozenset(_RECORDED_NAME)  # every other name is recorded as itself


def recorded_value(name: str, value: Any) -> tuple[str, Any]:
    """Map a desired config attribute onto the name/value a recorded resource carries."""
    if name in _RECORDED_NAME:
        return _RECORDED_NAME[name], (value or {}).get("sha256", "")
    return name, value
