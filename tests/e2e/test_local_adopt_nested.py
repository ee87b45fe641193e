"""Issue 15 item 7: `adopt --generate-config` writes a subnet and a security group under
their network and one instance of a `count` block as its next index, in YAML and TOML,
keeping the file's comments; an index it cannot write gets a note saying why."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .conftest import run_genesys

YAML_FULL = """\
provider: local  # kept: a comment at the top
resources:
  network:
    - name: main  # kept: the network's comment
      cidr: 10.0.0.0/16
      subnets:
        - name: public
          cidr: 10.0.1.0/24
        - name: extra
          cidr: 10.0.2.0/24
      security_groups:
        - name: web-sg
          ingress:
            - {protocol: tcp, port: 80, cidr_blocks: ["0.0.0.0/0"]}
  compute:
    - name: web
      type: small  # kept: the size's comment
      count: 2
"""
YAML_LESS = (
    YAML_FULL.replace("        - name: extra\n          cidr: 10.0.2.0/24\n", "")
    .replace(
        "      security_groups:\n        - name: web-sg\n          ingress:\n"
        '            - {protocol: tcp, port: 80, cidr_blocks: ["0.0.0.0/0"]}\n',
        "",
    )
    .replace("count: 2", "count: 1")
)
TOML_FULL = """\
provider = "local"  # kept: a comment at the top

[[resources.network]]
name = "main"  # kept: the network's comment
cidr = "10.0.0.0/16"

[[resources.network.subnets]]
name = "public"
cidr = "10.0.1.0/24"

[[resources.network.subnets]]
name = "extra"
cidr = "10.0.2.0/24"

[[resources.network.security_groups]]
name = "web-sg"
ingress = [{ protocol = "tcp", port = 80, cidr_blocks = ["0.0.0.0/0"] }]

# kept: the compute block's comment
[[resources.compute]]
name = "web"
type = "small"
count = 2
"""
TOML_LESS = (
    TOML_FULL.replace('[[resources.network.subnets]]\nname = "extra"\ncidr = "10.0.2.0/24"\n\n', "")
    .replace(
        '[[resources.network.security_groups]]\nname = "web-sg"\n'
        'ingress = [{ protocol = "tcp", port = 80, cidr_blocks = ["0.0.0.0/0"] }]\n\n',
        "",
    )
    .replace("count = 2", "count = 1")
)
FORGOTTEN = ["network.main.subnet.extra", "network.main.security_group.web-sg", "compute.web[1]"]


def _id_of(project: Path, address: str) -> str:
    shown = run_genesys("state", "show", address, cwd=project).stdout
    match = re.search(r'^id\s+= "([^"]+)"', shown, re.M)
    assert match, shown
    return match.group(1)


@pytest.mark.parametrize(
    ("name", "full", "less"),
    [("genesys.yaml", YAML_FULL, YAML_LESS), ("genesys.toml", TOML_FULL, TOML_LESS)],
)
def test_nested_and_counted_blocks_are_written_where_they_belong(
    tmp_path: Path, name: str, full: str, less: str
) -> None:
    config = tmp_path / name
    config.write_text(full)
    applied = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    try:
        ids = {address: _id_of(tmp_path, address) for address in FORGOTTEN}
        assert run_genesys("state", "rm", *FORGOTTEN, cwd=tmp_path).returncode == 0
        config.write_text(less)
        for address, resource_id in ids.items():
            adopted = run_genesys(
                "adopt", address, resource_id, "--generate-config", cwd=tmp_path
            )
            assert adopted.returncode == 0, adopted.stdout + adopted.stderr
        text = config.read_text()
        assert text.count("kept:") == 3, text  # every comment is still there
        planned = run_genesys("plan", "--json", cwd=tmp_path)
        assert planned.returncode == 0, planned.stderr
        changes = json.loads(planned.stdout.splitlines()[0])["resource_changes"]
        assert {c["address"]: c["action"] for c in changes if c["action"] != "no-op"} == {}
    finally:
        destroyed = run_genesys("destroy", "--auto-approve", cwd=tmp_path)
        assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr


def test_an_index_beyond_the_next_one_gets_a_note_saying_why(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(YAML_FULL)
    applied = run_genesys("apply", "--auto-approve", cwd=tmp_path)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    try:
        instance = _id_of(tmp_path, "compute.web[1]")
        assert run_genesys("state", "rm", "compute.web[1]", cwd=tmp_path).returncode == 0
        (tmp_path / "genesys.yaml").write_text(YAML_FULL.replace("count: 2", "count: 1"))
        adopted = run_genesys(
            "adopt", "compute.web[3]", instance, "--generate-config", cwd=tmp_path
        )
        assert adopted.returncode == 1
        assert "would also create compute.web[1]..[2]" in adopted.stderr, adopted.stderr
        assert "count: 1" in (tmp_path / "genesys.yaml").read_text()  # nothing written
        assert run_genesys("state", "list", cwd=tmp_path).stdout.count("compute.web") == 1
        (tmp_path / "genesys.yaml").write_text(YAML_FULL)  # so destroy deletes it too
        back = run_genesys("adopt", "compute.web[1]", instance, cwd=tmp_path)
        assert back.returncode == 0, back.stdout + back.stderr
    finally:
        destroyed = run_genesys("destroy", "--auto-approve", cwd=tmp_path)
        assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
