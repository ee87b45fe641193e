"""The fast ways of loading large configs give exactly what the precise ways give.

- YAML: plain documents are read from libyaml's events (`yaml_events`); the node-tree
  reader (`parse_yaml_tree`) must agree on data, positions, duplicate keys and errors.
- TOML: one-line statements are scanned with one regular expression each; the
  character-wise scan (`one_line=False`) must record the same offsets and statements.
- `expand()` right after loading hands out the resources the loader built, unless the
  config changed since; the garbage collector is paused while loading and restored.
"""

from __future__ import annotations

import gc
import json
import math
from typing import Any

import pytest
import yaml
from genesys.config import expand, load_config
from genesys.config.source import parse_document
from genesys.config.toml_source import scan_toml, tomllib
from genesys.config.yaml_events import read_plain
from genesys.config.yaml_source import (
    MAX_DEPTH,
    MAX_NODES,
    SourceProblem,
    _Loader,
    parse_yaml,
    parse_yaml_tree,
)
from genesys.errors import ConfigError
from hypothesis import event, given, settings
from hypothesis import strategies as st

from .conftest import SEED_TOML, SEED_YAML
from .test_fuzz import PROFILE

KEYS = ["name", "type", "on", "yes", "1", "<<", "a b", "x.y", "tags", "", "é", "-", "n"]
WORDS = ["yes", "No", "~", "1.5", "0x1F", "2001-12-14", "<<", "=", "${a.b.c}", "a = 1", "#"]
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True)
    | st.sampled_from(WORDS)
    | st.text(max_size=12)
)
# TOML has no null, and its strings hold no surrogates or control characters.
toml_scalars = (
    st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True)
    | st.sampled_from(WORDS)
    | st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12)
)
trees = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


def outcome(reader: Any, text: str) -> tuple[Any, ...]:
    """Everything a YAML reader returns (NaN-safe), or the problem it raised."""
    try:
        data, positions, problems = reader(text)
    except SourceProblem as problem:
        return ("error", problem.line, problem.column, problem.message, problem.path)
    found = [(p.line, p.column, p.message, p.path) for p in problems]
    return ("data", repr(data), positions, found)


def yaml_texts(data: Any, style: int, edits: list[tuple[int, str]]) -> str:
    text = yaml.safe_dump(
        data, default_flow_style=[False, True, None][style], allow_unicode=True, sort_keys=False
    )
    for position, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at:]
    return text


YAML_EDITS = st.sampled_from(
    [
        "",
        "\n",
        "  ",
        ": ",
        "- ",
        "&a ",
        "*a",
        "<<: ",
        "!t ",
        "!!str ",
        "---\n",
        "{",
        "]",
        "#",
        "x: 1\n",
    ]
)


@settings(PROFILE)
@given(
    data=trees,
    style=st.integers(min_value=0, max_value=2),
    edits=st.lists(st.tuples(st.integers(min_value=0), YAML_EDITS), max_size=3),
)
def test_yaml_from_events_reads_as_the_node_tree_does(data, style, edits):
    text = yaml_texts(data, style, edits)
    fast = read_plain(_Loader, text, MAX_DEPTH, MAX_NODES) is not None
    event("events" if fast else "node tree")
    assert outcome(parse_yaml, text) == outcome(parse_yaml_tree, text)


@settings(PROFILE)
@given(
    edits=st.lists(
        st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=6), YAML_EDITS),
        min_size=1,
        max_size=4,
    )
)
def test_edited_seed_yaml_reads_as_the_node_tree_does(edits):
    text = SEED_YAML.read_text()
    for position, length, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + length :]
    event("events" if read_plain(_Loader, text, MAX_DEPTH, MAX_NODES) else "node tree")
    assert outcome(parse_yaml, text) == outcome(parse_yaml_tree, text)


@pytest.mark.parametrize(
    "text",
    [
        SEED_YAML.read_text(),
        "",
        "# only a comment\n",
        "a: 1\nb:\n  c: [1, {d: e}]\n  c: 2\nb: 3\n",  # duplicates, nested and top level
        "on: yes\n1: [a, {b: 2}]\nz: 2001-12-14\nf: .inf\nn: ~\nq: '1'\nl: |\n  x\n",
        "- a\n- {b: [c, d]}\n",
        "a: " + "[" * 64 + "]" * 64 + "\n",
    ],
)
def test_plain_yaml_is_read_from_events(text):
    assert read_plain(_Loader, text, MAX_DEPTH, MAX_NODES) is not None
    assert outcome(parse_yaml, text) == outcome(parse_yaml_tree, text)


