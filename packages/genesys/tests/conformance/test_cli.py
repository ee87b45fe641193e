"""`genesys provider test` and `genesys providers list|schema` through the real CLI entry point."""

from __future__ import annotations

import json
import re

import pytest
from genesys.cli.commands.provider import parse_pair
from genesys.cli.main import main

SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed$")


def test_provider_test_prints_one_line_per_check_and_the_summary(
    memory_plugin: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["provider", "test", memory_plugin])

    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert "PASS  network.subnet: create" in lines
    assert all(line.startswith("PASS  ") for line in lines[:-1])
    match = SUMMARY.match(lines[-1])
    assert match is not None
    assert match.groups() == (str(len(lines) - 1), "0")


def test_settings_reach_the_plugin_and_a_failure_exits_1(
    memory_plugin: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["provider", "test", memory_plugin, "--setting", "fail_configure=true"]
    code = main([*argv, "--region", "eu-west-9"])

    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert (
        "FAIL  provider: configure: settings.fail_configure: told to fail (region 'eu-west-9')"
        in lines
    )
    # Nothing after a failed Configure runs against the unconfigured plugin: each later
    # check is listed as not run, saying why (cleanup, which made nothing, passes).
    later = lines[lines.index(next(x for x in lines if "provider: configure" in x)) + 1 : -2]
    assert later and all(x.endswith(": not run: the provider's Configure failed") for x in later)
    assert lines[-2] == "PASS  cleanup: nothing left behind"
    assert SUMMARY.match(lines[-1]) and lines[-1].endswith(f" {len(later) + 1} failed")


def test_json_output_is_one_object_per_check_then_a_summary(
    memory_plugin: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["provider", "test", memory_plugin, "--json"])

    entries = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    checks, summary = entries[:-1], entries[-1]
    assert {e["type"] for e in checks} == {"check"}
    assert all(e["passed"] for e in checks)
    assert summary == {"type": "summary", "passed": len(checks), "failed": 0}


def test_an_unknown_plugin_is_a_failed_check_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["provider", "test", "./no/such/genesys-provider-nope"])

    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0].startswith("FAIL  handshake: plugin found: plugin executable './no/such")
    assert out[-1] == "0 passed, 1 failed"


def test_a_malformed_setting_is_one_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["provider", "test", "local", "--setting", "novalue"])

    assert code == 1
    assert capsys.readouterr().err.strip() == "Error: --setting wants KEY=VALUE, got 'novalue'"


def test_setting_values_are_json_when_they_parse() -> None:
    assert parse_pair("port=5000", "--setting", json_value=True) == ("port", 5000)
    assert parse_pair("debug=true", "--setting", json_value=True) == ("debug", True)
    assert parse_pair("root=/tmp/x", "--setting", json_value=True) == ("root", "/tmp/x")
    assert parse_pair("s3=http://127.0.0.1:5000", "--endpoint") == ("s3", "http://127.0.0.1:5000")


def test_providers_list_finds_the_installed_local_provider(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["providers", "list"]) == 0
    text = capsys.readouterr().out
    assert re.search(r"^local\s+genesys-provider-local \d", text, re.MULTILINE)

    assert main(["providers", "list", "--json"]) == 0
    listed = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert listed["local"]["package"] == "genesys-provider-local"


def test_providers_schema_renders_what_the_plugin_declares(
    memory_plugin: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["providers", "schema", memory_plugin]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Provider memory 1.0.0 (protocol 1)\nKinds: network, subnet, bucket")
    assert re.search(r"^  subnet\s+force_new: cidr, name\s+sensitive: -$", text, re.MULTILINE)

    assert main(["providers", "schema", memory_plugin, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["metadata"]["name"] == "memory"
    assert len(document["schema"]["kinds"]) == 3


def test_providers_schema_of_a_missing_provider_is_one_clear_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["providers", "schema", "no-such-provider-xyz"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: provider 'no-such-provider-xyz' is not installed")
    assert "Traceback" not in err
