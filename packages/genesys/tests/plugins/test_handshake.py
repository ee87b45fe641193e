"""Starting plugins: mTLS handshake, stray output, and every way a start can fail."""

from __future__ import annotations

import json
import logging
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from genesys.errors import PluginError
from genesys.plugins import PluginManager, launch_plugin
from genesys.plugins.tls import core_certificate
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import protocol
from genesys_plugin_sdk.tls import der_to_pem, generate_self_signed
from grpc_health.v1 import health_pb2, health_pb2_grpc

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = str(FIXTURES / "minimal_provider.py")


@pytest.fixture(scope="module")
def conn():
    with launch_plugin(MINIMAL) as connection:
        yield connection


def test_handshake_gives_mtls_over_a_private_unix_socket(conn):
    assert conn.metadata.name == "fixture"
    assert conn.protocol_version == 1
    assert conn.handshake.network == "unix"
    socket_dir = Path(conn.handshake.address).parent
    assert stat.S_IMODE(socket_dir.stat().st_mode) == 0o700
    cert = x509.load_der_x509_certificate(conn.handshake.server_cert_der)
    public_key = cert.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    assert public_key.curve.name == "secp256r1"


def _call_with_client_cert(conn, client) -> provider_pb2.ProviderMetadata:
    credentials = grpc.ssl_channel_credentials(
        root_certificates=der_to_pem(conn.handshake.server_cert_der),
        private_key=client.key_pem if client else None,
        certificate_chain=client.cert_pem if client else None,
    )
    options = [("grpc.ssl_target_name_override", "localhost")]
    with grpc.secure_channel(conn.handshake.grpc_target, credentials, options) as channel:
        stub = provider_pb2_grpc.ProviderStub(channel)
        return stub.GetMetadata(provider_pb2.GetMetadataRequest(), timeout=5)


def test_only_the_core_certificate_is_accepted(conn):
    assert _call_with_client_cert(conn, core_certificate()).name == "fixture"
    for stranger in (generate_self_signed("stranger"), None):
        with pytest.raises(grpc.RpcError) as refused:
            _call_with_client_cert(conn, stranger)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


def test_plaintext_client_is_refused(conn):
    with grpc.insecure_channel(conn.handshake.grpc_target) as channel:
        stub = provider_pb2_grpc.ProviderStub(channel)
        with pytest.raises(grpc.RpcError):
            stub.GetMetadata(provider_pb2.GetMetadataRequest(), timeout=5)


def test_a_plugin_that_announces_no_certificate_is_refused(helpers):
    with pytest.raises(PluginError) as refused:
        launch_plugin(str(FIXTURES / "plaintext_plugin.py"))
    message = str(refused.value)
    assert message.startswith("provider 'plaintext_plugin' announced no TLS certificate")
    assert "refuses plaintext" in message
    found = re.search(r"\(pid (\d+)\)", message)
    assert found is not None
    assert helpers.wait_until(lambda: not helpers.process_alive(int(found[1])))


def test_health_service_reports_serving(conn):
    health = health_pb2_grpc.HealthStub(conn.channel)
    serving = health_pb2.HealthCheckResponse.SERVING
    assert health.Check(health_pb2.HealthCheckRequest(service="")).status == serving
    provider = health_pb2.HealthCheckRequest(service="genesys.provider.v1.Provider")
    assert health.Check(provider).status == serving
    with pytest.raises(grpc.RpcError) as unknown:  # compute is not served by this plugin
        health.Check(health_pb2.HealthCheckRequest(service="genesys.provider.v1.ComputeService"))
    assert unknown.value.code() == grpc.StatusCode.NOT_FOUND


def test_stray_stdout_before_the_handshake_still_connects(caplog):
    caplog.set_level(logging.INFO, logger="genesys.plugin")
    with launch_plugin(MINIMAL, env={"FIXTURE_STRAY_STDOUT": "1"}) as connection:
        assert connection.metadata.name == "fixture"
    stray = [r for r in caplog.records if getattr(r, "plugin_stream", "") == "stdout"]
    assert [r.getMessage() for r in stray][:2] == [
        "hello from a chatty import",
        "1|1|not a handshake",
    ]


