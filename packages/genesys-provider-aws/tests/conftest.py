"""One moto server for the whole session; the plugin served in process, configured to use it.

Every test checks what the plugin did through boto3 directly (the `aws` fixture), against the
same moto server, never only through the plugin. Names carry a per-test suffix so tests share
the server without resetting it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk.testing import InProcessConnection, serve_in_process
from genesys_provider_aws.clients import AwsClients
from genesys_provider_aws.main import build_plugin
from genesys_provider_aws.testing import FAKE_CREDENTIALS, REGION, moto_server
from google.protobuf import struct_pb2

AWS_ENV = FAKE_CREDENTIALS


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """A moto server on a free port, with AMI and instance-type validation on."""
    with moto_server() as url:
        yield url


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
