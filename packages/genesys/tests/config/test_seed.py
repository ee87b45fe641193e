"""The seed's two example configs: copied unchanged, valid, and meaning the same."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from genesys.config import Ref, Template, expand, load_config

from .conftest import SEED_DOC, SEED_TOML, SEED_YAML


@pytest.mark.parametrize(("lang", "path"), [("yaml", SEED_YAML), ("toml", SEED_TOML)])
def test_examples_are_the_seed_blocks_byte_for_byte(lang, path):
    blocks = re.findall(rf"```{lang}\n(.*?)```", SEED_DOC.read_text(), re.S)
    assert path.read_text() == blocks[0]


def test_yaml_seed_loads_with_its_values():
    cfg = load_config(SEED_YAML)
    assert (cfg.provider, cfg.region, cfg.project, cfg.format) == ("aws", "us-east-1", None, "yaml")
    web = cfg.resources.compute[0]
    assert (web.name, web.type, web.count, web.security_groups) == (
        "web-server",
        "medium",
        3,
        ["web-sg"],
    )
    assert cfg.resources.database[0].backup.window == "03:00-04:00"
    assert cfg.outcomes.static_site.domain == "example.com"
    assert cfg.outcomes.api.runtime == "python3.11"


def test_toml_seed_loads_with_its_values():
    cfg = load_config(SEED_TOML)
    assert (cfg.provider, cfg.region, cfg.project, cfg.format) == (
        "gcp",
        "us-central1",
        "my-project",
        "toml",
    )
    assert cfg.resources.compute[0].tags == {"Environment": "production", "Team": "platform"}
    assert [s.name for s in cfg.resources.network[0].subnets] == ["public", "private"]
    assert cfg.outcomes.api.runtime == "nodejs18"


def test_policies_list_of_maps_and_table_mean_the_same():
    yaml_policies, toml_policies = load_config(SEED_YAML).policies, load_config(SEED_TOML).policies
    assert yaml_policies == toml_policies
    assert yaml_policies.no_public_buckets is True
    assert yaml_policies.require_tags == ["Environment", "Team"]
    assert yaml_policies.max_cost_per_month == 1000.0
    assert yaml_policies.level("max_cost_per_month") == "mandatory"
    assert yaml_policies.active() == [
        "no_public_buckets",
        "require_encryption",
        "require_tags",
        "max_cost_per_month",
    ]


def test_state_blocks_keep_identity_references_for_the_engine():
    yaml_state = load_config(SEED_YAML).state.as_values()
    assert yaml_state["backend"] == "s3"
    assert yaml_state["bucket"] == Template(("genesys-state-", Ref("", "account_id")))
    assert yaml_state["lock_table"] == "genesys-locks"
    toml_state = load_config(SEED_TOML).state.as_values()
    assert toml_state["bucket"] == Template(("genesys-state-", Ref("", "project_id")))
    assert "lock_table" not in toml_state


# Written differences between the two seeds, per address and attribute.
KNOWN_DIFFERENCES = {
    ("storage.app-data", "tags"),  # only the YAML gives the bucket tags
    ("outcome.api.function", "runtime"),  # python3.11 vs nodejs18
    ("outcome.api.function", "memory_mb"),
    ("outcome.api.function", "timeout_s"),
    ("outcome.api.function", "code"),  # placeholder differs with the runtime
}


def test_both_seeds_expand_to_the_same_resources():
    from_yaml = {r.address: r for r in expand(load_config(SEED_YAML))}
    from_toml = {r.address: r for r in expand(load_config(SEED_TOML))}
    assert sorted(from_yaml) == sorted(from_toml)
    assert len(from_yaml) == 14
    for address, resource in from_yaml.items():
        other = from_toml[address]
        assert (resource.kind, resource.depends_on) == (other.kind, other.depends_on), address
        for key in set(resource.attributes) | set(other.attributes):
            if (address, key) not in KNOWN_DIFFERENCES:
                assert resource.attributes.get(key) == other.attributes.get(key), (address, key)


def test_seed_expansion_addresses_and_edges():
    resources = {r.address: r for r in expand(load_config(SEED_YAML))}
    web0 = resources["compute.web-server[0]"]
    assert web0.kind == "instance"
    assert web0.attributes["size"] == "medium"
    assert web0.attributes["name"] == "web-server-0"
    assert web0.attributes["subnet_id"] == Ref("network.main-vpc.subnet.public", "id")
    assert web0.attributes["security_group_ids"] == [
        Ref("network.main-vpc.security_group.web-sg", "id")
    ]
    assert web0.depends_on == {
        "network.main-vpc",
        "network.main-vpc.subnet.public",
        "network.main-vpc.security_group.web-sg",
    }
    handler = resources["serverless.api-handler"]
    assert handler.attributes["environment"] == {"DB_HOST": Ref("database.app-db", "endpoint")}
    assert handler.depends_on == {"database.app-db"}
    assert resources["outcome.static-site.cdn"].depends_on == {
        "outcome.static-site.bucket",
        "outcome.static-site.certificate",
    }
    assert web0.location is not None and (web0.location.line, web0.location.column) == (21, 7)


def test_seed_undeclared_security_group_is_implicit_with_a_warning():
    cfg = load_config(SEED_YAML)
    warning = next(w for w in cfg.warnings if "web-sg" in w.message)
    assert (warning.line, warning.path) == (27, "resources.compute[0].security_groups[0]")
    assert "network.main-vpc.security_group.web-sg" in warning.message
    group = next(r for r in expand(cfg) if r.kind == "security_group")
    assert group.address == "network.main-vpc.security_group.web-sg"
    assert group.origin == "implicit"
    assert group.attributes["ingress"] == []


@pytest.mark.parametrize(
    ("path", "filename", "needle"),
    [
        (SEED_YAML, "main.py", b"def handler(event, context)"),
        (SEED_TOML, "main.js", b"exports.handler = async"),
    ],
)
def test_api_outcome_without_source_gets_a_runnable_placeholder(path, filename, needle):
    cfg = load_config(path)
    assert any("my-api" in w.message and "placeholder" in w.message for w in cfg.warnings)
    function = next(r for r in expand(cfg) if r.address == "outcome.api.function")
    archive = zipfile.ZipFile(io.BytesIO(function.attributes["code"]["zip"]))
    assert archive.namelist() == [filename]
    body = archive.read(filename)
    assert needle in body and b"no source configured for my-api" in body
