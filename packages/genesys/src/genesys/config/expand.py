"""Config -> the flat list of DesiredResources the engine plans.

`expand(cfg)` expands count, outcomes and implicit declarations, links names to addresses
and turns `${...}` references into Ref/Template values with dependency edges. The same
code runs (without reading function code) when a config is loaded, so `load_config` and
`expand` report the same undefined references, unknown attributes and cycles.
"""

from __future__ import annotations

from genesys.config.build import Build
from genesys.config.convert import (
    build_compute,
    build_databases,
    build_functions,
    build_layers,
    build_storage,
)
from genesys.config.convert_network import build_implicit_groups, build_networks
from genesys.config.desired import DesiredResource
from genesys.config.model import Config
from genesys.config.namespace import Namespace
from genesys.config.outcomes import build_outcomes
from genesys.config.references import check_cycles, check_references, link_attributes
from genesys.config.reporter import Reporter, locator


def expand(cfg: Config) -> list[DesiredResource]:
    """Every resource the config asks for; raises ConfigError on reference problems."""
    reporter = reporter_for(cfg)
    resources = build_resources(cfg, reporter, with_code=True)
    reporter.raise_if_errors()
    return resources


def reporter_for(cfg: Config) -> Reporter:
    return Reporter(cfg.display_name, locator(cfg._positions), cfg.written_path)


def build_resources(
    cfg: Config,
    reporter: Reporter,
    *,
    with_code: bool,
    broken: frozenset[str] = frozenset(),
) -> list[DesiredResource]:
    """Builds the resources, reporting every problem to `reporter` (never raising)."""
    build = Build(cfg, Namespace(cfg, reporter, broken), reporter, with_code)
    build_networks(build)
    build_compute(build)
    build_storage(build)
    build_databases(build)
    build_layers(build)
    build_functions(build)
    build_outcomes(build)
    build_implicit_groups(build)
    edges = check_references(build)
    link_attributes(build)
    check_cycles(build, edges)
    return build.resources
