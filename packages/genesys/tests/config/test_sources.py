"""Reading files: positions in YAML and TOML, format detection, YAML corner cases."""

from __future__ import annotations

import pytest
from genesys.config import inspect_config, load_config
from genesys.config.source import detect_format, parse_document
from genesys.config.toml_source import parse_toml
from genesys.config.yaml_source import SourceProblem, parse_yaml
from genesys.errors import ConfigError

from .conftest import SEED_TOML


def test_toml_positions_follow_arrays_of_tables_and_inline_values():
    text = SEED_TOML.read_text()
    _, positions = parse_toml(text)
    assert positions[("resources", "compute", 0)] == (17, 1)
    assert positions[("resources", "compute", 0, "tags", "Team")] == (27, 1)
    assert positions[("resources", "network", 0, "subnets", 1, "cidr")] == (49, 1)
    assert positions[("resources", "serverless", 0, "triggers", 0, "methods", 1)] == (77, 19)
    assert positions[("policies", "max_cost_per_month")] == (88, 1)


def test_toml_scanner_handles_strings_comments_and_dotted_keys():
    text = (
        'a = """x = 1\n[not.a.table]\n"""  # c\n'
        "b.'c d' = { e = [1, {f = 'g'}], h = \"]\" }\n"
        "[t] # comment with = sign\n"
        "i = [\n  # note\n  'x',\n  \"y\",\n]\n"
    )
    data, positions = parse_toml(text)
    assert data["b"]["c d"]["e"][1] == {"f": "g"}
    assert positions[("b", "c d", "e", 1, "f")] == (4, 22)
    assert positions[("b", "c d", "h")] == (4, 33)
    assert positions[("t", "i", 1)] == (9, 3)
    assert ("not",) not in positions


def test_yaml_keys_stay_text_and_values_are_typed():
    data, positions, problems = parse_yaml("on: yes\n1: [a, {b: 2}]\n")
    assert data == {"on": True, "1": ["a", {"b": 2}]}
    assert positions[("1", 1, "b")] == (2, 9)
    assert problems == []


def test_yaml_merge_keys_are_supported():
    data, _, problems = parse_yaml("base: &b {type: small, image: x}\nvm:\n  <<: *b\n  image: y\n")
    assert data["vm"] == {"type": "small", "image": "y"}
    assert problems == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &a [*a]\n", "recursive alias"),
        ("a: !Ref x\n", "invalid YAML value"),
        ("- a\n- b\n", "top level must be a mapping"),
        ("a: 1\n---\nb: 2\n", "invalid YAML"),
        ("a: " + "[" * 100 + "]" * 100 + "\n", "nesting deeper than 64 levels"),
        ("{? [a]: b}\n", "mapping keys must be plain strings"),
    ],
)
def test_yaml_problems_are_located(text, message):
    with pytest.raises(SourceProblem) as caught:
        parse_document(text, "yaml")
    assert message in caught.value.message
    assert caught.value.line >= 1


def test_yaml_alias_bomb_is_refused():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 9):
        previous = f"*a{n - 1}"
        lines.append(f"a{n}: &a{n} [{', '.join([previous] * 10)}]")
    with pytest.raises(SourceProblem) as caught:
        parse_document("\n".join(lines) + "\n", "yaml")
    assert "too large" in caught.value.message


def test_empty_file_is_an_empty_config(tmp_path):
    (tmp_path / "genesys.yaml").write_text("# nothing yet\n")
    cfg = load_config(tmp_path / "genesys.yaml")
    assert cfg.provider == "local" and cfg.resources.compute == []


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ('provider = "aws"\n', "toml"),
        ("# comment\n[resources]\n", "toml"),
        ("provider: aws\n", "yaml"),
        ("resources:\n  compute: []\n", "yaml"),
        ("", "yaml"),
    ],
)
def test_format_detection_without_extension(tmp_path, text, fmt):
    assert detect_format(tmp_path / "Genesysfile", text) == fmt


def test_file_without_extension_loads(tmp_path):
    (tmp_path / "config").write_text(SEED_TOML.read_text())
    assert load_config(tmp_path / "config").provider == "gcp"


def test_duplicate_key_is_reported_with_the_other_errors(tmp_path):
    (tmp_path / "g.yaml").write_text("region: a\nregion: b\nprovder: aws\n")
    inspection = inspect_config(tmp_path / "g.yaml")
    assert [(d.line, d.path) for d in inspection.errors] == [(2, "region"), (3, "provder")]
    with pytest.raises(ConfigError):
        load_config(tmp_path / "g.yaml")


def test_location_of_any_field_path(tmp_path):
    (tmp_path / "g.toml").write_text(SEED_TOML.read_text())
    cfg = load_config(tmp_path / "g.toml")
    assert (cfg.location_of("resources.database[0].backup.window").line) == 62
    # Not written: the nearest written ancestor.
    assert cfg.location_of(("resources", "compute", 0, "user_data")).line == 17
    assert str(cfg.location_of("provider")) == f"{tmp_path / 'g.toml'}:2:1"


def test_toml_integer_past_pythons_digit_limit_is_an_error_not_a_crash():
    with pytest.raises(SourceProblem, match="invalid TOML: Exceeds the limit"):
        parse_toml("x = " + "9" * 5000 + "\n")