@pytest.mark.parametrize(
    "text",
    [
        "base: &b {type: small}\nvm:\n  <<: *b\n  image: y\n",  # anchors, aliases, merges
        "a: !Ref x\n",  # an unknown tag: an error
        "a: !!str 1\n",
        "a: 1\n---\nb: 2\n",  # two documents
        "a: [1, 2\n",  # syntax
        "a: 2001-13-45\n",  # a bad value
        "a: " + "[" * 65 + "]" * 65 + "\n",  # too deep
        "? [a]\n: 1\n",  # a key that is not text
        "a: 1\na: *nowhere\n",  # an undefined alias inside a duplicate's value
    ],
)
def test_unusual_yaml_goes_the_precise_way(text):
    assert read_plain(_Loader, text, MAX_DEPTH, MAX_NODES) is None
    assert outcome(parse_yaml, text) == outcome(parse_yaml_tree, text)


# ---------------------------------------------------------------- TOML


def toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_key(key: str) -> str:
    bare = key and all((c.isascii() and c.isalnum()) or c in "_-" for c in key)
    return key if bare else toml_string(key)


def toml_value(value: Any, style: int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(max(min(value, 2**63 - 1), -(2**63)))
    if isinstance(value, float):
        return "nan" if math.isnan(value) else "inf" if value == math.inf else repr(value)
    if isinstance(value, list):
        sep = ",\n  " if style == 1 else ", "
        return "[" + sep.join(toml_value(v, style) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"{toml_key(k)} = {toml_value(v, 0)}" for k, v in value.items()) + "}"
        )
    text = str(value)
    return f"'''{text}'''" if style == 2 and "'" not in text else toml_string(text)


def toml_text(data: dict[str, Any], style: int) -> str:
    """Random data as TOML with headers, arrays of tables, inline values and comments."""
    lines: list[str] = []
    tables: list[tuple[str, dict[str, Any]]] = []
    for key, value in data.items():
        if isinstance(value, dict) and value and style != 0:
            tables.append((toml_key(key), value))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables += [(f"[{toml_key(key)}]", item) for item in value]
        elif value is not None:
            lines.append(f"{toml_key(key)} = {toml_value(value, style)}  # note")
    for header, table in tables:
        lines += ["", f"[{header}]", "# a table"]
        lines += [
            f"{toml_key(k)} = {toml_value(v, style)}" for k, v in table.items() if v is not None
        ]
    return "\r\n".join(lines) + "\n" if style == 2 else "\n".join(lines) + "\n"


def scan_of(text: str, one_line: bool) -> tuple[Any, ...]:
    scanner = scan_toml(text, one_line=one_line)
    return (
        scanner.complete,
        scanner.offsets,
        scanner.array_tables,
        scanner.headers,
        scanner.pairs,
        scanner.long_strings,
        scanner.positions(),
    )


toml_keys = st.sampled_from(KEYS) | st.text(st.characters(exclude_categories=["Cs"]), max_size=5)
toml_trees = st.dictionaries(
    toml_keys,
    st.recursive(
        toml_scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(toml_keys, inner, max_size=3),
        max_leaves=8,
    ),
    max_size=6,
)


@settings(PROFILE)
@given(data=toml_trees, style=st.integers(min_value=0, max_value=2))
def test_one_line_toml_scan_records_what_the_character_scan_does(data, style):
    text = toml_text(data, style)
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        event("not TOML")
        return
    assert scan_of(text, one_line=True) == scan_of(text, one_line=False)


def plain_toml_outcome(text: str) -> tuple[Any, ...]:
    """Whether tomllib (the only TOML reader) accepts the text."""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return ("rejected",)
    return ("tomllib",)


