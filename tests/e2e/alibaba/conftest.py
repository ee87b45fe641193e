"""A fresh `genesys-emulator alibaba` per test, the real `genesys` CLI pointed at it, and
Alibaba Cloud's own SDKs (aliyunsdk*, oss2, alibabacloud_fc20230330) to check the result.

The config names the emulator's endpoints in `providers.alibaba.endpoints` (as a user
points Genesys at a private endpoint); credentials come from the standard environment
variables, fake ones. The checks never go through our plugin.
"""

from __future__ import annotations

import importlib
import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from genesys_emulators.testing import running

from ..conftest import GENESYS, genesys_env

REGION = "us-east-1"
PASSPHRASE = "correct horse battery staple"
ACCESS_KEY = ("LTAI5tTestKey000000000", "test-secret")
SEED_DIR = Path(__file__).resolve().parents[3] / "examples" / "seed"
RPC = {
    "ecs": "aliyunsdkecs.request.v20140526",
    "vpc": "aliyunsdkvpc.request.v20160428",
    "rds": "aliyunsdkrds.request.v20140815",
    "dds": "aliyunsdkdds.request.v20151201",
    "cdn": "aliyunsdkcdn.request.v20180510",
    "sts": "aliyunsdksts.request.v20150401",
}


@pytest.fixture
def emulator() -> Iterator[dict[str, Any]]:
    with running("alibaba") as ready:
        yield ready


@dataclass
class AlibabaCli:
    """Runs `genesys` against the emulator from one project directory."""

    project: Path
    env: dict[str, str]
    endpoints: dict[str, str]

    def write_yaml(self, text: str) -> Path:
        config = yaml.safe_load(text)
        config.setdefault("providers", {})["alibaba"] = {"endpoints": self.endpoints}
        path = self.project / "genesys.yaml"
        # The seed's text, with the providers block appended (comments and order kept).
        path.write_text(text + "\n" + yaml.safe_dump({"providers": config["providers"]}))
        return path

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
def cli(emulator: dict[str, Any], tmp_path: Path) -> AlibabaCli:
    project = tmp_path / "project"
    project.mkdir()
    env = genesys_env(
        ALIBABA_CLOUD_ACCESS_KEY_ID=ACCESS_KEY[0],
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=ACCESS_KEY[1],
        GENESYS_STATE_PASSPHRASE=PASSPHRASE,
    )
    for leaky in ("ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALIBABA_CLOUD_REGION_ID"):
        env.pop(leaky, None)
    return AlibabaCli(project, env, dict(emulator["sdk"]))


class Sdk:
    """Alibaba's SDK clients straight to the emulator, only the endpoint changed."""

    def __init__(self, ready: dict[str, Any]) -> None:
        from aliyunsdkcore.client import AcsClient

        self.ready = ready
        self.acs = AcsClient(ACCESS_KEY[0], ACCESS_KEY[1], REGION, auto_retry=False)

    def rpc(self, product: str, action: str, **params: Any) -> dict[str, Any]:
        module = importlib.import_module(f"{RPC[product]}.{action}Request")
        request = getattr(module, f"{action}Request")()
        request.set_endpoint(self.ready["sdk"][product].removeprefix("http://"))
        request.set_protocol_type("http")
        if product not in ("sts", "cdn"):
            request.add_query_param("RegionId", REGION)
        for name, value in params.items():
            request.add_query_param(name, value if isinstance(value, str) else json.dumps(value))
        return dict(json.loads(self.acs.do_action_with_exception(request)))

    def bucket(self, name: str) -> Any:
        import oss2

        return oss2.Bucket(oss2.Auth(*ACCESS_KEY), self.ready["sdk"]["oss"], name)

    def buckets(self) -> list[str]:
        import oss2

        service = oss2.Service(oss2.Auth(*ACCESS_KEY), self.ready["sdk"]["oss"])
        return sorted(b.name for b in oss2.BucketIterator(service))

    def fc(self) -> Any:
        from alibabacloud_fc20230330.client import Client
        from alibabacloud_tea_openapi.models import Config

        endpoint = self.ready["sdk"]["fc"].removeprefix("http://")
        config = Config(
            access_key_id=ACCESS_KEY[0],
            access_key_secret=ACCESS_KEY[1],
            endpoint=endpoint,
            protocol="http",
        )
        return Client(config)


@pytest.fixture
def sdk(emulator: dict[str, Any]) -> Sdk:
    return Sdk(emulator)
