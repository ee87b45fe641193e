"""Stopping plugins: Shutdown, SIGTERM, the core's death, and a plugin killed mid-call."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from genesys.errors import PluginError
from genesys.plugins import launch_plugin
from genesys.provider.v1 import provider_pb2

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = str(FIXTURES / "minimal_provider.py")


def test_shutdown_rpc_exits_the_process(helpers):
    with launch_plugin(MINIMAL) as conn:
        conn.provider.Shutdown(provider_pb2.ShutdownRequest())
        assert conn.process.exited(wait=10)
        assert conn.process.popen.returncode == 0
        assert helpers.wait_until(lambda: not Path(conn.handshake.address).exists())


def test_sigterm_stops_gracefully():
    with launch_plugin(MINIMAL) as conn:
        os.kill(conn.pid, signal.SIGTERM)
        assert conn.process.exited(wait=10)
        assert conn.process.popen.returncode == 0


def _kill_when_logged(conn, helpers, text: str) -> threading.Thread:
    def kill() -> None:
        if helpers.wait_until(lambda: any(text in line for line in conn.process.log.tail())):
            os.kill(conn.pid, signal.SIGKILL)

    killer = threading.Thread(target=kill)
    killer.start()
    return killer


def test_sigkill_during_a_call_is_a_plugin_error_with_stderr(caplog, helpers):
    caplog.set_level(logging.INFO, logger="genesys.plugin")
    with launch_plugin(MINIMAL) as conn:
        killer = _kill_when_logged(conn, helpers, "slow call started")
        with pytest.raises(PluginError) as crashed:
            conn.provider.Authenticate(provider_pb2.AuthenticateRequest(), timeout=20)
        killer.join()
    message = str(crashed.value)
    assert message.startswith("provider 'minimal_provider' (pid ")
    assert "crashed: killed by signal 9 (SIGKILL)" in message
    assert "slow call started" in message  # the stderr tail


def test_sigkill_during_a_stream_surfaces_while_iterating(caplog, helpers):
    caplog.set_level(logging.INFO, logger="genesys.plugin")
    with launch_plugin(MINIMAL) as conn:
        stream = conn.provider.ReadResources(
            provider_pb2.ReadResourcesRequest(), metadata=[("slow", "1")], timeout=20
        )
        assert next(stream).results[0].index == 0
        killer = _kill_when_logged(conn, helpers, "stream paused")
        with pytest.raises(PluginError, match=r"killed by signal 9 \(SIGKILL\)"):
            next(stream)
        killer.join()
        with pytest.raises(PluginError, match="crashed"):  # later calls say so too, at once
            conn.provider.GetMetadata(provider_pb2.GetMetadataRequest())


def test_plugin_exits_when_the_core_dies(helpers):
    launcher = subprocess.Popen(
        [sys.executable, str(FIXTURES / "parent_launcher.py"), MINIMAL],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    plugin_pid = 0
    try:
        assert launcher.stdout is not None
        plugin_pid = int(launcher.stdout.readline())
        assert helpers.process_alive(plugin_pid)
        launcher.kill()  # no cleanup at all: only the plugin's own watch can notice
        launcher.wait(10)
        assert helpers.wait_until(lambda: not helpers.process_alive(plugin_pid), timeout=10)
    finally:
        launcher.kill()
        launcher.wait(10)
        if plugin_pid and helpers.process_alive(plugin_pid):
            os.kill(plugin_pid, signal.SIGKILL)  # the test failed; leave nothing behind
