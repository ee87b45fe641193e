"""The root model's blocks: policies, providers, state, outputs, provider names."""

from __future__ import annotations

import pytest
from genesys.config import load_config


def test_policy_enforcement_levels_in_both_forms(write):
    listed = load_config(
        write(
            "a.yaml",
            """
        policies:
          - no_public_buckets: true
          - max_cost_per_month: {value: 250.5, enforcement: advisory}
          - require_tags: {value: [Team]}
    """,
        )
    ).policies
    tabled = load_config(
        write(
            "a.toml",
            """
        [policies]
        no_public_buckets = true
        max_cost_per_month = { value = 250.5, enforcement = "advisory" }
        require_tags = { value = ["Team"] }
    """,
        )
    ).policies
    assert listed == tabled
    assert listed.max_cost_per_month == 250.5
    assert listed.level("max_cost_per_month") == "advisory"
    assert listed.level("require_tags") == "advisory"  # the default for tag rules
    assert listed.level("no_public_buckets") == "mandatory"
    assert listed.require_encryption is False


def test_unknown_price_option_in_both_forms_and_a_bad_value_located(write, errors_of):
    listed = load_config(
        write(
            "a.yaml",
            """
        policies:
          - max_cost_per_month: {value: 10, unknown_price: warn}
    """,
        )
    ).policies
    tabled = load_config(
        write(
            "a.toml",
            """
        [policies]
        max_cost_per_month = { value = 10, unknown_price = "warn" }
    """,
        )
    ).policies
    assert listed == tabled
    assert listed.unknown_price_handling("max_cost_per_month") == "warn"
    errors = errors_of(
        "genesys.yaml",
        """
        policies:
          - no_public_buckets: true
          - max_cost_per_month: {value: 10, unknown_price: maybe}
    """,
    )
    assert [(e.line, e.path) for e in errors] == [(3, "policies.max_cost_per_month")]
    assert errors[0].message == "unknown `unknown_price` value 'maybe'"
    assert errors[0].hint == "expected 'fail' or 'warn'"
    misplaced = errors_of(
        "genesys.yaml",
        """
        policies:
          - require_encryption: {value: true, unknown_price: fail}
    """,
    )
    assert [(e.line, e.path) for e in misplaced] == [(2, "policies.require_encryption")]


def test_unknown_policy_and_repeated_policy(errors_of):
    errors = errors_of(
        "genesys.yaml",
        """
        policies:
          - no_public_bucket: true
          - require_tags: [a]
          - require_tags: [b]
    """,
    )
    assert [(e.line, e.path) for e in errors] == [
        (2, "policies.no_public_bucket"),
        (4, "policies.require_tags"),
    ]
    assert errors[0].hint == "did you mean 'no_public_buckets'?"
    assert errors[1].message == "policy 'require_tags' is set twice"


def test_provider_settings_shape(write):
    cfg = load_config(
        write(
            "genesys.toml",
            """
        provider = "aws"

        [providers.aws]
        version = "~>1.4"
        profile = "dev"
        endpoints = { ec2 = "http://127.0.0.1:5000", s3 = "https://s3.local:4443/x" }

        [providers.local]
        rate_limit = { burst = 50, per_second = 5 }
    """,
        )
    )
    aws = cfg.provider_settings()
    assert (aws.version, aws.settings) == ("~>1.4", {"profile": "dev"})
    assert aws.endpoints["ec2"] == "http://127.0.0.1:5000"
    assert cfg.providers["local"].settings == {"rate_limit": {"burst": 50, "per_second": 5}}
    assert load_config(write("empty.yaml", "provider: gcp\n")).provider_settings().settings == {}


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [
        (
            "providers:\n  aws:\n    version: latest\n",
            "providers.aws.version",
            "invalid version constraint 'latest'",
        ),
        (
            "providers:\n  aws:\n    endpoints: {ec2: localhost:5000}\n",
            "providers.aws.endpoints.ec2",
            "invalid URL",
        ),
        ("providers:\n  AWS: {}\n", "providers.AWS", "invalid provider name"),
        ("state:\n  backend: s3\n", "state.bucket", "the s3 backend needs `bucket`"),
        ("state:\n  backend: azureblob\n  container: c\n", "state.storage_account", "needs"),
        (
            "outputs:\n  x: {value: a, sensitiv: true}\n",
            "outputs.x.sensitiv",
            "did you mean 'sensitive'?",
        ),
        (
            "outcomes:\n  static-site: {domain: 'not a domain'}\n",
            "outcomes.static-site.domain",
            "invalid domain",
        ),
        ("outcomes:\n  blog: {}\n", "outcomes.blog", "valid keys: static-site, api"),
    ],
)
def test_root_block_errors(write, text, path, words):
    from genesys.config import inspect_config

    errors = inspect_config(write("genesys.yaml", text)).errors
    assert [e.path for e in errors] == [path]
    assert words in str(errors[0])


def test_provider_name_typo_is_a_warning_with_a_hint(write):
    cfg = load_config(write("genesys.yaml", "provider: asw\n"))
    (warning,) = cfg.warnings
    assert (warning.line, warning.path, warning.hint) == (1, "provider", "did you mean 'aws'?")
    # a third-party name is fine, but a plugin that is not installed is said so (issue 13)
    (missing,) = load_config(write("other.yaml", "provider: mycloud\n")).warnings
    assert "no plugin of that name is installed" in missing.message
    assert "genesys-provider-mycloud" not in missing.message


def test_numbers_are_accepted_where_text_is_expected(write):
    cfg = load_config(
        write(
            "genesys.yaml",
            """
        resources:
          database:
            - {name: db, engine: postgres, version: 14, tags: {Cost: 12}}
    """,
        )
    )
    assert cfg.resources.database[0].version == "14"
    assert cfg.resources.database[0].tags == {"Cost": "12"}
