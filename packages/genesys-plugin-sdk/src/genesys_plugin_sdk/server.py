"""`serve(plugin)`: the plugin side of the handshake, then serving until told to stop.

Order matters: stdout is taken away from Python code first (so no stray print can corrupt
the handshake line), the environment is checked, the server starts, and only then the one
handshake line is written to the real stdout, which is closed right after.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sys
import tempfile
from typing import Any, NoReturn

import grpc

from genesys_plugin_sdk import protocol
from genesys_plugin_sdk._lifecycle import Lifecycle, exit_process
from genesys_plugin_sdk._server import build_server
from genesys_plugin_sdk._settings import HandshakeRefused, Settings, read_settings
from genesys_plugin_sdk.log import configure_logging
from genesys_plugin_sdk.plugin import Plugin

_log = logging.getLogger("genesys_plugin_sdk.server")

# sun_path is 104-108 bytes depending on the OS; beyond this we fall back to TCP.
_MAX_UNIX_PATH = 100


def _isolate_stdout() -> int:
    """Returns a private dup of the real stdout and points fd 1 (and sys.stdout) at stderr."""
    with contextlib.suppress(Exception):
        sys.stdout.flush()  # whatever was printed so far goes out before the handshake line
    handshake_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return handshake_fd


def _write_line(fd: int, line: str) -> None:
    data = (line + "\n").encode()
    while data:
        data = data[os.write(fd, data) :]


def _credentials(settings: Settings, cert: Any) -> grpc.ServerCredentials | None:
    if settings.client_cert_pem is None:
        return None
    return grpc.ssl_server_credentials(
        [(cert.key_pem, cert.cert_pem)],
        root_certificates=settings.client_cert_pem,
        require_client_auth=True,
    )


def _bind(server: grpc.Server, address: str, creds: grpc.ServerCredentials | None) -> int:
    try:
        if creds is None:
            return int(server.add_insecure_port(address))
        return int(server.add_secure_port(address, creds))
    except RuntimeError:
        return 0


def _listen(
    server: grpc.Server, settings: Settings, creds: grpc.ServerCredentials | None, socket_dir: str
) -> tuple[str, str]:
    """Binds the server; returns (network, address) for the handshake line."""
    if settings.transport == "unix":
        path = os.path.join(socket_dir, "plugin.sock")
        if len(path) <= _MAX_UNIX_PATH and _bind(server, f"unix:{path}", creds):
            return "unix", path
        _log.warning("cannot listen on a Unix socket at %s; falling back to TCP", path)
    port = _bind(server, "127.0.0.1:0", creds)
    if not port:
        raise OSError("cannot listen on 127.0.0.1")
    return "tcp", f"127.0.0.1:{port}"


def _refuse(exc: HandshakeRefused, handshake_fd: int) -> NoReturn:
    print(f"genesys plugin: {exc}", file=sys.stderr, flush=True)
    if exc.stdout_line:
        _write_line(handshake_fd, exc.stdout_line)
    exit_process(1)


def _announce(handshake_fd: int, line: str, plugin: Plugin, settings: Settings) -> None:
    _write_line(handshake_fd, line)
    os.close(handshake_fd)  # the core now sees EOF on our stdout; nothing else goes there
    if settings.debug:
        hint = json.dumps({plugin.name: line})
        print(
            f"genesys plugin {plugin.name!r} is running (debug mode). Attach the core with:\n"
            f"  export {protocol.REATTACH_ENV}='{hint}'",
            file=sys.stderr,
            flush=True,
        )


def _start(plugin: Plugin, settings: Settings, lifecycle: Lifecycle, socket_dir: str) -> tuple:
    """Starts serving; returns (server, health servicer, handshake line)."""
    from genesys_plugin_sdk.tls import generate_self_signed

    cert = None
    if settings.client_cert_pem is not None:
        cert = generate_self_signed(f"genesys-plugin-{plugin.name}")
    server, health = build_server(plugin, on_shutdown=lifecycle.request_stop)
    network, address = _listen(server, settings, _credentials(settings, cert), socket_dir)
    server.start()
    line = protocol.HandshakeLine(
        core_version=protocol.HANDSHAKE_FORMAT_VERSION,
        protocol_version=settings.protocol_version,
        network=network,
        address=address,
        server_cert_der=cert.cert_der if cert else b"",
    )
    return server, health, line.format()


def serve(plugin: Plugin) -> NoReturn:
    """Handshake, serve until Shutdown / SIGTERM / the core's death, then exit the process."""
    handshake_fd = _isolate_stdout()
    configure_logging()
    try:
        settings = read_settings(tuple(plugin.protocol_versions))
    except HandshakeRefused as exc:
        _refuse(exc, handshake_fd)
    lifecycle = Lifecycle()
    lifecycle.install_signal_handlers(settings.debug)
    socket_dir = tempfile.mkdtemp(prefix="genesys-plugin-")  # mode 0700
    try:
        server, health, line = _start(plugin, settings, lifecycle, socket_dir)
    except Exception as exc:
        _log.error("plugin %s failed to start: %s", plugin.name, exc, exc_info=exc)
        shutil.rmtree(socket_dir, ignore_errors=True)
        exit_process(1)
    if not settings.debug:
        lifecycle.watch_parent()
    _announce(handshake_fd, line, plugin, settings)
    _log.debug(
        "plugin %s %s serving protocol v%s", plugin.name, plugin.version, settings.protocol_version
    )
    reason = lifecycle.wait()
    _log.info("plugin %s stopping: %s", plugin.name, reason)
    health.enter_graceful_shutdown()
    server.stop(plugin.shutdown_grace).wait()
    shutil.rmtree(socket_dir, ignore_errors=True)
    exit_process(0)


__all__ = ["serve"]
