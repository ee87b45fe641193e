"""Every address a config declares, and the resolution of names written in it.

Addresses (also what `${...}` references name):
    compute.NAME | compute.NAME[i]          instance (indexed when `count` is set)
    storage.NAME                            bucket or volume
    storage.NAME.attachment                 volume attachment (volume with `attach_to`)
    network.NAME                            network
    network.NAME.subnet.SUB                 subnet
    network.NAME.security_group.SG          security group (declared or implicit)
    network.NAME.load_balancer.LB           load balancer
    database.NAME | serverless.NAME | layer.NAME
    outcome.static-site.{bucket,cdn,certificate} | outcome.api.function
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from genesys.config.diagnostics import Path, did_you_mean, format_path
from genesys.config.model import Config
from genesys.config.reporter import Reporter
from genesys.config.resources import NetworkSpec, VolumeSpec

_INDEXED = re.compile(r"^(?P<name>.+?)\[(?P<index>\d+)\]$")


@dataclass(frozen=True)
class Declared:
    kind: str  # key of genesys.kinds.KINDS
    path: Path  # where the declaring item was written


@dataclass(frozen=True)
class ImplicitGroup:
    network: str
    name: str
    path: Path  # the first place that named it


def static_site_parts(cfg: Config) -> dict[str, str]:
    """Which resources the static-site outcome creates: part -> kind."""
    site = cfg.outcomes.static_site
    if site is None:
        return {}
    parts = {"bucket": "bucket"}
    if site.enable_cdn:
        parts["cdn"] = "cdn"
        if site.enable_https and site.domain:
            parts["certificate"] = "certificate"
    return parts


class Namespace:
    def __init__(self, cfg: Config, reporter: Reporter, broken: frozenset[str]) -> None:
        self.reporter = reporter
        self.broken = broken  # addresses of items dropped for errors: never "undefined"
        self.declared: dict[str, Declared] = {}
        self.counts: dict[str, int] = {}  # "compute.web" -> count, for counted compute
        self.networks: dict[str, tuple[NetworkSpec, Path]] = {}
        self.layers: set[str] = set()
        self.implicit_groups: dict[str, ImplicitGroup] = {}
        self._declare_all(cfg)

    # ------------------------------------------------------------ declarations

    def _declare(self, address: str, kind: str, path: Path) -> None:
        self.declared.setdefault(address, Declared(kind, path))

    def _declare_all(self, cfg: Config) -> None:
        res = cfg.resources
        for i, net in enumerate(res.network):
            self._declare_network(net, ("resources", "network", i))
        for i, vm in enumerate(res.compute):
            path = ("resources", "compute", i)
            if vm.count is None:
                self._declare(f"compute.{vm.name}", "instance", path)
            else:
                self.counts.setdefault(f"compute.{vm.name}", vm.count)
                for index in range(vm.count):
                    self._declare(f"compute.{vm.name}[{index}]", "instance", path)
        for i, item in enumerate(res.storage):
            path = ("resources", "storage", i)
            self._declare(f"storage.{item.name}", item.type, path)
            if isinstance(item, VolumeSpec) and item.attach_to:
                self._declare(f"storage.{item.name}.attachment", "volume_attachment", path)
        for section, prefix, kind in (
            ("database", "database", "database"),
            ("layers", "layer", "layer"),
            ("serverless", "serverless", "function"),
        ):
            for i, item in enumerate(getattr(res, section)):
                self._declare(f"{prefix}.{item.name}", kind, ("resources", section, i))
        self.layers = {layer.name for layer in res.layers}
        for part, kind in static_site_parts(cfg).items():
            self._declare(f"outcome.static-site.{part}", kind, ("outcomes", "static-site"))
        if cfg.outcomes.api is not None:
            self._declare("outcome.api.function", "function", ("outcomes", "api"))

    def _declare_network(self, net: NetworkSpec, path: Path) -> None:
        self.networks.setdefault(net.name, (net, path))
        self._declare(f"network.{net.name}", "network", path)
        for key, part, kind in (
            ("subnets", "subnet", "subnet"),
            ("security_groups", "security_group", "security_group"),
            ("load_balancers", "load_balancer", "load_balancer"),
        ):
            for j, item in enumerate(getattr(net, key)):
                address = f"network.{net.name}.{part}.{item.name}"
                self._declare(address, kind, (*path, key, j))

    # ------------------------------------------------------------ name resolution

    def _is_broken(self, address: str) -> bool:
        base = _INDEXED.sub(r"\g<name>", address)
        return any(base == b or base.startswith(b + ".") for b in self.broken)

    def network(self, name: str, path: Path) -> str | None:
        """Address of a network named in the config, or None (reported) when undefined."""
        if name in self.networks:
            return f"network.{name}"
        if not self._is_broken(f"network.{name}"):
            hint = did_you_mean(name, self.networks) or _none_declared(
                "networks", "resources.network", self.networks
            )
            self.reporter.error(path, f"undefined network '{name}'", hint)
        return None

    def subnet(self, network: str, name: str, path: Path) -> str | None:
        net, _ = self.networks[network]
        names = [s.name for s in net.subnets]
        if name in names:
            return f"network.{network}.subnet.{name}"
        if not self._is_broken(f"network.{network}.subnet.{name}"):
            hint = did_you_mean(name, names) or _none_declared(
                "subnets", f"network '{network}'", names
            )
            self.reporter.error(path, f"network '{network}' has no subnet '{name}'", hint)
        return None

    def subnets_of(self, network: str) -> list[tuple[str, bool]]:
        """(address, public) of every subnet of a network, in written order."""
        net, _ = self.networks[network]
        return [(f"network.{network}.subnet.{s.name}", s.public) for s in net.subnets]

    def security_group(self, network: str, name: str, path: Path) -> str:
        """Address of a group of a network; a name never declared there becomes an
        implicit, empty group (with a warning) — see docs/config.md."""
        address = f"network.{network}.security_group.{name}"
        if address in self.declared or address in self.implicit_groups:
            return address
        self.implicit_groups[address] = ImplicitGroup(network, name, path)
        declared = [g.name for g in self.networks[network][0].security_groups]
        hint = did_you_mean(name, declared)
        if hint is None:
            where = self.networks[network][1]
            hint = f"declare it under {format_path(where)}.security_groups to give it rules"
        self.reporter.warning(
            path,
            f"security group '{name}' is not declared in network '{network}': an empty group "
            f"(no inbound traffic, all outbound allowed) is created as {address}",
            hint,
        )
        return address

    def instances(self, target: str, path: Path, *, one: bool) -> list[str]:
        """Instance addresses for `web` (all of its count) or `web[2]`; `one` requires a
        single instance (volume attach_to)."""
        match = _INDEXED.match(target)
        name, index = (match["name"], int(match["index"])) if match else (target, None)
        group = f"compute.{name}"
        if group in self.counts:
            count = self.counts[group]
            if index is None:
                if one:
                    self.reporter.error(
                        path,
                        f"{group} has count = {count}: name one instance",
                        f"e.g. {name}[0]",
                    )
                    return []
                return [f"{group}[{i}]" for i in range(count)]
            if index >= count:
                self.reporter.error(
                    path,
                    f"{group} has count = {count}: index {index} is out of range",
                    f"use {name}[0] to {name}[{count - 1}]",
                )
                return []
            return [f"{group}[{index}]"]
        if group in self.declared:
            if index is not None:
                self.reporter.error(path, f"{group} has no count: write '{name}' without [{index}]")
                return []
            return [group]
        if not self._is_broken(group):
            names = [a.split(".", 1)[1] for a in self.counts] + [
                a.split(".", 1)[1]
                for a, d in self.declared.items()
                if d.kind == "instance" and "[" not in a
            ]
            hint = did_you_mean(name, names) or _none_declared(
                "compute resources", "resources.compute", names
            )
            self.reporter.error(path, f"undefined compute '{name}'", hint)
        return []

    def layer(self, name: str, path: Path) -> str | None:
        if name in self.layers:
            return f"layer.{name}"
        if not self._is_broken(f"layer.{name}"):
            hint = did_you_mean(name, self.layers) or _none_declared(
                "layers", "resources.layers", self.layers
            )
            self.reporter.error(path, f"undefined layer '{name}'", hint)
        return None

    # ------------------------------------------------------------ reference targets

    def kind_of(self, address: str) -> str | None:
        if address in self.declared:
            return self.declared[address].kind
        if address in self.implicit_groups:
            return "security_group"
        return None

    def check_address(self, address: str) -> tuple[str | None, str | None, str | None]:
        """(kind, error, hint) for a reference's address; all None for broken targets."""
        kind = self.kind_of(address)
        if kind:
            return kind, None, None
        if self._is_broken(address):
            return None, None, None
        if address in self.counts:
            count = self.counts[address]
            return (
                None,
                f"{address} has count = {count}: refer to one instance",
                (f"e.g. {address}[0]"),
            )
        match = _INDEXED.match(address)
        if match and match["name"] in self.counts:
            count = self.counts[match["name"]]
            return (
                None,
                f"{match['name']} has count = {count}: index out of range",
                (f"use indices 0 to {count - 1}"),
            )
        if match and match["name"] in self.declared:
            return None, f"{match['name']} has no count: refer to it without an index", None
        known = list(self.declared) + list(self.implicit_groups) + list(self.counts)
        return (
            None,
            f"undefined reference: nothing is declared at '{address}'",
            did_you_mean(address, known),
        )


def _none_declared(what: str, where: str, names: object) -> str | None:
    return None if names else f"no {what} are declared in {where}"
