"""`genesys plan --provider NAME` (issue 13 item 2): a project applied on AWS (moto) planned on
GCP (its emulator) from a fresh, empty state: all creates, GCP's own translations and
overrides, and the AWS state untouched (same serial, same bytes)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml
from genesys_emulators.testing import running
from genesys_provider_aws.testing import moto_server

from tests.e2e.conftest import GENESYS, genesys_env

SEED_YAML = Path(__file__).resolve().parents[2] / "examples" / "seed" / "genesys.yaml"
SEED_TOML = SEED_YAML.with_name("genesys.toml")

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


# ---------------------------------------------------------------- the portability matrix
#
# The seed YAML, with only `provider:`, the region and the `state:` backend changed (plus
# the emulator's `providers.<cloud>` block), taken through apply, a no-op plan, a size change
# and destroy on all six providers; the seed TOML through validate + plan on each. The
# per-cloud seed tests check what each step made; this module proves the same file does the
# same on every one, and prints one table: provider x step, seconds and calls.
#
# Calls are counted where they arrive, per CLI command: the cloud API requests the server
# answered (moto: its access log, one line per request, /moto-api/ excluded; the emulators:
# GET /_genesys/requests, every emulated service, Azurite's blob calls not included), and
# the gRPC calls the core made to its plugin (grpc's own `api` trace on the CLI process,
# one `grpc_channel_create_*call` per RPC). The local provider has no cloud API: its cell
# counts RPCs only.

STEPS = ("apply", "no-op plan", "resize", "destroy")
RESIZES = (("type: medium  #", "type: large  #"), ("size: medium  #", "size: large  #"))
MATRIX: dict[str, dict[str, str]] = {}
GRPC_TRACE = {"GRPC_TRACE": "api", "GRPC_VERBOSITY": "debug"}
_RPC = re.compile(r"grpc_channel_create(?:_registered)?_call\(")
_TRACE_LINE = re.compile(r"^[IDEW]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ \S+:\d+\]")
_MOTO_REQUEST = re.compile(r'"(?:\x1b\[[0-9;]*m)*[A-Z]+ (/\S*) HTTP/1\.[01]')
ApiCalls = Callable[[], int]


@contextlib.contextmanager
def _on(cloud: str, tmp_path: Path
        ) -> Iterator[tuple[str, dict[str, Any], dict[str, str], ApiCalls | None]]:
    """The seed YAML for `cloud`, the emulator's ready line, the environment its CLI runs in
    and the cloud's count of API requests served so far (None: local has no cloud API)."""
    env = genesys_env(GENESYS_STATE_PASSPHRASE="correct horse battery staple",
                      HOME=str(tmp_path / "home"), CLOUDSDK_CONFIG=str(tmp_path / "none"))
    for leaky in [k for k in env if k.startswith(("AWS_", "AZURE_", "ALIBABA_", "ALICLOUD_",
                                                  "TENCENTCLOUD_", "GOOGLE_"))]:
        env.pop(leaky)
    if cloud == "local":
        text = SEED_YAML.read_text().replace("provider: aws ", "provider: local ", 1)
        start, end = text.index("# State configuration"), text.index("# Policy guardrails")
        yield text[:start] + text[end:], {}, env, None
    elif cloud == "aws":
        with open(tmp_path / "moto.log", "wb") as log, moto_server(log) as url:
            nowhere = str(tmp_path / "no-such-aws-file")
            env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                       AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=url,
                       AWS_CONFIG_FILE=nowhere, AWS_SHARED_CREDENTIALS_FILE=nowhere)
            yield SEED_YAML.read_text(), {}, env, partial(_moto_requests, tmp_path / "moto.log")
    else:
        with running(cloud) as ready:
            yield _cloud_seed(cloud, ready, env), ready, env, partial(_emulator_requests, ready)


def _moto_requests(log: Path) -> int:
    """Requests in moto's access log; werkzeug writes a line just after answering, so the
    count is read until it holds still."""
    def count() -> int:
        lines = log.read_text(errors="replace").splitlines()
        return sum(1 for line in lines if (m := _MOTO_REQUEST.search(line))
                   and not m.group(1).startswith("/moto-api"))
    last = -1
    while (now := count()) != last:
        last = now
        time.sleep(0.2)
    return now


