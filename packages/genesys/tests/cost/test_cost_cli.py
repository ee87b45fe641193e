"""`genesys cost` end to end with the local provider (which prices everything at $0)."""

from __future__ import annotations

import json

ONE = "provider: local\nresources:\n  storage:\n    - name: alpha\n      type: bucket\n"
TWO = ONE + "    - name: bravo\n      type: bucket\n"


def test_cost_breaks_down_config_and_state(tmp_path, monkeypatch, genesys):
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "genesys.yaml"
    config.write_text(ONE)
    assert genesys("apply", "--auto-approve")[0] == 0
    config.write_text(TWO)

    code, out, err = genesys("cost", "--format", "json")

    assert code == 0, err
    data = json.loads(out)
    [project] = data["projects"]
    names = [r["name"] for r in project["breakdown"]["resources"]]
    assert names == ["storage.alpha", "storage.bravo"]
    assert [r["name"] for r in project["pastBreakdown"]["resources"]] == ["storage.alpha"]
    assert project["breakdown"]["resources"][1]["metadata"]["action"] == "create"
    assert (data["totalMonthlyCost"], data["pastTotalMonthlyCost"],
            data["diffTotalMonthlyCost"]) == ("0", "0", "0")
    assert project["breakdown"]["resources"][0]["metadata"]["pricesAsOf"]

    code, table, _ = genesys("cost")
    assert code == 0
    assert table.splitlines()[0].startswith("Monthly cost estimate (genesys.yaml): provider local")
    assert "storage.bravo" in table and "OVERALL TOTAL" in table
    code, out, _ = genesys("cost", "--out-file", "cost.txt")
    assert code == 0 and "OVERALL TOTAL" in (tmp_path / "cost.txt").read_text()
    assert genesys("destroy", "--auto-approve")[0] == 0
