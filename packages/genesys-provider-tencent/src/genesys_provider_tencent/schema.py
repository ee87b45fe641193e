"""GetSchema: provider settings, per-kind attribute facts, translation and price tables.

Attribute facts come from the protocol's *Config messages (the SDK's schema plumbing); what
is Tencent-specific is which attributes force replacement and which are required.
"""

from __future__ import annotations

from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk import schema as sdk_schema
from genesys_plugin_sdk.schema import PriceList, SchemaFacts, Setting

from genesys_provider_tencent import tables
from genesys_provider_tencent.provider import KIND_FIELDS

# Changing any of these replaces the resource (Tencent cannot change them in place).
FORCE_NEW: dict[str, frozenset[str]] = {
    "instance": frozenset({"image", "zone", "subnet_id", "network_id", "key_pair", "user_data"}),
    "bucket": frozenset({"name"}),
    "network": frozenset({"cidr"}),
    "subnet": frozenset({"network_id", "cidr", "zone", "public"}),
    "security_group": frozenset({"name", "network_id", "description"}),
    "database": frozenset({"name", "engine", "version", "username", "subnet_ids", "multi_az"}),
    "function": frozenset({"name"}),
    "cdn": frozenset({"domain", "origin_bucket_id"}),
    "certificate": frozenset({"name", "domain"}),
    "volume": frozenset({"encrypted", "zone", "volume_class"}),
    "volume_attachment": frozenset({"volume_id", "instance_id", "device"}),
    "load_balancer": frozenset({"internal", "network_id", "subnet_ids"}),
    "layer": frozenset({"name", "compatible_runtimes", "code", "tags"}),
}
REQUIRED: dict[str, frozenset[str]] = {
    "bucket": frozenset({"name"}),
    "network": frozenset({"cidr"}),
    "subnet": frozenset({"network_id", "cidr"}),
    "security_group": frozenset({"name"}),
    "database": frozenset({"name", "engine"}),
    "function": frozenset({"name", "runtime", "handler", "code"}),
    "cdn": frozenset({"origin_bucket_id", "domain"}),
    "certificate": frozenset({"domain"}),
    "volume_attachment": frozenset({"volume_id", "instance_id"}),
    "load_balancer": frozenset({"name", "network_id"}),
    "layer": frozenset({"name", "code"}),
}
PROVIDER_SETTINGS: tuple[tuple[str, str, str], ...] = (
    (
        "region",
        "string",
        "Tencent Cloud region, e.g. ap-guangzhou (wins over the top-level "
        "region; else TENCENTCLOUD_REGION, else ap-guangzhou)",
    ),
    ("secret_id", "string", "API key id (else TENCENTCLOUD_SECRET_ID or the profile file)"),
    ("secret_key", "string", "API key secret (else TENCENTCLOUD_SECRET_KEY)"),
    ("token", "string", "temporary credentials' session token"),
    (
        "endpoints",
        "map",
        "per-product endpoint URLs: cvm cbs vpc clb postgres cdb scf cdn ssl "
        "cam cos (genesys-emulator tencent prints them)",
    ),
    ("poll_interval", "int", "seconds between readiness polls (default 2)"),
    ("wait_timeout", "int", "seconds a create/delete may wait for readiness (default 1800)"),
)

FACTS = SchemaFacts(
    force_new=FORCE_NEW,
    required=REQUIRED,
    settings=[Setting(name, kind, text) for name, kind, text in PROVIDER_SETTINGS],
    kinds=KIND_FIELDS,
)


def provider_schema() -> provider_pb2.ProviderSchema:
    prices = PriceList(tables.PRICES_AS_OF, tables.PRICES_REGION, tables.price_entries())
    return sdk_schema.provider_schema(FACTS, tables.translation_tables(), prices)
