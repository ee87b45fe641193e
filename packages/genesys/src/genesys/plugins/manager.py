"""PluginManager: each provider plugin started once per run, lazily, and all stopped at the end."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from genesys.plugins.connection import PluginConnection, launch_plugin
from genesys.plugins.discovery import provider_name_of


def env_passthrough_of(config: Any) -> dict[str, tuple[str, ...]]:
    """`providers.<name>.env_passthrough` of every provider block (validated by the config
    model): the variables (NAME or PREFIX_*) of the user's environment that plugin may see
    beyond the built-in table (genesys.plugins.process)."""
    return {
        name: tuple(block.env_passthrough)
        for name, block in (getattr(config, "providers", None) or {}).items()
        if block is not None and block.env_passthrough
    }


class PluginManager:
    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        start_timeout: float = 10.0,
        *,
        env_passthrough: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self._env = dict(env or {})
        self._passthrough = dict(env_passthrough or {})
        self._start_timeout = start_timeout
        self._connections: dict[str, PluginConnection] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, name_or_path: str) -> PluginConnection:
        """The connection to that provider, starting it on first use."""
        with self._lock:
            conn = self._connections.get(name_or_path)
            if conn is not None:
                return conn
            start_lock = self._locks.setdefault(name_or_path, threading.Lock())
        with start_lock:  # one start per name, without blocking other names meanwhile
            with self._lock:
                conn = self._connections.get(name_or_path)
            if conn is None:
                conn = launch_plugin(
                    name_or_path,
                    self._env,
                    self._start_timeout,
                    env_passthrough=self._passthrough.get(provider_name_of(name_or_path), ()),
                )
                with self._lock:
                    self._connections[name_or_path] = conn
            return conn

    def started(self) -> list[str]:
        with self._lock:
            return list(self._connections)

    def close(self, grace: float = 5.0) -> None:
        """Stops every started plugin, in parallel: Shutdown, then SIGTERM, then SIGKILL."""
        with self._lock:
            connections = list(self._connections.values())
            self._connections.clear()
        if len(connections) == 1:
            connections[0].close(grace)
        elif connections:
            with ThreadPoolExecutor(len(connections)) as pool:
                list(pool.map(lambda conn: conn.close(grace), connections))

    def __enter__(self) -> PluginManager:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
