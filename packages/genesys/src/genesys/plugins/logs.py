"""The plugin's stderr: JSON log lines re-emitted into the core's log, the tail kept for errors.

Records go to the stdlib logger "genesys.plugin" with `provider=<name>` (and the plugin's own
logger name and extra fields) as record attributes, so structlog or plain logging can show them.
"""

from __future__ import annotations

import collections
import json
import logging
import threading
from typing import IO

LOGGER_NAME = "genesys.plugin"
TAIL_LINES = 20
_MAX_LINE_BYTES = 64 * 1024

_LEVELS = {
    "trace": logging.DEBUG,
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
    "fatal": logging.CRITICAL,
}
_ENVELOPE = ("ts", "level", "logger", "msg", "exc")

plugin_logger = logging.getLogger(LOGGER_NAME)


class PluginLog:
    """Forwards one plugin's output lines and remembers the last TAIL_LINES of them."""

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self._tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)

    def tail(self) -> list[str]:
        return list(self._tail)

    def forward(self, line: str, *, stream: str = "stderr") -> None:
        entry = _json_entry(line)
        if entry is None:
            self._tail.append(line)
            extra: dict[str, object] = {"provider": self.provider, "plugin_stream": stream}
            plugin_logger.info("%s", line, extra=extra)
            return
        level = _LEVELS.get(str(entry.get("level", "info")).lower(), logging.INFO)
        message = str(entry.get("msg", ""))
        exc = entry.get("exc")
        self._tail.append(f"{logging.getLevelName(level)} {entry.get('logger', '')}: {message}")
        if exc:
            self._tail.extend(str(exc).splitlines())
        if plugin_logger.isEnabledFor(level):
            fields = {k: v for k, v in entry.items() if k not in _ENVELOPE}
            extra = {
                "provider": self.provider,
                "plugin_logger": entry.get("logger", ""),
                "plugin_fields": fields,
                "plugin_exc": exc or "",
            }
            plugin_logger.log(level, "%s", message, extra=extra)

    def pump(self, stream: IO[bytes], name: str) -> threading.Thread:
        """Reads `stream` line by line on a daemon thread until EOF."""
        thread = threading.Thread(
            target=self._pump,
            args=(stream, name),
            name=f"plugin-{self.provider}-{name}",
            daemon=True,
        )
        thread.start()
        return thread

    def _pump(self, stream: IO[bytes], name: str) -> None:
        try:
            for raw in iter(lambda: stream.readline(_MAX_LINE_BYTES), b""):
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                if line:
                    self.forward(line, stream=name)
        except (OSError, ValueError):
            pass  # the pipe was closed under us: the process is gone
        finally:
            stream.close()


def _json_entry(line: str) -> dict[str, object] | None:
    if not line.startswith("{"):
        return None
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    return entry if isinstance(entry, dict) and "msg" in entry else None
