"""The root model `Config`: provider, region, project, providers, outcomes, resources,
state, policies and outputs. `load_config()` builds one; see `genesys.config.loader`."""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Annotated, Any

from genesys.config.desired import Location, Value
from genesys.config.diagnostics import Diagnostic, Path, parse_path
from genesys.config.refs import parse_value
from genesys.config.reporter import locator
from genesys.config.resources import (
    OVERRIDES_DOC,
    PROVIDER_OVERRIDES_DOC,
    Model,
    PolicyOverrides,
    ProviderOverrides,
    Resources,
    Runtime,
    Tags,
    apply_go_handler_default,
)
from genesys.config.types import (
    Domain,
    EnvName,
    Handler,
    Name,
    OneOf,
    Pattern,
    PluginChoice,
    Url,
    VersionConstraint,
    is_plugin_path,
)
from genesys.config.vocab import ENFORCEMENT_LEVELS, HTTP_METHODS, POLICY_NAMES
from pydantic import (
    ConfigDict,
    Field,
    PrivateAttr,
    WithJsonSchema,
    field_validator,
    model_validator,
)

ProviderName = Annotated[
    str,
    Pattern("provider name", r"^[a-z][a-z0-9_-]*$", "lower-case letters, digits, '-' or '_'"),
]

# A variable name, or a prefix ending in `*` (`providers.<name>.env_passthrough`).
EnvPattern = Annotated[
    str,
    Pattern(
        "environment variable pattern",
        r"^[A-Za-z_][A-Za-z0-9_]*\*?$",
        "a variable name (MY_TOKEN) or a prefix ending in * (MYCLOUD_*)",
    ),
]

# ---------------------------------------------------------------- outcomes


class StaticSiteOutcome(Model):
    name: Name | None = Field(default=None, description="default: the domain with dots as dashes")
    domain: Domain | None = None
    enable_cdn: bool = True
    enable_https: bool = True
    index_document: str = "index.html"
    error_document: str = "404.html"
    tags: Tags = Field(default_factory=dict)
    policy_overrides: PolicyOverrides = Field(default_factory=dict, description=OVERRIDES_DOC)
    overrides: ProviderOverrides = Field(default_factory=dict, description=PROVIDER_OVERRIDES_DOC)

    def site_name(self) -> str:
        if self.name:
            return self.name
        return self.domain.replace(".", "-").replace("*", "star") if self.domain else "static-site"


class ApiOutcome(Model):
    name: Name = "api"
    runtime: Runtime = "python3.12"
    handler: Handler = "main.handler"
    memory: Annotated[int, Field(ge=128, le=10240)] = 128
    timeout: Annotated[int, Field(ge=1, le=900)] = 30
    environment: dict[EnvName, str] = Field(default_factory=dict)
    path: str = "/*"
    methods: list[Annotated[str, OneOf("HTTP method", HTTP_METHODS)]] = Field(
        default_factory=list, description="empty: every method"
    )
    source: str | None = None
    tags: Tags = Field(default_factory=dict)
    policy_overrides: PolicyOverrides = Field(default_factory=dict, description=OVERRIDES_DOC)
    overrides: ProviderOverrides = Field(default_factory=dict, description=PROVIDER_OVERRIDES_DOC)

    @model_validator(mode="after")
    def _go_handler_default(self) -> ApiOutcome:
        apply_go_handler_default(self)
        return self


class Outcomes(Model):
    model_config = ConfigDict(populate_by_name=True)

    static_site: StaticSiteOutcome | None = Field(default=None, alias="static-site")
    api: ApiOutcome | None = None


# ---------------------------------------------------------------- state, policies, providers


class StateConfig(Model):
    backend: ProviderName = Field(
        default="local", description="local|s3|gcs|azureblob or a plugin's"
    )
    path: str | None = Field(default=None, description="local backend: state directory")
    bucket: str | None = None
    prefix: str | None = Field(default=None, description="object-name prefix inside the bucket")
    lock_table: str | None = None
    region: str | None = None
    container: str | None = None
    storage_account: str | None = None
    encrypt: bool = False
    kms_key: str | None = Field(
        default=None,
        description="with encrypt: a cloud KMS key (id, ARN or alias) that wraps the data key",
    )
    settings: dict[str, Any] = Field(default_factory=dict, description="backend-specific")

    def as_values(self) -> dict[str, Value]:
        """The block's explicitly set keys, with `${account_id}`-style strings parsed to
        `Ref`/`Template` values for the engine to resolve from the provider's identity."""
        data = self.model_dump(exclude_unset=True)
        return {key: _parse_strings(value) for key, value in data.items()}


def _parse_strings(value: Any) -> Any:
    if isinstance(value, str):
        return parse_value(value)
    if isinstance(value, dict):
        return {k: _parse_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_parse_strings(v) for v in value]
    return value


