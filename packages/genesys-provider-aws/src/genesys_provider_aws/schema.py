"""GetSchema: provider settings, per-kind attribute facts, translation and price tables.

Attribute facts are derived from the protocol's *Config messages by the SDK's schema plumbing
(so they never drift from the protocol); what is AWS-specific is which attributes force
replacement, which are required and which are sensitive, listed here per kind.
"""

from __future__ import annotations

from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk import schema as sdk_schema
from genesys_plugin_sdk.kinds import kind_spec
from genesys_plugin_sdk.schema import PriceList, SchemaFacts, Setting

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


def _field(kind: int) -> str:
    return kind_spec(kind).field


FACTS = SchemaFacts(
    force_new={_field(kind): names for kind, names in FORCE_NEW.items()},
    required={_field(kind): names for kind, names in REQUIRED.items()},
    sensitive=SENSITIVE,
    settings=[Setting(name, kind, text) for name, kind, text in PROVIDER_SETTINGS],
    kinds=[_field(kind) for kind in KIND_MESSAGES],
)


def kind_schema(kind: Any) -> provider_pb2.KindSchema:
    return sdk_schema.kind_schema(_field(kind), FACTS)


def provider_schema() -> provider_pb2.ProviderSchema:
    prices = PriceList(tables.PRICES_AS_OF, tables.PRICES_REGION, tables.price_entries())
    return sdk_schema.provider_schema(FACTS, tables.translation_tables(), prices)
