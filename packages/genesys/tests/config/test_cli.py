"""`genesys validate`, `genesys schema`, `genesys fmt` and config discovery."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import jsonschema
import pytest
import yaml
from genesys.cli.common import find_config
from genesys.cli.main import main
from genesys.config.fmt import format_text
from genesys.config.toml_source import tomllib
from genesys.errors import GenesysError

from .conftest import REPO, SEED_TOML, SEED_YAML


@pytest.mark.parametrize("path", [SEED_YAML, SEED_TOML])
def test_validate_accepts_both_seed_files(path, capsys):
    assert main(["validate", "-c", str(path)]) == 0
    out, err = capsys.readouterr()
    # Warnings are counted: the undeclared security group's, the placeholder handlers'.
    assert out == "Success! The configuration is valid (14 resources, 3 warnings).\n"
    assert "warning: resources.compute[0].security_groups[0]" in err


def test_validate_json_reports_diagnostics(write, capsys):
    path = write("genesys.yaml", "resources:\n  compute:\n    - name: web\n      type: tiny\n")
    assert main(["validate", "--config", str(path), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False and report["error_count"] == 1
    assert report["diagnostics"] == [
        {
            "severity": "error",
            "file": str(path),
            "line": 4,
            "column": 7,
            "path": "resources.compute[0].type",
            "message": "unknown size 'tiny'",
            "hint": "expected 'small', 'medium', 'large' or 'xlarge'",
        }
    ]


def test_validate_finds_the_default_config(tmp_path, monkeypatch, capsys):
    shutil.copy(SEED_TOML, tmp_path / "genesys.toml")
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 0
    assert "genesys.toml:23:20: warning" in capsys.readouterr().err


def test_find_config_errors_are_clear(tmp_path):
    with pytest.raises(GenesysError, match=r"no config file in .*genesys.yaml, genesys.yml"):
        find_config(tmp_path)
    (tmp_path / "genesys.yml").write_text("provider: aws\n")
    assert find_config(tmp_path) == tmp_path / "genesys.yml"
    (tmp_path / "genesys.toml").write_text('provider = "aws"\n')
    with pytest.raises(GenesysError, match=r"several config files .*\(genesys.yml, genesys.toml\)"):
        find_config(tmp_path)


def test_missing_default_config_exits_1(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 1
    assert capsys.readouterr().err.startswith("Error: no config file in ")


def test_validate_as_a_real_process_prints_no_traceback(write):
    path = write("genesys.toml", '[[resources.compute]]\nname = "web"\ncount = "x"\n')
    done = subprocess.run(
        [sys.executable, "-m", "genesys.cli.main", "validate", "-c", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert done.returncode == 1
    assert done.stderr == (
        f"{path}:3:1: resources.compute[0].count: expected an integer, got string 'x'\n"
        "1 error, 0 warnings.\n"
    )


def test_schema_is_a_valid_json_schema_the_seeds_satisfy(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    seeds = [yaml.safe_load(SEED_YAML.read_text()), tomllib.loads(SEED_TOML.read_text())]
    for document in seeds:
        assert list(validator.iter_errors(document)) == []
    broken = yaml.safe_load(SEED_YAML.read_text())
    broken["resources"]["compute"][0]["type"] = "mediun"
    broken["resources"]["compute"][0]["imagee"] = "x"
    assert len(list(validator.iter_errors(broken))) == 2


def test_schema_can_be_written_to_a_file(tmp_path):
    assert main(["schema", "-o", str(tmp_path / "s.json")]) == 0
    schema = json.loads((tmp_path / "s.json").read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$defs"]["ComputeSpec"]["properties"]["type"]["enum"] == [
        "small",
        "medium",
        "large",
        "xlarge",
    ]


UGLY_TOML = """\
  provider="aws"   \n\
region   =    "us-east-1" # where


   [ outcomes . api ]   # the api
  name="my-api"
handler = '''main.handler'''
[[resources.compute]]
name   = "web"
tags = {a="b",   c = "d"}
user_data = \"\"\"
#!/bin/sh   \n\
echo hi
\"\"\"
security_groups = [
   "x",
]
"""

UGLY_YAML = """\
provider: aws   # the cloud
resources:
    compute:
    -   name: web   \n\
        tags:
            Team: "yes"
    storage:
    - {name: b, type: bucket}


policies:
- no_public_buckets: true
"""


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a.toml", UGLY_TOML),
        ("a.yaml", UGLY_YAML),
        ("s.toml", SEED_TOML.read_text()),
        ("s.yaml", SEED_YAML.read_text()),
    ],
)
def test_fmt_is_idempotent_and_keeps_meaning_and_comments(name, text):
    fmt = name.rsplit(".", 1)[1]
    once = format_text(text, fmt)
    assert format_text(once, fmt) == once
    load = tomllib.loads if fmt == "toml" else yaml.safe_load
    assert load(once) == load(text)
    comments = [
        line.split("#", 1)[1].strip()
        for line in text.splitlines()
        if "#" in line and "#!" not in line
    ]
    for comment in comments:
        assert comment in once


def test_fmt_toml_layout():
    once = format_text(UGLY_TOML, "toml")
    assert once.splitlines()[:6] == [
        'provider = "aws"',
        'region = "us-east-1" # where',
        "",
        "[outcomes.api]   # the api",
        'name = "my-api"',
        "handler = '''main.handler'''",
    ]
    assert "\n\n[[resources.compute]]\n" in once
    assert "#!/bin/sh   \n" in once  # inside a multi-line string: content, kept


def test_fmt_yaml_layout_keeps_quotes():
    once = format_text(UGLY_YAML, "yaml")
    assert '  compute:\n    - name: web\n      tags:\n        Team: "yes"\n' in once
    assert "\n\n\n" not in once


def test_fmt_command_rewrites_and_checks(write, capsys):
    path = write("genesys.toml", "")
    path.write_text(UGLY_TOML)
    assert main(["fmt", "-c", str(path), "--check"]) == 3
    assert path.read_text() == UGLY_TOML
    assert main(["fmt", "-c", str(path)]) == 0
    assert path.read_text() == format_text(UGLY_TOML, "toml")
    assert main(["fmt", "-c", str(path), "--check"]) == 0
    capsys.readouterr()
    path.write_text('provider = "aws"\nregion =\n')
    assert main(["fmt", "-c", str(path)]) == 1
    assert f"Error: {path}:2:9: invalid TOML" in capsys.readouterr().err


def test_every_command_takes_config(capsys):
    for command in ("validate", "schema", "fmt"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "-c FILE, --config FILE" in capsys.readouterr().out


def test_schema_accepts_unknown_price_only_on_the_cost_limit(capsys):
    assert main(["schema"]) == 0
    validator = jsonschema.Draft202012Validator(json.loads(capsys.readouterr().out))
    good = {"policies": [{"max_cost_per_month": {"value": 5, "unknown_price": "warn"}}]}
    assert list(validator.iter_errors(good)) == []
    for bad in (
        {"policies": {"max_cost_per_month": {"value": 5, "unknown_price": "maybe"}}},
        {"policies": {"require_encryption": {"value": True, "unknown_price": "fail"}}},
        {"policies": {"unknown_price": {"max_cost_per_month": "fail"}}},
    ):
        assert list(validator.iter_errors(bad)) != [], bad
