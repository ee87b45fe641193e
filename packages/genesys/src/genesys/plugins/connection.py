"""A live connection to one provider plugin: typed stubs, crash-aware errors, orderly close.

with launch_plugin("local") as conn:
    conn.metadata.name
    conn.compute.GetInstance(request)   # ProviderError subclasses, or PluginError on a crash
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType

import grpc
from genesys.errors import PluginError
from genesys.plugins.discovery import find_plugin, provider_name_of
from genesys.plugins.handshake import CORE_PROTOCOL_VERSIONS, await_handshake
from genesys.plugins.logs import plugin_logger
from genesys.plugins.process import (
    DEATH_CONFIRM_SECONDS,
    PluginProcess,
    scrubbed_environment,
)
from genesys.plugins.tls import core_certificate, open_channel, open_debug_channel
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk import protocol
from genesys_plugin_sdk.client import ServiceStubs
from genesys_plugin_sdk.errors import error_detail_of, from_rpc_error
from genesys_plugin_sdk.protocol import HandshakeLine

# Status codes a dying server or a broken connection produces (as opposed to a plugin's answer).
_TRANSPORT_CODES = frozenset(
    {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN}
)


class PluginConnection(ServiceStubs):
    """`.provider`, `.compute`, ... stubs plus `.name`, `.metadata`, `.pid`, `.channel`."""

    metadata: provider_pb2.ProviderMetadata

    def __init__(
        self,
        name: str,
        channel: grpc.Channel,
        handshake: HandshakeLine,
        process: PluginProcess | None,
    ) -> None:
        super().__init__(channel, self._translate)
        self.name = name
        self.handshake = handshake
        self.process = process
        self.metadata = provider_pb2.ProviderMetadata()
        self._closed = False

    @property
    def pid(self) -> int | None:
        """The plugin's process id; None for a reattached plugin the core did not start."""
        return self.process.pid if self.process is not None else None

    @property
    def protocol_version(self) -> int:
        return self.handshake.protocol_version

    def _translate(self, err: grpc.RpcError) -> Exception:
        """A plugin's answer becomes its typed error; a dead plugin becomes a PluginError."""
        if error_detail_of(err) is None:
            code = err.code() if callable(getattr(err, "code", None)) else None  # type: ignore[attr-defined]
            if self._died(code) and self.process is not None:
                return PluginError(self.process.crash_message("crashed"))
            if self.process is None and code == grpc.StatusCode.UNAVAILABLE:
                return PluginError(
                    f"provider {self.name!r} (reattached at {self.handshake.address}) is "
                    f"unreachable: {err.details()}"  # type: ignore[attr-defined]
                )
        return from_rpc_error(err)

    def _died(self, code: grpc.StatusCode | None) -> bool:
        if self.process is None:
            return False
        if self.process.exited():
            return True
        # A broken connection is reported before the kernel lets us reap the process.
        return code in _TRANSPORT_CODES and self.process.exited(wait=DEATH_CONFIRM_SECONDS)

    def close(self, grace: float = 5.0) -> None:
        """Shutdown RPC, up to `grace` seconds to exit, then SIGTERM, then SIGKILL."""
        if self._closed:
            return
        self._closed = True
        if self.process is None:  # reattached: the developer owns that process
            self.channel.close()
            return
        if not self.process.exited():
            with contextlib.suppress(grpc.RpcError):
                self.provider.raw.Shutdown(
                    provider_pb2.ShutdownRequest(), timeout=max(0.5, min(grace, 5.0))
                )
        self.channel.close()
        self.process.stop(grace)
        _remove_socket_dir(self.handshake)

    def __enter__(self) -> PluginConnection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _remove_socket_dir(handshake: HandshakeLine) -> None:
    """Removes the plugin's socket directory if it died before doing so itself."""
    if handshake.network != "unix":
        return
    directory = Path(handshake.address).parent
    if directory.name.startswith("genesys-plugin-"):
        shutil.rmtree(directory, ignore_errors=True)


def _level_name(level: int) -> str:
    """The plugin log level matching what the core's "genesys.plugin" logger would show."""
    for limit, name in (
        (logging.DEBUG, "debug"),
        (logging.INFO, "info"),
        (logging.WARNING, "warning"),
    ):
        if level <= limit:
            return name
    return "error"


