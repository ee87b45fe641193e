"""A fresh moto server per test, the real `genesys` CLI pointed at it, boto3 to check the result.

The CLI and its AWS plugin (a child process of the CLI) reach moto only through boto3's own
`AWS_ENDPOINT_URL`: nothing in the config names the endpoint, exactly as a user would run it.
The checks use boto3 directly, never our plugin. Fake credentials only; the shared AWS config
and credentials files point at nothing, so no real profile can leak in.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ..conftest import GENESYS, genesys_env

REGION = "us-east-1"
PASSPHRASE = "correct horse battery staple"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
}
SEED = Path(__file__).resolve().parents[3] / "examples" / "seed" / "genesys.yaml"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("moto_server did not start in 30 s")


@pytest.fixture
def moto_url(tmp_path: Path) -> Iterator[str]:
    """A moto server of this test's own (a clean account), with type and AMI validation on."""
    port = _free_port()
    env = {
        **os.environ,
        **FAKE_CREDENTIALS,
        "MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION": "1",
        "MOTO_ENABLE_AMI_VALIDATION": "1",
    }
    moto_server = os.path.join(os.path.dirname(sys.executable), "moto_server")
    with open(tmp_path / "moto.log", "wb") as log:
        process = subprocess.Popen(
            [moto_server, "-H", "127.0.0.1", "-p", str(port)], env=env, stdout=log, stderr=log
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        # Lambda without Docker; must be set before any function exists.
        request = urllib.request.Request(
            f"{url}/moto-api/config", data=b'{"lambda": {"use_docker": false}}', method="POST"
        )
        urllib.request.urlopen(request, timeout=5).close()
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
