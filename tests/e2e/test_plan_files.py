"""Saved plans, JSON plans, targets and Ctrl-C, through the real CLI on the local provider."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

from .conftest import GENESYS, genesys_env, interrupts_as_in_a_terminal, run_genesys


def _buckets(n: int, latency_ms: int = 0) -> str:
    lines = [
        "provider: local",
        "providers:",
        "  local:",
        f"    latency_ms: {latency_ms}",
        "resources:",
        "  storage:",
    ]
    for i in range(n):
        lines += [f"    - name: bucket-{i}", "      type: bucket", "      versioning: true"]
    return "\n".join(lines) + "\n"


def test_saved_plan_applies_once_and_then_is_stale(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(_buckets(3))
    planned = run_genesys("plan", "--out", "tfplan", cwd=tmp_path)
    assert planned.returncode == 0, planned.stderr
    applied = run_genesys("apply", "tfplan", cwd=tmp_path)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "3 added" in applied.stdout
    again = run_genesys("apply", "tfplan", cwd=tmp_path)
    assert again.returncode == 1
    assert "stale" in again.stderr and "Traceback" not in again.stderr


def test_json_plan_lists_every_change(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(_buckets(2))
    planned = run_genesys("plan", "--json", cwd=tmp_path)
    assert planned.returncode == 0, planned.stderr
    document = json.loads(planned.stdout.strip().splitlines()[-1])
    assert document["summary"] == {"add": 2, "change": 0, "destroy": 0}
    assert {c["address"] for c in document["resource_changes"]} == {
        "storage.bucket-0",
        "storage.bucket-1",
    }
    assert all(c["action"] == "create" for c in document["resource_changes"])


def test_target_limits_the_plan(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(_buckets(3))
    applied = run_genesys("apply", "--auto-approve", "--target", "storage.bucket-1", cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    assert "1 added" in applied.stdout
    rest = run_genesys("plan", "--detailed-exitcode", cwd=tmp_path)
    assert rest.returncode == 2 and "Plan: 2 to add" in rest.stdout


def test_ctrl_c_waits_for_in_flight_and_records_them(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(_buckets(12, latency_ms=700))
    process = subprocess.Popen(
        [*GENESYS, "apply", "--auto-approve", "--parallelism", "3"],
        cwd=tmp_path,
        env=genesys_env(),
        preexec_fn=interrupts_as_in_a_terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 30
    while "Creating..." not in process.stdout.readline():
        assert time.monotonic() < deadline and process.poll() is None
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, out + err  # interrupted, as shells report Ctrl-C
    assert "Apply interrupted: operations in flight finished and were recorded." in err
    created = out.count("Creation complete")
    assert 1 <= created < 12
    listed = run_genesys("state", "list", cwd=tmp_path)
    assert len(listed.stdout.split()) == created  # every finished change was recorded
    finished = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert finished.returncode == 0 and f"{12 - created} added" in finished.stdout
