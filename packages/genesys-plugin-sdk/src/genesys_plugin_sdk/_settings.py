"""What the core asked for in the environment, checked before the plugin starts serving."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from genesys_plugin_sdk import protocol


class HandshakeRefused(Exception):
    """The plugin must not start. `stdout_line` (if any) tells the core why, machine-readably."""

    def __init__(self, message: str, stdout_line: str = "") -> None:
        super().__init__(message)
        self.stdout_line = stdout_line


@dataclass(frozen=True)
class Settings:
    protocol_version: int
    client_cert_pem: bytes | None  # None: serve without TLS
    transport: str  # "unix" | "tcp"
    debug: bool


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}


def _negotiated_version(plugin_versions: tuple[int, ...], debug: bool) -> int:
    raw = os.environ.get(protocol.PROTOCOL_VERSIONS_ENV, "")
    if not raw and debug:
        return max(plugin_versions)
    try:
        core_versions = protocol.parse_versions(raw)
    except ValueError:
        raise HandshakeRefused(
            f"{protocol.PROTOCOL_VERSIONS_ENV}={raw!r} is not a comma list of versions"
        ) from None
    version = protocol.negotiate(core_versions, plugin_versions)
    if version is None:
        raise HandshakeRefused(
            f"no common protocol version: core speaks {core_versions}, "
            f"this plugin speaks {sorted(plugin_versions)}",
            stdout_line=protocol.unsupported_versions_line(plugin_versions),
        )
    return version


def _client_cert(debug: bool) -> bytes | None:
    # Started by hand for a debugger: no TLS, so the core can reattach without our key pair.
    if debug or _flag(protocol.INSECURE_ENV):
        return None
    pem = os.environ.get(protocol.CLIENT_CERT_ENV, "")
    if pem:
        return pem.encode()
    raise HandshakeRefused(
        f"{protocol.CLIENT_CERT_ENV} is not set; the core always sends its certificate "
        f"(set {protocol.INSECURE_ENV}=1 to run without TLS, for development only)"
    )


def _transport() -> str:
    wanted = os.environ.get(protocol.TRANSPORT_ENV, "").strip().lower()
    if wanted == "tcp" or not hasattr(socket, "AF_UNIX"):
        return "tcp"
    return "unix"


def read_settings(plugin_versions: tuple[int, ...]) -> Settings:
    debug = _flag(protocol.DEBUG_ENV)
    cookie = os.environ.get(protocol.MAGIC_COOKIE_KEY)
    if cookie != protocol.MAGIC_COOKIE_VALUE and not debug:
        raise HandshakeRefused(
            "This binary is a plugin; run it through genesys. (It is started by the "
            "`genesys` CLI, which sets the handshake environment; to run it by hand under a "
            f"debugger set {protocol.DEBUG_ENV}=1.)"
        )
    return Settings(
        protocol_version=_negotiated_version(plugin_versions, debug),
        client_cert_pem=_client_cert(debug),
        transport=_transport(),
        debug=debug,
    )
