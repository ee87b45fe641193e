"""The protocol's resource kinds as the SDK sees them, derived from the protobuf descriptors.

For every field of `common_pb2.Resource`'s oneof (one per kind) this finds the service that
serves it and the RPC name of each verb, so servicers can be generated instead of written:

    KIND_SPECS["instance"].rpcs == {"create": "CreateInstance", "get": "GetInstance",
        "update": "UpdateInstance", "delete": "DeleteInstance", "list": "ListInstances",
        "discover": "DiscoverInstances", "adopt": "AdoptInstance"}
    KIND_SPECS["volume_attachment"].rpcs == {"create": "AttachVolume",
        "get": "GetVolumeAttachment", "delete": "DetachVolume"}

Verbs a service does not have for a kind (UpdateCertificate) are simply absent from `rpcs`.
Adding a kind to `proto/` adds it here with no code change, unless its RPCs break the
`<Verb><Message>` naming (then add it to `_SPECIAL_RPCS`).
"""

from __future__ import annotations

import dataclasses
import importlib
from dataclasses import dataclass
from typing import Any

from genesys.provider.v1 import common_pb2 as pb

from genesys_plugin_sdk.services import PROTO_PACKAGE, ROLES

VERBS: tuple[str, ...] = ("create", "get", "update", "delete", "list", "discover", "adopt")
# Kinds whose RPCs do not follow <Verb><Message> (an attachment is attached, not created).
_SPECIAL_RPCS: dict[str, dict[str, str]] = {
    "volume_attachment": {
        "create": "AttachVolume",
        "get": "GetVolumeAttachment",
        "delete": "DetachVolume",
    },
}
# Services that serve resource kinds (Provider and StateStore do not).
RESOURCE_SERVICES: tuple[str, ...] = ("compute", "storage", "network", "database", "serverless")


@dataclass(frozen=True)
class KindSpec:
    """One resource kind's place in the protocol."""

    field: str  # oneof field of pb.Resource, e.g. "security_group"
    enum: int  # pb.ResourceKind value
    message: Any  # resource message class, e.g. pb.SecurityGroup
    config: Any  # *Config message class, or None (volume_attachment)
    service: str  # Plugin attribute of the serving service, e.g. "network"
    rpcs: dict[str, str] = dataclasses.field(default_factory=dict)  # verb -> RPC method name

    @property
    def label(self) -> str:
        """Words for messages: "security group"."""
        return self.field.replace("_", " ")


def service_descriptor(service: str) -> Any:
    """The ServiceDescriptor of a service by its Plugin attribute ("compute", ...)."""
    role = next(r for r in ROLES if r.attr == service)
    module = importlib.import_module(f"{PROTO_PACKAGE}.{role.module.removesuffix('_grpc')}")
    return module.DESCRIPTOR.services_by_name[role.service]


def _verb_names(field_name: str, stem: str) -> dict[str, str]:
    plural = f"{stem}s"
    names = {verb: f"{verb.capitalize()}{stem}" for verb in VERBS}
    names["list"], names["discover"] = f"List{plural}", f"Discover{plural}"
    names.update(_SPECIAL_RPCS.get(field_name, {}))
    return names


def _spec(resource_field: Any, services: dict[str, Any]) -> KindSpec:
    stem = resource_field.message_type.name
    names = _verb_names(resource_field.name, stem)
    for service, descriptor in services.items():
        methods = descriptor.methods_by_name
        if names["get"] in methods:
            return KindSpec(
                field=resource_field.name,
                enum=pb.ResourceKind.Value(f"RESOURCE_KIND_{resource_field.name.upper()}"),
                message=getattr(pb, stem),
                config=getattr(pb, f"{stem}Config", None),
                service=service,
                rpcs={verb: name for verb, name in names.items() if name in methods},
            )
    raise LookupError(f"no service has {names['get']} for kind {resource_field.name}")


def _build() -> dict[str, KindSpec]:
    services = {name: service_descriptor(name) for name in RESOURCE_SERVICES}
    oneof = pb.Resource.DESCRIPTOR.oneofs_by_name["body"]
    return {f.name: _spec(f, services) for f in oneof.fields}


KIND_SPECS: dict[str, KindSpec] = _build()
KIND_SPECS_BY_ENUM: dict[int, KindSpec] = {spec.enum: spec for spec in KIND_SPECS.values()}


def kind_spec(kind: str | int) -> KindSpec:
    """The spec of a kind by oneof field name ("instance") or ResourceKind value."""
    spec = KIND_SPECS.get(kind) if isinstance(kind, str) else KIND_SPECS_BY_ENUM.get(kind)
    if spec is None:
        raise KeyError(f"unknown resource kind {kind!r}")
    return spec


def wrap(kind: str | int, message: Any) -> pb.Resource:
    """A pb.Resource holding `message` in its kind's oneof field."""
    resource = pb.Resource()
    getattr(resource, kind_spec(kind).field).CopyFrom(message)
    return resource
