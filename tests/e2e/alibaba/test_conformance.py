"""`genesys provider test alibaba` passes every check against `genesys-emulator alibaba`."""

from __future__ import annotations

from typing import Any

from .conftest import AlibabaCli


def test_conformance_kit_passes_against_the_emulator(
    cli: AlibabaCli, emulator: dict[str, Any]
) -> None:
    endpoints = [
        arg for key, url in emulator["sdk"].items() for arg in ("--endpoint", f"{key}={url}")
    ]
    run = cli("provider", "test", "alibaba", "--region", "us-east-1", *endpoints, timeout=600)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "FAIL" not in run.stdout
    summary = run.stdout.strip().splitlines()[-1]
    assert summary.endswith(" passed, 0 failed") and int(summary.split()[0]) > 100, summary
