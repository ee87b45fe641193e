"""Evaluate the config's policies on a Plan: one Finding per (rule, resource) it applies to.

Only what the plan leaves in place is judged (creates, updates, replacements and unchanged
resources; never deletions). A resource can waive a rule with a recorded reason, written in
the config as

    policy_overrides:
      no_public_buckets: "public website assets, reviewed by security 2024-11-02"

which reaches the engine as `DesiredResource.policy_overrides`; callers may also pass
`overrides={address: {rule: reason}}` (an address also covers its `[i]` instances and
nested children, like `--target`). A waived violation never blocks, and its reason is kept
in every output format (SARIF `suppressions`, JUnit `skipped`, JSON `reason`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from genesys.config.desired import Location
from genesys.engine.plan import Action, Plan, ResourceChange
from genesys.policy.rules import MAX_COST_PER_MONTH, RULE_NAMES, RULES, Problem

ADVISORY, MANDATORY = "advisory", "mandatory"
Status = Literal["passed", "failed", "waived"]
Overrides = Mapping[str, Mapping[str, str]]  # address -> {rule: reason}


@dataclass(frozen=True)
class PolicySetting:
    """One switched-on policy: its rule, value (True, tag names, a limit) and level."""

    rule: str
    value: Any
    enforcement: str = MANDATORY
    unknown_price: str = ""  # max_cost_per_month: "fail" or "warn" on unpriced resources

    @property
    def fails_unpriced(self) -> bool:
        """Whether an unpriced resource is a violation at this policy's level (else a warning).
        Unset: fail when mandatory, warn when advisory."""
        mode = self.unknown_price or ("fail" if self.enforcement == MANDATORY else "warn")
        return mode == "fail"


@dataclass(frozen=True)
class Finding:
    """The verdict of one rule on one resource ("" address: the plan as a whole)."""

    rule: str
    address: str
    status: Status
    enforcement: str
    message: str
    fix: str = ""
    reason: str = ""  # the recorded reason of a waiver
    kind: str = ""
    location: Location | None = None

    @property
    def subject(self) -> str:
        return self.address or "plan total"


@dataclass
class PolicyReport:
    """Every finding of a check, plus what the cost rule saw."""

    findings: list[Finding] = field(default_factory=list)
    settings: list[PolicySetting] = field(default_factory=list)
    monthly_cost: float | None = None  # what max_cost_per_month compared (when set)
    unpriced: list[str] = field(default_factory=list)  # addresses without a cost estimate
    unknown_price: str | None = None  # what the cost rule did with them: "fail" | "warn"

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "failed"]

    @property
    def mandatory_failures(self) -> list[Finding]:
        return [f for f in self.violations if f.enforcement == MANDATORY]

    @property
    def advisory_failures(self) -> list[Finding]:
        return [f for f in self.violations if f.enforcement == ADVISORY]

    @property
    def waived(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "waived"]

    @property
    def passed(self) -> int:
        return sum(1 for f in self.findings if f.status == "passed")

    @property
    def failed(self) -> int:
        return len(self.violations)

    @property
    def blocking(self) -> bool:
        """True when apply must refuse the plan."""
        return bool(self.mandatory_failures)

    def summary(self) -> str:
        """"N passed, M failed", then the split of failures and the waivers."""
        text = f"{self.passed} passed, {self.failed} failed"
        details = []
        if self.failed:
            details.append(
                f"{len(self.mandatory_failures)} mandatory, {len(self.advisory_failures)} advisory"
            )
        if self.waived:
            details.append(f"{len(self.waived)} waived")
        return text + (f" ({'; '.join(details)})" if details else "")


def active_settings(policies: Any) -> list[PolicySetting]:
    """The switched-on policies of a config's `policies` block (genesys.config.model.Policies),
    or a list of PolicySetting passed through; None means no policies."""
    if policies is None:
        return []
    if isinstance(policies, (list, tuple)):
        return [p for p in policies if isinstance(p, PolicySetting)]
    settings = []
    for name in policies.active():
        if name in RULE_NAMES:
            unknown_price = ""
            if name == MAX_COST_PER_MONTH:
                unknown_price = policies.unknown_price_handling(name)
            value, level = getattr(policies, name), policies.level(name)
            settings.append(PolicySetting(name, value, level, unknown_price))
    return settings


def check_plan(
    plan: Plan,
    policies: Any,
    *,
    overrides: Overrides | None = None,
    locate: Callable[[str], Location] | None = None,
) -> PolicyReport:
    """Judge a plan against the config's policies.

    `policies` is the config's `policies` block (or a list of PolicySetting); `locate`
    (e.g. `Config.location_of`) places plan-level findings at their policy's line.
    """
    report = PolicyReport(settings=active_settings(policies))
    kept = [c for c in plan.changes if c.action is not Action.DELETE]
    waivers = _Waivers(kept, overrides or {})
    for setting in report.settings:
        rule = RULES[setting.rule]
        if rule.name == MAX_COST_PER_MONTH:
            place = locate(f"policies.{rule.name}") if locate else None
            report.findings.extend(_check_cost(report, kept, setting, waivers, place))
            continue
        for change in kept:
            if change.kind in rule.kinds and rule.check is not None:
                problem = rule.check(change, setting.value)
                report.findings.append(_finding(change, setting, problem, waivers))
    return report


class _Waivers:
    """Reasons to waive a rule, per address: from the config's resources and the caller."""

    def __init__(self, changes: Iterable[ResourceChange], extra: Overrides) -> None:
        self.by_address: dict[str, dict[str, str]] = {}
        for change in changes:
            given = getattr(change.desired, "policy_overrides", None) or {}
            reasons = {str(k): str(v) for k, v in dict(given).items()}
            for prefix, more in extra.items():
                if _covers(prefix, change.address):
                    reasons.update(more)
            if reasons:
                self.by_address[change.address] = reasons

    def reason(self, address: str, rule: str) -> str | None:
        return self.by_address.get(address, {}).get(rule)


