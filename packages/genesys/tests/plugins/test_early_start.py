"""The provider plugin starts while the config loads, and only a guess that holds is used."""

from __future__ import annotations

from pathlib import Path

import pytest
from genesys.engine.session import RunOptions, Session
from genesys.errors import GenesysError
from genesys.plugins.early import EarlyStart, guess_provider


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("provider: aws\nregion: us-east-1\n", "aws"),
        ("# c\nprovider: 'local'  # comment\n", "local"),
        ('provider = "gcp"\nregion = "x"\n', "gcp"),
        ("region: us-east-1\n", None),  # no provider line (the default is not guessed)
        ("provider: ./plugins/genesys-provider-mine\n", None),  # a path
        ("provider: mycloud\n", None),  # third-party
        ("provider: aws\nproviders:\n  aws: {env_passthrough: [X]}\n", None),
        ("provider: aws\nx:\n  provider: gcp\n", "aws"),  # only the top level counts
        ("provider: aws\nprovider: gcp\n", None),  # ambiguous: load_config reports it
    ],
)
def test_guess_reads_only_a_plain_top_level_built_in_name(text: str, expected: str | None) -> None:
    assert guess_provider(text) == expected


def test_a_session_uses_the_plugin_started_early(tmp_path: Path) -> None:
    config = tmp_path / "genesys.yaml"
    config.write_text(
        "provider: local\nresources:\n  storage:\n    - {name: bench-b, type: bucket}\n"
    )
    early = EarlyStart.begin(config)
    assert early is not None and early.name == "local"
    taken = early.take("local", ())
    assert taken is not None and taken.started() == ["local"]
    taken.close()

    with Session.open(config, operation="plan", lock=False) as session:
        assert session.conn.metadata.name == "local"
        plan = session.plan(RunOptions())
    assert [c.address for c in plan.changes] == ["storage.bench-b"]


def test_a_guess_that_does_not_hold_is_stopped(tmp_path: Path) -> None:
    config = tmp_path / "genesys.yaml"
    config.write_text("provider: local\n")
    early = EarlyStart.begin(config)
    assert early is not None
    assert early.take("aws", ()) is None  # the config wanted another plugin
    assert early.plugins.started() == []  # stopped and forgotten
    again = EarlyStart.begin(config)
    assert again is not None
    assert again.take("local", ("EXTRA_*",)) is None  # passthrough the guess did not have


def test_a_bad_config_stops_the_early_plugin_and_reports_the_error(tmp_path: Path) -> None:
    config = tmp_path / "genesys.yaml"
    config.write_text("provider: local\nresources:\n  storage:\n    - {name: b, type: nope}\n")
    with pytest.raises(GenesysError) as raised, Session.open(config, operation="plan", lock=False):
        pass
    assert "genesys.yaml:4" in str(raised.value)
