"""The handshake contract shared by the plugin (`serve`) and the core (`genesys.plugins`).

See docs/plugin-protocol.md for the prose version; every constant here is documented there.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass

# Set by the core; a plugin started without it refuses to run (it is not meant for humans).
MAGIC_COOKIE_KEY = "GENESYS_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE = "5b1c6e0f9a7d4e38-genesys-provider-plugin"
# Comma list of protocol versions the core speaks, e.g. "1" or "1,2".
PROTOCOL_VERSIONS_ENV = "GENESYS_PLUGIN_PROTOCOL_VERSIONS"
# The core's throwaway certificate (PEM); the plugin trusts only it as a client.
CLIENT_CERT_ENV = "GENESYS_PLUGIN_CLIENT_CERT"
# "1": no TLS at all (development only).
INSECURE_ENV = "GENESYS_PLUGIN_INSECURE"
# "tcp": listen on 127.0.0.1 even where Unix sockets work.
TRANSPORT_ENV = "GENESYS_PLUGIN_TRANSPORT"
# "1": started by hand for a debugger: no cookie needed, no parent watch, prints reattach hint.
DEBUG_ENV = "GENESYS_PLUGIN_DEBUG"
# Minimum level of the plugin's JSON logs (debug|info|warning|error); the core passes its own.
LOG_LEVEL_ENV = "GENESYS_PLUGIN_LOG_LEVEL"
# Core side: JSON {"<provider>": "<handshake line>"} to connect to already running plugins.
REATTACH_ENV = "GENESYS_REATTACH_PROVIDERS"

HANDSHAKE_FORMAT_VERSION = 1
# A plugin that cannot start for a protocol reason says so on stdout with this prefix.
ERROR_LINE_PREFIX = "GENESYS-PLUGIN-ERROR"
ERROR_UNSUPPORTED_VERSIONS = "unsupported-protocol-versions"

# Searched (not matched) so that stray output without a trailing newline before the line is
# tolerated; anchored at the end of the line.
_HANDSHAKE_RE = re.compile(
    r"(?P<core>\d+)\|(?P<proto>\d+)\|(?P<network>unix|tcp)\|(?P<address>[^|]+)"
    r"\|(?P<kind>grpc)\|(?P<cert>[A-Za-z0-9+/]*)=*\s*$"
)


@dataclass(frozen=True)
class HandshakeLine:
    """`CORE-VERSION|PROTOCOL-VERSION|NETWORK|ADDRESS|grpc|SERVER-CERT`."""

    core_version: int
    protocol_version: int
    network: str  # "unix" | "tcp"
    address: str  # socket path, or host:port
    server_cert_der: bytes = b""  # empty: the plugin serves without TLS

    def format(self) -> str:
        cert = base64.b64encode(self.server_cert_der).decode("ascii").rstrip("=")
        return (
            f"{self.core_version}|{self.protocol_version}|{self.network}|{self.address}|grpc|{cert}"
        )

    @classmethod
    def find(cls, line: str) -> HandshakeLine | None:
        """The handshake line in `line`, or None when the line is something else.

        Raises ValueError when the line has the handshake's shape but a malformed certificate.
        """
        match = _HANDSHAKE_RE.search(line)
        if match is None:
            return None
        cert = match["cert"]
        if len(cert) % 4 == 1:
            raise ValueError("the SERVER-CERT field is not valid base64")
        return cls(
            core_version=int(match["core"]),
            protocol_version=int(match["proto"]),
            network=match["network"],
            address=match["address"],
            server_cert_der=base64.b64decode(cert + "=" * (-len(cert) % 4)),
        )

    @property
    def grpc_target(self) -> str:
        return f"unix:{self.address}" if self.network == "unix" else self.address


def parse_versions(text: str) -> list[int]:
    """ "1,2" -> [1, 2]; raises ValueError on anything else."""
    versions = [int(part) for part in text.split(",") if part.strip()]
    if not versions:
        raise ValueError(f"no protocol versions in {text!r}")
    return versions


def negotiate(core_versions: Iterable[int], plugin_versions: Iterable[int]) -> int | None:
    """The highest version both sides speak, or None."""
    common = set(core_versions) & set(plugin_versions)
    return max(common) if common else None


def unsupported_versions_line(plugin_versions: Iterable[int]) -> str:
    versions = ",".join(str(v) for v in sorted(plugin_versions))
    return f"{ERROR_LINE_PREFIX}|{ERROR_UNSUPPORTED_VERSIONS}|{versions}"
