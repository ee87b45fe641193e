"""Models of `resources:`: compute, storage, network (subnets, security groups, load
balancers), database, serverless and layers. Field names are the config's keys; the
mapping to protocol attributes happens in `genesys.config.expand`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from genesys.config.code import GO_DEFAULT_HANDLER
from genesys.config.types import (
    Cidr,
    EnvName,
    Handler,
    Name,
    OneOf,
    Pattern,
    TimeWindow,
    user_error,
)
from genesys.config.vocab import (
    DATABASE_ENGINES,
    DATABASE_SIZES,
    HTTP_METHODS,
    LISTENER_PROTOCOLS,
    MAX_COUNT,
    POLICY_NAMES,
    RULE_PROTOCOLS,
    RUNTIMES,
    SIZES,
    TRIGGER_TYPES,
    VOLUME_CLASSES,
)
from pydantic import BaseModel, ConfigDict, Field, model_validator


class Model(BaseModel):
    """Every config block: unknown keys are errors; numbers are accepted where text is."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)


Tags = dict[str, str]
# Per-resource waivers of policies: {rule: reason}; the reason is recorded in the report.
PolicyOverrides = dict[
    Annotated[str, OneOf("policy", POLICY_NAMES)], Annotated[str, Field(min_length=1)]
]
OVERRIDES_DOC = 'waive a policy for this resource, with the reason: {no_public_buckets: "..."}'
# Per-cloud values of this block's own keys, used only when that provider plans:
# {aws: {provider_type: c6i.large}, gcp: {zone: us-central1-b}} (see config/overrides.py).
ProviderOverrides = dict[str, dict[str, Any]]
PROVIDER_OVERRIDES_DOC = (
    "per-provider values of this block's keys, applied only when that provider plans: "
    "{aws: {provider_type: c6i.large}, gcp: {zone: us-central1-b}}"
)
Size = Annotated[str, OneOf("size", SIZES)]
Runtime = Annotated[str, OneOf("runtime", RUNTIMES)]
Port = Annotated[int, Field(ge=0, le=65535)]
# `web-server` or `web-server[2]`: a compute name, optionally one of its `count` instances.
InstanceName = Annotated[
    str,
    Pattern(
        "instance name",
        r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}(\[\d+\])?$",
        "expected a compute name, optionally indexed: web-server or web-server[0]",
    ),
]


# ---------------------------------------------------------------- compute


class ComputeSpec(Model):
    name: Name
    type: Size = Field(default="small", description="abstract size: small|medium|large|xlarge")
    image: str = Field(default="ubuntu-lts", description="image alias or provider image id")
    count: Annotated[int, Field(ge=1, le=MAX_COUNT)] | None = Field(
        None, description="number of identical instances, addressed NAME[0]..NAME[count-1]"
    )
    network: Name | None = None
    subnet: Name | None = Field(default=None, description="subnet of `network`; default: its first")
    security_groups: list[Name] = Field(default_factory=list)
    user_data: str | None = None
    key_pair: str | None = None
    zone: str | None = None
    provider_type: str | None = Field(default=None, description="provider type overriding `type`")
    tags: Tags = Field(default_factory=dict)
    policy_overrides: PolicyOverrides = Field(default_factory=dict, description=OVERRIDES_DOC)
    overrides: ProviderOverrides = Field(default_factory=dict, description=PROVIDER_OVERRIDES_DOC)


# ---------------------------------------------------------------- storage


class LifecycleSpec(Model):
    delete_after_days: Annotated[int, Field(ge=0)] = 0


class WebsiteSpec(Model):
    index_document: str = "index.html"
    error_document: str = "404.html"


class BucketSpec(Model):
    name: Name
    type: Literal["bucket"]
    versioning: bool = False
    encryption: bool = False
    public_access: bool = False
    lifecycle: LifecycleSpec | None = None
    website: WebsiteSpec | None = None
    tags: Tags = Field(default_factory=dict)
    policy_overrides: PolicyOverrides = Field(default_factory=dict, description=OVERRIDES_DOC)
    overrides: ProviderOverrides = Field(default_factory=dict, description=PROVIDER_OVERRIDES_DOC)


