"""A moto server and a `genesys` runner for the end-to-end discovery tests.

The tests run the real CLI in process; it starts the real AWS plugin as a child process,
which talks to this moto server (endpoint set in the config). Resources are made and checked
with boto3 directly against the same server. Skipped cleanly when the AWS plugin or moto's
server is not installed.
"""

from __future__ import annotations

import importlib.util
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

REGION = "us-east-1"
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
}


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    if importlib.util.find_spec("genesys_provider_aws.main") is None:
        pytest.skip("the AWS provider plugin (genesys-provider-aws) is not installed")
    from genesys_provider_aws.testing import moto_server, moto_server_executable

    if moto_server_executable() is None:
        pytest.skip("moto_server is not installed (pip install 'moto[server]')")
    with moto_server() as url:
        yield url


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Any]:
    """boto3 clients straight to moto; also puts fake credentials in the environment the
    CLI (and so the plugin it starts) runs with."""
    import boto3

    for key, value in AWS_ENV.items():
        monkeypatch.setenv(key, value)
    made: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in made:
            made[service] = boto3.client(service, region_name=REGION, endpoint_url=moto_url)
        return made[service]

    return client


@pytest.fixture
def suffix() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture
def project(tmp_path: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """A working directory with `write(body)` for genesys.yaml (AWS provider at moto) and
    `run(*argv)` -> (exit code, stdout, stderr) of the real CLI there."""
    monkeypatch.chdir(tmp_path)
    header = (
        f"provider: aws\nregion: {REGION}\nproviders:\n  aws:\n"
        f"    endpoint: {moto_url}\n    poll_interval: 0.05\n"
    )

    def write(body: str) -> Path:
        path = tmp_path / "genesys.yaml"
        path.write_text(header + body)
        return path

    return SimpleNamespace(dir=tmp_path, write=write, config=tmp_path / "genesys.yaml")

