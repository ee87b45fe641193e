"""The handshake line, version negotiation and the plugin's environment checks."""

from __future__ import annotations

import json
import logging

import pytest
from genesys_plugin_sdk import protocol
from genesys_plugin_sdk._settings import HandshakeRefused, read_settings
from genesys_plugin_sdk.log import JsonFormatter
from genesys_plugin_sdk.protocol import HandshakeLine


def test_line_round_trip_without_base64_padding():
    line = HandshakeLine(1, 1, "unix", "/tmp/genesys-plugin-x/plugin.sock", b"\x01\x02\x03\x04")
    text = line.format()
    assert text == "1|1|unix|/tmp/genesys-plugin-x/plugin.sock|grpc|AQIDBA"
    assert HandshakeLine.find(text) == line
    assert HandshakeLine.find(text + "==\n") == line  # padded certs are accepted too


def test_line_found_after_stray_output_on_the_same_line():
    found = HandshakeLine.find("loading...1|1|tcp|127.0.0.1:5000|grpc|")
    assert found == HandshakeLine(1, 1, "tcp", "127.0.0.1:5000", b"")
    assert found.grpc_target == "127.0.0.1:5000"


@pytest.mark.parametrize(
    "text", ["hello", "1|1|not a handshake", "1|1|unix|/s|http|", "1|1|pipe|/s|grpc|"]
)
def test_other_lines_are_not_handshakes(text):
    assert HandshakeLine.find(text) is None


def test_negotiation_picks_the_highest_common_version():
    assert protocol.negotiate([1, 2, 3], [2, 3, 4]) == 3
    assert protocol.negotiate([1], [99]) is None
    assert protocol.parse_versions("1, 2") == [1, 2]
    with pytest.raises(ValueError):
        protocol.parse_versions("one")


def _core_env(monkeypatch, **extra: str) -> None:
    for key in (protocol.DEBUG_ENV, protocol.INSECURE_ENV, protocol.TRANSPORT_ENV):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv(protocol.MAGIC_COOKIE_KEY, protocol.MAGIC_COOKIE_VALUE)
    monkeypatch.setenv(protocol.PROTOCOL_VERSIONS_ENV, "1,2")
    monkeypatch.setenv(protocol.CLIENT_CERT_ENV, "PEM")
    for key, value in extra.items():
        monkeypatch.setenv(key, value)


def test_settings_from_the_core(monkeypatch):
    _core_env(monkeypatch)
    settings = read_settings((1, 2, 3))
    assert (settings.protocol_version, settings.client_cert_pem, settings.transport) == (
        2,
        b"PEM",
        "unix",
    )


def test_no_common_version_is_refused_with_a_line_for_the_core(monkeypatch):
    _core_env(monkeypatch)
    with pytest.raises(HandshakeRefused) as refused:
        read_settings((99, 98))
    assert refused.value.stdout_line == "GENESYS-PLUGIN-ERROR|unsupported-protocol-versions|98,99"


def test_missing_client_cert_is_refused_unless_insecure(monkeypatch):
    _core_env(monkeypatch)
    monkeypatch.delenv(protocol.CLIENT_CERT_ENV)
    with pytest.raises(HandshakeRefused, match="GENESYS_PLUGIN_CLIENT_CERT is not set"):
        read_settings((1,))
    monkeypatch.setenv(protocol.INSECURE_ENV, "1")
    assert read_settings((1,)).client_cert_pem is None


def test_debug_mode_needs_no_cookie(monkeypatch):
    _core_env(monkeypatch, **{protocol.DEBUG_ENV: "1"})
    monkeypatch.delenv(protocol.MAGIC_COOKIE_KEY)
    settings = read_settings((1,))
    assert settings.debug
    assert settings.client_cert_pem is None  # reattach connects without TLS


def test_json_log_lines_carry_extra_fields_and_tracebacks():
    try:
        raise ValueError("bad")
    except ValueError:
        record = logging.getLogger("p.compute").makeRecord(
            "p.compute",
            logging.ERROR,
            __file__,
            1,
            "create %s failed",
            ("i-1",),
            exc_info=__import__("sys").exc_info(),
            extra={"kind": "instance"},
        )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "error"
    assert entry["logger"] == "p.compute"
    assert entry["msg"] == "create i-1 failed"
    assert entry["kind"] == "instance"
    assert entry["ts"].endswith("Z")
    assert "ValueError: bad" in entry["exc"]
