"""A provider plugin written in Node.js from docs/plugin-protocol.md alone, driven by the real CLI.

The plugin lives in examples/plugins/node-memory; its dependencies are installed by
`npm ci --prefix examples/plugins/node-memory` (CI does this; without it these tests skip).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from genesys.plugins.connection import PluginConnection, launch_plugin
from genesys.plugins.tls import open_channel
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk.tls import generate_self_signed
from grpc_health.v1 import health_pb2, health_pb2_grpc

from .conftest import genesys_env, run_genesys

PLUGIN_DIR = Path(__file__).resolve().parents[2] / "examples/plugins/node-memory"
WRAPPER = PLUGIN_DIR / "genesys-provider-memory-node"

if shutil.which("node") is None:
    pytest.skip(
        "node is not installed: the Node.js example plugin cannot run", allow_module_level=True
    )
if not (PLUGIN_DIR / "node_modules").is_dir():
    pytest.skip(
        f"{PLUGIN_DIR}/node_modules is missing: run `npm ci --prefix {PLUGIN_DIR}`",
        allow_module_level=True,
    )

CONFIG = """\
provider: memory-node
resources:
  network:
    - name: main
      cidr: 10.0.0.0/16
      subnets:
        - name: web
          cidr: 10.0.1.0/24
  storage:
    - name: data
      type: bucket
      versioning: true
"""


def test_conformance_kit_passes_through_the_cli(tmp_path: Path) -> None:
    # cwd: the kit passes it as working_dir, where the plugin keeps its store.json.
    result = run_genesys("provider", "test", str(WRAPPER), cwd=tmp_path, timeout=120)
    lines = result.stdout.strip().splitlines()
    failures = [line for line in lines if line.startswith("FAIL")]
    assert result.returncode == 0, "\n".join(failures) or result.stdout + result.stderr
    passed = sum(line.startswith("PASS") for line in lines)
    assert passed >= 50  # every kind's checks ran, not just the handshake ones
    assert lines[-1] == f"{passed} passed, 0 failed"


def test_apply_plan_destroy_with_the_store_persisted_between_runs(tmp_path: Path) -> None:
    env = genesys_env(PATH=f"{PLUGIN_DIR}{os.pathsep}{os.environ['PATH']}")
    (tmp_path / "genesys.yaml").write_text(CONFIG)
    store = tmp_path / ".genesys" / "memory-node" / "store.json"

    applied = run_genesys("apply", "--auto-approve", cwd=tmp_path, env=env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "3 added" in applied.stdout
    saved = json.loads(store.read_text())
    assert [n["cidr"] for n in saved["networks"].values()] == ["10.0.0.0/16"]
    assert list(saved["buckets"]) == ["data"]

    # A new plugin process reads what the last one made: no drift, nothing to do.
    planned = run_genesys("plan", "--detailed-exitcode", cwd=tmp_path, env=env)
    assert planned.returncode == 0, planned.stdout + planned.stderr

    destroyed = run_genesys("destroy", "--auto-approve", cwd=tmp_path, env=env)
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    assert "3 destroyed" in destroyed.stdout
    assert json.loads(store.read_text()) == {"networks": {}, "subnets": {}, "buckets": {}}


@pytest.fixture
def plugin() -> Iterator[PluginConnection]:
    conn = launch_plugin(str(WRAPPER))
    try:
        yield conn
    finally:
        conn.close(grace=2.0)


def _health(channel: grpc.Channel, service: str) -> int:
    stub = health_pb2_grpc.HealthStub(channel)
    return stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5).status


def test_health_reports_served_services_only(plugin: PluginConnection) -> None:
    serving = health_pb2.HealthCheckResponse.SERVING
    assert _health(plugin.channel, "") == serving
    assert _health(plugin.channel, "genesys.provider.v1.NetworkService") == serving
    with pytest.raises(grpc.RpcError) as refused:
        _health(plugin.channel, "genesys.provider.v1.ComputeService")
    assert refused.value.code() == grpc.StatusCode.NOT_FOUND


def test_clients_without_the_core_certificate_are_refused(plugin: PluginConnection) -> None:
    target = plugin.handshake.grpc_target
    plaintext = grpc.insecure_channel(target)
    intruder = open_channel(target, plugin.handshake.server_cert_der, generate_self_signed("x"))
    for channel in (plaintext, intruder):
        with channel, pytest.raises(grpc.RpcError) as refused:
            _health(channel, "")
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


def test_shutdown_exits_zero_and_removes_the_socket_directory(plugin: PluginConnection) -> None:
    assert plugin.process is not None
    socket_dir = Path(plugin.handshake.address).parent
    assert socket_dir.stat().st_mode & 0o777 == 0o700
    plugin.provider.raw.Shutdown(provider_pb2.ShutdownRequest(), timeout=20)
    assert plugin.process.exited(wait=20.0)  # deadlines for a loaded machine, not speed checks
    assert plugin.process.popen.returncode == 0
    assert not socket_dir.exists()


def test_stdin_eof_stops_the_plugin(plugin: PluginConnection) -> None:
    assert plugin.process is not None and plugin.process.popen.stdin is not None
    started = time.monotonic()
    plugin.process.popen.stdin.close()  # what the kernel does when the core dies
    assert plugin.process.exited(wait=20.0)
    # by itself and promptly (under a second unloaded): with the core gone nobody else stops it
    assert time.monotonic() - started < 20.0
    assert sys.platform == "win32" or not Path(plugin.handshake.address).parent.exists()
