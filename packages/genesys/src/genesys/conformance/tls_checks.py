"""Mutual TLS, both directions, checked on a plugin the kit starts itself.

The host refuses a plugin that announces no certificate, so these checks start the executable
with the real handshake environment and speak to it directly: it must announce a certificate
and serve TLS with it to the core's certificate, and it must refuse every other client (a
stranger's certificate, TLS without a certificate, plaintext).
"""

from __future__ import annotations

import contextlib
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import grpc
from genesys.conformance.handshake_checks import clean_env
from genesys.conformance.session import CheckFailed, Session, expect
from genesys.plugins.tls import core_certificate, open_channel, open_debug_channel
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import protocol
from genesys_plugin_sdk.tls import TLS_SERVER_NAME, der_to_pem, generate_self_signed

_CALL_TIMEOUT_S = 5.0


def tls_checks(s: Session, command: list[str]) -> None:
    timeout = s.options.start_timeout_s
    try:
        with _started(command, timeout, s.workdir, s.provider) as line:
            s.check(
                "handshake: announces a certificate and serves mutual TLS",
                lambda: _check_serves_mtls(line),
            )
            s.check(
                "handshake: a client without the core's certificate refused",
                lambda: _check_strangers_refused(line),
            )
    except CheckFailed as exc:  # it never announced itself: neither check could run
        for name in (
            "handshake: announces a certificate and serves mutual TLS",
            "handshake: a client without the core's certificate refused",
        ):
            s.verdict(name, False, str(exc))


def _check_serves_mtls(line: protocol.HandshakeLine) -> None:
    expect(bool(line.server_cert_der), "announced no certificate in its handshake line")
    with open_channel(line.grpc_target, line.server_cert_der, core_certificate()) as channel:
        error = _metadata_error(channel)
    expect(error is None, f"did not serve TLS to the core's certificate: {error}")


def _check_strangers_refused(line: protocol.HandshakeLine) -> None:
    with open_debug_channel(line.grpc_target) as channel:
        expect(_metadata_error(channel) is not None, "accepted a plaintext client")
    if not line.server_cert_der:
        return
    stranger = generate_self_signed("stranger")
    with open_channel(line.grpc_target, line.server_cert_der, stranger) as channel:
        refused = _metadata_error(channel) is not None
    expect(refused, "accepted a client with a stranger's certificate")
    with _without_client_certificate(line) as channel:
        refused = _metadata_error(channel) is not None
    expect(refused, "accepted a TLS client that presented no certificate")


def _without_client_certificate(line: protocol.HandshakeLine) -> grpc.Channel:
    """TLS trusting the plugin, but presenting no certificate of our own."""
    credentials = grpc.ssl_channel_credentials(root_certificates=der_to_pem(line.server_cert_der))
    options = [("grpc.ssl_target_name_override", TLS_SERVER_NAME)]
    return grpc.secure_channel(line.grpc_target, credentials, options=options)


def _metadata_error(channel: grpc.Channel) -> str | None:
    """None when GetMetadata answered over `channel`, else why it did not."""
    stub = provider_pb2_grpc.ProviderStub(channel)
    try:
        stub.GetMetadata(provider_pb2.GetMetadataRequest(), timeout=_CALL_TIMEOUT_S)
    except grpc.RpcError as exc:
        return f"{exc.code().name}: {exc.details()}"  # type: ignore[attr-defined]
    return None


@contextlib.contextmanager
def _started(
    command: list[str], timeout_s: float, cwd: str, provider: str
) -> Iterator[protocol.HandshakeLine]:
    """The plugin, started the way the core starts it, until its handshake line; then stopped."""
    env = clean_env(
        {
            protocol.MAGIC_COOKIE_KEY: protocol.MAGIC_COOKIE_VALUE,
            protocol.PROTOCOL_VERSIONS_ENV: "1",
            protocol.CLIENT_CERT_ENV: core_certificate().cert_pem.decode(),
        },
        provider,
    )
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=cwd or None,
    )
    line = None
    try:
        line = handshake_line(process, timeout_s)
        yield line
    finally:
        if process.stdin is not None:
            process.stdin.close()  # plugins exit when the core's end of stdin closes
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
        if line is not None:
            remove_socket_dir(line)


def remove_socket_dir(line: protocol.HandshakeLine) -> None:
    """Never litter: the plugin's socket directory goes, whatever the plugin did."""
    directory = Path(line.address).parent
    if line.network == "unix" and directory.name.startswith("genesys-plugin-"):
        shutil.rmtree(directory, ignore_errors=True)


def handshake_line(process: subprocess.Popen, timeout_s: float) -> protocol.HandshakeLine:
    found: queue.Queue = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for raw in iter(process.stdout.readline, b""):
            with contextlib.suppress(ValueError):
                line = protocol.HandshakeLine.find(raw.decode("utf-8", "replace").strip())
                if line is not None:
                    found.put(line)
                    return
        found.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        line = found.get(timeout=timeout_s)
    except queue.Empty:
        raise CheckFailed(f"no handshake line within {timeout_s:g} s") from None
    if line is None:
        raise CheckFailed(f"exited ({process.wait()}) without a handshake line")
    return line