_SETTING_KEYS = frozenset({"value", "enforcement"})
_POLICY_VALUE_DOC = "a value, or {value: ..., enforcement: advisory|mandatory}"
# What max_cost_per_month does with a resource the provider's price table does not know
# (it would otherwise count as $0 and slip under the limit).
UNKNOWN_PRICE_CHOICES = ("fail", "warn")
_UNKNOWN_PRICE_DOC = (
    "resources without a price: fail (default when mandatory) or warn (default when advisory)"
)


def _policy_schema(value_schema: dict[str, Any], **more: dict[str, Any]) -> Any:
    setting = {
        "type": "object",
        "properties": {
            "value": value_schema,
            "enforcement": {"type": "string", "enum": list(ENFORCEMENT_LEVELS)},
            **more,
        },
        "required": ["value"],
        "additionalProperties": False,
    }
    return WithJsonSchema({"anyOf": [value_schema, setting], "description": _POLICY_VALUE_DOC})


# Tag rules report before they block, like AWS Organizations tag policies (compliance is
# reported until enforcement is switched on): the seed example itself tags only its
# instances, and must apply as written. Every other policy blocks apply by default.
DEFAULT_LEVELS = {"require_tags": "advisory"}


class Policies(Model):
    """Guardrails evaluated on the plan: mandatory unless set advisory (see DEFAULT_LEVELS)."""

    no_public_buckets: Annotated[bool, _policy_schema({"type": "boolean"})] = False
    require_encryption: Annotated[bool, _policy_schema({"type": "boolean"})] = False
    require_tags: Annotated[
        list[str], _policy_schema({"type": "array", "items": {"type": "string"}})
    ] = Field(default_factory=list)
    max_cost_per_month: Annotated[
        float | None,
        Field(ge=0),
        _policy_schema(
            {"type": "number", "minimum": 0},
            unknown_price={
                "type": "string",
                "enum": list(UNKNOWN_PRICE_CHOICES),
                "description": _UNKNOWN_PRICE_DOC,
            },
        ),
    ] = None
    # Filled from the `{value, enforcement}` form; policies absent here use DEFAULT_LEVELS.
    enforcement: dict[str, Annotated[str, OneOf("enforcement level", ENFORCEMENT_LEVELS)]] = Field(
        default_factory=dict, exclude=True, json_schema_extra={"readOnly": True}
    )
    # Filled from `max_cost_per_month: {value, unknown_price}`; see unknown_price_handling().
    unknown_price: dict[
        str, Annotated[str, OneOf("`unknown_price` value", UNKNOWN_PRICE_CHOICES)]
    ] = Field(default_factory=dict, exclude=True, json_schema_extra={"readOnly": True})

    @model_validator(mode="before")
    @classmethod
    def _split_enforcement(cls, data: object) -> object:
        """`{value: X, enforcement: advisory}` -> the value, plus an `enforcement` entry."""
        if not isinstance(data, dict):
            return data
        values = dict(data)
        given = values.get("enforcement")
        levels = dict(given) if isinstance(given, dict) else {}
        unknown_price: dict[str, Any] = {}
        for name in POLICY_NAMES:
            setting = values.get(name)
            keys = _SETTING_KEYS | ({"unknown_price"} if name == "max_cost_per_month" else set())
            if isinstance(setting, dict) and "value" in setting and set(setting) <= keys:
                values[name] = setting["value"]
                if "enforcement" in setting:
                    levels[name] = setting["enforcement"]
                if "unknown_price" in setting:
                    unknown_price[name] = setting["unknown_price"]
        if levels:
            values["enforcement"] = levels
        if unknown_price:
            values["unknown_price"] = unknown_price
        return values

    def level(self, policy: str) -> str:
        """ "advisory" or "mandatory" for a policy name (DEFAULT_LEVELS when not set)."""
        return self.enforcement.get(policy, DEFAULT_LEVELS.get(policy, "mandatory"))

    def unknown_price_handling(self, policy: str) -> str:
        """ "fail" or "warn": what a cost policy does with unpriced resources (by default,
        fail when it is mandatory, warn when advisory)."""
        default = "fail" if self.level(policy) == "mandatory" else "warn"
        return self.unknown_price.get(policy, default)

    def active(self) -> list[str]:
        """Names of the policies that are switched on."""
        on = []
        for name in ("no_public_buckets", "require_encryption"):
            if getattr(self, name):
                on.append(name)
        if self.require_tags:
            on.append("require_tags")
        if self.max_cost_per_month is not None:
            on.append("max_cost_per_month")
        return on


