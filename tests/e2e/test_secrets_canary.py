"""Secrets canary (issue 14, item 10): the seed applied, updated and destroyed with secrets in
play, then everything Genesys wrote or printed is searched for them.

Canaries, each unique to the run:
- the database password: the config has no password key (providers generate it), so the
  secret is the provider's generated password, which the function's environment reads
  through `${database.app-db.password}`; learned with `state pull` (whose job is to print
  it, so that one command's output is not searched);
- an unrelated variable of the calling shell (`MY_UNRELATED_TOKEN`);
- GENESYS_STATE_PASSPHRASE, with `state.encrypt` on.

Searched: stdout and stderr of every command at GENESYS_LOG=debug, plan JSON and saved
plans, every file under the project (`.genesys/` included, links followed: the local
provider's PostgreSQL clusters), the command lines and environments of the plugin and every
process it started (canary_harness.py). Allowed: the password in the environment of the
function's own handler process (the user's code reads it there) and in the function's own
definition file (`function.json`, 0600, what that process is started from, as a cloud keeps
a function's configuration); nowhere else.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .conftest import genesys_env

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "seed" / "genesys.yaml"
HARNESS = Path(__file__).resolve().parent / "canary_harness.py"
HANDLER_BOOTSTRAPS = ("python_handler.py", "node_handler.js")  # the user's code runs here
FUNCTION_CODE = """\
import hashlib
import os


def handler(event, context):
    password = os.environ.get("DB_PASSWORD", "")
    return {"sha256": hashlib.sha256(password.encode()).hexdigest()}
"""


@dataclass
class Canaries:
    shell: str = field(default_factory=lambda: f"canary-shell-{uuid.uuid4().hex}")
    passphrase: str = field(default_factory=lambda: f"canary-pass-{uuid.uuid4().hex}")
    password: str = ""  # learned after the first apply

    def named(self) -> dict[str, str]:
        found = {"shell variable": self.shell, "state passphrase": self.passphrase}
        return {**found, "database password": self.password} if self.password else found


def seed_with_secrets(provider: str, state_block: str) -> str:
    """The seed on `provider`, its function reading the password and running real code."""
    text = SEED.read_text().replace("provider: aws ", f"provider: {provider} ", 1)
    start, end = text.index("# State configuration"), text.index("# Policy guardrails")
    text = text[:start] + state_block + "\n" + text[end:]
    text = text.replace(
        "      handler: main.handler\n", "      handler: main.handler\n      source: ./fn\n", 1
    )
    return text.replace(
        "        DB_HOST: ${database.app-db.endpoint}\n",
        "        DB_HOST: ${database.app-db.endpoint}\n"
        "        DB_PASSWORD: ${database.app-db.password}\n",
        1,
    )


def run_harness(project: Path, env: dict[str, str], steps: list[Any]) -> dict[str, Any]:
    spec, report = project.parent / "canary-spec.json", project.parent / "canary-report.json"
    spec.write_text(json.dumps({"cwd": str(project), "env": env, "commands": steps}))
    subprocess.run([sys.executable, str(HARNESS), str(spec), str(report)], check=True, timeout=900)
    result: dict[str, Any] = json.loads(report.read_text())
    return result


def ok(run: dict[str, Any], code: int = 0) -> str:
    assert run["returncode"] == code, f"{run['args']}: {run['stdout']}{run['stderr']}"
    assert "Traceback" not in run["stderr"], run["stderr"]
    return str(run["stdout"])


def learn_password(run: dict[str, Any]) -> str:
    snapshot = json.loads(ok(run))
    password = str(snapshot["resources"]["database.app-db"]["attributes"]["password"])
    assert len(password) >= 16, "the provider generated no password: nothing to look for"
    return password


def leaks_in_output(runs: list[dict[str, Any]], canaries: Canaries) -> list[str]:
    leaks = []
    for run in runs:
        if run["args"][:2] == ["state", "pull"]:
            continue  # prints the state, secrets included, by design
        for stream in ("stdout", "stderr"):
            for name, value in canaries.named().items():
                if value in run[stream]:
                    leaks.append(f"{name} in the {stream} of `genesys {' '.join(run['args'])}`")
    return leaks


def _allowed_file(path: Path, name: str) -> bool:
    """The function's definition, which its handler process is started from; owner-only."""
    return (
        name == "database password"
        and path.name == "function.json"
        and stat.S_IMODE(path.stat().st_mode) & 0o077 == 0
    )


