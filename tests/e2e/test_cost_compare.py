"""`genesys cost --compare`: the seed config priced on every cloud plugin, side by side,
through the real plugins' PlanResources (offline: no credentials, no state, no emulator)."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

from tests.e2e.conftest import run_genesys

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "examples" / "seed" / "genesys.yaml"
CLOUDS = ["aws", "gcp", "azure", "alibaba", "tencent"]
MONEY = re.compile(r"\$([0-9,]+\.[0-9]{2})")


def _dollars(cell: str) -> Decimal:
    found = MONEY.search(cell)
    assert found, cell
    return Decimal(found.group(1).replace(",", ""))


def test_compare_all_prints_five_clouds_whose_totals_add_up(tmp_path: Path) -> None:
    result = run_genesys("cost", "--compare", "all", "-c", str(SEED), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("RESOURCE"))
    assert header.split()[1:] == [c.upper() for c in CLOUDS]
    starts = [header.index(c.upper()) for c in CLOUDS] + [None]
    rows = lines[lines.index(header) + 1 : next(
        i for i, line in enumerate(lines) if line.startswith("MONTHLY TOTAL")) + 1]
    cells = [[row[a:b].strip() for a, b in itertools.pairwise(starts)] for row in rows]
    *resources, totals = cells
    assert len(resources) == 14  # the seed's resources, outcomes expanded
    for column, cloud in enumerate(CLOUDS):
        added = sum(_dollars(r[column]) for r in resources)
        assert _dollars(totals[column]) == added, cloud
    web = cells[0]
    assert [w.split()[0] for w in web] == [
        "t3.medium", "n1-standard-2", "Standard_B2s", "ecs.t6-c1m2.large", "S5.MEDIUM4"]
    assert sum("*" in t for t in totals) == 1  # the cheapest is marked once
    for cloud in CLOUDS:  # each price table's date is shown
        assert re.search(rf"^  {cloud}: \d{{4}}-\d\d-\d\d", result.stdout, re.M), cloud


def test_compare_json_has_the_same_numbers_as_the_table(tmp_path: Path) -> None:
    args = ("cost", "--compare", "aws,gcp,azure,alibaba,tencent", "-c", str(SEED))
    table = run_genesys(*args, cwd=tmp_path)
    as_json = run_genesys(*args, "--format", "json", cwd=tmp_path)
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["currency"] == "USD"
    assert list(data["providers"]) == CLOUDS
    total_line = next(x for x in table.stdout.splitlines() if x.startswith("MONTHLY TOTAL"))
    shown = [_dollars(m.group(0)) for m in MONEY.finditer(total_line)]
    for cloud, table_total in zip(CLOUDS, shown, strict=True):
        quote = data["providers"][cloud]
        rows = quote["resources"]
        assert Decimal(quote["totalMonthlyCost"]) == table_total
        assert sum(Decimal(r["monthlyCost"]) for r in rows) == table_total
        assert quote["pricesAsOf"] and quote["complete"] is True
        assert {"address", "providerType", "monthlyCost"} <= set(rows[0])
    cheapest = min(CLOUDS, key=lambda c: Decimal(data["providers"][c]["totalMonthlyCost"]))
    assert data["cheapest"] == cheapest
    assert f"* cheapest: {cheapest}" in table.stdout


def test_a_resource_a_cloud_cannot_make_is_a_row_saying_why(tmp_path: Path) -> None:
    config = tmp_path / "genesys.yaml"
    config.write_text(
        "provider: aws\nresources:\n  database:\n    - name: docs\n      engine: sqlite\n"
        "      size: small\n      storage: 20\n  storage:\n    - name: files\n"
        "      type: bucket\n",
        encoding="utf-8",
    )
    result = run_genesys("cost", "--compare", "gcp,azure", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for cloud in ("gcp", "azure"):
        quote = data["providers"][cloud]
        docs = next(r for r in quote["resources"] if r["address"] == "database.docs")
        assert "postgres" in docs["unsupported"] and docs["monthlyCost"] is None
        assert quote["complete"] is False
    assert data["cheapest"] is None
    table = run_genesys("cost", "--compare", "gcp", cwd=tmp_path)
    assert "database.docs" in table.stdout and "cannot [1]" in table.stdout
    assert "[1] gcp: database.docs: Cloud SQL runs postgres and mysql only" in table.stdout
    assert "(partial)" in table.stdout


def test_an_uninstalled_provider_is_a_column_saying_so_and_state_is_never_touched(
    tmp_path: Path,
) -> None:
    shutil.copy(SEED, tmp_path / "genesys.yaml")
    result = run_genesys("cost", "--compare", "aws,nosuch", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "unavailable" in result.stdout
    assert "nosuch: provider 'nosuch' is not installed" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["genesys.yaml"]  # no state, no lock
