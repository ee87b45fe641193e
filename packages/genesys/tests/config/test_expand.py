"""Expansion into DesiredResources: count, defaults, links, outcomes, code, support."""

from __future__ import annotations

import hashlib
import io
import os
import runpy
import zipfile

import pytest
from genesys.config import Ref, expand, load_config, unsupported
from genesys.config.code import zip_directory
from genesys.errors import ConfigError
from genesys.kinds import KINDS

NETWORK = """
resources:
  network:
    - name: net
      cidr: 10.0.0.0/16
      subnets:
        - {name: pub, cidr: 10.0.1.0/24, public: true}
        - {name: priv, cidr: 10.0.2.0/24}
"""


def resources_of(write, text, name="genesys.yaml"):
    return {r.address: r for r in expand(load_config(write(name, text)))}


def test_every_attribute_is_a_field_of_the_kinds_config_message(write):
    from .conftest import SEED_YAML

    for resource in expand(load_config(SEED_YAML)):
        kind = KINDS[resource.kind]
        allowed = kind.config_fields or kind.exported_attributes
        assert set(resource.attributes) <= allowed, resource.address


def test_count_expands_to_indexed_addresses_with_count_index(write):
    found = resources_of(
        write,
        NETWORK
        + """
  compute:
    - name: web
      count: 3
      network: net
      user_data: "echo node ${count.index}"
      tags: {Slot: "${count.index}"}
""",
    )
    instances = [a for a in found if a.startswith("compute.")]
    assert instances == ["compute.web[0]", "compute.web[1]", "compute.web[2]"]
    third = found["compute.web[2]"].attributes
    assert (third["name"], third["user_data"], third["tags"]) == (
        "web-2",
        "echo node 2",
        {"Slot": "2"},
    )
    # No `subnet:` means the network's first subnet.
    assert third["subnet_id"] == Ref("network.net.subnet.pub", "id")


def test_explicit_subnet_and_default_size_and_image(write):
    found = resources_of(
        write,
        NETWORK
        + """
  compute:
    - {name: db-proxy, network: net, subnet: priv}
""",
    )
    attributes = found["compute.db-proxy"].attributes
    assert attributes["subnet_id"] == Ref("network.net.subnet.priv", "id")
    assert (attributes["size"], attributes["image"]) == ("small", "ubuntu-lts")
    assert "user_data" not in attributes


def test_load_balancer_defaults_and_targets(write):
    found = resources_of(
        write,
        NETWORK.replace(
            "subnets:",
            """load_balancers:
        - name: public-lb
          targets: [web, solo]
        - name: inside
          internal: true
          targets: ["web[1]"]
      subnets:""",
        )
        + """
  compute:
    - {name: web, count: 2, network: net}
    - {name: solo, network: net}
""",
    )
    public = found["network.net.load_balancer.public-lb"].attributes
    assert public["subnet_ids"] == [Ref("network.net.subnet.pub", "id")]
    assert public["listeners"] == [{"protocol": "http", "port": 80, "target_port": 80}]
    assert public["target_instance_ids"] == [
        Ref("compute.web[0]", "id"),
        Ref("compute.web[1]", "id"),
        Ref("compute.solo", "id"),
    ]
    inside = found["network.net.load_balancer.inside"].attributes
    assert inside["subnet_ids"] == [Ref("network.net.subnet.priv", "id")]
    assert inside["target_instance_ids"] == [Ref("compute.web[1]", "id")]
    assert found["network.net.load_balancer.inside"].depends_on >= {"compute.web[1]"}


def test_security_group_rules_and_egress_default(write):
    found = resources_of(
        write,
        NETWORK
        + """
      security_groups:
        - name: web
          ingress:
            - {port: 443, cidr_blocks: [0.0.0.0/0]}
            - {protocol: udp, from_port: 53, to_port: 54, source_security_group: dns}
        - name: closed
          egress: []
""",
    )
    web = found["network.net.security_group.web"].attributes
    assert web["ingress"][0] == {
        "protocol": "tcp",
        "from_port": 443,
        "to_port": 443,
        "cidr_blocks": ["0.0.0.0/0"],
    }
    assert web["ingress"][1]["source_security_group_id"] == Ref(
        "network.net.security_group.dns", "id"
    )
    assert web["egress"] == [
        {"protocol": "all", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}
    ]
    assert found["network.net.security_group.closed"].attributes["egress"] == []
    assert found["network.net.security_group.dns"].origin == "implicit"


