"""The AWS provider, started as its real executable against a moto server, passes the whole
kit, including validate, plan (with and without prior), health, the three ways to stop it,
list filters and ALREADY_EXISTS on a taken bucket name."""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator

import pytest
from genesys.conformance import run_conformance
from genesys_provider_aws.testing import FAKE_CREDENTIALS, REGION, moto_server


@pytest.fixture
def moto_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for key, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(key, value)  # never real credentials
    with moto_server() as url:
        yield url


def test_the_aws_provider_passes_every_check(moto_url: str) -> None:
    # moto without Docker does not run Lambda handlers; its hook scripts the one result the
    # kit's invoke asks for, so that check still sees the plugin carry the payload back.
    _script_next_invocation(moto_url, {"ok": True})
    settings = {"endpoint": moto_url, "poll_interval": 0.05, "wait_timeout": 30}

    report = run_conformance("aws", region=REGION, settings=settings)

    assert [r.line() for r in report.failures()] == []
    names = {r.name for r in report.results}
    assert "network.subnet: plan with prior, nothing changed (PlanResources)" in names
    assert "storage.bucket: duplicate name, new token -> AlreadyExists" in names
    assert "serverless.layer: list filtered by tag" in names
    assert "lifecycle: exits on SIGTERM" in names
    assert os.environ["AWS_ACCESS_KEY_ID"] == FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"]


def _script_next_invocation(moto_url: str, result: dict[str, object]) -> None:
    body = json.dumps({"results": [json.dumps(result)], "region": REGION}).encode()
    request = urllib.request.Request(
        f"{moto_url}/moto-api/static/lambda-simple/response", data=body, method="POST"
    )
    urllib.request.urlopen(request, timeout=5).close()
