"""The config's fixed vocabularies, in one place: sizes, engines, runtimes, protocols."""

from __future__ import annotations

SIZES = ("small", "medium", "large", "xlarge")
DATABASE_SIZES = ("small", "medium", "large")
DATABASE_ENGINES = ("postgres", "mysql", "mongodb", "sqlite")
RUNTIMES = (
    "python3.9",
    "python3.10",
    "python3.11",
    "python3.12",
    "python3.13",
    "nodejs18",
    "nodejs20",
    "nodejs22",
    "go1.21",
    "go1.22",
    "go1.23",
    "java17",
    "java21",
    "ruby3.3",
    "dotnet8",
)
STORAGE_TYPES = ("bucket", "volume")
VOLUME_CLASSES = ("standard", "ssd")
RULE_PROTOCOLS = ("tcp", "udp", "icmp", "all")
LISTENER_PROTOCOLS = ("http", "https", "tcp")
TRIGGER_TYPES = ("http", "schedule", "queue")
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY")
ENFORCEMENT_LEVELS = ("advisory", "mandatory")
POLICY_NAMES = ("no_public_buckets", "require_encryption", "require_tags", "max_cost_per_month")

# Providers shipped by the Genesys project; others may exist as third-party plugins, so an
# unknown name is only a warning (with a hint when it looks like a typo of one of these).
KNOWN_PROVIDERS = ("local", "aws", "gcp", "azure", "alibaba", "tencent")
KNOWN_STATE_BACKENDS = ("local", "s3", "gcs", "azureblob", "oss", "cos")

# `${account_id}`-style references, filled from the provider's authenticated identity.
# subscription_id: Azure's word for the account (the same value as account_id there).
IDENTITY_ATTRIBUTES = ("account_id", "project_id", "region", "subscription_id")

# Exported attributes that hold secrets: a value referencing one is sensitive.
SENSITIVE_ATTRIBUTES = frozenset({("database", "password")})

# Resource names become parts of addresses and cloud names: keep them plain.
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$"

# Largest `count`: a guard against typos (count: 1000000) creating absurd plans.
MAX_COUNT = 100_000
