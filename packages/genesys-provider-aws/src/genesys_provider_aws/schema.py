"""GetSchema: provider settings, per-kind attribute facts, translation and price tables.

Attribute facts are derived from the protocol's *Config messages (so they never drift from the
protocol); what is AWS-specific is which attributes force replacement, which are required and
which are sensitive, listed here per kind.
"""

from __future__ import annotations

from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from google.protobuf.descriptor import Descriptor, FieldDescriptor

from genesys_provider_aws import tables

KIND_MESSAGES: dict[Any, tuple[Any, Any]] = {
    pb.RESOURCE_KIND_INSTANCE: (pb.Instance, pb.InstanceConfig),
    pb.RESOURCE_KIND_BUCKET: (pb.Bucket, pb.BucketConfig),
    pb.RESOURCE_KIND_VOLUME: (pb.Volume, pb.VolumeConfig),
    pb.RESOURCE_KIND_VOLUME_ATTACHMENT: (pb.VolumeAttachment, None),
    pb.RESOURCE_KIND_NETWORK: (pb.Network, pb.NetworkConfig),
    pb.RESOURCE_KIND_SUBNET: (pb.Subnet, pb.SubnetConfig),
    pb.RESOURCE_KIND_SECURITY_GROUP: (pb.SecurityGroup, pb.SecurityGroupConfig),
    pb.RESOURCE_KIND_LOAD_BALANCER: (pb.LoadBalancer, pb.LoadBalancerConfig),
    pb.RESOURCE_KIND_DATABASE: (pb.Database, pb.DatabaseConfig),
    pb.RESOURCE_KIND_FUNCTION: (pb.Function, pb.FunctionConfig),
    pb.RESOURCE_KIND_LAYER: (pb.Layer, pb.LayerConfig),
    pb.RESOURCE_KIND_CDN: (pb.Cdn, pb.CdnConfig),
    pb.RESOURCE_KIND_CERTIFICATE: (pb.Certificate, pb.CertificateConfig),
}

# Changing any of these replaces the resource (AWS cannot change them in place).
FORCE_NEW: dict[int, frozenset[str]] = {
    pb.RESOURCE_KIND_INSTANCE: frozenset(
        {"image", "zone", "subnet_id", "network_id", "key_pair", "user_data"}
    ),
    pb.RESOURCE_KIND_BUCKET: frozenset({"name"}),
    pb.RESOURCE_KIND_VOLUME: frozenset({"encrypted", "zone"}),
    pb.RESOURCE_KIND_VOLUME_ATTACHMENT: frozenset({"volume_id", "instance_id", "device"}),
    pb.RESOURCE_KIND_NETWORK: frozenset({"cidr"}),
    pb.RESOURCE_KIND_SUBNET: frozenset({"network_id", "cidr", "zone"}),
    pb.RESOURCE_KIND_SECURITY_GROUP: frozenset({"name", "network_id", "description"}),
    pb.RESOURCE_KIND_LOAD_BALANCER: frozenset({"name", "internal", "network_id"}),
    pb.RESOURCE_KIND_DATABASE: frozenset({"name", "engine", "username", "subnet_ids"}),
    pb.RESOURCE_KIND_FUNCTION: frozenset({"name"}),
    pb.RESOURCE_KIND_LAYER: frozenset({"name", "compatible_runtimes", "code", "tags"}),
    pb.RESOURCE_KIND_CDN: frozenset(),
    pb.RESOURCE_KIND_CERTIFICATE: frozenset({"name", "domain", "tags"}),
}

REQUIRED: dict[int, frozenset[str]] = {
    pb.RESOURCE_KIND_BUCKET: frozenset({"name"}),
    pb.RESOURCE_KIND_VOLUME_ATTACHMENT: frozenset({"volume_id", "instance_id"}),
    pb.RESOURCE_KIND_NETWORK: frozenset({"cidr"}),
    pb.RESOURCE_KIND_SUBNET: frozenset({"network_id", "cidr"}),
    pb.RESOURCE_KIND_SECURITY_GROUP: frozenset({"name"}),
    pb.RESOURCE_KIND_LOAD_BALANCER: frozenset({"name", "subnet_ids", "listeners"}),
    pb.RESOURCE_KIND_DATABASE: frozenset({"name", "engine"}),
    pb.RESOURCE_KIND_FUNCTION: frozenset({"name", "runtime", "handler", "code"}),
    pb.RESOURCE_KIND_LAYER: frozenset({"name", "code"}),
    pb.RESOURCE_KIND_CDN: frozenset({"origin_bucket_id"}),
    pb.RESOURCE_KIND_CERTIFICATE: frozenset({"domain"}),
}

SENSITIVE = frozenset({"password"})
_BOOKKEEPING = frozenset({"private", "provider_data"})

PROVIDER_SETTINGS: tuple[tuple[str, str, str], ...] = (
    ("region", "string", "AWS region (else AWS_REGION / AWS_DEFAULT_REGION, else us-east-1)"),
    (
        "profile",
        "string",
        "shared-config profile; credentials otherwise come from the standard chain",
    ),
    ("endpoint", "string", "one endpoint URL for every service (e.g. a moto server)"),
    ("endpoints", "map", "per-service endpoint URLs, e.g. {ec2: http://127.0.0.1:5000}"),
    ("poll_interval", "int", "seconds between readiness polls (default 2)"),
    ("wait_timeout", "int", "seconds a create/delete may wait for readiness (default 900)"),
    ("max_pool_connections", "int", "HTTP connections per AWS client (default 64)"),
    ("max_attempts", "int", "botocore attempts per call (default 2; the core retries throttling)"),
)


def _type_word(field: FieldDescriptor) -> str:
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        return "map"
    if getattr(field, "label", None) == FieldDescriptor.LABEL_REPEATED:
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


def kind_schema(kind: Any) -> provider_pb2.KindSchema:
    resource, config = KIND_MESSAGES[kind]
    config_descriptor: Descriptor = (config or resource).DESCRIPTOR
    config_names = {f.name for f in config_descriptor.fields}
    attributes = [
        provider_pb2.AttributeSchema(
            name=f.name,
            type=_type_word(f),
            required=f.name in REQUIRED.get(kind, frozenset()),
            force_new=f.name in FORCE_NEW[kind],
            sensitive=f.name in SENSITIVE,
        )
        for f in config_descriptor.fields
        if config is not None or f.name not in ("id", "state", *_BOOKKEEPING)
    ]
    attributes += [
        provider_pb2.AttributeSchema(
            name=f.name, type=_type_word(f), computed=True, sensitive=f.name in SENSITIVE
        )
        for f in resource.DESCRIPTOR.fields
        if f.name not in config_names and f.name not in _BOOKKEEPING
    ]
    return provider_pb2.KindSchema(kind=kind, attributes=attributes)


def provider_schema() -> provider_pb2.ProviderSchema:
    schema = provider_pb2.ProviderSchema(
        provider_settings=[
            provider_pb2.AttributeSchema(name=name, type=kind, description=text)
            for name, kind, text in PROVIDER_SETTINGS
        ],
        kinds=[kind_schema(kind) for kind in KIND_MESSAGES],
        translations=[
            provider_pb2.TranslationTable(name=name, entries=entries)
            for name, entries in tables.translation_tables().items()
        ],
    )
    prices = schema.prices.add(as_of=tables.PRICES_AS_OF, region=tables.PRICES_REGION)
    for item, usd, unit in tables.price_entries():
        prices.entries.add(item=item, usd=usd, unit=unit)
    return schema
