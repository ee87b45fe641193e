"""GetSchema: provider settings, per-kind attribute facts, translation and price tables.

Attribute facts come from the protocol's *Config messages (the SDK's schema plumbing); what
is Azure's is which attributes force replacement and which are required or sensitive.
"""

from __future__ import annotations

from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk import schema as sdk_schema
from genesys_plugin_sdk.schema import PriceList, SchemaFacts, Setting

from genesys_provider_azure import tables
from genesys_provider_azure.settings import SETTINGS

KINDS = (
    "instance",
    "volume",
    "volume_attachment",
    "bucket",
    "network",
    "subnet",
    "security_group",
    "database",
    "function",
    "load_balancer",
    "cdn",
    "certificate",
)

# Changing any of these replaces the resource (Azure cannot change them in place: names are
# ids; a VM's image, zone, subnet and custom data are fixed; a server's major version too).
FORCE_NEW: dict[str, frozenset[str]] = {
    "instance": frozenset(
        {"name", "image", "zone", "subnet_id", "network_id", "key_pair", "user_data"}
    ),
    "volume": frozenset({"name", "zone", "encrypted"}),
    "volume_attachment": frozenset({"volume_id", "instance_id", "device"}),
    "bucket": frozenset({"name"}),
    "network": frozenset({"name", "cidr"}),
    "subnet": frozenset({"name", "network_id", "cidr", "zone"}),
    "security_group": frozenset({"name"}),
    "database": frozenset({"name", "engine", "version", "username", "subnet_ids"}),
    "function": frozenset({"name"}),
    "load_balancer": frozenset({"name", "internal", "subnet_ids"}),
    "cdn": frozenset({"name"}),
    "certificate": frozenset({"name", "domain"}),
}
REQUIRED: dict[str, frozenset[str]] = {
    "instance": frozenset({"name", "image"}),
    "volume": frozenset({"name", "size_gb"}),
    "volume_attachment": frozenset({"volume_id", "instance_id"}),
    "bucket": frozenset({"name"}),
    "network": frozenset({"name", "cidr"}),
    "subnet": frozenset({"name", "network_id", "cidr"}),
    "security_group": frozenset({"name"}),
    "database": frozenset({"name", "engine"}),
    "function": frozenset({"name", "runtime", "handler", "code"}),
    "load_balancer": frozenset({"name", "listeners"}),
    "cdn": frozenset({"origin_bucket_id"}),
    "certificate": frozenset({"domain"}),
}

FACTS = SchemaFacts(
    force_new=FORCE_NEW,
    required=REQUIRED,
    sensitive=frozenset({"password"}),
    settings=[Setting(name, kind, text) for name, kind, text in SETTINGS],
    kinds=list(KINDS),
)


def provider_schema() -> provider_pb2.ProviderSchema:
    prices = PriceList(tables.PRICES_AS_OF, tables.PRICES_REGION, tables.price_entries())
    return sdk_schema.provider_schema(FACTS, tables.translation_tables(), prices)
