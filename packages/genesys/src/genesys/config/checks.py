"""Checks across fields that a single field's type cannot express: duplicate names,
subnets inside their network and not overlapping, state backend requirements, and a hint
for a provider name that looks like a typo."""

from __future__ import annotations

import ipaddress
from pathlib import Path as FsPath

from genesys.config.diagnostics import Path, did_you_mean
from genesys.config.model import Config
from genesys.config.reporter import Reporter
from genesys.config.types import is_plugin_path
from genesys.config.vocab import KNOWN_PROVIDERS, KNOWN_STATE_BACKENDS

_BACKEND_NEEDS = {
    "s3": ("bucket",),
    "gcs": ("bucket",),
    "azureblob": ("storage_account", "container"),
    "oss": ("bucket",),
    "cos": ("bucket",),
}


def check_config(cfg: Config, reporter: Reporter) -> None:
    _check_names(cfg, reporter)
    for i, net in enumerate(cfg.resources.network):
        _check_subnets(
            net.cidr, [(s.name, s.cidr) for s in net.subnets], ("resources", "network", i), reporter
        )
    _check_provider(cfg, reporter)
    _check_state(cfg, reporter)
    from genesys.config.overrides import check_overrides

    check_overrides(cfg, reporter)
    _check_handlers(cfg, reporter)


def _check_handlers(cfg: Config, reporter: Reporter) -> None:
    """python and node handlers are module.function; a Go function's is its binary."""
    import re

    from genesys.config.code import GO_BINARY_NAME
    from genesys.config.types import HANDLER_FUNCTION

    blocks: list[tuple[Path, object]] = [
        (("resources", "serverless", i), fn) for i, fn in enumerate(cfg.resources.serverless)
    ]
    if cfg.outcomes.api is not None:
        blocks.append((("outcomes", "api"), cfg.outcomes.api))
    for path, block in blocks:
        runtime, handler = getattr(block, "runtime", ""), getattr(block, "handler", "")
        if runtime.startswith("go"):
            if not re.match(GO_BINARY_NAME, handler):
                reporter.error(
                    (*path, "handler"),
                    f"invalid handler '{handler}' for a {runtime} function: it names the "
                    "executable the build produces (letters, digits, '_', '.', '-')",
                    "leave handler unset for `bootstrap`, or e.g. handler: server",
                )
            continue
        if re.match(HANDLER_FUNCTION, handler):
            continue
        reporter.error(
            (*path, "handler"),
            f"invalid handler '{handler}' (expected module.function for a {runtime} "
            "function, e.g. main.handler)",
        )


def _check_names(cfg: Config, reporter: Reporter) -> None:
    res = cfg.resources
    for section in ("compute", "storage", "network", "database", "serverless", "layers"):
        items = getattr(res, section)
        _unique([item.name for item in items], ("resources", section), reporter)
    for i, net in enumerate(res.network):
        base: Path = ("resources", "network", i)
        for key in ("subnets", "security_groups", "load_balancers"):
            _unique([item.name for item in getattr(net, key)], (*base, key), reporter)


def _unique(names: list[str], path: Path, reporter: Reporter) -> None:
    first: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in first:
            line = reporter.line_of((*path, first[name], "name"))
            reporter.error(
                (*path, index, "name"),
                f"duplicate name '{name}': already used on line {line}",
                "names must be unique within their list",
            )
        else:
            first[name] = index


def _check_subnets(
    network_cidr: str, subnets: list[tuple[str, str]], path: Path, reporter: Reporter
) -> None:
    network = ipaddress.ip_network(network_cidr)
    seen: list[tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network]] = []
    for index, (name, cidr) in enumerate(subnets):
        where = (*path, "subnets", index, "cidr")
        subnet = ipaddress.ip_network(cidr)
        if subnet.version != network.version or not subnet.subnet_of(network):  # type: ignore[arg-type]
            reporter.error(
                where, f"subnet '{name}' ({cidr}) is outside its network ({network_cidr})"
            )
            continue
        for other_name, other in seen:
            if subnet.overlaps(other):
                reporter.error(
                    where, f"subnet '{name}' ({cidr}) overlaps subnet '{other_name}' ({other})"
                )
                break
        seen.append((name, subnet))


def _check_provider(cfg: Config, reporter: Reporter) -> None:
    from genesys.config.installed import install_hint, plugin_installed

    if cfg.provider in KNOWN_PROVIDERS:
        if not plugin_installed(cfg.provider):
            reporter.warning(("provider",), f"provider plugin '{cfg.provider}' is not installed",
                             install_hint(cfg.provider))
        return
    if is_plugin_path(cfg.provider):
        if not FsPath(cfg.plugin).is_file():
            reporter.error(
                ("provider",),
                f"plugin executable '{cfg.provider}' does not exist ({cfg.plugin})",
                "a path is relative to the config file's directory",
            )
        return
    hint = did_you_mean(cfg.provider, KNOWN_PROVIDERS)
    if hint or not plugin_installed(cfg.provider):
        reporter.warning(
            ("provider",),
            f"'{cfg.provider}' is not a provider shipped with Genesys and no plugin of that "
            f"name is installed: {install_hint(cfg.provider)}",
            hint,
        )


def _check_state(cfg: Config, reporter: Reporter) -> None:
    state = cfg.state
    if state.backend not in KNOWN_STATE_BACKENDS:
        hint = did_you_mean(state.backend, KNOWN_STATE_BACKENDS)
        if hint:
            reporter.warning(
                ("state", "backend"),
                f"'{state.backend}' is not a built-in state backend (a plugin must serve it)",
                hint,
            )
        return
    for key in _BACKEND_NEEDS.get(state.backend, ()):
        if not getattr(state, key):
            reporter.error(("state", key), f"the {state.backend} backend needs `{key}`")
