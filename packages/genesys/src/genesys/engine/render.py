"""Plans for people (Terraform's symbols and sentences) and for machines (JSON)."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from genesys.engine.plan import UNKNOWN, Action, AttributeChange, Plan, ResourceChange
from genesys.redaction import SECRETS

_HEADLINE = {
    Action.CREATE: "will be created",
    Action.UPDATE: "will be updated in-place",
    Action.REPLACE: "must be replaced",
    Action.DELETE: "will be destroyed",
}
_COLORS = {Action.CREATE: "32", Action.UPDATE: "33", Action.REPLACE: "35", Action.DELETE: "31"}
SENSITIVE = "(sensitive value)"


def _hidden(change: ResourceChange, sensitive: dict[str, frozenset[str]]) -> frozenset[str]:
    """The schema's sensitive attributes of the kind and those the planner found reading a
    secret through a reference."""
    return sensitive.get(change.kind, frozenset()) | change.sensitive


def use_color(stream: Any = None) -> bool:
    stream = stream or sys.stdout
    return not os.environ.get("NO_COLOR") and hasattr(stream, "isatty") and stream.isatty()


def _fmt(value: Any, sensitive: bool = False) -> str:
    if sensitive:
        return SENSITIVE
    if value is UNKNOWN:
        return "(known after apply)"
    if isinstance(value, dict) and set(value) == {"zip", "sha256"}:
        return f"(code sha256 {value['sha256'][:12]})"
    if isinstance(value, (dict, list)):
        return json.dumps(_jsonable(value), sort_keys=True)
    return (
        json.dumps(value)
        if isinstance(value, str)
        else str(value).lower()
        if isinstance(value, bool)
        else str(value)
    )


def _jsonable(value: Any) -> Any:
    if value is UNKNOWN:
        return "(known after apply)"
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if k != "zip"}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes):
        return None
    return value


def _attribute_lines(change: ResourceChange, sensitive: frozenset[str]) -> list[str]:
    lines = []
    if change.action is Action.CREATE or (
        change.action is Action.REPLACE and not change.attribute_changes
    ):
        for name, value in sorted(change.after.items()):
            if value in (None, "", [], {}):
                continue
            shown = _fmt(value, name in sensitive)
            translated = change.provider_values.get(f"provider_{name}") or (
                change.provider_values.get("provider_type")
                if name == "size" and change.kind != "database"
                else change.provider_values.get("provider_class")
                if name == "size"
                else None
            )
            extra = f" ({translated})" if translated else ""
            lines.append(f"      + {name} = {shown}{extra}")
    elif change.action is Action.DELETE:
        prior = change.prior.attributes if change.prior else {}
        for name in ("id", "name"):
            if prior.get(name):
                lines.append(f"      - {name} = {_fmt(prior[name])}")
    else:
        lines.extend(_diff_line(c, change) for c in change.attribute_changes)
    return lines


def _diff_line(c: AttributeChange, change: ResourceChange) -> str:
    before = _fmt(c.before, c.sensitive) if c.before not in (None, "") else "null"
    after = _fmt(c.after, c.sensitive)
    note = "  # forces replacement" if c.forces_replacement else ""
    translated = ""
    if c.name == "size":
        translated_value = change.provider_values.get(
            "provider_type"
        ) or change.provider_values.get("provider_class")
        translated = f" ({translated_value})" if translated_value else ""
    return f"      ~ {c.name} = {before} -> {after}{translated}{note}"


def render_plan(plan: Plan, sensitive: dict[str, frozenset[str]], color: bool = False) -> str:
    out: list[str] = []
    changed = [c for c in plan.changes if c.action is not Action.NOOP]
    if not changed:
        out.append("No changes. Your infrastructure matches the configuration.")
        return "\n".join(out)
    out.append("Genesys will perform the following actions:\n")
    for change in changed:
        symbol = f"{change.action.symbol:>3}"  # padded before colouring: escapes have width
        if color:
            symbol = f"\x1b[{_COLORS[change.action]}m{symbol}\x1b[0m"
        cost = f"  (${change.monthly_cost:,.2f}/mo)" if change.monthly_cost else ""
        out.append(f"  # {change.address} {_HEADLINE[change.action]}{cost}")
        if change.drift:
            out.append(f"  # ({change.drift})")
        out.append(f'{symbol} {change.kind} "{change.address}" {{')
        out.extend(_attribute_lines(change, _hidden(change, sensitive)))
        out.append("    }\n")
    out.append(
        f"Plan: {plan.to_add} to add, {plan.to_change} to change, {plan.to_destroy} to destroy."
    )
    total, prior = plan.monthly_cost, plan.prior_monthly_cost
    if total or prior:
        sign = "+" if total >= prior else "-"
        out.append(f"Monthly cost: ${total:,.2f} ({sign}${abs(total - prior):,.2f})")
    # Values masked above never get here; this catches a secret inside free text
    # (a drift note, a provider's translation).
    return SECRETS.redact("\n".join(out))


def plan_to_json(plan: Plan, sensitive: dict[str, frozenset[str]]) -> dict[str, Any]:
    def attrs(change: ResourceChange) -> dict[str, Any]:
        hidden = _hidden(change, sensitive)
        return {k: (SENSITIVE if k in hidden else _jsonable(v)) for k, v in change.after.items()}

    document = {
        "format_version": "1",
        "provider": plan.provider,
        "lineage": plan.lineage,
        "serial": plan.serial,
        "config_digest": plan.config_digest,
        "warning_count": len(plan.warnings),
        "warnings": plan.warnings,
        "resource_changes": [
            {
                "address": c.address,
                "kind": c.kind,
                "action": c.action.value,
                "after": attrs(c) if c.desired else None,
                "changed": [
                    {
                        "name": a.name,
                        "before": SENSITIVE if a.sensitive else _jsonable(a.before),
                        "after": SENSITIVE if a.sensitive else _jsonable(a.after),
                        "forces_replacement": a.forces_replacement,
                    }
                    for a in c.attribute_changes
                ],
                "provider_values": c.provider_values,
                "drift": c.drift or None,
                "monthly_cost": c.monthly_cost,
            }
            for c in plan.changes
        ],
        "summary": {"add": plan.to_add, "change": plan.to_change, "destroy": plan.to_destroy},
        "monthly_cost": round(plan.monthly_cost, 2),
    }
    redacted: dict[str, Any] = SECRETS.redact_value(document)
    return redacted