def _covers(prefix: str, address: str) -> bool:
    return address == prefix or address.startswith((prefix + "[", prefix + "."))


def _finding(
    change: ResourceChange, setting: PolicySetting, problem: Problem | None, waivers: _Waivers
) -> Finding:
    common = {
        "rule": setting.rule,
        "address": change.address,
        "enforcement": setting.enforcement,
        "kind": change.kind,
        "location": change.desired.location if change.desired else None,
    }
    if problem is None:
        return Finding(status="passed", message="complies", **common)
    reason = waivers.reason(change.address, setting.rule)
    if reason is not None:
        return Finding(status="waived", message=problem.message, fix=problem.fix,
                       reason=reason, **common)
    return Finding(status="failed", message=problem.message, fix=problem.fix, **common)


def _unpriced_findings(counted: list[ResourceChange], setting: PolicySetting) -> list[Finding]:
    """One violation per resource the price table does not know: counted as $0 it could
    slip a plan under the limit. `unknown_price: warn` makes them warnings (advisory)."""
    level = setting.enforcement if setting.fails_unpriced else ADVISORY
    return [
        Finding(
            MAX_COST_PER_MONTH, c.address, "failed", level,
            "no price is known for this resource; the limit cannot be checked",
            fix="choose a size or type the provider's price table knows, waive the rule for "
                "this resource in `policy_overrides`, or set `unknown_price: warn` on "
                "`max_cost_per_month`",
            kind=c.kind, location=c.desired.location if c.desired else None)
        for c in counted
        if c.monthly_cost is None
    ]


def _check_cost(
    report: PolicyReport,
    kept: list[ResourceChange],
    setting: PolicySetting,
    waivers: _Waivers,
    place: Location | None,
) -> list[Finding]:
    limit = float(setting.value)
    findings: list[Finding] = []
    counted: list[ResourceChange] = []
    for change in kept:
        reason = waivers.reason(change.address, MAX_COST_PER_MONTH)
        if reason is None:
            counted.append(change)
        elif change.monthly_cost:
            findings.append(Finding(
                MAX_COST_PER_MONTH, change.address, "waived", setting.enforcement,
                f"${change.monthly_cost:,.2f}/month not counted toward the limit",
                reason=reason, kind=change.kind,
                location=change.desired.location if change.desired else None))
    total = sum(c.monthly_cost or 0.0 for c in counted)
    report.monthly_cost = total
    report.unpriced = [c.address for c in counted if c.monthly_cost is None]
    report.unknown_price = "fail" if setting.fails_unpriced else "warn"
    findings.extend(_unpriced_findings(counted, setting))
    unpriced = f" ({len(report.unpriced)} resources without a price)" if report.unpriced else ""
    if total <= limit:
        message = f"estimated ${total:,.2f}/month is within the limit ${limit:,.2f}{unpriced}"
        findings.append(Finding(MAX_COST_PER_MONTH, "", "passed", setting.enforcement, message,
                                location=place))
        return findings
    biggest = sorted(counted, key=lambda c: c.monthly_cost or 0.0, reverse=True)[:3]
    shown = ", ".join(f"{c.address} ${c.monthly_cost or 0:,.2f}" for c in biggest)
    findings.append(Finding(
        MAX_COST_PER_MONTH, "", "failed", setting.enforcement,
        f"estimated ${total:,.2f}/month exceeds the limit ${limit:,.2f}{unpriced}",
        fix=f"use smaller sizes or fewer resources (largest: {shown}), "
            f"or raise `max_cost_per_month`",
        location=place))
    return findings
