"""A fresh `genesys-emulator gcp` per test, the real `genesys` CLI pointed at it, the Google SDKs
to check the result.

The config is the seed as written plus the emulator's ready-line `settings` as its
`[providers.gcp]` block (the emulator contract: that block is all the plugin and its state
backend need). The checks use the Google SDKs directly, never our plugin. No Google
credentials exist in the environment, so nothing can reach a real project.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from genesys_emulators.gcp import sdk
from genesys_emulators.testing import running

from ..conftest import GENESYS, genesys_env

PASSPHRASE = "correct horse battery staple"
SEEDS = Path(__file__).resolve().parents[3] / "examples" / "seed"
LEAKY = (
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GOOGLE_CLOUD_PROJECT",
    "CLOUDSDK_CONFIG",
    "GCLOUD_PROJECT",
)


def toml_block(settings: dict[str, Any]) -> str:
    lines = ["", "[providers.gcp]"]
    for key, value in settings.items():
        if isinstance(value, dict):
            inner = ", ".join(f'{k} = "{v}"' for k, v in value.items())
            lines.append(f"{key} = {{ {inner} }}")
        else:
            lines.append(f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"


def seed_yaml_on_gcp(settings: dict[str, Any]) -> str:
    """The seed YAML with `provider: gcp`, a gcs state block and the emulator's settings."""
    import yaml

    text = (SEEDS / "genesys.yaml").read_text()
    text = text.replace("provider: aws  #", "provider: gcp  #").replace(
        "region: us-east-1", "region: us-central1"
    )
    start, end = text.index("state:\n"), text.index("# Policy guardrails")
    state = "state:\n  backend: gcs\n  bucket: genesys-state-${project_id}\n  encrypt: true\n\n"
    providers = yaml.safe_dump({"providers": {"gcp": settings}}, sort_keys=False)
    return text[:start] + state + text[end:] + "\n" + providers


@dataclass
class GcpCli:
    project: Path
    env: dict[str, str]
    config_name: str = "genesys.toml"

    @property
    def config(self) -> Path:
        return self.project / self.config_name

    def __call__(
        self, *args: str, timeout: float = 300, **extra_env: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*GENESYS, *args],
            cwd=self.project,
            env={**self.env, **extra_env},
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )


@pytest.fixture
def ready() -> Iterator[dict[str, Any]]:
    with running("gcp") as line:
        yield line


@pytest.fixture
def cli(ready: dict[str, Any], tmp_path: Path) -> GcpCli:
    project = tmp_path / "project"
    project.mkdir()
    env = genesys_env(
        GENESYS_STATE_PASSPHRASE=PASSPHRASE, CLOUDSDK_CONFIG=str(tmp_path / "no-gcloud")
    )
    for leaky in LEAKY[:2] + LEAKY[3:]:
        env.pop(leaky, None)
    return GcpCli(project, env)


class Google:
    """Google SDK clients straight to the emulator, to check what Genesys did."""

    def __init__(self, ready: dict[str, Any]) -> None:
        self.ready = ready
        self.project = ready["account"]
        self._made: dict[str, Any] = {}

    def compute(self, name: str) -> Any:
        if name not in self._made:
            self._made[name] = sdk.compute_client(name, self.ready["sdk"]["compute"])
        return self._made[name]

    def sql(self, name: str) -> Any:
        return sdk.sql_client(name, self.ready["sdk"]["sql"])

    def functions(self) -> Any:
        return sdk.functions_client(self.ready["sdk"]["functions"])

    def storage(self) -> Any:
        return sdk.storage_client(self.ready["sdk"]["storage"], self.project)


@pytest.fixture
def google(ready: dict[str, Any]) -> Google:
    return Google(ready)
