"""The resource kinds this provider serves: enum, Resource oneof field, message, id prefix.

The oneof field numbers of `Resource` equal the `ResourceKind` values (instance = 1, ...),
which lets the registry store each resource's own message bytes and wrap them cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message


@dataclass(frozen=True)
class KindInfo:
    enum: pb.ResourceKind
    field: str  # oneof field of pb.Resource, e.g. "security_group"
    message: type[Message]
    id_prefix: str


KINDS: dict[int, KindInfo] = {
    info.enum: info
    for info in (
        KindInfo(pb.RESOURCE_KIND_INSTANCE, "instance", pb.Instance, "i-"),
        KindInfo(pb.RESOURCE_KIND_BUCKET, "bucket", pb.Bucket, ""),
        KindInfo(pb.RESOURCE_KIND_VOLUME, "volume", pb.Volume, "vol-"),
        KindInfo(pb.RESOURCE_KIND_VOLUME_ATTACHMENT, "volume_attachment", pb.VolumeAttachment, ""),
        KindInfo(pb.RESOURCE_KIND_NETWORK, "network", pb.Network, "net-"),
        KindInfo(pb.RESOURCE_KIND_SUBNET, "subnet", pb.Subnet, "subnet-"),
        KindInfo(pb.RESOURCE_KIND_SECURITY_GROUP, "security_group", pb.SecurityGroup, "sg-"),
        KindInfo(pb.RESOURCE_KIND_LOAD_BALANCER, "load_balancer", pb.LoadBalancer, "lb-"),
        KindInfo(pb.RESOURCE_KIND_DATABASE, "database", pb.Database, "db-"),
        KindInfo(pb.RESOURCE_KIND_FUNCTION, "function", pb.Function, "fn-"),
        KindInfo(pb.RESOURCE_KIND_LAYER, "layer", pb.Layer, "layer-"),
        KindInfo(pb.RESOURCE_KIND_CDN, "cdn", pb.Cdn, "cdn-"),
        KindInfo(pb.RESOURCE_KIND_CERTIFICATE, "certificate", pb.Certificate, "cert-"),
    )
}

KINDS_BY_FIELD: dict[str, KindInfo] = {info.field: info for info in KINDS.values()}


def is_repeated(field: Any) -> bool:
    """Whether a field is repeated (newer protobuf releases dropped `label` from upb)."""
    flag = getattr(field, "is_repeated", None)
    if flag is not None:
        return bool(flag)
    return bool(getattr(field, "label", None) == FieldDescriptor.LABEL_REPEATED)


def kind_name(kind: int) -> str:
    info = KINDS.get(kind)
    return info.field.replace("_", " ") if info else f"kind {kind}"


def wrap(kind: int, message: Message) -> pb.Resource:
    """A pb.Resource holding `message` in the oneof field of `kind`."""
    resource = pb.Resource()
    getattr(resource, KINDS[kind].field).CopyFrom(message)
    return resource
