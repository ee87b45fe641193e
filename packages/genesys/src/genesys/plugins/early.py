"""Starting the provider plugin while the config loads.

Starting a plugin (spawn, imports, handshake) and loading the config (parse, validate,
expand) each take a noticeable part of a short run, and they are independent once the
provider's name is known. `EarlyStart.begin(config_path)` reads just the top-level
`provider:` line of the raw file (YAML or TOML) and, for a built-in provider name with no
`env_passthrough` anywhere in the file, starts that plugin on a thread at once.
`take(name, passthrough)` hands the connection over when the loaded config asks for exactly
that plugin with no extra passthrough; otherwise (a guess that does not hold, a path, a
third-party plugin) the early plugin is stopped and the caller starts the right one, so the
guess can only save time, never change what runs.

The CLI calls `EarlyStart.begin_now(config_path)` before it imports the engine and the config
models (about 0.2 s of imports), so the plugin's own start overlaps those too; the session's
`begin` of the same path then takes that start over instead of making another. One nobody took
is stopped at exit.
"""

from __future__ import annotations

import atexit
import re
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from genesys.plugins.manager import PluginManager

BUILT_IN = frozenset({"local", "aws", "gcp", "azure", "alibaba", "tencent"})
_YAML_PROVIDER = re.compile(r"""^provider:[ \t]*["']?([a-z]+)["']?[ \t]*(?:#.*)?$""", re.M)
_TOML_PROVIDER = re.compile(r"""^provider[ \t]*=[ \t]*["']([a-z]+)["'][ \t]*(?:#.*)?$""", re.M)


def guess_provider(text: str) -> str | None:
    """The built-in provider a config names at top level, if it is plain to see."""
    if "env_passthrough" in text:
        return None
    found = {m.group(1) for rx in (_YAML_PROVIDER, _TOML_PROVIDER) for m in rx.finditer(text)}
    if len(found) != 1:
        return None
    name = found.pop()
    return name if name in BUILT_IN else None


# Starts made by begin_now, by resolved config path, until a session's begin takes them.
_pending: dict[str, EarlyStart] = {}
_pending_lock = threading.Lock()


def _path_key(config_path: Path) -> str:
    return str(Path(config_path).resolve())


def _close_unclaimed() -> None:
    with _pending_lock:
        unclaimed = list(_pending.values())
        _pending.clear()
    for early in unclaimed:
        early.close()


class EarlyStart:
    """A plugin started on a guess; `take` or `close` it exactly once."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.plugins = PluginManager()
        self._future: Future[Any] = Future()
        threading.Thread(target=self._start, name="plugin-early-start", daemon=True).start()

    @classmethod
    def begin_now(cls, config_path: Path) -> None:
        """Starts the guessed plugin now, for the later `begin` of this path to take over."""
        early = cls.begin(config_path)
        if early is not None:
            with _pending_lock:
                _pending[_path_key(config_path)] = early
            atexit.register(_close_unclaimed)

    @classmethod
    def begin(cls, config_path: Path) -> EarlyStart | None:
        with _pending_lock:
            started = _pending.pop(_path_key(config_path), None)
        if started is not None:
            return started
        try:
            text = Path(config_path).read_text(encoding="utf-8")
        except (OSError, UnicodeError):
            return None  # load_config reports it properly
        name = guess_provider(text)
        return cls(name) if name else None

    def _start(self) -> None:
        try:
            self._future.set_result(self.plugins.get(self.name))
        except BaseException as err:  # raised in the caller by take(), if it is wanted
            self._future.set_exception(err)

    def take(self, plugin: str, passthrough: tuple[str, ...]) -> PluginManager | None:
        """The manager holding the started plugin when it is the one the config wants."""
        if plugin != self.name or passthrough:
            self.close()
            return None
        failed = self._future.exception()
        if failed is not None:  # raised here, as plugins.get would have
            self.plugins.close()
            raise failed
        return self.plugins

    def close(self) -> None:
        """Stops the early plugin (waiting for its start to end first)."""
        self._future.exception()
        self.plugins.close()