def leaks_in_files(root: Path, canaries: Canaries) -> list[str]:
    leaks = []
    for directory, _dirs, files in os.walk(root, followlinks=True):
        for filename in files:
            path = Path(directory, filename)
            try:
                data = path.read_bytes()
            except OSError:
                continue  # a socket or a file gone meanwhile
            for name, value in canaries.named().items():
                if value.encode() in data and not _allowed_file(path, name):
                    leaks.append(f"{name} in the file {path.relative_to(root)}")
    return leaks


def _is_handler(process: dict[str, Any]) -> bool:
    return any(arg.endswith(HANDLER_BOOTSTRAPS) for arg in process["cmdline"])


def leaks_in_processes(processes: list[dict[str, Any]], canaries: Canaries) -> list[str]:
    leaks = []
    for process in processes:
        if process["cli"]:
            continue  # the user's own `genesys` process has the user's own environment
        what = " ".join(process["cmdline"])[:160]
        for name, value in canaries.named().items():
            if any(value in arg for arg in process["cmdline"]):
                leaks.append(f"{name} on the command line of pid {process['pid']}: {what}")
            allowed = name == "database password" and _is_handler(process)
            if not allowed and any(value in var for var in process["environ"]):
                leaks.append(f"{name} in the environment of pid {process['pid']}: {what}")
    return leaks


def check_searched(processes: list[dict[str, Any]], plugin: str, canaries: Canaries) -> None:
    """The search can find something: the CLI had the canaries, and the plugin was seen."""
    cli = [p for p in processes if p["cli"]]
    assert cli and all(f"MY_UNRELATED_TOKEN={canaries.shell}" in p["environ"] for p in cli)
    named = [" ".join(p["cmdline"]).replace("-", "_") for p in processes if not p["cli"]]
    assert any(plugin in cmdline for cmdline in named), plugin


def check_no_leaks(project: Path, report: dict[str, Any], canaries: Canaries) -> None:
    leaks = leaks_in_output(report["runs"], canaries)
    leaks += leaks_in_files(project, canaries)
    leaks += leaks_in_processes(report["processes"], canaries)
    assert leaks == [], "secrets leaked:\n" + "\n".join(sorted(set(leaks)))


def lifecycle_steps(config: Path, text: str, *, invoke: bool) -> list[Any]:
    updated = text.replace("      memory: 512\n", "      memory: 256\n", 1)
    assert updated != text
    return [
        ["plan", "--out", "tfplan-create"],
        ["plan", "--json"],
        ["apply", "tfplan-create"],
        ["state", "pull"],
        *([["invoke", "api-handler", "--payload", "{}"]] if invoke else []),
        ["plan", "--json", "--detailed-exitcode"],
        {"write": str(config), "text": updated},
        ["plan", "--out", "tfplan-update"],
        ["apply", "tfplan-update"],
        ["state", "show", "serverless.api-handler"],
        ["state", "list"],
        ["output"],
    ]


def make_project(tmp_path: Path, text: str) -> Path:
    project = tmp_path / "project"
    (project / "fn").mkdir(parents=True)
    (project / "fn" / "main.py").write_text(FUNCTION_CODE)
    (project / "genesys.yaml").write_text(text)
    return project


def canary_env(base: dict[str, str], canaries: Canaries) -> dict[str, str]:
    return {
        **base,
        "GENESYS_LOG": "debug",
        "GENESYS_STATE_PASSPHRASE": canaries.passphrase,
        "MY_UNRELATED_TOKEN": canaries.shell,
    }


