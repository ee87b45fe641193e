"""A moto server and a `genesys` runner for the end-to-end discovery tests.

The tests run the real CLI in process; it starts the real AWS plugin as a child process,
which talks to this moto server (endpoint set in the config). Resources are made and checked
with boto3 directly against the same server. Skipped cleanly when the AWS plugin or moto's
server is not installed.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
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


def _moto_server() -> str | None:
    beside = Path(sys.executable).with_name("moto_server")
    return str(beside) if beside.exists() else shutil.which("moto_server")


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
            time.sleep(0.1)
    raise RuntimeError("moto_server did not start within 30 s")


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    if importlib.util.find_spec("genesys_provider_aws.main") is None:
        pytest.skip("the AWS provider plugin (genesys-provider-aws) is not installed")
    server = _moto_server()
    if server is None:
        pytest.skip("moto_server is not installed (pip install 'moto[server]')")
    port = _free_port()
    env = {**os.environ, **AWS_ENV, "MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION": "1",
           "MOTO_ENABLE_AMI_VALIDATION": "1"}
    process = subprocess.Popen([server, "-H", "127.0.0.1", "-p", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
    header = (f"provider: aws\nregion: {REGION}\nproviders:\n  aws:\n"
              f"    endpoint: {moto_url}\n    poll_interval: 0.05\n")

    def write(body: str) -> Path:
        path = tmp_path / "genesys.yaml"
        path.write_text(header + body)
        return path

    return SimpleNamespace(dir=tmp_path, write=write, config=tmp_path / "genesys.yaml")


@pytest.fixture
def genesys(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    from genesys.cli.main import main

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run
