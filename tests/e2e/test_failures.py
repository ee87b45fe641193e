"""A resource the provider refuses: one located error, independent work done, state clean."""

from __future__ import annotations

from pathlib import Path

from .conftest import run_genesys

CONFIG = """provider: local
resources:
  network:
    - name: a
      cidr: 10.0.0.0/16
    - name: b
      cidr: 10.0.0.0/16
      subnets:
        - name: s
          cidr: 10.0.1.0/24
  storage:
    - name: independent
      type: bucket
"""


def test_refused_create_skips_dependents_keeps_the_rest_and_leaves_no_intent(
    tmp_path: Path,
) -> None:
    (tmp_path / "genesys.yaml").write_text(CONFIG)
    applied = run_genesys("apply", "--auto-approve", "--parallelism", "1", cwd=tmp_path)
    assert applied.returncode == 1
    assert "Error: network.b: 10.0.0.0/16 overlaps" in applied.stderr
    assert "(attribute config.cidr)" in applied.stderr
    assert "1 not attempted" in applied.stderr  # the subnet of the refused network
    assert "Traceback" not in applied.stderr
    listed = run_genesys("state", "list", cwd=tmp_path)
    assert listed.stdout.split() == ["network.a", "storage.independent"]
    assert "in flight" not in listed.stdout + listed.stderr

    fixed = CONFIG.replace("cidr: 10.0.0.0/16\n      subnets", "cidr: 10.1.0.0/16\n      subnets")
    (tmp_path / "genesys.yaml").write_text(fixed.replace("10.0.1.0/24", "10.1.1.0/24"))
    converged = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert converged.returncode == 0, converged.stderr
    assert "2 added" in converged.stdout


def test_refused_delete_keeps_the_record_and_leaves_no_intent(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(
        CONFIG.replace(
            "cidr: 10.0.0.0/16\n      subnets", "cidr: 10.1.0.0/16\n      subnets"
        ).replace("10.0.1.0/24", "10.1.1.0/24")
    )
    assert run_genesys("apply", "--auto-approve", cwd=tmp_path).returncode == 0
    # Forget the subnet: the provider still has it, so network b is in use.
    assert run_genesys("state", "rm", "network.b.subnet.s", cwd=tmp_path).returncode == 0
    destroyed = run_genesys("destroy", "--auto-approve", cwd=tmp_path)
    assert destroyed.returncode == 1
    assert "network.b:" in destroyed.stderr and "Traceback" not in destroyed.stderr
    listed = run_genesys("state", "list", cwd=tmp_path)
    assert listed.stdout.split() == ["network.b"]
    assert "in flight" not in listed.stdout + listed.stderr
