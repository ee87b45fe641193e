"""`genesys provider test azure` passes every check against genesys-emulator azure, the
plugin started over the real protocol (mTLS handshake included) and configured with the
emulator's settings as a user would pass them."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from ..conftest import GENESYS, genesys_env


def test_provider_test_azure_passes_every_check(emulator: dict[str, Any]) -> None:
    args = [*GENESYS, "provider", "test", "azure", "--region", "eastus", "--json"]
    for key, value in emulator["settings"].items():
        args += ["--setting", f"{key}={value if isinstance(value, str) else json.dumps(value)}"]
    env = {k: v for k, v in genesys_env().items() if not k.startswith("AZURE_")}
    run = subprocess.run(
        args, capture_output=True, text=True, timeout=600, env=env, stdin=subprocess.DEVNULL
    )
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    checks = [c for c in lines if c.get("type") == "check"]
    failed = [c for c in checks if not c["passed"]]
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert len(checks) > 100 and not failed, failed
    names = " ".join(str(c.get("name", "")) for c in checks)
    for kind in (
        "network.network",
        "network.subnet",
        "network.security_group",
        "compute.instance",
        "storage.bucket",
        "database.database",
        "serverless.function",
    ):
        assert kind in names
