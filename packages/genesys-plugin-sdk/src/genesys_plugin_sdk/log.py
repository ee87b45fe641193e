"""JSON-lines logging on stderr, the format the core forwards into its own log.

Each line: {"ts": "2024-05-01T12:00:00.123Z", "level": "info", "logger": "...", "msg": "...",
...extra fields, "exc": "<traceback>" when there is one}.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import sys

from genesys_plugin_sdk.protocol import LOG_LEVEL_ENV

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged.
_RECORD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.datetime.fromtimestamp(record.created, datetime.timezone.utc)
        entry: dict[str, object] = {
            "ts": stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRS and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["exc"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=repr, ensure_ascii=False)


def get_logger(name: str) -> logging.Logger:
    """A stdlib logger; under `serve()` its records reach the core as JSON lines on stderr."""
    return logging.getLogger(name)


def configure_logging(level: str | None = None) -> None:
    """Routes all stdlib logging (and warnings) to stderr as JSON lines."""
    chosen = (level or os.environ.get(LOG_LEVEL_ENV) or "info").upper()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(chosen if isinstance(logging.getLevelName(chosen), int) else "INFO")
    logging.captureWarnings(True)
