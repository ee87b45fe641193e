"""Policies on a session's plan, as `genesys policy check` and `genesys apply` run them.

    report = check_session_plan(session, plan)
    if report.blocking: refuse (exit 1) before touching anything

Completes the plan's costs first when `max_cost_per_month` is set (unchanged resources
count toward the bill, and the engine only prices what changes), collects per-resource
waivers from the config, and places plan-level findings at their policy's line.
"""

from __future__ import annotations

from typing import Any

from genesys.engine.plan import Plan
from genesys.policy.evaluate import PolicyReport, active_settings, check_plan
from genesys.policy.rules import MAX_COST_PER_MONTH


def needs_costs(policies: Any) -> bool:
    return any(s.rule == MAX_COST_PER_MONTH for s in active_settings(policies))


def overrides_of(desired: Any) -> dict[str, dict[str, str]]:
    """address -> {rule: reason} from the config's `policy_overrides` on each resource."""
    found: dict[str, dict[str, str]] = {}
    for resource in desired:
        given = getattr(resource, "policy_overrides", None)
        if given:
            found[resource.address] = {str(k): str(v) for k, v in dict(given).items()}
    return found


def check_session_plan(session: Any, plan: Plan) -> PolicyReport:
    """Evaluate `session.config.policies` on `plan` (costs completed through the plugin)."""
    policies = session.config.policies
    if needs_costs(policies) and not plan.destroy and not plan.costs_complete:
        from genesys.cost import complete_costs

        complete_costs(session.conn, plan)
    locate = getattr(session.config, "location_of", None)
    return check_plan(plan, policies, overrides=overrides_of(session.desired), locate=locate)


def show_policy_report(session: Any, plan: Plan, *, as_json: bool = False) -> PolicyReport:
    """Evaluate and print the policy report after a plan (an NDJSON `policy_report` line
    with --json); prints nothing when the config has no policies."""
    import json

    from genesys.policy.formats import format_report, report_to_json

    report = check_session_plan(session, plan)
    if report.settings:
        if as_json:
            print(json.dumps({"type": "policy_report", **report_to_json(report)}))
        else:
            print("\n" + format_report(report, "cli"))
    return report


def enforce_on_apply(session: Any, plan: Plan, *, as_json: bool = False) -> PolicyReport:
    """What apply runs after showing the plan and before asking for approval: the report,
    then GenesysError when a mandatory policy is violated, so nothing is touched."""
    from genesys.errors import GenesysError
    from genesys.policy.formats import refusal_message

    report = show_policy_report(session, plan, as_json=as_json)
    if report.blocking:
        raise GenesysError(refusal_message(report))
    return report
