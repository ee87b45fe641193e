"""The core's log: off unless asked for, JSON lines through structlog when it is.

    GENESYS_LOG=debug|info|warn|error   turn logging on at that level (stderr by default)
    GENESYS_LOG_PATH=FILE               append the JSON lines to FILE instead

Plugin logs arrive on the stdlib logger "genesys.plugin" with the provider's name as a
record attribute (see genesys.plugins.logs); they come out here as JSON lines with
`provider` set, next to the core's own. Sensitive values never reach a log: the engine
logs addresses and ids, never attribute values, and every line (plugins' included) has the
secrets seen this run masked (genesys.redaction) before it is written.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import MutableMapping
from typing import Any

LEVELS = {
    "trace": logging.DEBUG,
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}
# Record attributes the plugin host sets, carried into the JSON line.
_PLUGIN_FIELDS = ("provider", "plugin_logger", "plugin_fields", "plugin_exc")


def _carry_plugin_fields(
    _logger: Any, _name: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    record = event.get("_record")
    if isinstance(record, logging.LogRecord):
        for name in _PLUGIN_FIELDS:
            value = getattr(record, name, None)
            if value:
                event[name] = value
    return event


def _redact_secrets(
    _logger: Any, _name: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    from genesys.redaction import SECRETS

    for key, value in list(event.items()):
        event[key] = SECRETS.redact_value(value)
    return event


def configure_logging(environ: dict[str, str] | None = None) -> None:
    """Set up logging from GENESYS_LOG / GENESYS_LOG_PATH; silent when unset."""
    environ = dict(os.environ) if environ is None else environ
    wanted = environ.get("GENESYS_LOG", "").strip().lower()
    root = logging.getLogger("genesys")
    if not wanted or wanted == "off":
        root.addHandler(logging.NullHandler())
        root.propagate = False
        return
    import structlog

    level = LEVELS.get(wanted, logging.INFO)
    path = environ.get("GENESYS_LOG_PATH")
    handler: logging.Handler = (
        logging.FileHandler(path, encoding="utf-8") if path else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[
                _carry_plugin_fields,
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                _redact_secrets,
                structlog.processors.JSONRenderer(),
            ],
            foreign_pre_chain=[
                structlog.stdlib.add_log_level,
                structlog.stdlib.add_logger_name,
                structlog.processors.TimeStamper(fmt="iso", utc=True),
            ],
        )
    )
    root.handlers = [handler]
    root.setLevel(level)
    root.propagate = False
