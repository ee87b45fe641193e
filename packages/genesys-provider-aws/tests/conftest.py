"""One moto server for the whole session; the plugin served in process, configured to use it.

Every test checks what the plugin did through boto3 directly (the `aws` fixture), against the
same moto server, never only through the plugin. Names carry a per-test suffix so tests share
the server without resetting it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk.testing import InProcessConnection, serve_in_process
from genesys_provider_aws.clients import AwsClients
from genesys_provider_aws.main import build_plugin
from google.protobuf import struct_pb2

REGION = "us-east-1"
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}


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
    raise RuntimeError("moto_server did not start in 30 s")


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """A moto server on a free port, with AMI and instance-type validation on."""
    port = _free_port()
    env = {
        **os.environ,
        **AWS_ENV,
        "MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION": "1",
        "MOTO_ENABLE_AMI_VALIDATION": "1",
    }
    moto_server = os.path.join(os.path.dirname(sys.executable), "moto_server")
    process = subprocess.Popen(
        [moto_server, "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        # Lambda invocations without Docker: must be set before any function exists.
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


@pytest.fixture(scope="session", autouse=True)
def aws_env() -> Iterator[None]:
    """Fake credentials for boto3 everywhere (never real ones), restored afterwards."""
    saved = {k: os.environ.get(k) for k in AWS_ENV}
    os.environ.update(AWS_ENV)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def configure_request(url: str) -> provider_pb2.ConfigureRequest:
    settings = struct_pb2.Struct()
    settings.update({"endpoint": url, "poll_interval": 0.05, "wait_timeout": 30})
    return provider_pb2.ConfigureRequest(region=REGION, settings=settings)


@pytest.fixture(scope="session")
def moto_configure(moto_url: str) -> provider_pb2.ConfigureRequest:
    """The ConfigureRequest pointing a plugin at the moto server."""
    return configure_request(moto_url)


@pytest.fixture(scope="session")
def plugin_clients() -> AwsClients:
    """The AwsClients the served plugin uses (tests hook botocore events on it)."""
    return AwsClients()


@pytest.fixture(scope="session")
def conn(moto_url: str, plugin_clients: AwsClients) -> Iterator[InProcessConnection]:
    with serve_in_process(build_plugin(plugin_clients)) as connection:
        connection.provider.Configure(configure_request(moto_url))
        yield connection


@pytest.fixture(scope="session")
def aws(moto_url: str) -> Callable[[str], Any]:
    """boto3 clients straight to moto, to check what the plugin did (and to make things)."""
    import boto3

    made: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in made:
            made[service] = boto3.client(service, region_name=REGION, endpoint_url=moto_url)
        return made[service]

    return client


@pytest.fixture
def suffix() -> str:
    return uuid.uuid4().hex[:8]


class CallCounter:
    """Counts AWS API calls a client makes, via botocore's before-call event."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, model: Any, **_: Any) -> None:
        self.calls.append(model.name)


@pytest.fixture
def count_calls(
    conn: InProcessConnection, plugin_clients: AwsClients
) -> Iterator[Callable[[str], CallCounter]]:
    hooked: list[tuple[Any, CallCounter]] = []

    def hook(service: str) -> CallCounter:
        counter = CallCounter()
        client = plugin_clients.client(service)
        client.meta.events.register("before-call", counter)
        hooked.append((client, counter))
        return counter

    yield hook
    for client, counter in hooked:
        client.meta.events.unregister("before-call", counter)
