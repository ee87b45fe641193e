"""Property test: whatever is done to the example configs — keys deleted or renamed,
values of the wrong type, random strings, broken YAML/TOML text — loading ends in a valid
model or in located diagnostics, never in another exception.

Profiles (env GENESYS_FUZZ_PROFILE): "ci" (default: 100 examples per test, derandomized,
a few seconds) and "long" (a campaign: GENESYS_FUZZ_EXAMPLES examples per test,
default 20000).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from genesys.config import Config, expand, load_config
from genesys.config.toml_source import tomllib
from genesys.errors import ConfigError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from .conftest import SEED_TOML, SEED_YAML

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("GENESYS_FUZZ_EXAMPLES", "20000")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
PROFILE = settings.get_profile(os.environ.get("GENESYS_FUZZ_PROFILE", "ci"))

SEEDS = {
    "yaml": SEED_YAML.read_text(),
    "toml": SEED_TOML.read_text(),
}
SEED_DATA = {
    "yaml": yaml.safe_load(SEEDS["yaml"]),
    "toml": tomllib.loads(SEEDS["toml"]),
}
WORDS = [
    "medium",
    "mediun",
    "bucket",
    "volume",
    "postgres",
    "python3.11",
    "web-server",
    "main-vpc",
    "10.0.0.0/16",
    "10.0.1.0/33",
    "${database.app-db.endpoint}",
    "${x",
    "${compute.web-server[7].id}",
    "${serverless.api-handler.url}",
    "web-sg",
    "http",
    "count",
    "name",
    "type",
    "-1",
    "",
    "0",
    "advisory",
    "${account_id}",
    "$${",
    "[0]",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=50),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(WORDS),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(st.text(max_size=8), st.sampled_from(WORDS)), inner, max_size=3),
    ),
    max_leaves=6,
)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def check_outcome(path: Path) -> None:
    """The property: a Config (that expands or fails located) or a located ConfigError."""
    try:
        cfg = load_config(path)
    except ConfigError as err:
        event("located errors")
        assert err.diagnostics, "a ConfigError must carry diagnostics"
        for diagnostic in err.diagnostics:
            assert diagnostic.file == str(path)
            assert diagnostic.line >= 1 and diagnostic.column >= 1, diagnostic
            assert diagnostic.message
        return
    assert isinstance(cfg, Config)
    try:
        resources = expand(cfg)
    except ConfigError as err:
        event("valid model, located expand errors")
        assert all(d.line >= 1 for d in err.diagnostics)
        return
    event("valid model, expanded")
    assert len({r.address for r in resources}) == len(resources)


def paths_in(data: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths_in(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths_in(value, (*prefix, index))
    return found


def mutate(data: Any, path: tuple, action: str, new: Any, key: str) -> Any:
    if not path:
        return new if action == "replace" else data
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "rename" and isinstance(parent, dict):
        parent[key] = parent.pop(last)
    else:
        parent[last] = new
    return data


def to_toml_value(value: Any) -> str:
    if value is None:
        return '"null"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if -(2**63) <= value < 2**63 else json.dumps(str(value))
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else ("inf" if value > 0 else "-inf")
            if (math.isinf(value))
            else repr(value)
        )
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(to_toml_value(v) for v in value) + "]"
    return (
        "{"
        + ", ".join(f"{json.dumps(str(k))} = {to_toml_value(v)}" for k, v in value.items())
        + "}"
    )


def dump(data: Any, fmt: str) -> str:
    if fmt == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if not isinstance(data, dict):
        return f"value = {to_toml_value(data)}\n"
    return "".join(f"{json.dumps(str(k))} = {to_toml_value(v)}\n" for k, v in data.items())


@settings(PROFILE)
@given(
    fmt=st.sampled_from(["yaml", "toml"]),
    choices=st.lists(
        st.tuples(
            st.integers(min_value=0),
            st.sampled_from(["delete", "replace", "rename"]),
            values,
            st.sampled_from(WORDS) | st.text(max_size=6),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_mutated_data_loads_or_fails_located(fuzz_dir, fmt, choices):
    data = json.loads(json.dumps(SEED_DATA[fmt]))
    for index, action, new, key in choices:
        paths = paths_in(data)
        data = mutate(data, paths[index % len(paths)], action, new, key)
    path = fuzz_dir / f"data.{fmt}"
    path.write_text(dump(data, fmt))
    check_outcome(path)


@settings(PROFILE)
@given(
    fmt=st.sampled_from(["yaml", "toml"]),
    edits=st.lists(
        st.tuples(
            st.integers(min_value=0),
            st.integers(min_value=0, max_value=8),
            st.sampled_from(
                [
                    "",
                    " ",
                    "\n",
                    "  ",
                    ":",
                    "=",
                    "[",
                    "]",
                    "{",
                    "-",
                    "#",
                    '"',
                    "'",
                    "\t",
                    "${",
                    "}",
                    "[[",
                    "x",
                    "- a",
                    "\\",
                ]
            )
            | st.text(max_size=5),
        ),
        min_size=1,
        max_size=5,
    ),
)
def test_broken_text_loads_or_fails_located(fuzz_dir, fmt, edits):
    text = SEEDS[fmt]
    for position, length, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + length :]
    path = fuzz_dir / f"text.{fmt}"
    path.write_text(text)
    check_outcome(path)


@settings(PROFILE)
@given(
    fmt=st.sampled_from(["yaml", "toml"]),
    lines=st.lists(st.integers(min_value=0), min_size=1, max_size=6),
)
def test_deleted_lines_load_or_fail_located(fuzz_dir, fmt, lines):
    kept = SEEDS[fmt].splitlines(keepends=True)
    for line in lines:
        if kept:
            del kept[line % len(kept)]
    path = fuzz_dir / f"lines.{fmt}"
    path.write_text("".join(kept))
    check_outcome(path)