def _plugin_env(
    name: str,
    extra: Mapping[str, str] | None,
    versions: tuple[int, ...],
    passthrough: Iterable[str] = (),
) -> dict[str, str]:
    # Scrubbed: a plugin and whatever it starts see only what they need of the user's shell.
    env = scrubbed_environment(name, os.environ, passthrough)
    env.update(
        {
            protocol.MAGIC_COOKIE_KEY: protocol.MAGIC_COOKIE_VALUE,
            protocol.PROTOCOL_VERSIONS_ENV: ",".join(str(v) for v in versions),
            protocol.CLIENT_CERT_ENV: core_certificate().cert_pem.decode(),
            protocol.LOG_LEVEL_ENV: _level_name(plugin_logger.getEffectiveLevel()),
        }
    )
    for key in (protocol.DEBUG_ENV, protocol.INSECURE_ENV):
        env.pop(key, None)  # a developer's shell setting must not weaken a spawned plugin
    env.update(extra or {})
    return env


def _reattach_line(name: str) -> HandshakeLine | None:
    raw = os.environ.get(protocol.REATTACH_ENV, "").strip()
    if not raw:
        return None
    try:
        lines = json.loads(raw)
        line = lines.get(name) if isinstance(lines, dict) else None
        return HandshakeLine.find(line) if isinstance(line, str) else None
    except ValueError as exc:
        raise PluginError(f"{protocol.REATTACH_ENV} is not valid: {exc}") from None


def _reattached(name: str, line: HandshakeLine) -> PluginConnection:
    """A connection to a plugin a developer started by hand; the only one allowed plaintext."""
    if line.server_cert_der:
        channel = open_channel(line.grpc_target, line.server_cert_der, core_certificate())
    else:
        print(
            f"warning: provider {name!r} reattached at {line.address} without mutual TLS "
            f"(debug reattach mode, {protocol.REATTACH_ENV}); never use this outside a debugger",
            file=sys.stderr,
        )
        channel = open_debug_channel(line.grpc_target)
    return PluginConnection(name, channel, line, None)


def _connect(conn: PluginConnection, timeout: float) -> PluginConnection:
    """First call: GetMetadata. Any failure closes the plugin and raises PluginError."""
    try:
        request = provider_pb2.GetMetadataRequest()
        conn.metadata = conn.provider.GetMetadata(request, timeout=timeout)
    except PluginError:
        conn.close(grace=0)
        raise
    except Exception as exc:
        where = conn.handshake.grpc_target
        crashed = conn.process is not None and conn.process.exited()
        conn.close(grace=0)
        if crashed and conn.process is not None:
            raise PluginError(conn.process.crash_message("crashed")) from None
        raise PluginError(
            f"provider {conn.name!r} did not answer GetMetadata at {where}: {exc}"
        ) from None
    return conn


def launch_plugin(
    name_or_path: str,
    env: Mapping[str, str] | None = None,
    start_timeout: float = 10.0,
    *,
    argv: list[str] | None = None,
    protocol_versions: tuple[int, ...] = CORE_PROTOCOL_VERSIONS,
    env_passthrough: Iterable[str] = (),
    cwd: str | None = None,
) -> PluginConnection:
    """Starts a plugin (or reattaches to one), handshakes and connects. Usable in `with`.

    `cwd` is the plugin's working directory (the conformance kit gives it a scratch one).
    """
    name = provider_name_of(name_or_path)
    reattach = _reattach_line(name)
    if reattach is not None:
        return _connect(_reattached(name, reattach), start_timeout)
    command = argv or find_plugin(name_or_path)
    plugin_env = _plugin_env(name, env, protocol_versions, env_passthrough)
    process = PluginProcess(name, command, plugin_env, cwd)
    handshake = await_handshake(process, protocol_versions, start_timeout)
    if not handshake.server_cert_der:
        process.kill()
        _remove_socket_dir(handshake)
        raise PluginError(
            f"provider {name!r} announced no TLS certificate in its handshake line (pid "
            f"{process.pid}); the core refuses plaintext connections to the plugins it starts: "
            f"the plugin must serve mutual TLS with the certificate in "
            f"{protocol.CLIENT_CERT_ENV} (only a plugin reattached through "
            f"{protocol.REATTACH_ENV} may skip it)"
        )
    channel = open_channel(handshake.grpc_target, handshake.server_cert_der, core_certificate())
    conn = PluginConnection(name, channel, handshake, process)
    return _connect(conn, start_timeout)


__all__ = ["PluginConnection", "launch_plugin"]
