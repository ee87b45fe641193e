"""A fresh `genesys-emulator azure` per test (ARM + Azurite), the real `genesys` CLI pointed at
it through the config's `providers.azure` block (the emulator's own settings), and the Azure
SDKs built directly against it to check what Genesys did — never our plugin.

Nothing here can reach Azure: every endpoint is the emulator's, the credential a stand-in.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from genesys_emulators.testing import running

from ..conftest import GENESYS, genesys_env

PASSPHRASE = "correct horse battery staple"
SEEDS = Path(__file__).resolve().parents[3] / "examples" / "seed"
STATE_CONTAINER = "genesys-state"


@pytest.fixture
def emulator() -> Iterator[dict[str, Any]]:
    with running("azure") as ready:
        yield ready


def providers_block(ready: dict[str, Any]) -> str:
    """The emulator's settings as the config's `providers.azure` YAML block."""
    lines = "".join(f"    {k}: {json.dumps(v)}\n" for k, v in ready["settings"].items())
    return f"\nproviders:\n  azure:\n{lines}"


@dataclass
class AzureCli:
    project: Path
    env: dict[str, str]

    @property
    def config(self) -> Path:
        return self.project / "genesys.yaml"

    @property
    def group(self) -> str:
        """The resource group Genesys makes for the project: genesys-<directory name>."""
        return f"genesys-{self.project.name}"

    def __call__(self, *args: str, timeout: float = 300, **extra: str) -> Any:
        return subprocess.run(
            [*GENESYS, *args],
            cwd=self.project,
            env={**self.env, **extra},
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )


@pytest.fixture
def cli(emulator: dict[str, Any], tmp_path: Path) -> AzureCli:
    project = tmp_path / "project"
    project.mkdir()
    env = genesys_env(GENESYS_STATE_PASSPHRASE=PASSPHRASE)
    for leaky in [k for k in env if k.startswith("AZURE_")]:
        env.pop(leaky)  # no real credential or subscription may leak in
    return AzureCli(project, env)


class FakeCredential:
    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken("test", int(time.time()) + 3600)


def _plain_bearer() -> Any:
    from azure.core.pipeline.policies import SansIOHTTPPolicy

    class PlainBearer(SansIOHTTPPolicy):  # type: ignore[type-arg]
        def on_request(self, request: Any) -> None:
            request.http_request.headers["Authorization"] = "Bearer test"

    return PlainBearer()


@pytest.fixture
def azure(emulator: dict[str, Any]) -> Callable[[str], Any]:
    """Azure SDK management clients straight at the emulator, by short name."""
    import importlib

    classes = {
        "resource": ("azure.mgmt.resource.resources", "ResourceManagementClient"),
        "compute": ("azure.mgmt.compute", "ComputeManagementClient"),
        "network": ("azure.mgmt.network", "NetworkManagementClient"),
        "storage": ("azure.mgmt.storage", "StorageManagementClient"),
        "postgres": ("azure.mgmt.postgresqlflexibleservers", "PostgreSQLManagementClient"),
        "web": ("azure.mgmt.web", "WebSiteManagementClient"),
        "cdn": ("azure.mgmt.cdn", "CdnManagementClient"),
        "cosmos": ("azure.mgmt.cosmosdb", "CosmosDBManagementClient"),
    }
    made: dict[str, Any] = {}

    def client(name: str) -> Any:
        if name not in made:
            module, cls = classes[name]
            made[name] = getattr(importlib.import_module(module), cls)(
                FakeCredential(),
                emulator["account"],
                base_url=emulator["sdk"]["arm"],
                authentication_policy=_plain_bearer(),
                polling_interval=0,
            )
        return made[name]

    return client


@pytest.fixture
def blob(emulator: dict[str, Any]) -> Any:
    """azure-storage-blob against Azurite (the state backend's store)."""
    from azure.storage.blob import BlobServiceClient

    settings = emulator["settings"]
    return BlobServiceClient(
        settings["blob_endpoint"],
        credential={"account_name": settings["blob_account"], "account_key": settings["blob_key"]},
    )
