"""Azurite, Microsoft's own Azure Storage emulator, run as a child for blob data (the
azureblob state backend). Installed by `npm ci --prefix tools/azurite` (.ci/run does it)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from genesys_emulators.core.children import ChildProcess

# Azurite's well-known development account (public, documented by Microsoft).
ACCOUNT = "devstoreaccount1"
ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
INSTALL_HINT = "npm ci --prefix tools/azurite"


def _executable() -> str:
    """azurite-blob from the repository's tools/azurite, $GENESYS_AZURITE, or PATH."""
    override = os.environ.get("GENESYS_AZURITE")
    if override:
        return override
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "tools" / "azurite" / "node_modules" / ".bin" / "azurite-blob"
        if candidate.exists():
            return str(candidate)
    found = shutil.which("azurite-blob")
    if found is None:
        raise RuntimeError(f"Azurite is not installed; run: {INSTALL_HINT}")
    return found


def azurite_child() -> ChildProcess:
    executable = _executable()

    def command(port: int) -> list[str]:
        return [
            executable,
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            str(port),
            "--skipApiVersionCheck",
            "--disableTelemetry",
            "--inMemoryPersistence",
            "--loose",
        ]

    return ChildProcess("azurite", command, url=lambda port: f"http://127.0.0.1:{port}/{ACCOUNT}")