def test_no_secret_leaks_applying_the_seed_on_the_local_provider(tmp_path: Path) -> None:
    canaries = Canaries()
    text = seed_with_secrets("local", "state:\n  backend: local\n  encrypt: true\n")
    project = make_project(tmp_path, text)
    env = canary_env(genesys_env(), canaries)
    try:
        report = run_harness(
            project, env, lifecycle_steps(project / "genesys.yaml", text, invoke=True)
        )
        runs = {" ".join(r["args"]): r for r in report["runs"]}
        canaries.password = learn_password(runs["state pull"])
        for run in report["runs"]:
            ok(run)
        invoked = json.loads(ok(runs["invoke api-handler --payload {}"]))
        assert invoked == {"sha256": hashlib.sha256(canaries.password.encode()).hexdigest()}
        assert any("postgres" in " ".join(p["cmdline"]) for p in report["processes"])
        assert any("genesys_provider_local.gateway" in p["cmdline"] for p in report["processes"])
        check_searched(report["processes"], "genesys_provider_local", canaries)
        check_no_leaks(project, report, canaries)
    finally:
        destroyed = run_harness(project, env, [["destroy", "--auto-approve"]])
    ok(destroyed["runs"][0])
    check_no_leaks(project, destroyed, canaries)


@pytest.fixture
def aws_env(tmp_path: Path) -> Any:
    from genesys_provider_aws.testing import moto_server

    from .aws.conftest import FAKE_CREDENTIALS

    nowhere = str(tmp_path / "no-such-aws-file")
    with open(tmp_path / "moto.log", "wb") as log, moto_server(log) as url:
        env = genesys_env(
            **FAKE_CREDENTIALS,
            AWS_ENDPOINT_URL=url,
            AWS_CONFIG_FILE=nowhere,
            AWS_SHARED_CREDENTIALS_FILE=nowhere,
        )
        for leaky in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
            env.pop(leaky, None)
        yield env


def test_no_secret_leaks_applying_the_seed_on_aws_moto(tmp_path: Path, aws_env: Any) -> None:
    canaries = Canaries()
    seed = SEED.read_text()
    state_block = seed[seed.index("state:") : seed.index("# Policy guardrails")].rstrip()
    text = seed_with_secrets("aws", state_block)  # the seed's own: s3, encrypted
    project = make_project(tmp_path, text)
    env = canary_env(aws_env, canaries)
    steps = lifecycle_steps(project / "genesys.yaml", text, invoke=False)
    report = run_harness(project, env, [*steps, ["destroy", "--auto-approve"]])
    runs = {" ".join(r["args"]): r for r in report["runs"]}
    canaries.password = learn_password(runs["state pull"])
    for run in report["runs"]:
        ok(run)
    check_searched(report["processes"], "genesys_provider_aws", canaries)
    check_no_leaks(project, report, canaries)
    assert leaks_in_bucket(aws_env["AWS_ENDPOINT_URL"], canaries) == []


def leaks_in_bucket(endpoint: str, canaries: Canaries) -> list[str]:
    """Every version of every state object in S3: sealed, and none holds a canary."""
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    bucket = "genesys-state-123456789012"  # the seed's genesys-state-${account_id} on moto
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert any(v["Key"].endswith("snapshot.json") for v in versions)
    leaks = []
    for version in versions:
        body = s3.get_object(Bucket=bucket, Key=version["Key"], VersionId=version["VersionId"])
        data = body["Body"].read()
        if version["Key"].endswith("snapshot.json"):
            assert b'"ciphertext"' in data and b'"resources"' not in data, version["Key"]
        for name, value in canaries.named().items():
            if value.encode() in data:
                leaks.append(f"{name} in s3://{bucket}/{version['Key']} ({version['VersionId']})")
    return leaks
