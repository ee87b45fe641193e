"""`genesys plan --provider NAME` (issue 13 item 2): a project applied on AWS (moto) planned on
GCP (its emulator) from a fresh, empty state: all creates, GCP's own translations and
overrides, and the AWS state untouched (same serial, same bytes)."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from genesys_emulators.testing import running
from genesys_provider_aws.testing import moto_server

from tests.e2e.conftest import GENESYS, genesys_env

CONFIG = """\
provider: aws
region: us-east-1
resources:
  network:
    - name: main-vpc
      cidr: 10.0.0.0/16
      subnets:
        - {name: public, cidr: 10.0.1.0/24, public: true}
  compute:
    - name: web
      type: medium
      network: main-vpc
      overrides:
        gcp: {provider_type: e2-standard-2}
  storage:
    - name: app-data
      type: bucket
"""


@pytest.fixture
def project(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    with (open(tmp_path / "moto.log", "wb") as log, moto_server(log) as url,
          running("gcp") as ready):
        nowhere = str(tmp_path / "no-such-file")
        env = genesys_env(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                          AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=url,
                          AWS_CONFIG_FILE=nowhere, AWS_SHARED_CREDENTIALS_FILE=nowhere,
                          CLOUDSDK_CONFIG=nowhere)
        for leaky in ("AWS_PROFILE", "GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CLOUD_PROJECT"):
            env.pop(leaky, None)
        providers = yaml.safe_dump({"providers": {"gcp": ready["settings"]}}, sort_keys=False)
        (tmp_path / "genesys.yaml").write_text(CONFIG + providers, encoding="utf-8")
        yield tmp_path, env


def _run(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GENESYS, *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=240, stdin=subprocess.DEVNULL)


def _state_digest(project: Path) -> str:
    files = sorted(p for p in (project / ".genesys" / "state").rglob("*") if p.is_file())
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()


def _serial(project: Path, env: dict[str, str]) -> Any:
    pulled = _run(project, env, "state", "pull")
    assert pulled.returncode == 0, pulled.stderr
    return json.loads(pulled.stdout)["serial"]


def test_plan_on_gcp_of_a_project_applied_on_aws(project: tuple[Path, dict[str, str]]) -> None:
    path, env = project
    applied = _run(path, env, "apply", "--auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    serial, digest = _serial(path, env), _state_digest(path)

    plan = _run(path, env, "plan", "--provider", "gcp", "--detailed-exitcode")
    assert plan.returncode == 2, plan.stdout + plan.stderr
    assert "Planned on provider gcp from a fresh, empty state" in plan.stdout
    assert "Plan: 4 to add, 0 to change, 0 to destroy." in plan.stdout
    assert "resources.compute[0]: overrides.gcp applied (provider_type=e2-standard-2)" in (
        plan.stdout)
    assert "e2-standard-2" in plan.stdout and "t3.medium" not in plan.stdout
    as_json = _run(path, env, "plan", "--provider", "gcp", "--json")
    changes = json.loads(as_json.stdout)["resource_changes"]
    assert {c["action"] for c in changes} == {"create"}, changes

    assert _state_digest(path) == digest and _serial(path, env) == serial
    again = _run(path, env, "plan", "--detailed-exitcode")  # AWS still sees no change
    assert again.returncode == 0, again.stdout + again.stderr
    refused = _run(path, env, "plan", "--provider", "gcp", "--out", "move.plan")
    assert refused.returncode == 1 and "never applied" in refused.stderr
    assert not (path / "move.plan").exists()
