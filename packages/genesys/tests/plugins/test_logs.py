"""The plugin's JSON logs arrive in the core's log, tagged with the provider's name."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from genesys.plugins import launch_plugin
from genesys.provider.v1 import provider_pb2

MINIMAL = str(Path(__file__).parent / "fixtures" / "minimal_provider.py")


def test_plugin_logs_are_forwarded_with_the_provider_name(caplog, helpers):
    caplog.set_level(logging.INFO, logger="genesys.plugin")
    with launch_plugin(MINIMAL) as conn:
        conn.provider.GetSchema(provider_pb2.GetSchemaRequest())

        def forwarded() -> list[logging.LogRecord]:
            return [r for r in caplog.records if r.getMessage() == "schema asked"]

        assert helpers.wait_until(lambda: bool(forwarded()), timeout=5)
    record: Any = forwarded()[0]
    assert record.name == "genesys.plugin"
    assert record.levelno == logging.WARNING
    assert record.provider == "minimal_provider"
    assert record.plugin_logger == "fixture.provider"
    assert record.plugin_fields["request_id"] == "r-1"


def test_plugin_log_level_follows_the_core(caplog):
    caplog.set_level(logging.WARNING, logger="genesys.plugin")
    with launch_plugin(MINIMAL) as conn:
        conn.provider.GetSchema(provider_pb2.GetSchemaRequest())
    received = conn.process.log.tail()  # everything the plugin wrote, whatever we showed
    assert "WARNING fixture.provider: schema asked" in received
    assert not [line for line in received if line.startswith(("INFO ", "DEBUG "))]
