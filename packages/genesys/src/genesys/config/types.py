"""Field types with the config's own error messages (and their JSON Schema).

Each marker is used as `Annotated[str, OneOf("size", SIZES)]`. Validation failures raise
`user_error(...)`, whose message and hint the diagnostics converter reads back verbatim.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from dataclasses import dataclass
from typing import Annotated, Any

from genesys.config.diagnostics import did_you_mean, one_of
from genesys.config.vocab import NAME_PATTERN
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

ERROR_TYPE = "genesys"


def user_error(message: str, hint: str | None = None) -> PydanticCustomError:
    """A validation error whose text reaches the user unchanged."""
    return PydanticCustomError(ERROR_TYPE, "{message}", {"message": message, "hint": hint})


def describe(value: object) -> str:
    """How a wrongly typed value is named in messages: "integer 3", "a list"."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"string '{shown}'"
    if isinstance(value, (datetime.date, datetime.time)):
        return f"date/time {value.isoformat()} (quote it to make it a string)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _as_text(value: object, noun: str) -> str:
    """Strings pass; numbers become strings (YAML reads `version: 14` as a number)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise user_error(f"expected {noun} as a string, got {describe(value)}")


class _Marker:
    """Base of the markers: a plain validator plus a fixed JSON Schema."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(self.validate)

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return self.json_schema()

    def validate(self, value: object) -> object:
        raise NotImplementedError

    def json_schema(self) -> JsonSchemaValue:
        return {"type": "string"}


@dataclass(frozen=True)
class OneOf(_Marker):
    """A string from a fixed vocabulary (size, engine, runtime, ...)."""

    noun: str
    choices: tuple[str, ...]

    def validate(self, value: object) -> str:
        if isinstance(value, str) and value in self.choices:
            return value
        if not isinstance(value, str):
            raise user_error(
                f"expected a {self.noun} ({one_of(self.choices)}), got {describe(value)}"
            )
        hint = did_you_mean(value, self.choices) or f"expected {one_of(self.choices)}"
        raise user_error(f"unknown {self.noun} '{value}'", hint)

    def json_schema(self) -> JsonSchemaValue:
        return {"type": "string", "enum": list(self.choices)}


@dataclass(frozen=True)
class Pattern(_Marker):
    """A string matching a regular expression; `explain` says what is expected."""

    noun: str
    regex: str
    explain: str

    def validate(self, value: object) -> str:
        text = _as_text(value, self.noun)
        if not re.match(self.regex, text):
            raise user_error(f"invalid {self.noun} '{text}'", self.explain)
        return text

    def json_schema(self) -> JsonSchemaValue:
        return {"type": "string", "pattern": self.regex}


@dataclass(frozen=True)
class PluginChoice(_Marker):
    """`provider:`: a provider name, or a path to a plugin executable (a value holding a path
    separator or ending in `.py`, as docs/plugin-protocol.md says): how a team tries its
    own plugin before packaging it."""

    def validate(self, value: object) -> str:
        text = _as_text(value, "provider")
        if is_plugin_path(text):
            return text
        if not re.match(PROVIDER_NAME_PATTERN, text):
            raise user_error(
                f"invalid provider name '{text}'",
                "lower-case letters, digits, '-' or '_'; or a path to a plugin executable "
                "(./genesys-provider-x)",
            )
        return text

    def json_schema(self) -> JsonSchemaValue:
        return {"type": "string"}


PROVIDER_NAME_PATTERN = r"^[a-z][a-z0-9_-]*$"


def is_plugin_path(value: str) -> bool:
    """Whether `provider:` names an executable rather than an installed plugin."""
    return "/" in value or "\\" in value or value.endswith((".py", ".exe"))


@dataclass(frozen=True)
class Cidr(_Marker):
    """An IP network in CIDR notation; `ipv4_only` for networks and subnets."""

    ipv4_only: bool = False

    def validate(self, value: object) -> str:
        text = _as_text(value, "CIDR")
        if "/" not in text:
            raise user_error(f"invalid CIDR '{text}'", "expected CIDR notation like 10.0.0.0/16")
        try:
            network = ipaddress.ip_network(text, strict=True)
        except ValueError as err:
            raise user_error(f"invalid CIDR '{text}': {err}", _host_bits_hint(text)) from None
        if self.ipv4_only and network.version != 4:
            raise user_error(f"invalid CIDR '{text}': an IPv4 network is required")
        return str(network)

    def json_schema(self) -> JsonSchemaValue:
        return {"type": "string", "pattern": r"^[0-9a-fA-F:.]+/\d{1,3}$"}


def _host_bits_hint(text: str) -> str | None:
    try:
        return f"did you mean '{ipaddress.ip_network(text, strict=False)}'?"
    except ValueError:
        return None


Name = Annotated[
    str,
    Pattern(
        "name",
        NAME_PATTERN,
        "a name is 1-63 letters, digits, '-' or '_', starting with a letter or digit",
    ),
]
# module.function for python and node; for a Go runtime the built binary's name (bootstrap,
# server): the runtime-aware part is checked in genesys.config.checks (_check_handlers).
HANDLER_FUNCTION = r"^[A-Za-z_][A-Za-z0-9_./-]*\.[A-Za-z_$][A-Za-z0-9_$]*$"
Handler = Annotated[
    str,
    Pattern(
        "handler",
        r"^[A-Za-z_][A-Za-z0-9_./$-]*$",
        "expected module.function (e.g. main.handler), or a Go function's binary name",
    ),
]
TimeWindow = Annotated[
    str,
    Pattern(
        "time window",
        r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$",
        "expected HH:MM-HH:MM in UTC, e.g. 03:00-04:00",
    ),
]
EnvName = Annotated[
    str,
    Pattern(
        "environment variable name",
        r"^[A-Za-z_][A-Za-z0-9_]*$",
        "use letters, digits and '_', not starting with a digit",
    ),
]
Url = Annotated[
    str,
    Pattern("URL", r"^https?://[^\s/?#]+[^\s]*$", "expected http://host[:port][/path]"),
]
Domain = Annotated[
    str,
    Pattern(
        "domain",
        r"^(?=.{1,253}$)(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$",
        "expected a DNS name like example.com",
    ),
]
_CLAUSE = r"\s*(~>|~=|===|==|!=|>=|<=|>|<|=)?\s*v?\d+(\.\d+){0,3}(\.\*)?([-+][0-9A-Za-z.]+)?\s*"
VersionConstraint = Annotated[
    str,
    Pattern(
        "version constraint",
        rf"^{_CLAUSE}(,{_CLAUSE})*$",
        "expected e.g. '>=1.2,<2' or '~>1.4' or '1.4.2'",
    ),
]