class ProviderSettings(Model):
    """Settings of one provider plugin. `version` and `endpoints` are read by the core;
    every other key is passed to the plugin's Configure call (`settings`)."""

    model_config = ConfigDict(extra="allow")

    version: VersionConstraint | None = Field(default=None, description="plugin version constraint")
    endpoints: dict[str, Url] = Field(
        default_factory=dict, description="service name -> URL overriding the cloud's endpoint"
    )
    env_passthrough: list[EnvPattern] = Field(
        default_factory=list,
        description="variables of the user's environment this plugin may see beyond the "
        "built-in allow-list: NAME or PREFIX_* (genesys.plugins.process)",
    )

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class Output(Model):
    value: str = Field(description='usually a reference, e.g. "${database.app-db.endpoint}"')
    sensitive: bool = False
    description: str = ""

    @property
    def expression(self) -> Value:
        return parse_value(self.value)


def _output_shorthand(value: object) -> object:
    return {"value": value} if isinstance(value, (str, int, float)) else value


OutputName = Annotated[
    str,
    Pattern("output name", r"^[A-Za-z_][A-Za-z0-9_-]*$", "letters, digits, '-' and '_'"),
]
OutputSpec = Annotated[
    Output,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string"},
                {
                    "type": "object",
                    "properties": {
                        "value": {"type": "string"},
                        "sensitive": {"type": "boolean"},
                        "description": {"type": "string"},
                    },
                    "required": ["value"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]


# ---------------------------------------------------------------- root


class Config(Model):
    """A whole config file. Built by `load_config()`, which also fills the private parts:
    `source_path`, `warnings` and the location of every field (`location_of`)."""

    provider: Annotated[str, PluginChoice()] = Field(
        default="local",
        description="aws|gcp|azure|alibaba|tencent|local, another installed plugin's name, "
        "or a path to a plugin executable (./genesys-provider-x)",
    )
    region: str | None = None
    project: str | None = None
    providers: dict[ProviderName, ProviderSettings] = Field(default_factory=dict)
    outcomes: Outcomes = Field(default_factory=Outcomes)
    resources: Resources = Field(default_factory=Resources)
    state: StateConfig = Field(default_factory=StateConfig)
    policies: Policies = Field(default_factory=Policies)
    outputs: dict[OutputName, OutputSpec] = Field(default_factory=dict)

    _source_path: FsPath = PrivateAttr(default_factory=lambda: FsPath("genesys.yaml"))
    _display_name: str = PrivateAttr("genesys.yaml")
    _format: str = PrivateAttr("yaml")
    _warnings: list[Diagnostic] = PrivateAttr(default_factory=list)
    # Set by the loader: where each written path is, and how paths of this model map back
    # to written paths (they differ when recovery dropped broken list items).
    _positions: dict[Path, tuple[int, int]] = PrivateAttr(default_factory=dict)
    _translate: Any = PrivateAttr(None)
    # The resources the loader built while checking, for the first `expand()` to hand out
    # when the config is unchanged since (see genesys.config.expand.expand).
    _built: Any = PrivateAttr(None)

    @field_validator("outputs", mode="before")
    @classmethod
    def _outputs_shorthand(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: _output_shorthand(v) for k, v in value.items()}
        return value

    @property
    def source_path(self) -> FsPath:
        """Absolute path of the file this config was read from."""
        return self._source_path

    @property
    def display_name(self) -> str:
        """The file as the user named it (used in messages)."""
        return self._display_name

    @property
    def format(self) -> str:
        """ "yaml" or "toml"."""
        return self._format

    @property
    def warnings(self) -> list[Diagnostic]:
        return list(self._warnings)

    @property
    def base_dir(self) -> FsPath:
        """Directory relative paths in the config (function sources) are resolved against."""
        return self._source_path.parent

    @property
    def provider_name(self) -> str:
        """The provider's name: `provider:` itself, or for a path to a plugin executable
        its file name without `genesys-provider-` (what `providers.<name>`, the state's
        records and genesys.lock use)."""
        from genesys.plugins.discovery import provider_name_of

        return provider_name_of(self.provider)

    @property
    def plugin(self) -> str:
        """What starts the plugin: the name, or the executable's path resolved against
        the config file's directory (so a run from elsewhere finds it)."""
        if not is_plugin_path(self.provider):
            return self.provider
        return str((self.base_dir / FsPath(self.provider).expanduser()).resolve())

    def provider_settings(self) -> ProviderSettings:
        """Settings of the selected provider (empty when it has no `providers:` entry)."""
        return self.providers.get(self.provider_name) or ProviderSettings()

    def location_of(self, path: Path | str) -> Location:
        """Where a field path (tuple or "resources.compute[0].type") was written; the
        nearest written ancestor when the field itself was not (a default)."""
        parts = parse_path(path) if isinstance(path, str) else tuple(path)
        positions = self._positions
        if not positions:
            return Location(self._display_name)
        line, column = locator(positions)(self.written_path(parts))
        return Location(self._display_name, line, column)

    def written_path(self, path: Path) -> Path:
        """The path as written in the file for a path into this model."""
        return self._translate(path) if self._translate else path
