"""A fresh moto server per test, the real `genesys` CLI pointed at it, boto3 to check the result.

The CLI and its AWS plugin (a child process of the CLI) reach moto only through boto3's own
`AWS_ENDPOINT_URL`: nothing in the config names the endpoint, exactly as a user would run it.
The checks use boto3 directly, never our plugin. Fake credentials only; the shared AWS config
and credentials files point at nothing, so no real profile can leak in.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from genesys_provider_aws.testing import moto_server

from ..conftest import GENESYS, genesys_env

REGION = "us-east-1"
PASSPHRASE = "correct horse battery staple"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
}
SEED = Path(__file__).resolve().parents[3] / "examples" / "seed" / "genesys.yaml"


@pytest.fixture
def moto_url(tmp_path: Path) -> Iterator[str]:
    """A moto server of this test's own (a clean account), with type and AMI validation on."""
    with open(tmp_path / "moto.log", "wb") as log, moto_server(log) as url:
        yield url


@dataclass
class AwsCli:
    """Runs `genesys` against the moto server from one project directory."""

    project: Path
    env: dict[str, str]

    @property
    def config(self) -> Path:
        return self.project / "genesys.yaml"

    def __call__(
        self, *args: str, timeout: float = 120, **extra_env: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*GENESYS, *args],
            cwd=self.project,
            env={**self.env, **extra_env},
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        """The CLI as a background process (the caller must wait for or kill it)."""
        return subprocess.Popen(
            [*GENESYS, *args],
            cwd=self.project,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            stdin=subprocess.DEVNULL,
        )


@pytest.fixture
def cli(moto_url: str, tmp_path: Path) -> AwsCli:
    """The CLI in an empty project directory; tests write genesys.yaml there."""
    project = tmp_path / "project"
    project.mkdir()
    nowhere = str(tmp_path / "no-such-aws-file")
    env = genesys_env(
        **FAKE_CREDENTIALS,
        AWS_ENDPOINT_URL=moto_url,
        AWS_CONFIG_FILE=nowhere,
        AWS_SHARED_CREDENTIALS_FILE=nowhere,
        GENESYS_STATE_PASSPHRASE=PASSPHRASE,
    )
    for leaky in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
        env.pop(leaky, None)
    return AwsCli(project, env)


@pytest.fixture
def aws(moto_url: str) -> Callable[[str], Any]:
    """boto3 clients straight to the moto server, to check what Genesys did."""
    import boto3

    made: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in made:
            made[service] = boto3.client(
                service,
                region_name=REGION,
                endpoint_url=moto_url,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )
        return made[service]

    return client