@settings(PROFILE)
@given(
    edits=st.lists(
        st.tuples(
            st.integers(min_value=0),
            st.integers(min_value=0, max_value=4),
            st.sampled_from(['"', "'", "# x", "\n", " ", ".x", ",", "[", "]", "{", "}", "1"]),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_edited_seed_toml_scans_alike(edits):
    text = SEED_TOML.read_text()
    for position, length, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + length :]
    outcome = plain_toml_outcome(text)
    event(outcome[0])
    if outcome != ("rejected",):
        assert scan_of(text, one_line=True) == scan_of(text, one_line=False)


def test_toml_one_line_forms_scan_alike():
    text = (
        'a = "x\\"y" # c\nb = \'lit\'\nc = [1, 2, "x", ]\nd = { x = 1, y.z = "q" }\n'
        "[ a2 . b ]\n[[ c2 . d ]]\nx = 1979-05-27 07:32:00\ny = 1979-05-27T07:32:00Z\n"
        '[[c2.d]]\nz = {}\nw = []\nq = [ ]\ne = "\\\\"\nf = """\nx"""\ng = \'\'\'y\'\'\'\n'
        'h.i = 1\nj = ["]", \'[\']\nk = {a="}"}\n'
    )
    tomllib.loads(text)
    scanned = scan_toml(text)
    assert scan_of(text, one_line=True) == scan_of(text, one_line=False)
    assert scanned.positions()[("c2", "d", 1, "z")] == (10, 1)
    assert scanned.positions()[("c2", "d", 1, "j", 1)] == (18, 11)
    assert scanned.positions()[("c2", "d", 1, "k", "a")] == (19, 6)


def test_toml_nesting_past_the_limit_is_an_error():
    deep = "a = " + "[" * 70 + "]" * 70 + "\n"
    with pytest.raises(SourceProblem, match="nesting deeper than 64 levels"):
        parse_document(deep, "toml")
    parse_document("a = " + "[" * 62 + "]" * 62 + "\n", "toml")


# ---------------------------------------------------------------- large configs, expand


def yaml_buckets(n: int) -> str:
    lines = ["provider: local", "resources:", "  storage:"]
    for i in range(n):
        lines += [f"    - name: bucket-{i:05d}", "      type: bucket", "      tags: {Team: x}"]
    return "\n".join(lines) + "\n"


def toml_buckets(n: int) -> str:
    lines = ['provider = "local"']
    for i in range(n):
        lines += ["", "[[resources.storage]]", f'name = "bucket-{i:05d}"', 'type = "bucket"']
        lines.append('tags = { Team = "x" }')
    return "\n".join(lines) + "\n"


def test_large_configs_expand_alike_in_both_formats_with_exact_locations(tmp_path):
    n = 3000
    (tmp_path / "g.yaml").write_text(yaml_buckets(n))
    (tmp_path / "g.toml").write_text(toml_buckets(n))
    from_yaml = expand(load_config(tmp_path / "g.yaml"))
    from_toml = expand(load_config(tmp_path / "g.toml"))
    assert [(r.address, r.attributes) for r in from_yaml] == [
        (r.address, r.attributes) for r in from_toml
    ]
    assert len(from_yaml) == n and from_yaml[-1].attributes["tags"] == {"Team": "x"}
    for i in (0, 1, n - 1):
        assert (from_yaml[i].location.line, from_yaml[i].location.column) == (4 + 3 * i, 7)
        assert (from_toml[i].location.line, from_toml[i].location.column) == (3 + 5 * i, 1)


def test_a_large_config_with_one_error_is_located(tmp_path):
    text = yaml_buckets(2000).replace("type: bucket", "type: bucket\n      versionin: true", 1)
    text = text.replace("name: bucket-01500", "name: bucket-00007")
    path = tmp_path / "g.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    found = [(d.line, d.column, d.path) for d in caught.value.diagnostics]
    assert found == [
        (6, 7, "resources.storage[0].versionin"),
        (4 + 3 * 1500 + 1, 7, "resources.storage[1500].name"),
    ]
    assert "already used on line 26" in caught.value.diagnostics[1].message


CONFIG = """
resources:
  network:
    - {name: net, cidr: 10.0.0.0/16, subnets: [{name: a, cidr: 10.0.1.0/24}]}
  compute:
    - {name: web, count: 2, network: net, security_groups: [sg], user_data: "i=${count.index}"}
  storage:
    - {name: logs, type: bucket}
outcomes:
  static-site: {domain: example.com}
outputs:
  ip: ${compute.web[0].private_ip}
"""


def test_expand_after_load_gives_what_a_fresh_build_gives(write):
    cfg = load_config(write("genesys.yaml", CONFIG))
    assert cfg._built is not None  # the loader's build is kept for this first expand()
    first = expand(cfg)
    assert cfg._built is None
    second = expand(cfg)  # built afresh
    assert first == second
    assert all(a is not b for a, b in zip(first, second, strict=True))
    assert next(r for r in first if r.address == "compute.web[1]").attributes["user_data"] == (
        "i=1"
    )


def test_expand_sees_changes_made_after_load(write):
    cfg = load_config(write("genesys.yaml", CONFIG))
    cfg.resources.storage[0].versioning = True
    cfg.resources.storage[0].tags["Team"] = "ops"  # an unset default, changed in place
    (logs,) = [r for r in expand(cfg) if r.address == "storage.logs"]
    assert logs.attributes["versioning"] is True
    assert logs.attributes["tags"] == {"Team": "ops"}


def test_a_copied_config_builds_its_own_resources(write):
    cfg = load_config(write("genesys.yaml", CONFIG))
    for copy in (cfg.model_copy(), cfg.model_copy(deep=True)):
        assert all(a is not b for a, b in zip(expand(copy), expand(cfg), strict=True))


def test_configs_with_code_are_built_again_with_it(write, tmp_path):
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "main.py").write_text("def handler(e, c):\n    return 1\n")
    text = "resources:\n  serverless:\n    - {name: f, runtime: python3.12, source: fn}\n"
    cfg = load_config(write("genesys.yaml", text))
    assert cfg._built is None
    (fn,) = expand(cfg)
    assert fn.attributes["code"]["zip"]


@pytest.mark.parametrize("enabled", [True, False])
def test_loading_leaves_the_garbage_collector_as_it_was(write, enabled):
    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        expand(load_config(write("genesys.yaml", CONFIG)))
        assert gc.isenabled() is enabled
        with pytest.raises(ConfigError):
            load_config(write("bad.yaml", "resources: {compute: [{name: x, type: huge}]}\n"))
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
