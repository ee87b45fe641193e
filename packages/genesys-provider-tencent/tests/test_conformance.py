"""`genesys provider test tencent` against the emulator: every check of the kit passes (the
plugin started as the core starts it: child process, handshake, mutual TLS)."""

from __future__ import annotations

from typing import Any

from genesys.conformance import run_conformance
from genesys_provider_tencent.testing import conformance_arguments


def test_the_conformance_kit_passes(ready: dict[str, Any]) -> None:
    report = run_conformance("tencent", call_timeout_s=60, **conformance_arguments(ready))
    assert report.ok, "\n".join(f"{f.name}: {f.reason}" for f in report.failures())
    assert len(report.results) > 100  # the kinds' CRUD checks ran, not only the handshake