class VolumeSpec(Model):
    name: Name
    type: Literal["volume"]
    size_gb: Annotated[int, Field(ge=1, le=65536)]
    volume_class: Annotated[str, OneOf("volume class", VOLUME_CLASSES)] = "standard"
    encrypted: bool = False
    zone: str | None = None
    attach_to: InstanceName | None = Field(
        default=None, description="compute name, e.g. web-server[0]"
    )
    device: str | None = Field(default=None, description="device name, e.g. /dev/sdf")
    tags: Tags = Field(default_factory=dict)
    policy_overrides: PolicyOverrides = Field(default_factory=dict, description=OVERRIDES_DOC)
    overrides: ProviderOverrides = Field(default_factory=dict, description=PROVIDER_OVERRIDES_DOC)


StorageSpec = Annotated[BucketSpec | VolumeSpec, Field(discriminator="type")]


# ---------------------------------------------------------------- network


class RuleSpec(Model):
    protocol: Annotated[str, OneOf("protocol", RULE_PROTOCOLS)] = "tcp"
    port: Port | None = Field(default=None, description="shorthand for from_port = to_port = port")
    from_port: Port | None = None
    to_port: Port | None = None
    cidr_blocks: list[Annotated[str, Cidr()]] = Field(default_factory=list)
    source_security_group: Name | None = Field(
        default=None, description="a group of the same network"
    )
    description: str | None = None

    @model_validator(mode="after")
    def _ports_and_sources(self) -> RuleSpec:
        if self.port is not None:
            if self.from_port is not None or self.to_port is not None:
                raise user_error("give either `port` or `from_port`/`to_port`, not both")
            self.from_port = self.to_port = self.port
        if self.protocol in ("tcp", "udp") and self.from_port is None:
            raise user_error(f"a {self.protocol} rule needs `port` or `from_port`/`to_port`")
        if self.from_port is not None and self.to_port is None:
            self.to_port = self.from_port
        if (self.from_port or 0) > (self.to_port or 0):
            raise user_error(f"from_port {self.from_port} is above to_port {self.to_port}")
        if not self.cidr_blocks and not self.source_security_group:
            raise user_error("a rule needs `cidr_blocks` or `source_security_group`")
        return self


class SecurityGroupSpec(Model):
    name: Name
    description: str = ""
    ingress: list[RuleSpec] = Field(default_factory=list)
    egress: list[RuleSpec] | None = Field(
        None, description="absent: all outbound traffic allowed; [] allows none"
    )
    tags: Tags = Field(default_factory=dict)
    policy_overrides: PolicyOverrides = Field(default_factory=dict, description=OVERRIDES_DOC)
    overrides: ProviderOverrides = Field(default_factory=dict, description=PROVIDER_OVERRIDES_DOC)


class SubnetSpec(Model):
    name: Name
    cidr: Annotated[str, Cidr(ipv4_only=True)]
    public: bool = False
    zone: str | None = None
    tags: Tags = Field(default_factory=dict)
    policy_overrides: PolicyOverrides = Field(default_factory=dict, description=OVERRIDES_DOC)
    overrides: ProviderOverrides = Field(default_factory=dict, description=PROVIDER_OVERRIDES_DOC)


class ListenerSpec(Model):
    protocol: Annotated[str, OneOf("listener protocol", LISTENER_PROTOCOLS)] = "http"
    port: Annotated[int, Field(ge=1, le=65535)]
    target_port: Annotated[int, Field(ge=1, le=65535)] | None = None
    certificate: str | None = Field(
        default=None, description="certificate id or ${...id} reference"
    )

    @model_validator(mode="after")
    def _https_needs_certificate(self) -> ListenerSpec:
        if self.protocol == "https" and not self.certificate:
            raise user_error("an https listener needs `certificate`")
        return self


class LoadBalancerSpec(Model):
    name: Name
    internal: bool = False
    subnets: list[Name] | None = Field(
        None, description="default: the network's public subnets (private ones if internal)"
    )
    security_groups: list[Name] = Field(default_factory=list)
    listeners: list[ListenerSpec] = Field(
        default_factory=lambda: [ListenerSpec(protocol="http", port=80)]
    )
    targets: list[InstanceName] = Field(default_factory=list)
    tags: Tags = Field(default_factory=dict)
    policy_overrides: PolicyOverrides = Field(default_factory=dict, description=OVERRIDES_DOC)
    overrides: ProviderOverrides = Field(default_factory=dict, description=PROVIDER_OVERRIDES_DOC)


