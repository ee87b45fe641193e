"""Config -> the flat list of DesiredResources the engine plans.

`expand(cfg)` expands count, outcomes and implicit declarations, links names to addresses
and turns `${...}` references into Ref/Template values with dependency edges. The same
code runs (without reading function code) when a config is loaded, so `load_config` and
`expand` report the same undefined references, unknown attributes and cycles.

Loading already builds every resource to check it. When that build read no function or
layer code (so reading code could not change it) and the config is the same when
`expand()` is called (same JSON of the whole model, same file and positions), the first
`expand()` hands out those resources instead of building them again; any other call
builds afresh. Large configs load and expand in about half the time this way.
"""

from __future__ import annotations

import weakref
from typing import Any

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
from genesys.config.gc_pause import paused_gc
from genesys.config.model import Config
from genesys.config.namespace import Namespace
from genesys.config.outcomes import build_outcomes
from genesys.config.references import check_cycles, check_references, link_attributes
from genesys.config.reporter import Reporter, locator


def expand(cfg: Config, *, unchanged_since_load: bool = False) -> list[DesiredResource]:
    """Every resource the config asks for; raises ConfigError on reference problems.

    `unchanged_since_load`: the caller vouches that `cfg` is the object `load_config`
    returned, not modified since (the engine's session: load, then expand at once); the
    loader's build is then handed out without serializing the whole model to compare."""
    with paused_gc():
        if unchanged_since_load and cfg._built is not None and cfg._built[0]() is cfg:
            resources = cfg._built[2]
            cfg._built = None
            return resources  # type: ignore[no-any-return]
        text = model_text(cfg)
        remembered, cfg._built = cfg._built, None
        if remembered is not None and text is not None:
            owner, key, resources = remembered
            if owner() is cfg and key == _key(cfg, text):
                return resources  # type: ignore[no-any-return]
        reporter = reporter_for(cfg)
        resources = run_build(cfg, reporter, with_code=True, text=text).resources
        reporter.raise_if_errors()
        return resources


def remember(cfg: Config, build: Build, text: str | None) -> None:
    """Keeps a loader's error-free build for the first `expand()` (see the docstring)."""
    if text is not None and not build.reads_code:
        cfg._built = (weakref.ref(cfg), _key(cfg, text), build.resources)


def _key(cfg: Config, text: str) -> tuple[Any, ...]:
    # Everything a build reads: the model, the file's name, positions and path map.
    return (text, cfg.display_name, cfg._positions, cfg._translate)


def model_text(cfg: Config) -> str | None:
    """The whole model as JSON (defaults included), or None when some value (a provider
    setting of an odd type) has no JSON form."""
    try:
        return cfg.model_dump_json(by_alias=True)
    except Exception:
        return None


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
    return run_build(cfg, reporter, with_code=with_code, broken=broken).resources


def run_build(
    cfg: Config,
    reporter: Reporter,
    *,
    with_code: bool,
    broken: frozenset[str] = frozenset(),
    text: str | None = None,
) -> Build:
    """`build_resources`, returning the whole Build. `text` (from `model_text`) lets the
    reference check skip configs that contain no `$` at all."""
    build = Build(cfg, Namespace(cfg, reporter, broken), reporter, with_code)
    build_networks(build)
    build_compute(build)
    build_storage(build)
    build_databases(build)
    build_layers(build)
    build_functions(build)
    build_outcomes(build)
    build_implicit_groups(build)
    edges = check_references(build, text)
    link_attributes(build)
    check_cycles(build, edges)
    return build
