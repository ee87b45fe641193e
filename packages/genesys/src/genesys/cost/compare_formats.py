"""Rendering a `Comparison`: a side-by-side table, or JSON in Infracost's spirit.

    {"currency": "USD", "config": "genesys.yaml", "cheapest": "alibaba",
     "providers": {"aws": {"totalMonthlyCost": "347.23", "pricesAsOf": "2024-11-01",
                           "priceRegion": "us-east-1", "complete": true, "error": null,
                           "resources": [{"address", "kind", "providerType",
                                          "monthlyCost", "unsupported"}]}, ...}}

Money is a decimal string with cents (`"30.37"`), `null` when unknown, as in Infracost.
"""

from __future__ import annotations

import json
from typing import Any

from genesys.cost.compare import Comparison, ProviderQuote, QuoteRow


def format_comparison(comparison: Comparison, output: str = "table") -> str:
    if output == "json":
        return json.dumps(comparison_to_json(comparison), indent=2)
    return render_comparison(comparison)


def _money(value: float | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _resource_json(row: QuoteRow) -> dict[str, Any]:
    return {
        "address": row.address,
        "kind": row.kind,
        "providerType": row.provider_type or None,
        "monthlyCost": None if row.problem else _money(row.monthly),
        "unsupported": row.problem or None,
    }


def _provider_json(quote: ProviderQuote) -> dict[str, Any]:
    return {
        "totalMonthlyCost": None if quote.error else _money(quote.total_monthly),
        "pricesAsOf": quote.prices.as_of or None,
        "priceRegion": quote.prices.region or None,
        "complete": quote.complete,
        "unpriced": quote.unpriced,
        "error": quote.error or None,
        "resources": [_resource_json(r) for r in quote.rows],
    }


def comparison_to_json(comparison: Comparison) -> dict[str, Any]:
    return {
        "currency": comparison.currency,
        "config": comparison.config_name,
        "cheapest": comparison.cheapest or None,
        "providers": {q.provider: _provider_json(q) for q in comparison.quotes},
    }


# ---------------------------------------------------------------- table


def _cell(row: QuoteRow | None, notes: list[str], provider: str) -> str:
    if row is None:
        return "-"
    if row.problem:
        notes.append(f"{provider}: {row.address}: {row.problem}")
        return f"cannot [{len(notes)}]"
    price = "?" if row.monthly is None else f"${row.monthly:,.2f}"
    return f"{row.provider_type} {price}".strip()


def _total_cell(quote: ProviderQuote, cheapest: str) -> str:
    if quote.error:
        return "unavailable"
    text = f"${quote.total_monthly:,.2f}"
    if not quote.complete:
        text += " (partial)"
    if quote.unpriced:
        text += f" (+{len(quote.unpriced)} unpriced)"
    return text + (" *" if quote.provider == cheapest else "")


def render_comparison(comparison: Comparison) -> str:
    quotes = comparison.quotes
    addresses = sorted({r.address for q in quotes for r in q.rows})
    by_provider = {q.provider: {r.address: r for r in q.rows} for q in quotes}
    notes: list[str] = []
    header = ["RESOURCE", *(q.provider.upper() for q in quotes)]
    rows = [
        [address, *(_cell(by_provider[q.provider].get(address), notes, q.provider)
                    if not q.error else "-" for q in quotes)]
        for address in addresses
    ]
    total = ["MONTHLY TOTAL", *(_total_cell(q, comparison.cheapest) for q in quotes)]
    table = [header, *rows, total]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [f"Monthly cost by provider ({comparison.config_name}), {comparison.currency}:", ""]
    out += [line(header), *(line(r) for r in rows), line(total)]
    out.append("")
    out.append(_cheapest_line(comparison))
    out.extend(_price_lines(quotes))
    out.extend(f"[{i}] {note}" for i, note in enumerate(notes, 1))
    out.extend(f"{q.provider}: {q.error}" for q in quotes if q.error)
    return "\n".join(out)


def _cheapest_line(comparison: Comparison) -> str:
    if comparison.cheapest:
        return (f"* cheapest: {comparison.cheapest} (of the providers that can make and "
                "price every resource)")
    return ("No provider can make and price every resource; partial totals leave those "
            "rows out, unpriced ones count as $0.")


def _price_lines(quotes: list[ProviderQuote]) -> list[str]:
    lines = ["Prices as of:"]
    for q in quotes:
        if q.error:
            continue
        where = f", {q.prices.region}" if q.prices.region else ""
        lines.append(f"  {q.provider}: {q.prices.as_of or 'undated'}{where}")
    return lines
