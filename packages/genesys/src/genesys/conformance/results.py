"""What a conformance run produces: one `CheckResult` per check and a `ConformanceReport`."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one named check, e.g. `compute.instance: create`."""

    name: str
    passed: bool
    reason: str = ""  # why it failed; empty when it passed
    duration_ms: float = 0.0

    def line(self) -> str:
        """The human line: `PASS  name` or `FAIL  name: reason`."""
        if self.passed:
            return f"PASS  {self.name}"
        return f"FAIL  {self.name}: {self.reason}"


@dataclass
class ConformanceReport:
    """Every check of one run, in the order they ran."""

    plugin: str
    results: list[CheckResult] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if not r.passed)

    @property
    def ok(self) -> bool:
        """True when every check passed (and at least one ran)."""
        return bool(self.results) and self.failed == 0

    def failures(self) -> list[CheckResult]:
        return [r for r in self.results if not r.passed]

    def get(self, name: str) -> CheckResult | None:
        """The result of the check called `name`, if it ran."""
        return next((r for r in self.results if r.name == name), None)

    def summary(self) -> str:
        """The final line, exactly `N passed, M failed`."""
        return f"{self.passed} passed, {self.failed} failed"

    def to_dict(self) -> dict[str, object]:
        return {
            "plugin": self.plugin,
            "passed": self.passed,
            "failed": self.failed,
            "checks": [asdict(r) for r in self.results],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)
