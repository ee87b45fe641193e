"""A PolicyReport for people (cli) and for machines (json, junit, sarif).

- cli: one block per violation (rule, level, address, message, fix), waivers with their
  reasons, then the summary line "N passed, M failed".
- json: every finding, the summary counts and what the cost rule computed.
- junit: one <testsuite> per rule and one <testcase> per resource it judged; violations are
  <failure type="mandatory|advisory">, waivers are <skipped> carrying the reason.
- sarif: SARIF 2.1.0 with one reportingDescriptor per rule; violations and waivers are results
  (mandatory -> level "error", advisory -> "warning"), waivers carry a `suppressions` entry
  whose `justification` is the recorded reason; each result points at the config line that
  declared the resource and names its address as a logical location.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from genesys.config.desired import Location
from genesys.policy.evaluate import MANDATORY, Finding, PolicyReport
from genesys.policy.rules import RULES

OUTPUT_FORMATS = ("cli", "json", "junit", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def format_report(report: PolicyReport, output: str = "cli", *, version: str = "0.1.0") -> str:
    """Render a report; `output` is one of OUTPUT_FORMATS."""
    if output == "cli":
        return render_cli(report)
    if output == "json":
        return json.dumps(report_to_json(report), indent=2)
    if output == "junit":
        return render_junit(report)
    if output == "sarif":
        return json.dumps(report_to_sarif(report, version=version), indent=2)
    raise ValueError(f"unknown policy output {output!r}; expected one of {OUTPUT_FORMATS}")


def violations_summary(report: PolicyReport) -> str:
    """ "2 mandatory policy violations (storage.a, storage.b)" """
    count = len(report.mandatory_failures)
    addresses = ", ".join(sorted({f.subject for f in report.mandatory_failures}))
    noun = "violation" if count == 1 else "violations"
    return f"{count} mandatory policy {noun} ({addresses})"


def refusal_message(report: PolicyReport) -> str:
    """What apply says when mandatory violations block it."""
    return f"apply refused: {violations_summary(report)}; nothing was changed"


def relative_file(file: str) -> str:
    """A config path relative to the working directory when inside it (SARIF wants
    repository-relative URIs; people want short paths)."""
    path = Path(file)
    if not path.is_absolute():
        return file
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return file


def _where(location: Location | None) -> str | None:
    if location is None:
        return None
    text = relative_file(location.file)
    return f"{text}:{location.line}:{location.column}" if location.line else text


# ---------------------------------------------------------------- cli


def render_cli(report: PolicyReport) -> str:
    if not report.settings:
        return "No policies are set in the config.\n0 passed, 0 failed"
    lines = [f"Policy check ({len(report.settings)} policies):", ""]
    for finding in report.violations:
        marker = "FAIL" if finding.enforcement == MANDATORY else "WARN"
        lines.append(f"  {marker} {finding.rule} [{finding.enforcement}] {finding.subject}")
        lines.append(f"       {finding.message}")
        if finding.fix:
            lines.append(f"       fix: {finding.fix}")
        if finding.location is not None:
            lines.append(f"       at {_where(finding.location)}")
    for finding in report.waived:
        lines.append(f"  WAIVED {finding.rule} {finding.subject}: {finding.message}")
        lines.append(f"       reason: {finding.reason}")
    if report.violations:
        lines.append("")
        lines.append("  To waive a rule for one resource, give it "
                     '`policy_overrides: {RULE: "reason"}`.')
    elif not report.waived:
        lines.append("  Every resource complies.")
    if report.monthly_cost is not None:
        lines.append(f"  Estimated monthly cost: ${report.monthly_cost:,.2f}")
    if report.unpriced:
        lines.append(f"  Unpriced (not counted): {', '.join(report.unpriced)}")
    lines.append("")
    lines.append(report.summary())
    return "\n".join(lines)


# ---------------------------------------------------------------- json


def report_to_json(report: PolicyReport) -> dict[str, Any]:
    return {
        "format_version": "1",
        "summary": {
            "passed": report.passed,
            "failed": report.failed,
            "mandatory_failed": len(report.mandatory_failures),
            "advisory_failed": len(report.advisory_failures),
            "waived": len(report.waived),
            "text": report.summary(),
        },
        "blocking": report.blocking,
        "policies": [
            {"name": s.rule, "value": s.value, "enforcement": s.enforcement}
            for s in report.settings
        ],
        "monthly_cost": None if report.monthly_cost is None else round(report.monthly_cost, 2),
        "unpriced": report.unpriced,
        "unknown_price": report.unknown_price,
        "results": [
            {
                "rule": f.rule,
                "address": f.address or None,
                "kind": f.kind or None,
                "status": f.status,
                "enforcement": f.enforcement,
                "message": f.message,
                "fix": f.fix or None,
                "reason": f.reason or None,
                "location": _where(f.location),
            }
            for f in report.findings
        ],
    }


# ---------------------------------------------------------------- junit


def render_junit(report: PolicyReport) -> str:
    root = ET.Element("testsuites", name="genesys policy check")
    _counts(root, report.findings)
    for setting in report.settings:
        findings = [f for f in report.findings if f.rule == setting.rule]
        suite = ET.SubElement(root, "testsuite", name=setting.rule)
        _counts(suite, findings)
        for finding in findings:
            _testcase(suite, finding)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _counts(element: ET.Element, findings: list[Finding]) -> None:
    element.set("tests", str(len(findings)))
    element.set("failures", str(sum(1 for f in findings if f.status == "failed")))
    element.set("errors", "0")
    element.set("skipped", str(sum(1 for f in findings if f.status == "waived")))


def _testcase(suite: ET.Element, finding: Finding) -> None:
    case = ET.SubElement(suite, "testcase", name=finding.subject, classname=finding.rule)
    if finding.location is not None:
        case.set("file", relative_file(finding.location.file))
        if finding.location.line:
            case.set("line", str(finding.location.line))
    if finding.status == "failed":
        failure = ET.SubElement(case, "failure", type=finding.enforcement,
                                message=finding.message)
        failure.text = f"{finding.message}\nfix: {finding.fix}" if finding.fix else finding.message
    elif finding.status == "waived":
        ET.SubElement(case, "skipped", message=f"waived: {finding.reason}")


# ---------------------------------------------------------------- sarif


def report_to_sarif(report: PolicyReport, *, version: str = "0.1.0") -> dict[str, Any]:
    names = [s.rule for s in report.settings]
    rules = [_sarif_rule(name, report) for name in names]
    results = [
        _sarif_result(f, names.index(f.rule))
        for f in report.findings
        if f.status != "passed" and f.rule in names
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "genesys-policy",
                        "version": version,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }


def _sarif_rule(name: str, report: PolicyReport) -> dict[str, Any]:
    rule = RULES[name]
    setting = next(s for s in report.settings if s.rule == name)
    return {
        "id": name,
        "name": name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description},
        "help": {"text": rule.description},
        "defaultConfiguration": {"level": _level(setting.enforcement)},
        "properties": {"enforcement": setting.enforcement},
    }


def _level(enforcement: str) -> str:
    return "error" if enforcement == MANDATORY else "warning"


def _sarif_result(finding: Finding, rule_index: int) -> dict[str, Any]:
    text = f"{finding.subject}: {finding.message}"
    if finding.fix:
        text += f". Fix: {finding.fix}"
    location: dict[str, Any] = {}
    if finding.location is not None:
        uri = relative_file(finding.location.file)
        physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
        if finding.location.line:
            physical["region"] = {
                "startLine": finding.location.line,
                "startColumn": max(finding.location.column, 1),
            }
        location["physicalLocation"] = physical
    if finding.address:
        location["logicalLocations"] = [
            {"fullyQualifiedName": finding.address, "kind": "resource"}
        ]
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _level(finding.enforcement),
        "message": {"text": text},
        "locations": [location] if location else [],
        "properties": {"enforcement": finding.enforcement, "address": finding.address},
    }
    if finding.status == "waived":
        result["suppressions"] = [{"kind": "inSource", "justification": finding.reason}]
    return result
