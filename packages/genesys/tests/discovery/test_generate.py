"""Config blocks for adopted resources, and inserting them into real YAML/TOML files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from genesys.config import expand, load_config
from genesys.discovery import add_block_to_config, config_block, insert_yaml, with_block
from genesys.errors import GenesysError

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

BUCKET = {"id": "legacy-assets", "name": "legacy-assets", "versioning": True,
          "encryption": True, "encryption_algorithm": "AES256", "public_access": False,
          "lifecycle": {"delete_after_days": 30}, "tags": {"Team": "web"},
          "endpoint": "http://x/legacy-assets", "region": "us-east-1"}
INSTANCE = {"id": "i-0abc", "name": "web", "size": "medium", "provider_type": "t3.medium",
            "image": "ami-0123456789abcdef0", "state": "running", "network_id": "vpc-1",
            "subnet_id": "subnet-1", "security_group_ids": ["sg-1", "sg-9"],
            "tags": {"Env": "prod"}}
MANAGED = {"vpc-1": "network.main", "subnet-1": "network.main.subnet.public",
           "sg-1": "network.main.security_group.web"}


def _desired(path: Path, address: str):
    return next(r for r in expand(load_config(path)) if r.address == address)


def test_bucket_block_uses_config_keys_and_round_trips_to_the_same_attributes(tmp_path):
    block = config_block("storage.legacy-assets", "bucket", BUCKET)
    assert block.section == "storage"
    assert block.values == {"name": "legacy-assets", "type": "bucket", "versioning": True,
                            "encryption": True, "public_access": False,
                            "lifecycle": {"delete_after_days": 30}, "tags": {"Team": "web"}}
    config = tmp_path / "genesys.yaml"
    config.write_text("provider: aws\nregion: us-east-1\n")

    add_block_to_config(config, "yaml", block, "storage.legacy-assets")

    desired = _desired(config, "storage.legacy-assets")
    assert {k: BUCKET[k] for k in desired.attributes} == desired.attributes


def test_instance_block_names_managed_references_and_notes_the_rest():
    block = config_block("compute.web", "instance", INSTANCE, MANAGED)
    assert block.values == {"name": "web", "type": "medium", "image": "ami-0123456789abcdef0",
                            "network": "main", "subnet": "public", "security_groups": ["web"],
                            "tags": {"Env": "prod"}}
    assert block.notes == ["security group sg-9 is not managed by Genesys: adopt it to "
                           "reference it"]


def test_a_type_without_abstract_size_keeps_the_provider_type():
    block = config_block("compute.odd", "instance", {"name": "odd", "provider_type": "m5.large"})
    assert block.values["provider_type"] == "m5.large" and "type" not in block.values
    assert "renaming it" in config_block("compute.other", "instance", INSTANCE).notes[-1]


@pytest.mark.parametrize(("kind", "attributes", "expected"), [
    ("volume", {"name": "d", "size_gb": 20, "volume_class": "ssd", "encrypted": True,
                "provider_type": "io2"},
     {"name": "d", "type": "volume", "size_gb": 20, "volume_class": "ssd", "encrypted": True}),
    ("database", {"name": "db", "engine": "postgres", "version": "14", "size": "medium",
                  "storage_gb": 100, "multi_az": True, "backup": {"retention_days": 7},
                  "provider_class": "db.t3.medium", "password": "secret"},
     {"name": "db", "engine": "postgres", "version": "14", "size": "medium", "storage": 100,
      "multi_az": True, "backup": {"retention_days": 7}}),
    ("function", {"name": "fn", "runtime": "python3.12", "handler": "main.handler",
                  "memory_mb": 256, "timeout_s": 10, "environment": {"A": "1"}},
     {"name": "fn", "runtime": "python3.12", "handler": "main.handler", "memory": 256,
      "timeout": 10, "environment": {"A": "1"}}),
    ("network", {"name": "net", "cidr": "10.0.0.0/16"}, {"name": "net", "cidr": "10.0.0.0/16"}),
])
def test_each_top_level_kind_maps_back_to_its_config_keys(kind, attributes, expected):
    section = {"volume": "storage", "database": "database", "function": "serverless",
               "network": "network"}[kind]
    assert config_block(f"{section}.{expected['name']}", kind, attributes).values == expected


def test_blocks_must_sit_where_their_kind_belongs():
    with pytest.raises(GenesysError, match="a network belongs under `network`"):
        config_block("network.main.subnet.a", "network", {})
    with pytest.raises(GenesysError, match="belongs under `storage`"):
        config_block("compute.assets", "bucket", BUCKET)
    with pytest.raises(GenesysError, match="a subnet belongs under `network`"):
        config_block("network.a", "subnet", {})
    with pytest.raises(GenesysError, match="is not one"):
        config_block("storage.assets[1]", "bucket", BUCKET)


ITEM = "- name: new\n  type: bucket\n"


@pytest.mark.parametrize(("before", "after"), [
    # appended after the last item, comments kept, even before a commented next section
    ("resources:\n  storage:\n    - name: a  # first\n      type: bucket\n\n"
     "  # networks\n  network: []\n",
     "resources:\n  storage:\n    - name: a  # first\n      type: bucket\n"
     "    - name: new\n      type: bucket\n\n  # networks\n  network: []\n"),
    # an indentless list, at the end of the file without a trailing newline
    ("resources:\n  storage:\n  - name: a\n    type: bucket",
     "resources:\n  storage:\n  - name: a\n    type: bucket\n  - name: new\n    type: bucket\n"),
    # a missing section is added at the end of `resources:`
    ("provider: aws\nresources:\n  compute:\n    - name: w\npolicies:\n  require_tags: [A]\n",
     "provider: aws\nresources:\n  compute:\n    - name: w\n  storage:\n    - name: new\n"
     "      type: bucket\npolicies:\n  require_tags: [A]\n"),
    # an empty section or an empty `resources:`
    ("resources:\n  storage:\nstate: {}\n",
     "resources:\n  storage:\n    - name: new\n      type: bucket\nstate: {}\n"),
    ("resources:\n", "resources:\n  storage:\n    - name: new\n      type: bucket\n"),
    # no `resources:` at all
    ("provider: aws\n", "provider: aws\nresources:\n  storage:\n    - name: new\n"
     "      type: bucket\n"),
])
def test_yaml_insertion_keeps_the_rest_of_the_file(before, after):
    assert insert_yaml(before, "storage", ITEM) == after
    assert yaml.safe_load(after)["resources"]["storage"][-1] == {"name": "new", "type": "bucket"}


def test_flow_style_sections_are_refused_with_the_block_to_paste():
    block = config_block("storage.legacy-assets", "bucket", BUCKET)
    with pytest.raises(GenesysError, match=r"add it under resources\.storage yourself") as info:
        with_block("resources: {storage: [{name: a, type: bucket}]}\n", "yaml", block)
    assert "- name: legacy-assets" in str(info.value)


def test_toml_gets_an_appended_table_that_loads_to_the_same_resource(tmp_path):
    config = tmp_path / "genesys.toml"
    original = ('provider = "aws"\nregion = "us-east-1"\n\n[[resources.storage]]\n'
                'name = "other"\ntype = "bucket"\n\n[policies]\nno_public_buckets = true\n')
    config.write_text(original)
    block = config_block("storage.legacy-assets", "bucket", BUCKET)

    add_block_to_config(config, "toml", block, "storage.legacy-assets")

    text = config.read_text()
    assert text.startswith(original)
    data = tomllib.loads(text)
    assert data["resources"]["storage"][-1]["tags"] == {"Team": "web"}
    desired = _desired(config, "storage.legacy-assets")
    assert desired.attributes["lifecycle"] == {"delete_after_days": 30}


def test_a_block_that_would_break_the_config_leaves_the_file_alone(tmp_path):
    config = tmp_path / "genesys.yaml"
    original = "provider: aws\nresources:\n  storage:\n    - name: legacy-assets\n" \
               "      type: bucket\n"
    config.write_text(original)
    block = config_block("storage.legacy-assets", "bucket", BUCKET)  # a duplicate name
    with pytest.raises(GenesysError, match="does not load"):
        add_block_to_config(config, "yaml", block, "storage.legacy-assets")
    assert config.read_text() == original
    assert [p.name for p in tmp_path.iterdir()] == ["genesys.yaml"]