def test_volume_attachment_is_its_own_resource(write):
    found = resources_of(
        write,
        """
        resources:
          compute:
            - {name: web, count: 2}
          storage:
            - {name: data, type: volume, size_gb: 20, volume_class: ssd, attach_to: "web[1]",
               device: /dev/sdf}
    """,
    )
    attachment = found["storage.data.attachment"]
    assert attachment.kind == "volume_attachment"
    assert attachment.attributes == {
        "volume_id": Ref("storage.data", "id"),
        "instance_id": Ref("compute.web[1]", "id"),
        "device": "/dev/sdf",
    }
    assert attachment.depends_on == {"storage.data", "compute.web[1]"}


def test_attach_to_a_counted_compute_needs_an_index(errors_of):
    (error,) = errors_of(
        "genesys.yaml",
        """
        resources:
          compute:
            - {name: web, count: 2}
          storage:
            - {name: data, type: volume, size_gb: 20, attach_to: web}
    """,
    )
    assert (error.path, error.hint) == ("resources.storage[0].attach_to", "e.g. web[0]")


def test_database_placement_defaults_to_every_subnet(write):
    found = resources_of(
        write,
        NETWORK
        + """
  database:
    - name: db
      engine: mysql
      storage: 50
      network: net
      security_groups: [db-sg]
      backup: {retention_days: 3}
""",
    )
    attributes = found["database.db"].attributes
    assert attributes["subnet_ids"] == [
        Ref("network.net.subnet.pub", "id"),
        Ref("network.net.subnet.priv", "id"),
    ]
    assert attributes["security_group_ids"] == [Ref("network.net.security_group.db-sg", "id")]
    assert (attributes["storage_gb"], attributes["backup"]) == (50, {"retention_days": 3})


def test_static_site_without_https_or_domain(write):
    found = resources_of(
        write,
        """
        outcomes:
          static-site:
            enable_https: false
    """,
    )
    assert sorted(found) == ["outcome.static-site.bucket", "outcome.static-site.cdn"]
    assert found["outcome.static-site.cdn"].attributes["https"] is False
    assert found["outcome.static-site.bucket"].attributes["public_access"] is False


def test_static_site_without_cdn_is_a_public_bucket(write):
    found = resources_of(
        write,
        """
        outcomes:
          static-site: {enable_cdn: false, enable_https: false, name: site}
    """,
    )
    (bucket,) = found.values()
    assert bucket.attributes["public_access"] is True
    assert bucket.attributes["website"] == {
        "index_document": "index.html",
        "error_document": "404.html",
    }


def test_https_without_cdn_is_an_error(errors_of):
    (error,) = errors_of(
        "genesys.yaml",
        """
        outcomes:
          static-site:
            enable_cdn: false
    """,
    )
    assert error.path == "outcomes.static-site.enable_https"


def test_function_code_is_a_deterministic_zip_of_the_source(write, tmp_path):
    source = tmp_path / "src"
    (source / "pkg" / "__pycache__").mkdir(parents=True)
    (source / "main.py").write_text("def handler(e, c):\n    return 'hi'\n")
    (source / "pkg" / "util.py").write_text("X = 1\n")
    (source / "pkg" / "__pycache__" / "util.cpython-311.pyc").write_bytes(b"junk")
    text = """
        resources:
          serverless:
            - {name: fn, runtime: python3.12, source: src}
    """
    first = resources_of(write, text)["serverless.fn"].attributes["code"]
    os.utime(source / "main.py", (1, 1))  # timestamps must not matter
    second = resources_of(write, text)["serverless.fn"].attributes["code"]
    assert first == second
    assert first["sha256"] == hashlib.sha256(first["zip"]).hexdigest()
    archive = zipfile.ZipFile(io.BytesIO(first["zip"]))
    assert archive.namelist() == ["main.py", "pkg/util.py"]
    assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    (source / "main.py").write_text("def handler(e, c):\n    return 'changed'\n")
    assert resources_of(write, text)["serverless.fn"].attributes["code"] != first


