"""The chaos campaign (tools/chaos/campaign.py) as a user runs it: 20 seeded trials on the
local provider, each an apply, update or destroy disrupted by SIGKILL of the core or of its
plugin, SIGTERM, or injected faults, then checked (state loads, inventory equals state,
a no-op plan). A smaller config than the campaign's default keeps CI quick."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CAMPAIGN = Path(__file__).resolve().parents[2] / "tools" / "chaos" / "campaign.py"


def test_twenty_disrupted_trials_all_converge(tmp_path: Path) -> None:
    report = tmp_path / "trials.json"
    args = ["--trials", "20", "--resources", "24", "--seed", "7", "--json", str(report)]
    run = subprocess.run(
        [sys.executable, str(CAMPAIGN), *args, "--workdir", str(tmp_path / "work")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    trials = json.loads(report.read_text())
    assert len(trials) == 20 and not [t for t in trials if t["failures"]]
    assert "local: 20 trials, 0 failed" in run.stdout
    # The schedule exercised every disruption, and the signals really landed mid-run.
    assert {t["plan"]["disruption"] for t in trials} == {
        "sigkill-core",
        "sigkill-plugin",
        "sigterm-core",
        "none",
    }
    assert {t["plan"]["operation"] for t in trials} == {"create", "update", "destroy"}
    assert sum(bool(t["signalled"]) for t in trials) >= 8
    assert sum(t["plan"]["faults"]["unavailable_rate"] > 0 for t in trials) >= 3
