"""Per-cloud overrides (issue 13 item 3): `overrides: {aws: {...}, gcp: {...}}` on a block is
used only when that provider plans; checked as if written on the block (YAML and TOML); a
value the provider refuses is a config error at the override's line. Real CLI, real plugins,
AWS on moto."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from genesys_provider_aws.testing import moto_server

from tests.e2e.conftest import GENESYS, genesys_env, run_genesys

CONFIG = """\
provider: aws
region: us-east-1
resources:
  compute:
    - name: web
      type: medium
      overrides:
        aws: {provider_type: t3.large}
        gcp: {zone: us-central1-b}
    - name: plain
      type: medium
"""


@pytest.fixture
def on_moto(tmp_path: Path) -> Iterator[dict[str, str]]:
    with open(tmp_path / "moto.log", "wb") as log, moto_server(log) as url:
        nowhere = str(tmp_path / "no-such-aws-file")
        env = genesys_env(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                          AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=url,
                          AWS_CONFIG_FILE=nowhere, AWS_SHARED_CREDENTIALS_FILE=nowhere)
        env.pop("AWS_PROFILE", None)
        yield env


def _genesys(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GENESYS, *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=180, stdin=subprocess.DEVNULL)


def test_an_aws_override_changes_the_aws_plan_only(tmp_path: Path,
                                                   on_moto: dict[str, str]) -> None:
    (tmp_path / "genesys.yaml").write_text(CONFIG, encoding="utf-8")
    plan = _genesys(tmp_path, on_moto, "plan", "--json")
    assert plan.returncode == 0, plan.stderr
    values = {c["address"]: c for c in json.loads(plan.stdout)["resource_changes"]}
    assert '"t3.large"' in json.dumps(values["compute.web"])
    assert '"t3.large"' not in json.dumps(values["compute.plain"])
    shown = _genesys(tmp_path, on_moto, "plan")
    assert "resources.compute[0]: overrides.aws applied (provider_type=t3.large)" in shown.stdout
    assert 'provider_type = "t3.large"' in shown.stdout
    assert "overrides.gcp" not in shown.stdout  # gcp's override is not aws's business
    compare = run_genesys("cost", "--compare", "aws,gcp", "--format", "json", cwd=tmp_path)
    quotes = json.loads(compare.stdout)["providers"]
    types = {p: {r["address"]: r["providerType"] for r in q["resources"]}
             for p, q in quotes.items()}
    assert types["aws"] == {"compute.web": "t3.large", "compute.plain": "t3.medium"}
    assert types["gcp"] == {"compute.web": "n1-standard-2", "compute.plain": "n1-standard-2"}


def test_a_type_the_provider_does_not_have_is_a_located_config_error(
    tmp_path: Path, on_moto: dict[str, str]
) -> None:
    (tmp_path / "genesys.yaml").write_text(
        CONFIG.replace("provider_type: t3.large", "provider_type: n1-standard-2"),
        encoding="utf-8")
    plan = _genesys(tmp_path, on_moto, "plan")
    assert plan.returncode == 1
    assert plan.stderr.strip() == (
        "Error: genesys.yaml:8:15: resources.compute[0].overrides.aws.provider_type: aws "
        "refuses it: 'n1-standard-2' is not an EC2 instance type (provider_type) (compute.web)")
    assert "Traceback" not in plan.stderr


@pytest.mark.parametrize("suffix", ["yaml", "toml"])
def test_unknown_keys_and_bad_values_are_located_in_yaml_and_toml(
    tmp_path: Path, suffix: str
) -> None:
    texts = {
        "yaml": "provider: aws\nresources:\n  compute:\n    - name: web\n      overrides:\n"
                "        aws: {provider_tpye: c6i.large}\n        gcp: {type: huge}\n",
        "toml": 'provider = "aws"\n\n[[resources.compute]]\nname = "web"\n\n'
                '[resources.compute.overrides.aws]\nprovider_tpye = "c6i.large"\n\n'
                '[resources.compute.overrides.gcp]\ntype = "huge"\n',
    }
    path = tmp_path / f"genesys.{suffix}"
    path.write_text(texts[suffix], encoding="utf-8")
    result = run_genesys("validate", "-c", path.name, cwd=tmp_path)
    assert result.returncode == 1
    lines = (result.stdout + result.stderr).splitlines()
    where = {"yaml": ("6:15", "7:15"), "toml": ("7:1", "10:1")}[suffix]
    assert any(line.startswith(f"genesys.{suffix}:{where[0]}: resources.compute[0].overrides."
                               "aws.provider_tpye: unknown key 'provider_tpye'")
               and "did you mean 'provider_type'?" in line for line in lines), lines
    assert any(line.startswith(f"genesys.{suffix}:{where[1]}: resources.compute[0].overrides."
                               "gcp.type: unknown size 'huge'") for line in lines), lines


def test_outcome_overrides_and_the_schema(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(
        "provider: local\noutcomes:\n  api:\n    runtime: python3.11\n    overrides:\n"
        "      aws: {memory: 1024}\n      local: {memory: 256}\n", encoding="utf-8")
    plan = run_genesys("plan", cwd=tmp_path)
    assert plan.returncode == 0, plan.stderr
    assert "outcomes.api: overrides.local applied (memory=256)" in plan.stdout
    assert "memory_mb = 256" in plan.stdout and "1024" not in plan.stdout
    schema = run_genesys("schema", cwd=tmp_path)
    compute = json.loads(schema.stdout)["$defs"]["ComputeSpec"]["properties"]
    assert "overrides" in compute and "provider plans" in compute["overrides"]["description"]