def _emulator_requests(ready: dict[str, Any]) -> int:
    for url in ready["sdk"].values():  # the first of the emulator's own services answers
        with (contextlib.suppress(OSError, ValueError),
              urllib.request.urlopen(f"{url}/_genesys/requests", timeout=10) as answer):
            return sum(json.loads(answer.read()).values())
    raise AssertionError(f"no service of the emulator counts requests: {ready['sdk']}")


def _cloud_seed(cloud: str, ready: dict[str, Any], env: dict[str, str]) -> str:
    from tests.e2e.alibaba.conftest import ACCESS_KEY
    from tests.e2e.alibaba.test_seed import seed_yaml as alibaba_seed
    from tests.e2e.azure.test_seed import seed_for_azure
    from tests.e2e.gcp.conftest import seed_yaml_on_gcp
    from tests.e2e.tencent.conftest import Tencent
    from tests.e2e.tencent.conftest import seed_yaml as tencent_seed

    if cloud == "gcp":
        return seed_yaml_on_gcp(ready["settings"])
    if cloud == "azure":
        return seed_for_azure(ready)
    if cloud == "tencent":
        return tencent_seed(Tencent(ready))
    env.update(ALIBABA_CLOUD_ACCESS_KEY_ID=ACCESS_KEY[0],
               ALIBABA_CLOUD_ACCESS_KEY_SECRET=ACCESS_KEY[1])
    providers = yaml.safe_dump({"providers": {"alibaba": {"endpoints": dict(ready["sdk"])}}})
    return alibaba_seed() + "\n" + providers


def _step(project: Path, env: dict[str, str], api_calls: ApiCalls | None, *args: str,
          done: str = "") -> tuple[str, subprocess.CompletedProcess[str]]:
    """Runs one CLI command (which must succeed; `done` in its output) and words its cell:
    seconds, the cloud API calls it caused, the RPCs the core made to the plugin."""
    before = api_calls() if api_calls else 0
    started = time.monotonic()
    result = _run(project, {**env, **GRPC_TRACE}, *args)
    seconds = time.monotonic() - started
    rpcs = len(_RPC.findall(result.stderr))
    result.stderr = "\n".join(line for line in result.stderr.splitlines()
                              if not _TRACE_LINE.match(line))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert done in result.stdout, result.stdout[-3000:]
    count = api_calls() - before if api_calls else 0
    # Every command talks to its plugin, and on a cloud the plugin to the cloud at least once:
    # a zero means a counter broke, not a free command.
    assert rpcs > 0 and (count > 0 or not api_calls), (rpcs, count)
    calls = f"{count} call{'' if count == 1 else 's'}, " if api_calls else ""
    return f"{seconds:.1f}s, {calls}{rpcs} RPCs", result


def _resized(text: str) -> str:
    for before, after in RESIZES:
        assert text.count(before) == 1, f"the seed changed: {before!r}"
        text = text.replace(before, after)
    return text


@pytest.mark.parametrize("cloud", ["local", "aws", "gcp", "azure", "alibaba", "tencent"])
def test_the_seed_is_portable(cloud: str, tmp_path: Path) -> None:
    project = tmp_path / "project"  # azure names its resource group after this directory
    project.mkdir()
    with _on(cloud, tmp_path) as (text, ready, env, api_calls):
        config = project / "genesys.yaml"
        config.write_text(text, encoding="utf-8")
        row: dict[str, str] = {}
        row["apply"], _ = _step(project, env, api_calls, "apply", "--auto-approve",
                                done="Apply complete! Resources: 14 added")
        row["no-op plan"], _ = _step(project, env, api_calls, "plan", "--detailed-exitcode")
        config.write_text(_resized(text), encoding="utf-8")
        cell, resized = _step(project, env, api_calls, "apply", "--auto-approve")
        row["resize"] = f"{cell} ({_summary(resized.stdout)})"
        row["destroy"], _ = _step(project, env, api_calls, "destroy", "--auto-approve",
                                  done="14 destroyed")
        toml = project / "genesys.toml"
        toml.write_text(_toml_for(cloud, ready), encoding="utf-8")
        row["TOML plan"], _ = _step(project, env, api_calls, "plan", "-c", toml.name,
                                    done="Plan: 14 to add, 0 to change, 0 to destroy.")
    MATRIX[cloud] = row


