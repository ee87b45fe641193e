"""Every table of the local provider in one place: translations, prices, attribute facts.

Shown by `genesys providers schema`. Sizes translate to local *labels*: nothing enforces
them (no cgroup, no rlimit is applied to instances, functions or databases); they exist so
a plan reads the same way it would on a cloud and so switching providers is one line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from google.protobuf.descriptor import FieldDescriptor

from genesys_provider_local.kinds import is_repeated

PRICES_AS_OF = "2025-01-01"

INSTANCE_TYPES: dict[pb.Size, str] = {
    pb.SIZE_SMALL: "local.small",
    pb.SIZE_MEDIUM: "local.medium",
    pb.SIZE_LARGE: "local.large",
    pb.SIZE_XLARGE: "local.xlarge",
}
INSTANCE_TYPE_LABELS: dict[str, str] = {
    "local.small": "1 vCPU, 2 GiB (label only: not enforced)",
    "local.medium": "2 vCPU, 4 GiB (label only: not enforced)",
    "local.large": "4 vCPU, 16 GiB (label only: not enforced)",
    "local.xlarge": "8 vCPU, 32 GiB (label only: not enforced)",
}
DATABASE_CLASSES: dict[pb.Size, str] = {
    pb.SIZE_SMALL: "local.db.small",
    pb.SIZE_MEDIUM: "local.db.medium",
    pb.SIZE_LARGE: "local.db.large",
    pb.SIZE_XLARGE: "local.db.xlarge",
}
VOLUME_TYPES: dict[str, str] = {"standard": "local.sparse-file", "ssd": "local.sparse-file"}
# Every image alias runs on the host's own OS: an instance is a process, not a VM.
IMAGE_ALIASES: dict[str, str] = {
    "ubuntu-lts": "host",
    "debian": "host",
    "amazon-linux": "host",
    "centos": "host",
    "windows": "host",
    "*": "host",
}
RUNTIMES: dict[str, str] = {
    "python3.x": "pythonX.Y on PATH if it runs, else the plugin's own Python",
    "nodejs*": "node on PATH",
    "go1.x": "built from `source` for this host with `go` on PATH; the binary (`handler`, "
    "default bootstrap) serves HTTP on $PORT",
}
DATABASE_ENGINES: dict[str, str] = {
    "sqlite": "a sqlite file; endpoint sqlite:///<path>",
    "postgres": "a real PostgreSQL cluster on a free 127.0.0.1 port (needs initdb and pg_ctl)",
    "mysql": "not offered",
    "mongodb": "not offered",
}
SIZE_WORDS: dict[pb.Size, str] = {
    pb.SIZE_SMALL: "small",
    pb.SIZE_MEDIUM: "medium",
    pb.SIZE_LARGE: "large",
    pb.SIZE_XLARGE: "xlarge",
}


def size_of_type(provider_type: str, table: dict[pb.Size, str]) -> pb.Size:
    """Reverse translation (discovery): provider type -> abstract size."""
    for size, name in table.items():
        if name == provider_type:
            return size
    return pb.SIZE_UNSPECIFIED


# ---------------------------------------------------------------- attribute facts, by kind

FORCE_NEW: dict[str, frozenset[str]] = {
    "instance": frozenset({"image", "network_id", "subnet_id", "key_pair", "zone", "user_data"}),
    "bucket": frozenset({"name"}),
    "volume": frozenset({"encrypted", "zone"}),
    "volume_attachment": frozenset({"volume_id", "instance_id", "device"}),
    "network": frozenset({"cidr"}),
    "subnet": frozenset({"cidr", "network_id", "zone"}),
    "security_group": frozenset({"network_id"}),
    "load_balancer": frozenset({"network_id", "internal"}),
    "database": frozenset({"engine", "name", "version", "username"}),
    "function": frozenset({"name"}),
    "layer": frozenset({"name"}),
    "cdn": frozenset(),
    # No UpdateCertificate RPC exists: every change replaces the certificate.
    "certificate": frozenset({"name", "domain", "tags"}),
}
SENSITIVE: dict[str, frozenset[str]] = {"database": frozenset({"password"})}
REQUIRED: dict[str, frozenset[str]] = {
    "instance": frozenset({"name"}),
    "bucket": frozenset({"name"}),
    "volume": frozenset({"name", "size_gb"}),
    "volume_attachment": frozenset({"volume_id", "instance_id"}),
    "network": frozenset({"name", "cidr"}),
    "subnet": frozenset({"name", "network_id", "cidr"}),
    "security_group": frozenset({"name"}),
    "load_balancer": frozenset({"name"}),
    "database": frozenset({"name", "engine"}),
    "function": frozenset({"name", "runtime", "handler", "code"}),
    "layer": frozenset({"name", "code"}),
    "cdn": frozenset({"name", "origin_bucket_id"}),
    "certificate": frozenset({"domain"}),
}
_CONFIGS: dict[str, Any] = {
    "instance": pb.InstanceConfig,
    "bucket": pb.BucketConfig,
    "volume": pb.VolumeConfig,
    "network": pb.NetworkConfig,
    "subnet": pb.SubnetConfig,
    "security_group": pb.SecurityGroupConfig,
    "load_balancer": pb.LoadBalancerConfig,
    "database": pb.DatabaseConfig,
    "function": pb.FunctionConfig,
    "layer": pb.LayerConfig,
    "cdn": pb.CdnConfig,
    "certificate": pb.CertificateConfig,
}
_BOOKKEEPING = frozenset({"id", "private", "provider_data"})


def _type_of(fd: FieldDescriptor) -> str:
    if fd.message_type is not None and fd.message_type.GetOptions().map_entry:
        return "map"
    if is_repeated(fd):
        return "list"
    if fd.type == FieldDescriptor.TYPE_ENUM:
        return "enum"
    if fd.type == FieldDescriptor.TYPE_MESSAGE:
        return "object"
    if fd.type == FieldDescriptor.TYPE_BOOL:
        return "bool"
    if fd.type in (FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_INT64):
        return "int"
    return "string"


def _attributes(kind: str, message: Any, config: Any) -> Iterator[provider_pb2.AttributeSchema]:
    if config is not None:
        config_fields = {f.name: f for f in config.fields}
    else:  # volume attachments have no Config message: their inputs are the force_new fields
        config_fields = {f.name: f for f in message.fields if f.name in FORCE_NEW[kind]}
    names = list(config_fields) + [
        f.name for f in message.fields if f.name not in config_fields and f.name not in _BOOKKEEPING
    ]
    fields = {f.name: f for f in message.fields} | config_fields
    for name in names:
        yield provider_pb2.AttributeSchema(
            name=name,
            type=_type_of(fields[name]),
            required=name in REQUIRED.get(kind, frozenset()),
            force_new=name in FORCE_NEW.get(kind, frozenset()),
            sensitive=name in SENSITIVE.get(kind, frozenset()),
            computed=name not in config_fields,
        )


def kind_schemas() -> list[provider_pb2.KindSchema]:
    from genesys_provider_local.kinds import KINDS

    schemas = []
    for info in KINDS.values():
        config = _CONFIGS.get(info.field)
        attributes = _attributes(
            info.field, info.message.DESCRIPTOR, config.DESCRIPTOR if config else None
        )
        schemas.append(provider_pb2.KindSchema(kind=info.enum, attributes=list(attributes)))
    return schemas


def translation_tables() -> list[provider_pb2.TranslationTable]:
    words = SIZE_WORDS
    return [
        provider_pb2.TranslationTable(
            name="instance.size", entries={words[s]: t for s, t in INSTANCE_TYPES.items()}
        ),
        provider_pb2.TranslationTable(name="instance.provider_type", entries=INSTANCE_TYPE_LABELS),
        provider_pb2.TranslationTable(name="instance.image", entries=IMAGE_ALIASES),
        provider_pb2.TranslationTable(
            name="database.size", entries={words[s]: c for s, c in DATABASE_CLASSES.items()}
        ),
        provider_pb2.TranslationTable(name="database.engine", entries=DATABASE_ENGINES),
        provider_pb2.TranslationTable(name="volume.volume_class", entries=VOLUME_TYPES),
        provider_pb2.TranslationTable(name="function.runtime", entries=RUNTIMES),
    ]


def price_table() -> provider_pb2.PriceTable:
    """Everything local is free; the table exists so cost output has a source and a date."""
    items = [(f"instance:{t}", "hour") for t in INSTANCE_TYPES.values()]
    items += [(f"database:{c}", "hour") for c in DATABASE_CLASSES.values()]
    items += [
        ("storage:gb-month", "gb-month"),
        ("volume:gb-month", "gb-month"),
        ("function:request-million", "request-million"),
        ("load_balancer", "hour"),
        ("cdn", "month"),
        ("certificate", "month"),
        ("network", "month"),
    ]
    entries = [provider_pb2.PriceEntry(item=item, usd=0.0, unit=unit) for item, unit in items]
    return provider_pb2.PriceTable(as_of=PRICES_AS_OF, region="local", entries=entries)


def provider_settings_schema() -> list[provider_pb2.AttributeSchema]:
    attr = provider_pb2.AttributeSchema
    return [
        attr(
            name="root",
            type="string",
            description="Directory holding every local resource (default <working_dir>/"
            ".genesys/local; relative paths are against the config's directory)",
        ),
        attr(name="latency_ms", type="int", description="Injected latency per resource call"),
        attr(
            name="rate_limit",
            type="object",
            description="Token bucket over mutating calls: {burst: N, per_second: R}; "
            "an empty bucket answers THROTTLED with retry_after",
        ),
        attr(
            name="read_page_size",
            type="int",
            description="ReadResources pays latency_ms once per this many refs (default 100)",
        ),
        attr(
            name="unavailable_rate",
            type="float",
            description="Share (0-1) of mutating calls answered UNAVAILABLE, a 5xx, before "
            "they do anything",
        ),
        attr(name="fault_seed", type="int", description="Seeds unavailable_rate's choices"),
    ]