class NetworkSpec(Model):
    name: Name
    cidr: Annotated[str, Cidr(ipv4_only=True)]
    subnets: list[SubnetSpec] = Field(default_factory=list)
    security_groups: list[SecurityGroupSpec] = Field(default_factory=list)
    load_balancers: list[LoadBalancerSpec] = Field(default_factory=list)
    tags: Tags = Field(default_factory=dict)
    policy_overrides: PolicyOverrides = Field(default_factory=dict, description=OVERRIDES_DOC)
    overrides: ProviderOverrides = Field(default_factory=dict, description=PROVIDER_OVERRIDES_DOC)


# ---------------------------------------------------------------- database


class BackupSpec(Model):
    retention_days: Annotated[int, Field(ge=0, le=35)] = 7
    window: TimeWindow | None = None


class DatabaseSpec(Model):
    name: Name
    engine: Annotated[str, OneOf("engine", DATABASE_ENGINES)]
    version: str | None = None
    size: Annotated[str, OneOf("database size", DATABASE_SIZES)] = "small"
    storage: Annotated[int, Field(ge=1, le=65536)] = Field(20, description="GB")
    multi_az: bool = False
    backup: BackupSpec | None = None
    network: Name | None = None
    subnets: list[Name] | None = Field(
        default=None, description="default: all subnets of `network`"
    )
    security_groups: list[Name] = Field(default_factory=list)
    username: str | None = None
    tags: Tags = Field(default_factory=dict)
    policy_overrides: PolicyOverrides = Field(default_factory=dict, description=OVERRIDES_DOC)
    overrides: ProviderOverrides = Field(default_factory=dict, description=PROVIDER_OVERRIDES_DOC)


# ---------------------------------------------------------------- serverless


class TriggerSpec(Model):
    type: Annotated[str, OneOf("trigger type", TRIGGER_TYPES)]
    path: str | None = None
    methods: list[Annotated[str, OneOf("HTTP method", HTTP_METHODS)]] = Field(default_factory=list)
    schedule: str | None = Field(default=None, description="cron or rate expression")
    source: str | None = Field(default=None, description="queue or topic id")

    @model_validator(mode="after")
    def _fields_of_type(self) -> TriggerSpec:
        if self.type == "schedule" and not self.schedule:
            raise user_error("a schedule trigger needs `schedule`")
        if self.type == "queue" and not self.source:
            raise user_error("a queue trigger needs `source`")
        if self.type != "http" and (self.path or self.methods):
            raise user_error(f"`path` and `methods` belong to http triggers, not {self.type}")
        return self


class FunctionSpec(Model):
    name: Name
    runtime: Runtime
    handler: Handler = "main.handler"
    memory: Annotated[int, Field(ge=128, le=10240)] = Field(128, description="MB")
    timeout: Annotated[int, Field(ge=1, le=900)] = Field(30, description="seconds")
    environment: dict[EnvName, str] = Field(default_factory=dict)
    triggers: list[TriggerSpec] = Field(default_factory=list)
    layers: list[Name] = Field(default_factory=list)
    source: str | None = Field(
        None, description="directory or .zip with the code, relative to the config file"
    )
    tags: Tags = Field(default_factory=dict)
    policy_overrides: PolicyOverrides = Field(default_factory=dict, description=OVERRIDES_DOC)
    overrides: ProviderOverrides = Field(default_factory=dict, description=PROVIDER_OVERRIDES_DOC)

    @model_validator(mode="after")
    def _go_handler_default(self) -> FunctionSpec:
        apply_go_handler_default(self)
        return self


def apply_go_handler_default(block: Any) -> None:
    """A Go function's unset `handler` is `bootstrap`, the binary it builds (not main.handler)."""
    if str(block.runtime).startswith("go") and "handler" not in block.model_fields_set:
        block.handler = GO_DEFAULT_HANDLER


class LayerSpec(Model):
    name: Name
    source: str = Field(description="directory or .zip, relative to the config file")
    compatible_runtimes: list[Runtime] = Field(default_factory=list)
    tags: Tags = Field(default_factory=dict)
    policy_overrides: PolicyOverrides = Field(default_factory=dict, description=OVERRIDES_DOC)
    overrides: ProviderOverrides = Field(default_factory=dict, description=PROVIDER_OVERRIDES_DOC)


class Resources(Model):
    compute: list[ComputeSpec] = Field(default_factory=list)
    storage: list[StorageSpec] = Field(default_factory=list)
    network: list[NetworkSpec] = Field(default_factory=list)
    database: list[DatabaseSpec] = Field(default_factory=list)
    serverless: list[FunctionSpec] = Field(default_factory=list)
    layers: list[LayerSpec] = Field(default_factory=list)
