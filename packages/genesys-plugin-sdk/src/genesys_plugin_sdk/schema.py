"""GetSchema plumbing and provider-settings parsing: only the cloud's facts stay in the plugin.

Attribute facts come from the protocol's messages (so they never drift from the protocol);
what is cloud-specific is which attributes force replacement, which are required and which
are sensitive, plus the settings, translation tables and price table:

    SCHEMA = SchemaFacts(
        force_new={"instance": {"image", "zone"}, "bucket": {"name"}},
        required={"bucket": {"name"}},
        settings=[Setting("project", "string", "GCP project id")],
    )
    schema = provider_schema(
        SCHEMA,
        translations={"instance.size": {"small": "e2-small"}},
        prices=PriceList(as_of="2026-11-01", region="us-central1",
                         entries=[("instance:e2-small", 0.0168, "hour")]),
    )

    raw = settings_dict(configure_request, SCHEMA.setting_names, provider="gcp")
    endpoints = endpoint_settings(configure_request, raw, known=["compute", "storage"])
    wait = number_setting(raw, "wait_timeout", 900.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from genesys.provider.v1 import common_pb2, provider_pb2
from google.protobuf.descriptor import FieldDescriptor

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.kinds import KIND_SPECS, kind_spec

SENSITIVE = frozenset({"password"})
_BOOKKEEPING = frozenset({"private", "provider_data"})


@dataclass(frozen=True)
class Setting:
    name: str
    type: str  # "string" | "int" | "bool" | "map" | "list"
    description: str = ""


@dataclass(frozen=True)
class PriceList:
    as_of: str  # YYYY-MM-DD
    region: str
    entries: Iterable[tuple[str, float, str]] = ()  # (item, usd, unit)


@dataclass(frozen=True)
class SchemaFacts:
    """Per kind (by oneof field name): attributes that force a replacement / are required."""

    force_new: Mapping[str, Iterable[str]] = field(default_factory=dict)
    required: Mapping[str, Iterable[str]] = field(default_factory=dict)
    sensitive: frozenset[str] = SENSITIVE
    settings: Iterable[Setting] = ()
    kinds: Iterable[str] | None = None  # kinds to publish; None: every kind of the protocol

    @property
    def setting_names(self) -> frozenset[str]:
        return frozenset(s.name for s in self.settings)


# The protocol's sizes as translation tables show them: SIZE_SMALL -> "small", ... "xlarge".
SIZE_WORDS: dict[int, str] = {
    value: name.removeprefix("SIZE_").lower() for name, value in common_pb2.Size.items() if value
}


def by_size_word(table: Mapping[int, Any]) -> dict[str, Any]:
    """A size-keyed table (pb.SIZE_SMALL -> "t3.small", ...) keyed by size words instead, as
    a translation table shows it."""
    return {SIZE_WORDS[size]: value for size, value in table.items()}


def type_word(field: FieldDescriptor) -> str:
    """The schema's word for a protobuf field's type."""
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        return "map"
    repeated = getattr(field, "is_repeated", None)
    if repeated is None:  # older protobuf releases have only `label`
        repeated = getattr(field, "label", None) == FieldDescriptor.LABEL_REPEATED
    if repeated:
        return "list"
    if field.type == FieldDescriptor.TYPE_ENUM:
        return "enum"
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        return "object"
    if field.type == FieldDescriptor.TYPE_BOOL:
        return "bool"
    if field.type in (FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_BYTES):
        return "string"
    return "int"


def kind_schema(kind: str, facts: SchemaFacts) -> provider_pb2.KindSchema:
    """Config attributes (required / force_new / sensitive) then computed ones."""
    spec = kind_spec(kind)
    config = spec.config
    config_descriptor = (config or spec.message).DESCRIPTOR
    config_names = {f.name for f in config_descriptor.fields}
    force_new = set(facts.force_new.get(kind, ()))
    required = set(facts.required.get(kind, ()))
    attributes = [
        provider_pb2.AttributeSchema(
            name=f.name,
            type=type_word(f),
            required=f.name in required,
            force_new=f.name in force_new,
            sensitive=f.name in facts.sensitive,
        )
        for f in config_descriptor.fields
        if config is not None or f.name not in ("id", "state", *_BOOKKEEPING)
    ]
    attributes += [
        provider_pb2.AttributeSchema(
            name=f.name, type=type_word(f), computed=True, sensitive=f.name in facts.sensitive
        )
        for f in spec.message.DESCRIPTOR.fields
        if f.name not in config_names and f.name not in _BOOKKEEPING
    ]
    return provider_pb2.KindSchema(kind=spec.enum, attributes=attributes)  # type: ignore[arg-type]


def provider_schema(
    facts: SchemaFacts,
    translations: Mapping[str, Mapping[str, str]] | None = None,
    prices: PriceList | None = None,
) -> provider_pb2.ProviderSchema:
    """The whole GetSchema answer."""
    kinds = list(facts.kinds) if facts.kinds is not None else list(KIND_SPECS)
    schema = provider_pb2.ProviderSchema(
        provider_settings=[
            provider_pb2.AttributeSchema(name=s.name, type=s.type, description=s.description)
            for s in facts.settings
        ],
        kinds=[kind_schema(kind, facts) for kind in kinds],
        translations=[
            provider_pb2.TranslationTable(name=name, entries=dict(entries))
            for name, entries in (translations or {}).items()
        ],
    )
    if prices is not None:
        table = schema.prices.add(as_of=prices.as_of, region=prices.region)
        for item, usd, unit in prices.entries:
            table.entries.add(item=item, usd=usd, unit=unit)
    return schema


def settings_dict(request: Any, known: Iterable[str], provider: str) -> dict[str, Any]:
    """ConfigureRequest.settings as a plain dict; InvalidArgument (settings.<key>) for keys
    the provider does not know."""
    from google.protobuf.json_format import MessageToDict

    raw: dict[str, Any] = MessageToDict(request.settings) if request.HasField("settings") else {}
    allowed = set(known)
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise errors.InvalidArgument(
            f"unknown {provider} provider setting {unknown[0]!r}; "
            f"known: {', '.join(sorted(allowed))}",
            attribute_path=f"settings.{unknown[0]}",
        )
    return raw


def number_setting(raw: Mapping[str, Any], key: str, default: float) -> float:
    """A non-negative number setting; InvalidArgument (settings.<key>) otherwise."""
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise errors.InvalidArgument(
            f"setting {key!r} must be a non-negative number", attribute_path=f"settings.{key}"
        )
    return float(value)


def check_url(url: str, attribute_path: str, what: str = "endpoint") -> str:
    """`url` when it is an http(s) URL; InvalidArgument at `attribute_path` otherwise."""
    if not url.startswith(("http://", "https://")):
        raise errors.InvalidArgument(
            f"{what} {url!r} must be an http:// or https:// URL", attribute_path=attribute_path
        )
    return url


def endpoint_settings(
    request: Any, raw: Mapping[str, Any], known: Iterable[str] | None = None
) -> dict[str, str]:
    """Per-service endpoint URLs: the `endpoints` setting overlaid by the request's
    `endpoints` (`--endpoint svc=url`), each checked; with `known`, unknown service names
    are InvalidArgument (endpoints.<service>)."""
    endpoints = {str(k): str(v) for k, v in dict(raw.get("endpoints") or {}).items()}
    endpoints.update(dict(request.endpoints))
    allowed = None if known is None else list(known)
    for service, url in endpoints.items():
        if allowed is not None and service not in allowed:
            raise errors.InvalidArgument(
                f"unknown endpoint {service!r}; known: {', '.join(allowed)}",
                attribute_path=f"endpoints.{service}",
            )
        check_url(url, f"endpoints.{service}")
    return endpoints
