"""`genesys cost --compare`: one config priced on several providers, side by side.

Offline by design: each provider plugin is started unconfigured (no credentials, no state)
and asked, through `PlanResources`, what every resource of the config becomes and costs
when created from nothing; the prices come from the price tables the plugin ships. A
resource a provider cannot make is a row saying why (its capabilities, or the plugin's
error diagnostic), never a failure of the whole comparison.

Money is rounded to cents per resource before anything is added up, so the totals shown
are exactly the sums of the rows shown (table and JSON alike).
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from genesys.config.desired import DesiredResource
from genesys.cost.estimate import PriceTableInfo, estimate_plan, price_tables
from genesys.engine.plan import Plan
from genesys.errors import GenesysError

# The clouds this project publishes plugins for, in the order the comparison shows them.
CLOUDS = ("aws", "gcp", "azure", "alibaba", "tencent")


@dataclass
class QuoteRow:
    address: str
    kind: str
    provider_type: str = ""  # "t3.medium", "db-custom-2-7680", "" when nothing is bought
    monthly: float | None = None  # cents-rounded; None: no price known
    problem: str = ""  # why this provider cannot make the resource


@dataclass
class ProviderQuote:
    provider: str
    prices: PriceTableInfo = field(default_factory=PriceTableInfo)
    rows: list[QuoteRow] = field(default_factory=list)
    error: str = ""  # the plugin could not be started or asked at all

    @property
    def total_monthly(self) -> float:
        return round(sum(r.monthly or 0.0 for r in self.rows if not r.problem), 2)

    @property
    def complete(self) -> bool:
        """Every resource can be made (so its total is the whole bill)."""
        return not self.error and not any(r.problem for r in self.rows)

    @property
    def unpriced(self) -> list[str]:
        """Makeable resources whose price the plugin's table does not know."""
        return [r.address for r in self.rows if not r.problem and r.monthly is None]


@dataclass
class Comparison:
    config_name: str
    quotes: list[ProviderQuote]
    currency: str = "USD"

    @property
    def cheapest(self) -> str:
        """The cheapest provider that can make and price everything ("" when none can)."""
        complete = [q for q in self.quotes if q.complete and not q.unpriced]
        if not complete:
            return ""
        return min(complete, key=lambda q: q.total_monthly).provider


def compare_names(text: str) -> list[str]:
    """`aws,gcp` -> ["aws", "gcp"]; `all` -> every installed cloud plugin."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise GenesysError("--compare needs provider names (aws,gcp,...) or `all`")
    if names == ["all"]:
        return installed_clouds()
    return list(dict.fromkeys(names))


def installed_clouds() -> list[str]:
    """Installed provider plugins except `local` (it prices everything at $0)."""
    from genesys.conformance.catalog import installed_providers

    found = {p.name for p in installed_providers()} - {"local"}
    if not found:
        raise GenesysError(
            "--compare all: no cloud provider plugin is installed; install one of "
            + ", ".join(f"genesys-provider-{c}" for c in CLOUDS)
        )
    return [c for c in CLOUDS if c in found] + sorted(found - set(CLOUDS))


def compare(config: Any, providers: Iterable[str], *, config_name: str = "") -> Comparison:
    """Quote the config on every provider, each with its own `overrides.<provider>`
    (expanded here, one after the other; the plugins are asked in parallel)."""
    from genesys.config import expand
    from genesys.config.overrides import with_overrides

    names = list(providers)
    desired = {n: expand(with_overrides(config, n)) for n in names}
    with ThreadPoolExecutor(max_workers=min(len(names), 6) or 1) as pool:
        quotes = list(pool.map(lambda n: quote(desired[n], n), names))
    return Comparison(config_name, quotes)


def quote(desired: list[DesiredResource], provider: str) -> ProviderQuote:
    """What one provider makes of the desired resources, and what it costs per month."""
    from genesys.plugins import PluginManager

    try:
        with PluginManager() as plugins:
            conn = plugins.get(provider)
            return _quote_with(conn, desired, provider)
    except GenesysError as err:
        return ProviderQuote(provider, error=str(err))


def _quote_with(conn: Any, desired: list[DesiredResource], provider: str) -> ProviderQuote:
    from genesys.engine import planner
    from genesys.engine.session import _facts
    from genesys.kinds import KINDS_BY_ENUM

    offered = [KINDS_BY_ENUM[k].name for k in conn.metadata.capabilities if k in KINDS_BY_ENUM]
    refused = _refused(desired, provider, offered)
    makeable = [d for d in desired if d.address not in refused]
    changes = planner.diff_resources(makeable, {}, _facts(conn), {}, destroy=False, made_as={})
    planner.annotate_with_provider(conn, changes)
    plan = Plan(provider=provider, lineage="", serial=0, config_digest="", changes=changes)
    report = estimate_plan(conn, plan)
    rows = {d.address: QuoteRow(d.address, d.kind, problem=refused[d.address])
            for d in desired if d.address in refused}
    for change, cost in zip(changes, report.resources, strict=True):
        monthly = cost.after.monthly
        rows[change.address] = QuoteRow(
            change.address, change.kind, provider_type=cost.translation,
            monthly=None if monthly is None else round(monthly, 2),
            problem="; ".join(change.diagnostics),
        )
    ordered = [rows[a] for a in sorted(rows)]
    return ProviderQuote(provider, price_tables(conn), ordered)


def _refused(desired: list[DesiredResource], provider: str, kinds: list[str]) -> dict[str, str]:
    """address -> why the provider's capabilities rule the resource out."""
    from genesys.config import unsupported

    refused: dict[str, str] = {}
    for resource in desired:
        problems = unsupported([resource], provider, kinds)
        if problems:
            refused[resource.address] = problems[0].message
    return refused