def _summary(stdout: str) -> str:
    found = re.search(r"Apply complete! Resources: (\d+) added, (\d+) changed, (\d+) destroyed",
                      stdout)
    assert found, stdout[-2000:]
    added, changed, _destroyed = found.groups()
    return f"{changed} in place" if added == "0" else f"{changed} in place, {added} replaced"


def _toml_for(cloud: str, ready: dict[str, Any]) -> str:
    """The seed TOML with the same provider, state backend and providers block as the YAML
    (each cloud's seed tests' own helpers, so both stay in step with what those tests run)."""
    from tests.e2e.alibaba.test_seed import seed_toml as alibaba_toml
    from tests.e2e.azure.test_seed_toml import seed_toml_for_azure
    from tests.e2e.gcp.conftest import toml_block
    from tests.e2e.tencent.conftest import Tencent
    from tests.e2e.tencent.conftest import seed_toml as tencent_toml

    text = SEED_TOML.read_text()
    if cloud == "local":
        start, end = text.index("[state]"), text.index("[policies]")
        return text[:start].replace('provider = "gcp"', 'provider = "local"') + text[end:]
    if cloud == "aws":
        for before, after in (('provider = "gcp"', 'provider = "aws"'),
                              ('project = "my-project"\n', ""),
                              ('region = "us-central1"', 'region = "us-east-1"'),
                              ('backend = "gcs"', 'backend = "s3"'),
                              ("genesys-state-${project_id}", "genesys-state-${account_id}")):
            assert text.count(before) == 1, f"the seed changed: {before!r}"
            text = text.replace(before, after)
        return text
    if cloud == "gcp":
        return text + toml_block(ready["settings"])
    if cloud == "azure":
        return seed_toml_for_azure(ready)
    if cloud == "alibaba":
        return alibaba_toml(dict(ready["sdk"]))
    return tencent_toml(Tencent(ready))


def test_print_the_matrix() -> None:
    """Runs last: the table docs/portability.md carries (`pytest -s` shows it)."""
    assert set(MATRIX) == {"local", "aws", "gcp", "azure", "alibaba", "tencent"}, MATRIX
    header = ["provider", *STEPS, "TOML plan"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for cloud, row in MATRIX.items():
        lines.append("| " + " | ".join([cloud, *(row[h] for h in header[1:])]) + " |")
    table = "\n".join(lines)
    print("\n" + table)
    out = os.environ.get("GENESYS_PORTABILITY_TABLE")
    if out:
        Path(out).write_text(table + "\n", encoding="utf-8")


# ---------------------------------------------------------------- the seed's vocabulary

VOCABULARY = """\
provider: {provider}
resources:
  database:
    - {{name: docs, engine: mongodb, size: small, storage: 20}}
  serverless:
    - {{name: gofn, runtime: go1.21, handler: bootstrap, source: ./fn}}
"""
# What each cloud plugin's PlanResources answers (cost --compare all): the MongoDB-compatible
# service's type, or why it cannot. docs/portability.md's value x provider table says the same.
CLOUD_ANSWERS = {
    "aws": {"database.docs": "db.t3.medium", "serverless.gofn": None},
    "gcp": {"database.docs": "firestore-enterprise", "serverless.gofn": None},
    "azure": {"database.docs": "400 RU/s", "serverless.gofn": None},
    "alibaba": {"database.docs": "dds.mongo.mid", "serverless.gofn": None},
    "tencent": {"database.docs": "mongodb.1c2g", "serverless.gofn": None},
}


def test_what_each_provider_answers_for_mongodb_and_go(tmp_path: Path) -> None:
    """Where a provider cannot offer a value, a plan error at the resource's address names
    what it offers instead; `cost --compare` shows each cloud's answers as rows."""
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "main.go").write_text("package main\n\nfunc main() {}\n")
    (tmp_path / "genesys.yaml").write_text(VOCABULARY.format(provider="local"))
    planned = _run(tmp_path, genesys_env(), "plan")
    assert planned.returncode == 1 and "Traceback" not in planned.stderr
    assert planned.stderr.splitlines()[1:] == [  # Go builds and runs locally; no mongod here
        "  database.docs: the local provider does not offer mongodb; use postgres or sqlite "
        "(engine)"], planned.stderr
    compared = _run(tmp_path, genesys_env(), "cost", "--compare", "all", "--format", "json")
    assert compared.returncode == 0, compared.stdout + compared.stderr
    quotes = json.loads(compared.stdout)["providers"]
    answers = {cloud: {r["address"]: f"cannot: {r['unsupported']}" if r["unsupported"]
                       else r["providerType"] for r in quote["resources"]}
               for cloud, quote in quotes.items()}
    assert answers == CLOUD_ANSWERS
    docs = next(r for r in quotes["aws"]["resources"] if r["address"] == "database.docs")
    # 730 hours x $0.078 + 20 GB-months x $0.10
    assert docs["monthlyCost"] == "58.94"


