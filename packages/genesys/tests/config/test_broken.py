"""Hand-written broken configs: each fails with exit code 1 and a message naming the
right line, column and field path."""

from __future__ import annotations

import pytest
from genesys.cli.main import main
from genesys.config import load_config
from genesys.errors import ConfigError

NET = """
  network:
    - name: main-vpc
      cidr: 10.0.0.0/16
      subnets:
        - name: public
          cidr: 10.0.1.0/24
"""

# name -> (file name, text, [(line, column, path, words the message must contain)])
CASES = {
    "typo in a key": (
        "genesys.yaml",
        """
        resources:
          compute:
            - name: web
              imagee: ubuntu-lts
        """,
        [(4, 7, "resources.compute[0].imagee", "unknown key 'imagee' (did you mean 'image'?)")],
    ),
    "typo in a top-level key": (
        "genesys.yaml",
        """
        provider: aws
        regoin: us-east-1
        """,
        [(2, 1, "regoin", "did you mean 'region'?")],
    ),
    "bad size": (
        "genesys.yaml",
        """
        resources:
          compute:
            - name: web
              type: mediun
        """,
        [(4, 7, "resources.compute[0].type", "unknown size 'mediun' (did you mean 'medium'?)")],
    ),
    "bad engine": (
        "genesys.yaml",
        """
        resources:
          database:
            - name: db
              engine: postgress
        """,
        [(4, 7, "resources.database[0].engine", "unknown engine 'postgress'")],
    ),
    "bad runtime": (
        "genesys.toml",
        """
        [[resources.serverless]]
        name = "fn"
        runtime = "python2.7"
        """,
        [(3, 1, "resources.serverless[0].runtime", "unknown runtime 'python2.7'")],
    ),
    "CIDR with a bad prefix": (
        "genesys.yaml",
        """
        resources:
          network:
            - name: main-vpc
              cidr: 10.0.0.0/33
        """,
        [(4, 7, "resources.network[0].cidr", "invalid CIDR '10.0.0.0/33'")],
    ),
    "CIDR with host bits": (
        "genesys.yaml",
        """
        resources:
          network:
            - name: main-vpc
              cidr: 10.0.0.1/16
        """,
        [(4, 7, "resources.network[0].cidr", "did you mean '10.0.0.0/16'?")],
    ),
    "subnet outside its network": (
        "genesys.yaml",
        "resources:"
        + NET.rstrip()
        + """
        - name: stray
          cidr: 192.168.0.0/24
    """,
        [(9, 11, "resources.network[0].subnets[1].cidr", "outside its network (10.0.0.0/16)")],
    ),
    "overlapping subnets": (
        "genesys.yaml",
        "resources:"
        + NET.rstrip()
        + """
        - name: half
          cidr: 10.0.1.128/25
    """,
        [(9, 11, "resources.network[0].subnets[1].cidr", "overlaps subnet 'public'")],
    ),
    "duplicate names": (
        "genesys.yaml",
        """
        resources:
          storage:
            - name: data
              type: bucket
            - name: data
              type: volume
              size_gb: 5
        """,
        [(5, 7, "resources.storage[1].name", "duplicate name 'data': already used on line 3")],
    ),
    "count below one": (
        "genesys.toml",
        """
        [[resources.compute]]
        name = "web"
        count = 0
        """,
        [(3, 1, "resources.compute[0].count", "must be at least 1")],
    ),
    "wrong types": (
        "genesys.toml",
        """
        [[resources.compute]]
        name = "web"
        count = "three"
        security_groups = "web-sg"

        [resources.compute.tags]
        Team = ["platform"]
        """,
        [
            (3, 1, "resources.compute[0].count", "expected an integer, got string 'three'"),
            (4, 1, "resources.compute[0].security_groups", "expected a list"),
            (7, 1, "resources.compute[0].tags.Team", "expected a string, got a list"),
        ],
    ),
    "undefined reference": (
        "genesys.yaml",
        """
        resources:
          serverless:
            - name: fn
              runtime: python3.12
              environment:
                DB_HOST: ${database.app-db.endpoint}
        """,
        [
            (
                6,
                9,
                "resources.serverless[0].environment.DB_HOST",
                "nothing is declared at 'database.app-db'",
            )
        ],
    ),
    "unknown attribute": (
        "genesys.yaml",
        """
        resources:
          database:
            - name: app-db
              engine: postgres
          serverless:
            - name: fn
              runtime: python3.12
              environment:
                DB_HOST: ${database.app-db.endpiont}
        """,
        [
            (
                9,
                9,
                "resources.serverless[0].environment.DB_HOST",
                "has no attribute 'endpiont' (did you mean 'endpoint'?)",
            )
        ],
    ),
    "reference cycle": (
        "genesys.yaml",
        """
        resources:
          serverless:
            - name: a
              runtime: python3.12
              environment:
                PEER: ${serverless.b.url}
            - name: b
              runtime: python3.12
              environment:
                PEER: ${serverless.a.url}
        """,
        [
            (
                6,
                9,
                "resources.serverless[0].environment.PEER",
                "reference cycle: serverless.a -> serverless.b -> serverless.a",
            )
        ],
    ),
    "undefined network": (
        "genesys.yaml",
        "resources:"
        + NET.rstrip()
        + """
  compute:
    - name: web
      network: main-vcp
""",
        [
            (
                10,
                7,
                "resources.compute[0].network",
                "undefined network 'main-vcp' (did you mean 'main-vpc'?)",
            )
        ],
    ),
    "bad TOML syntax": (
        "genesys.toml",
        """
        provider = "aws"
        region = "us-east-1

        [resources]
        """,
        [(2, 20, "", "invalid TOML")],
    ),
    "bad YAML syntax": (
        "genesys.yaml",
        """
        provider: aws
        resources:
          compute:
            - name: web
             type: small
        """,
        [(5, 6, "", "invalid YAML: did not find expected '-' indicator")],
    ),
    "duplicate YAML key": (
        "genesys.yaml",
        """
        provider: aws
        region: us-east-1
        provider: gcp
        """,
        [(3, 1, "provider", "duplicate key 'provider' (first written on line 1)")],
    ),
    "typo in a TOML table header": (
        "genesys.toml",
        """
        provider = "gcp"

        [outcomes.statc-site]
        domain = "example.com"
        """,
        [(3, 11, "outcomes.statc-site", "did you mean 'static-site'?")],
    ),
    "policy list item with two keys": (
        "genesys.yaml",
        """
        policies:
          - no_public_buckets: true
            require_encryption: true
        """,
        [(2, 5, "policies[0]", "one `policy: value` pair")],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_broken_config_is_reported_at_its_line(case, write):
    name, text, expected = CASES[case]
    path = write(name, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    found = [(d.line, d.column, d.path) for d in caught.value.diagnostics]
    assert found == [(line, column, p) for line, column, p, _ in expected], caught.value
    for diagnostic, (*_, words) in zip(caught.value.diagnostics, expected, strict=False):
        assert words in str(diagnostic)
        assert str(diagnostic).startswith(f"{path}:{diagnostic.line}:{diagnostic.column}: ")


@pytest.mark.parametrize("case", list(CASES))
def test_validate_command_exits_1_naming_the_line(case, write, capsys):
    name, text, expected = CASES[case]
    path = write(name, text)
    assert main(["validate", "-c", str(path)]) == 1
    err = capsys.readouterr().err
    for line, column, _, words in expected:
        assert f"{path}:{line}:{column}: " in err
        assert words in err
    assert "Traceback" not in err


def test_all_problems_are_reported_at_once_across_phases(write):
    """A key typo, a bad enum and an undefined reference in different blocks: all three."""
    path = write(
        "genesys.yaml",
        """
        resources:
          compute:
            - name: web
              imagee: ubuntu-lts
          database:
            - name: db
              engine: mysql
              size: huge
          serverless:
            - name: fn
              runtime: python3.12
              environment:
                X: ${storage.missing.id}
    """,
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert [(d.line, d.path) for d in caught.value.diagnostics] == [
        (4, "resources.compute[0].imagee"),
        (8, "resources.database[0].size"),
        (13, "resources.serverless[0].environment.X"),
    ]


def test_references_to_a_broken_block_are_not_reported_as_undefined(write):
    path = write(
        "genesys.yaml",
        """
        resources:
          database:
            - name: db
              engine: postgress
          serverless:
            - name: fn
              runtime: python3.12
              environment:
                X: ${database.db.endpoint}
    """,
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert [d.path for d in caught.value.diagnostics] == ["resources.database[0].engine"]


def test_missing_required_key_points_at_the_block(write):
    path = write(
        "genesys.toml",
        """
        [[resources.storage]]
        name = "vol"
        type = "volume"
    """,
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.line, diagnostic.path) == (1, "resources.storage[0].size_gb")
    assert "missing required key 'size_gb'" in diagnostic.message


def test_unknown_storage_type_is_named_with_a_hint(errors_of):
    (error,) = errors_of(
        "genesys.yaml",
        """
        resources:
          storage:
            - name: s
              type: bukket
    """,
    )
    assert (error.line, error.path) == (4, "resources.storage[0].type")
    assert str(error).endswith("unknown storage type 'bukket' (did you mean 'bucket'?)")


def test_unreadable_and_missing_files_are_errors_without_line(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "absent.yaml")
    assert str(caught.value) == f"{tmp_path / 'absent.yaml'}: file not found"
    (tmp_path / "bin.yaml").write_bytes(b"provider: aws\nregion: \xff\n")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "bin.yaml")
    assert caught.value.diagnostics[0].line == 2
    assert "not valid UTF-8" in str(caught.value)
