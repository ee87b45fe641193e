"""Policy guardrails evaluated on a Plan before apply.

    from genesys.policy import check_plan, format_report

    report = check_plan(plan, config.policies, locate=config.location_of)
    report = check_session_plan(session, plan)   # the same, costs and waivers gathered
    print(format_report(report, "cli"))      # or "json", "junit", "sarif"
    if report.blocking:                      # mandatory violations: apply must refuse
        raise GenesysError(refusal_message(report))

Rules (genesys.policy.rules): no_public_buckets, require_encryption, require_tags,
max_cost_per_month. Evaluation (genesys.policy.evaluate): enforcement levels and per-resource
waivers with recorded reasons. Output formats (genesys.policy.formats).
"""

from __future__ import annotations

from genesys.policy.evaluate import (
    ADVISORY,
    MANDATORY,
    Finding,
    PolicyReport,
    PolicySetting,
    active_settings,
    check_plan,
)
from genesys.policy.formats import OUTPUT_FORMATS, format_report, refusal_message
from genesys.policy.gate import check_session_plan, enforce_on_apply, show_policy_report
from genesys.policy.rules import RULE_NAMES, RULES, Rule

__all__ = [
    "ADVISORY",
    "MANDATORY",
    "OUTPUT_FORMATS",
    "RULES",
    "RULE_NAMES",
    "Finding",
    "PolicyReport",
    "PolicySetting",
    "Rule",
    "active_settings",
    "check_plan",
    "check_session_plan",
    "enforce_on_apply",
    "format_report",
    "refusal_message",
    "show_policy_report",
]
