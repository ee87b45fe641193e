"""GetSchema: provider settings, per-kind attribute facts, translation and price tables."""

from __future__ import annotations

from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk import schema as sdk_schema
from genesys_plugin_sdk.schema import PriceList, SchemaFacts, Setting

from genesys_provider_alibaba import tables
from genesys_provider_alibaba.provider import KIND_FIELDS

# Changing any of these replaces the resource (Alibaba cannot change them in place).
FORCE_NEW: dict[str, frozenset[str]] = {
    "instance": frozenset({"image", "zone", "subnet_id", "network_id", "key_pair", "user_data"}),
    "volume": frozenset({"encrypted", "zone", "volume_class"}),
    "volume_attachment": frozenset({"volume_id", "instance_id", "device"}),
    "bucket": frozenset({"name"}),
    "network": frozenset({"cidr"}),
    "subnet": frozenset({"network_id", "cidr", "zone"}),
    "security_group": frozenset({"name", "network_id", "description"}),
    "load_balancer": frozenset({"internal", "network_id", "subnet_ids"}),
    "database": frozenset({"engine", "version", "username", "subnet_ids", "multi_az"}),
    "function": frozenset({"name", "tags"}),
    "layer": frozenset({"name", "compatible_runtimes", "code", "tags"}),
    "cdn": frozenset({"domain", "origin_bucket_id"}),
    "certificate": frozenset({"name", "domain"}),
}
REQUIRED: dict[str, frozenset[str]] = {
    "load_balancer": frozenset({"subnet_ids", "listeners"}),
    "volume_attachment": frozenset({"volume_id", "instance_id"}),
    "bucket": frozenset({"name"}),
    "network": frozenset({"cidr"}),
    "subnet": frozenset({"network_id", "cidr"}),
    "security_group": frozenset({"name", "network_id"}),
    "database": frozenset({"name", "engine"}),
    "function": frozenset({"name", "runtime", "handler", "code"}),
    "layer": frozenset({"name", "code"}),
    "cdn": frozenset({"origin_bucket_id", "domain"}),
    "certificate": frozenset({"domain"}),
}
SETTINGS = (
    Setting("access_key_id", "string", "AccessKey id (else ALIBABA_CLOUD_ACCESS_KEY_ID)"),
    Setting(
        "access_key_secret", "string", "AccessKey secret (else ALIBABA_CLOUD_ACCESS_KEY_SECRET)"
    ),
    Setting("endpoints", "map", "per-product endpoint URLs: ecs, vpc, slb, rds, cdn, sts, fc, oss"),
    Setting("poll_interval", "int", "longest pause between readiness polls, seconds (default 2)"),
    Setting("wait_timeout", "int", "seconds a create/delete may wait for readiness (default 900)"),
)

FACTS = SchemaFacts(
    force_new=FORCE_NEW,
    required=REQUIRED,
    sensitive=frozenset({"password"}),
    settings=SETTINGS,
    kinds=KIND_FIELDS,
)


def provider_schema() -> provider_pb2.ProviderSchema:
    prices = PriceList(tables.PRICES_AS_OF, tables.PRICES_REGION, tables.price_entries())
    return sdk_schema.provider_schema(FACTS, tables.translation_tables(), prices)