def test_tcp_transport_when_asked():
    with launch_plugin(MINIMAL, env={protocol.TRANSPORT_ENV: "tcp"}) as connection:
        assert connection.handshake.network == "tcp"
        assert connection.handshake.address.startswith("127.0.0.1:")
        assert connection.metadata.name == "fixture"


def test_unsupported_protocol_version_is_one_clear_error():
    with pytest.raises(PluginError) as failed:
        launch_plugin(str(FIXTURES / "protocol_v99.py"))
    assert str(failed.value).startswith(
        "provider 'protocol_v99' speaks protocol versions [99], core supports [1]"
    )


def test_plugin_stuck_before_handshake_times_out_and_is_killed(helpers):
    with pytest.raises(PluginError) as failed:
        # 3 s: its stderr line must be out first, and a Python start takes ~1 s under load
        launch_plugin(str(FIXTURES / "hang_before_handshake.py"), start_timeout=3.0)
    message = str(failed.value)
    assert "did not complete the handshake within 3s" in message
    assert "waiting for a lock that never comes" in message
    found = re.search(r"\(pid (\d+)\)", message)
    assert found is not None
    pid = int(found[1])
    assert not helpers.process_alive(pid)


def test_crash_at_start_names_exit_code_and_stderr_tail():
    with pytest.raises(PluginError) as failed:
        launch_plugin(str(FIXTURES / "crash_at_start.py"))
    message = str(failed.value)
    assert "exited before completing the handshake: exited with code 1" in message
    assert "RuntimeError: cannot load price table: prices.json is missing" in message
    assert "Traceback" in message  # the tail is there, but the error itself is one message


def test_program_that_is_not_a_plugin():
    with pytest.raises(PluginError) as failed:
        launch_plugin(str(FIXTURES / "exits_without_handshake.py"))
    assert "exited before completing the handshake: exited with code 0" in str(failed.value)


def test_wrong_magic_cookie_is_refused_by_the_plugin():
    with pytest.raises(PluginError) as failed:
        launch_plugin(MINIMAL, env={protocol.MAGIC_COOKIE_KEY: "wrong"})
    assert "exited with code 1" in str(failed.value)
    assert "This binary is a plugin; run it through genesys" in str(failed.value)


def test_run_by_hand_the_plugin_explains_itself():
    env = {k: v for k, v in os.environ.items() if not k.startswith("GENESYS_PLUGIN")}
    ran = subprocess.run(
        [sys.executable, MINIMAL], env=env, capture_output=True, text=True, timeout=30
    )
    assert ran.returncode == 1
    assert ran.stdout == ""
    assert "This binary is a plugin; run it through genesys" in ran.stderr


def test_unknown_provider_lists_where_it_looked():
    with pytest.raises(PluginError) as missing:
        launch_plugin("nosuchcloud")
    assert "no entry point 'nosuchcloud' in group 'genesys.providers'" in str(missing.value)


def test_reattach_to_a_plugin_started_by_hand(monkeypatch, capsys):
    env = dict(os.environ, **{protocol.DEBUG_ENV: "1"})
    debug = subprocess.Popen(
        [sys.executable, MINIMAL],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert debug.stdout is not None
        line = debug.stdout.readline().strip()
        assert line.endswith("|grpc|")  # debug mode without a client cert: no TLS
        monkeypatch.setenv(protocol.REATTACH_ENV, json.dumps({"minimal_provider": line}))
        capsys.readouterr()
        with launch_plugin(MINIMAL) as connection:
            assert connection.pid is None
            assert connection.metadata.name == "fixture"
        warned = capsys.readouterr().err
        assert "provider 'minimal_provider' reattached" in warned
        assert "without mutual TLS (debug reattach mode" in warned
        assert debug.poll() is None  # closing a reattached plugin leaves it running
    finally:
        debug.terminate()
        debug.wait(10)
    assert debug.returncode == 0  # SIGTERM is a graceful stop


def test_manager_starts_each_plugin_once_and_stops_all(helpers):
    manager = PluginManager()
    first = manager.get(MINIMAL)
    assert manager.get(MINIMAL) is first
    manager.close()
    assert first.process.popen.returncode == 0  # stopped by Shutdown, not by a signal
    assert not Path(first.handshake.address).parent.exists()