def test_a_go_handler_names_its_binary_a_python_one_a_function(tmp_path: Path) -> None:
    """`runtime: go1.21` takes the binary's name as handler; a python handler must still be
    module.function (a located error). Go on AWS end to end: tests/e2e/aws/test_go_function.py."""
    (tmp_path / "genesys.yaml").write_text(
        "provider: aws\nresources:\n  serverless:\n"
        "    - {name: gofn, runtime: go1.21, handler: bootstrap}\n")
    (tmp_path / "bad.yaml").write_text(
        "provider: aws\nresources:\n  serverless:\n"
        "    - {name: py, runtime: python3.11, handler: bootstrap}\n")
    good = _run(tmp_path, genesys_env(), "validate")
    assert good.returncode == 0, good.stdout + good.stderr
    bad = _run(tmp_path, genesys_env(), "validate", "-c", "bad.yaml")
    assert bad.returncode == 1
    assert ("bad.yaml:4:39: resources.serverless[0].handler: invalid handler 'bootstrap' "
            "(expected module.function for a python3.11 function") in bad.stdout + bad.stderr


def test_mongodb_on_aws_plans_as_documentdb_and_its_apply_is_refused(tmp_path: Path) -> None:
    """DocumentDB is planned with its translation and cost (a warning says the plugin cannot
    apply it); the apply is refused at the resource's address, nothing is made (moto refuses
    the docdb engine anyway: a listed limitation, not a faked test)."""
    (tmp_path / "genesys.yaml").write_text(
        "provider: aws\nregion: us-east-1\nresources:\n  database:\n"
        "    - {name: docs, engine: mongodb, size: medium, storage: 100, multi_az: true}\n")
    with open(tmp_path / "moto.log", "wb") as log, moto_server(log) as url:
        nowhere = str(tmp_path / "no-such-aws-file")
        env = genesys_env(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                          AWS_DEFAULT_REGION="us-east-1", AWS_ENDPOINT_URL=url,
                          AWS_CONFIG_FILE=nowhere, AWS_SHARED_CREDENTIALS_FILE=nowhere)
        planned = _run(tmp_path, env, "plan")
        assert planned.returncode == 0, planned.stdout + planned.stderr
        assert "# database.docs will be created  ($123.88/mo)" in planned.stdout
        assert '(db.t3.medium)' in planned.stdout
        assert "mongodb is Amazon DocumentDB: planned and priced" in planned.stderr
        applied = _run(tmp_path, env, "apply", "--auto-approve")
        assert applied.returncode == 1 and "Traceback" not in applied.stderr
        assert "database.docs" in applied.stdout + applied.stderr
        assert "the closest it can apply is postgres or mysql" in applied.stdout + applied.stderr
        assert _run(tmp_path, env, "state", "list").stdout.strip() == ""
