"""Issue 15 item 5: the CLI's rough edges a new user meets, through the real CLI."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .conftest import genesys_env, run_genesys

BUCKET = """\
provider: local
resources:
  storage:
    - name: bucket-one
      type: bucket
"""


def test_global_flags_work_after_the_command(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(BUCKET)
    for argv in (["plan", "--no-color"], ["--no-color", "plan"], ["state", "list", "--no-color"]):
        done = run_genesys(*argv, cwd=tmp_path)
        assert done.returncode == 0, (argv, done.stderr)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["plan", "--parallelism", "0"], "--parallelism: must be above 0, not 0"),
        (["apply", "--timeout", "-1"], "--timeout: must be above 0, not -1"),
        (["pln"], "unknown command 'pln' (did you mean 'plan'?)"),
    ],
)
def test_bad_arguments_are_refused_clearly(tmp_path: Path, argv: list[str], said: str) -> None:
    (tmp_path / "genesys.yaml").write_text(BUCKET)
    done = run_genesys(*argv, cwd=tmp_path)
    assert done.returncode == 2 and said in done.stderr, done.stderr


def test_an_unknown_log_level_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(BUCKET)
    done = run_genesys("validate", cwd=tmp_path, env=genesys_env(GENESYS_LOG="verbose"))
    assert done.returncode == 1
    assert "GENESYS_LOG='verbose' is not a log level" in done.stderr


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_plan_and_apply_help_describe_the_command(tmp_path: Path, command: str) -> None:
    done = run_genesys(command, "--help", cwd=tmp_path)
    usage_end = done.stdout.index("\n\n")
    description = done.stdout[usage_end:].split("options:")[0]
    assert len(description.split()) > 15, done.stdout


def test_state_list_without_config_or_state_is_an_error(tmp_path: Path) -> None:
    done = run_genesys("state", "list", cwd=tmp_path)
    assert done.returncode == 1 and "no config file in" in done.stderr


def test_planning_an_empty_config_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text("provider: local\n")
    done = run_genesys("plan", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(tmp_path)) == ["genesys.yaml"]


def test_storage_keys_get_did_you_mean_and_a_bad_cidr_one_error(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(
        BUCKET
        + "      encrytion: true\n      versionning: true\n"
        + "  network:\n    - name: net\n      cidr: 10.0.0.0/16\n      security_groups:\n"
        + "        - name: sg\n          ingress:\n"
        + '            - {protocol: tcp, port: 80, cidr_blocks: ["10.0.0.300/8"]}\n'
    )
    done = run_genesys("validate", cwd=tmp_path)
    assert "unknown key 'encrytion' (did you mean 'encryption'?)" in done.stderr
    assert "unknown key 'versionning' (did you mean 'versioning'?)" in done.stderr
    assert "invalid CIDR '10.0.0.300/8'" in done.stderr
    assert "a rule needs" not in done.stderr
    assert "3 errors" in done.stderr


def test_fmt_check_passes_on_the_shipped_seed_examples(tmp_path: Path) -> None:
    seed = Path(__file__).resolve().parents[2] / "examples" / "seed"
    for name in ("genesys.yaml", "genesys.toml"):
        done = run_genesys("fmt", "--check", "-c", str(seed / name), cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_coloured_plan_keeps_its_indent() -> None:
    from genesys.engine.plan import Action, Plan, ResourceChange
    from genesys.engine.render import render_plan

    change = ResourceChange("storage.b", "bucket", Action.CREATE, after={"name": "b"})
    plan = Plan("local", "l", 0, "d", [change])
    plain = render_plan(plan, {}, color=False)
    coloured = re.sub(r"\x1b\[[0-9;]*m", "", render_plan(plan, {}, color=True))
    assert coloured == plain and '  + bucket "storage.b" {' in plain
