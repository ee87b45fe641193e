"""A fresh `genesys-emulator tencent` per test, the real `genesys` CLI pointed at it through
the config's `providers.tencent` block (the emulator's `settings`, unchanged), and Tencent's
own SDKs (tencentcloud-sdk-python-*, cos-python-sdk-v5) to check the result - never our
plugin. No TENCENTCLOUD_* variable and no profile file can leak in.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from genesys_emulators.tencent.sdk import api_client, cos_client
from genesys_emulators.testing import running

from ..conftest import GENESYS, genesys_env

PASSPHRASE = "correct horse battery staple"
SEEDS = Path(__file__).resolve().parents[3] / "examples" / "seed"


@dataclass
class Tencent:
    """The emulator's ready line and SDK clients straight to it."""

    ready: dict[str, Any]

    @property
    def appid(self) -> str:
        return str(self.ready["account"])

    def call(self, product: str, action: str, **params: Any) -> dict[str, Any]:
        client = api_client(product, self.ready["sdk"][product])
        return dict(client.call_json(action, params)["Response"])

    def cos(self) -> Any:
        return cos_client(self.ready["sdk"]["cos"])


@pytest.fixture
def tencent() -> Iterator[Tencent]:
    with running("tencent") as ready:
        yield Tencent(ready)


@pytest.fixture
def slow_tencent() -> Iterator[Tencent]:
    """The emulator answering every call after 20 ms, so an apply lasts long enough to race."""
    with running("tencent", faults="latency_ms=20") as ready:
        yield Tencent(ready)


@pytest.fixture
def throttling_tencent() -> Iterator[Tencent]:
    """The emulator answering 30% of mutating calls with its throttling error."""
    with running("tencent", faults="throttle=0.3,seed=7") as ready:
        yield Tencent(ready)


def seed_yaml(tencent: Tencent) -> str:
    """The seed YAML with provider tencent, a cos state and the emulator's provider block."""
    text = (SEEDS / "genesys.yaml").read_text()
    text = text.replace(
        "provider: aws  # Can be aws|gcp|azure|alibaba|tencent", "provider: tencent"
    )
    state = "state:\n  backend: cos\n  bucket: genesys-state-${account_id}\n  encrypt: true\n"
    text, replaced = re.subn(r"state:\n(  .*\n)+", state, text)
    assert replaced == 1, "the seed's state block changed"
    block = json.dumps({"tencent": tencent.ready["settings"]})
    return text + f"\nproviders: {block}\n"


def seed_toml(tencent: Tencent) -> str:
    text = (SEEDS / "genesys.toml").read_text().replace('provider = "gcp"', 'provider = "tencent"')
    text = text.replace('backend = "gcs"', 'backend = "cos"')
    assert 'provider = "tencent"' in text and 'backend = "cos"' in text, "the TOML seed changed"
    settings = tencent.ready["settings"]
    lines = ["", "[providers.tencent]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in settings.items() if k != "endpoints"]
    lines += ["", "[providers.tencent.endpoints]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in settings["endpoints"].items()]
    return text + "\n".join(lines) + "\n"


@dataclass
class Cli:
    project: Path
    env: dict[str, str]

    def __call__(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*GENESYS, *args],
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        """The CLI as a background process (the caller waits for or kills it)."""
        return subprocess.Popen(
            [*GENESYS, *args],
            cwd=self.project,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            stdin=subprocess.DEVNULL,
        )


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    project = tmp_path / "project"
    project.mkdir()
    env = genesys_env(GENESYS_STATE_PASSPHRASE=PASSPHRASE, HOME=str(tmp_path / "home"))
    for leaky in [k for k in env if k.startswith(("TENCENTCLOUD_", "QCLOUD_"))]:
        env.pop(leaky)
    return Cli(project, env)
