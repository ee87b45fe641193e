"""The config layer: load a `genesys.yaml`/`genesys.toml`, validate it with located
diagnostics, and expand it into the DesiredResources the engine plans.

    cfg = load_config("genesys.yaml")   # raises ConfigError listing every problem
    resources = expand(cfg)             # count, outcomes, implicit groups, ${...} refs

Module map: source/yaml_source (yaml_events: its fast path)/toml_source read files with
positions; model/resources are the pydantic models; validation reports every problem at
once; namespace/convert*/outcomes/references/expand build DesiredResources; schema and fmt
serve the CLI. Speed on large configs: tools/bench/config_load.py measures it; yaml_events,
toml_source's one-line scan, expand (reusing the loader's build) and gc_pause say where it
comes from.
"""

from __future__ import annotations

from genesys.config.desired import DesiredResource, Location, Ref, Template, Value
from genesys.config.diagnostics import Diagnostic, format_path, parse_path
from genesys.config.expand import expand
from genesys.config.loader import Inspection, inspect_config, load_config
from genesys.config.model import Config, Output, Policies, ProviderSettings, StateConfig
from genesys.config.refs import parse_value, refs_in, resolve_value
from genesys.config.support import unsupported

__all__ = [
    "Config",
    "DesiredResource",
    "Diagnostic",
    "Inspection",
    "Location",
    "Output",
    "Policies",
    "ProviderSettings",
    "Ref",
    "StateConfig",
    "Template",
    "Value",
    "expand",
    "format_path",
    "inspect_config",
    "load_config",
    "parse_path",
    "parse_value",
    "refs_in",
    "resolve_value",
    "unsupported",
]
