"""The one table of resource kinds: how each maps onto the protocol.

Everything kind-specific in the core (config attribute names, which service and RPCs to
call, which attributes a `${kind.name.attr}` reference may read) is derived from this table
and from the protobuf descriptors it points at, so adding a kind means adding one row here
and its messages/RPCs to `proto/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from genesys.provider.v1 import common_pb2 as pb
from google.protobuf.message import Message

# Fields every resource message carries that are bookkeeping rather than attributes.
_NON_ATTRIBUTE_FIELDS = frozenset({"private", "provider_data"})


@dataclass(frozen=True)
class Kind:
    """One resource kind and its place in the protocol."""

    name: str  # "instance", "security_group", ...
    enum: int  # pb.ResourceKind value
    service: str  # attribute name of the service stub on a plugin connection
    message: type[Message]  # the resource message, e.g. pb.Instance
    config: type[Message] | None  # the *Config message sent on create/update
    rpc_stem: str  # "Instance" -> CreateInstance, GetInstance, ...
    plural: str  # "Instances" -> ListInstances, DiscoverInstances
    updatable: bool = True
    # Special RPC names for kinds that are not plain CRUD (volume attachments).
    create_rpc: str = ""
    get_rpc: str = ""
    delete_rpc: str = ""

    @property
    def oneof_field(self) -> str:
        """Field name of this kind inside `pb.Resource`'s oneof."""
        return self.name

    @cached_property
    def exported_attributes(self) -> frozenset[str]:
        """Attributes other resources may reference as `${...name.attr}`."""
        return frozenset(
            f.name for f in self.message.DESCRIPTOR.fields if f.name not in _NON_ATTRIBUTE_FIELDS
        )

    @cached_property
    def config_fields(self) -> frozenset[str]:
        if self.config is None:
            return frozenset()
        return frozenset(f.name for f in self.config.DESCRIPTOR.fields)

    def rpc(self, verb: str) -> str:
        """RPC method name for a verb: create|get|update|delete|list|discover|adopt."""
        special = {"create": self.create_rpc, "get": self.get_rpc, "delete": self.delete_rpc}
        if special.get(verb):
            return special[verb]
        if verb in ("list", "discover"):
            return f"{verb.capitalize()}{self.plural}"
        return f"{verb.capitalize()}{self.rpc_stem}"


def _kind(name: str, enum: int, service: str, stem: str, **kw: object) -> Kind:
    message = getattr(pb, stem)
    config = getattr(pb, f"{stem}Config", None)
    return Kind(
        name=name,
        enum=enum,
        service=service,
        message=message,
        config=config,
        rpc_stem=stem,
        plural=f"{stem}s",
        **kw,  # type: ignore[arg-type]
    )


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        _kind("instance", pb.RESOURCE_KIND_INSTANCE, "compute", "Instance"),
        _kind("bucket", pb.RESOURCE_KIND_BUCKET, "storage", "Bucket"),
        _kind("volume", pb.RESOURCE_KIND_VOLUME, "storage", "Volume"),
        Kind(
            name="volume_attachment",
            enum=pb.RESOURCE_KIND_VOLUME_ATTACHMENT,
            service="storage",
            message=pb.VolumeAttachment,
            config=None,
            rpc_stem="VolumeAttachment",
            plural="VolumeAttachments",
            updatable=False,
            create_rpc="AttachVolume",
            get_rpc="GetVolumeAttachment",
            delete_rpc="DetachVolume",
        ),
        _kind("network", pb.RESOURCE_KIND_NETWORK, "network", "Network"),
        _kind("subnet", pb.RESOURCE_KIND_SUBNET, "network", "Subnet"),
        _kind("security_group", pb.RESOURCE_KIND_SECURITY_GROUP, "network", "SecurityGroup"),
        _kind("load_balancer", pb.RESOURCE_KIND_LOAD_BALANCER, "network", "LoadBalancer"),
        _kind("cdn", pb.RESOURCE_KIND_CDN, "network", "Cdn"),
        _kind(
            "certificate", pb.RESOURCE_KIND_CERTIFICATE, "network", "Certificate", updatable=False
        ),
        _kind("database", pb.RESOURCE_KIND_DATABASE, "database", "Database"),
        _kind("function", pb.RESOURCE_KIND_FUNCTION, "serverless", "Function"),
        _kind("layer", pb.RESOURCE_KIND_LAYER, "serverless", "Layer"),
    )
}

KINDS_BY_ENUM: dict[int, Kind] = {k.enum: k for k in KINDS.values()}


def kind_of(resource: pb.Resource) -> Kind:
    """The Kind of a `pb.Resource` by its set oneof field."""
    which = resource.WhichOneof("body")
    if which is None:
        raise ValueError("empty Resource message")
    return KINDS[which]