def test_zip_file_source_is_used_as_is(write, tmp_path):
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "index.js").write_text("exports.handler = async () => 1;\n")
    (tmp_path / "bundle.zip").write_bytes(zip_directory(tmp_path / "code"))
    code = resources_of(
        write,
        """
        resources:
          layers:
            - {name: shared, source: bundle.zip, compatible_runtimes: [nodejs20]}
          serverless:
            - {name: fn, runtime: nodejs20, source: code, layers: [shared]}
    """,
    )
    assert code["layer.shared"].attributes["code"]["zip"] == (tmp_path / "bundle.zip").read_bytes()
    assert code["serverless.fn"].attributes["layer_ids"] == [Ref("layer.shared", "id")]
    assert code["serverless.fn"].depends_on == {"layer.shared"}


def test_missing_source_and_unknown_layer_are_errors(errors_of):
    errors = errors_of(
        "genesys.yaml",
        """
        resources:
          serverless:
            - {name: fn, runtime: python3.12, source: nowhere, layers: [shraed]}
            - {name: jv, runtime: java17}
    """,
    )
    assert [(e.line, e.path) for e in errors] == [
        (3, "resources.serverless[0].source"),
        (3, "resources.serverless[0].layers[0]"),
        (4, "resources.serverless[1]"),
    ]
    assert "source 'nowhere' does not exist" in errors[0].message
    assert errors[1].message == "undefined layer 'shraed'"
    assert errors[1].hint == "no layers are declared in resources.layers"
    assert "no placeholder for java17" in errors[2].message


def test_placeholder_handler_answers_with_an_error(write, tmp_path):
    fn = resources_of(
        write,
        """
        resources:
          serverless:
            - {name: api-handler, runtime: python3.11, handler: app.main.serve}
    """,
    )["serverless.api-handler"]
    archive = zipfile.ZipFile(io.BytesIO(fn.attributes["code"]["zip"]))
    assert archive.namelist() == ["app/main.py"]
    (tmp_path / "main.py").write_bytes(archive.read("app/main.py"))
    module = runpy.run_path(str(tmp_path / "main.py"))
    assert module["serve"]({}, None) == {"error": "no source configured for api-handler"}


def test_unsupported_kinds_are_named_at_the_outcome(write):
    resources = expand(
        load_config(
            write(
                "genesys.yaml",
                """
        outcomes:
          static-site: {domain: example.com}
        resources:
          storage:
            - {name: v, type: volume, size_gb: 1}
    """,
            )
        )
    )
    kinds = set(KINDS) - {"cdn", "certificate", "volume"}
    problems = unsupported(resources, "local", kinds)
    messages = [str(p) for p in problems]
    assert len(messages) == 3
    assert any(
        "the static-site outcome needs a cdn (outcome.static-site.cdn), which provider "
        "'local' cannot provide" in m
        for m in messages
    )
    assert any(
        m.startswith(str(p.file)) and ":5:7: " in m and "storage.v" in m
        for m, p in zip(messages, problems, strict=False)
    )
    assert unsupported(resources, "aws", KINDS) == []
    (whole,) = {str(p) for p in unsupported(resources, "x", KINDS, outcomes=[])}
    assert "cannot realise the static-site outcome" in whole


def test_expand_reports_errors_like_load(write):
    cfg = load_config(
        write(
            "genesys.yaml",
            """
        resources:
          serverless:
            - {name: fn, runtime: python3.12, source: code}
    """.replace("source: code", "source: ."),
        )
    )
    (cfg.base_dir / "genesys.yaml").unlink()
    cfg.resources.serverless[0].source = "gone"
    with pytest.raises(ConfigError) as caught:
        expand(cfg)
    assert caught.value.diagnostics[0].path == "resources.serverless[0].source"
