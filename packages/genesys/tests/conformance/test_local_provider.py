"""The local provider, started as its real executable through the host, passes the whole kit."""

from __future__ import annotations

import pytest
from genesys.conformance import run_conformance

pytest.importorskip("genesys_provider_local.main", reason="local provider not installed")


def test_the_local_provider_passes_every_check() -> None:
    report = run_conformance("local")

    assert [r.line() for r in report.failures()] == []
    names = {r.name for r in report.results}
    # Every kind the local provider declares went through the whole lifecycle.
    for kind in (
        "network.network",
        "network.subnet",
        "network.security_group",
        "compute.instance",
        "storage.volume",
        "storage.volume_attachment",
        "storage.bucket",
        "database.database",
        "serverless.layer",
        "serverless.function",
        "network.load_balancer",
        "network.certificate",
        "network.cdn",
    ):
        assert f"{kind}: create" in names
        assert f"{kind}: get after delete -> NotFound" in names
    assert "serverless.function: invoke" in names
    assert "schema: size translation tables" in names
    assert report.ok
