"""`${...}` references: parsing, checking, dependency edges, sensitivity and cycles."""

from __future__ import annotations

import pytest
from genesys.config import Ref, Template, expand, load_config, parse_value, resolve_value
from genesys.config.refs import tokenize
from genesys.errors import ConfigError


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("plain", "plain"),
        ("${database.app-db.endpoint}", Ref("database.app-db", "endpoint")),
        ("${ account_id }", Ref("", "account_id")),
        ("${compute.web[2].private_ip}", Ref("compute.web[2]", "private_ip")),
        ("${network.main-vpc.subnet.public.id}", Ref("network.main-vpc.subnet.public", "id")),
        (
            "pg://${database.db.endpoint}/app",
            Template(("pg://", Ref("database.db", "endpoint"), "/app")),
        ),
        ("echo $${HOME} $$ $x", "echo ${HOME} $$ $x"),
        ("s-${region}", Template(("s-", Ref("", "region")))),
    ],
)
def test_parse_value(text, value):
    assert parse_value(text) == value


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("${}", "empty reference"),
        ("${database}", "invalid reference '${database}'"),
        ("${database.db}", "invalid reference"),
        ("x ${oops", "unterminated reference"),
    ],
)
def test_tokenize_reports_syntax_errors(text, error):
    _, errors = tokenize(text)
    assert len(errors) == 1 and error in errors[0]


def test_resolve_value_renders_templates_and_keeps_whole_refs_typed():
    values: dict[str, dict[str, object]] = {
        "db": {"endpoint": "h:5432", "port": 5432},
        "": {"account_id": "123"},
    }
    value = {
        "a": Ref("db", "port"),
        "b": Template(("x-", Ref("", "account_id"), "-", Ref("db", "port"))),
        "c": [Ref("db", "endpoint")],
    }
    resolved = resolve_value(value, lambda r: values[r.address][r.attribute])
    assert resolved == {"a": 5432, "b": "x-123-5432", "c": ["h:5432"]}


def test_references_to_counted_compute_need_a_valid_index(errors_of):
    errors = errors_of(
        "genesys.yaml",
        """
        resources:
          compute:
            - name: web
              count: 2
          serverless:
            - name: fn
              runtime: python3.12
              environment:
                A: ${compute.web.private_ip}
                B: ${compute.web[2].private_ip}
                C: ${compute.web[1].private_ip}
    """,
    )
    assert [(e.line, e.path) for e in errors] == [
        (9, "resources.serverless[0].environment.A"),
        (10, "resources.serverless[0].environment.B"),
    ]
    assert "compute.web has count = 2: refer to one instance (in ${compute.web.private_ip})" in (
        errors[0].message
    )
    assert errors[0].hint == "e.g. compute.web[0]"
    assert "index out of range" in errors[1].message


def test_unknown_attribute_lists_what_the_kind_exposes(errors_of):
    (error,) = errors_of(
        "genesys.yaml",
        """
        resources:
          storage:
            - {name: b, type: bucket}
        outputs:
          x: ${storage.b.zzz}
    """,
    )
    assert error.message == "storage.b (a bucket) has no attribute 'zzz'"
    assert error.hint is not None and "endpoint" in error.hint and "versioning" in error.hint


def test_identity_references_only_in_state(errors_of):
    (error,) = errors_of(
        "genesys.yaml",
        """
        resources:
          storage:
            - {name: b, type: bucket}
        state:
          backend: s3
          bucket: state-${account_id}-${storage.b.name}
    """,
    )
    assert (error.line, error.path) == (6, "state.bucket")
    assert "state settings may only use ${account_id}" in error.message


def test_references_are_not_allowed_in_provider_settings(errors_of):
    (error,) = errors_of(
        "genesys.yaml",
        """
        providers:
          aws:
            profile: p-${region}
    """,
    )
    assert (error.line, error.path) == (3, "providers.aws.profile")


def test_count_index_only_inside_counted_compute(errors_of):
    (error,) = errors_of(
        "genesys.yaml",
        """
        resources:
          compute:
            - name: one
              user_data: "echo ${count.index}"
            - name: many
              count: 2
              user_data: "echo ${count.index}"
    """,
    )
    assert (error.line, error.path) == (4, "resources.compute[0].user_data")


def test_cycle_through_implicit_edges_is_found(errors_of):
    """The balancer targets the instances, whose user_data reads the balancer's name."""
    (error,) = errors_of(
        "genesys.yaml",
        """
        resources:
          network:
            - name: net
              cidr: 10.0.0.0/16
              subnets: [{name: a, cidr: 10.0.1.0/24, public: true}]
              load_balancers:
                - name: lb
                  targets: [web]
          compute:
            - name: web
              network: net
              user_data: "curl ${network.net.load_balancer.lb.dns_name}"
    """,
    )
    assert error.path == "resources.compute[0].user_data"
    assert error.message == (
        "reference cycle: compute.web -> network.net.load_balancer.lb -> compute.web"
    )


def test_self_reference_is_a_cycle(errors_of):
    (error,) = errors_of(
        "genesys.yaml",
        """
        resources:
          serverless:
            - name: fn
              runtime: python3.12
              environment:
                SELF: ${serverless.fn.url}
    """,
    )
    assert error.message == "reference cycle: serverless.fn -> serverless.fn"


def test_three_resource_cycle_is_reported_once(errors_of):
    errors = errors_of(
        "genesys.yaml",
        """
        resources:
          serverless:
            - {name: a, runtime: python3.12, environment: {X: "${serverless.b.url}"}}
            - {name: b, runtime: python3.12, environment: {X: "${serverless.c.url}"}}
            - {name: c, runtime: python3.12, environment: {X: "${serverless.a.url}"}}
    """,
    )
    assert [e.message for e in errors] == [
        "reference cycle: serverless.a -> serverless.b -> serverless.c -> serverless.a"
    ]


def test_sensitive_values_propagate_and_outputs_must_say_so(write):
    text = """
        resources:
          database:
            - {name: db, engine: postgres}
          serverless:
            - name: fn
              runtime: python3.12
              environment:
                PASSWORD: ${database.db.password}
        outputs:
          password: ${database.db.password}
    """
    with pytest.raises(ConfigError) as caught:
        load_config(write("a.yaml", text))
    (error,) = caught.value.diagnostics
    assert (error.path, error.hint) == ("outputs.password", "add sensitive: true to the output")
    fixed = text.replace(
        "password: ${database.db.password}",
        'password: {value: "${database.db.password}", sensitive: true}',
    )
    cfg = load_config(write("b.yaml", fixed))
    fn = next(r for r in expand(cfg) if r.address == "serverless.fn")
    assert fn.sensitive == frozenset({"environment"})
    assert cfg.outputs["password"].sensitive
    assert cfg.outputs["password"].expression == Ref("database.db", "password")


def test_explicit_reference_to_an_implicit_group_works(write):
    cfg = load_config(
        write(
            "genesys.yaml",
            """
        resources:
          network:
            - {name: net, cidr: 10.0.0.0/16}
          compute:
            - {name: web, network: net, security_groups: [web-sg]}
        outputs:
          sg: ${network.net.security_group.web-sg.id}
    """,
        )
    )
    assert cfg.outputs["sg"].expression == Ref("network.net.security_group.web-sg", "id")
