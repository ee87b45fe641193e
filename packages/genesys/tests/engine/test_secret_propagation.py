"""Secret-ness follows a value through references: into plan text, plan JSON, progress and
logs, never the value itself (issue 14, item 1)."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from genesys.config.desired import DesiredResource, Ref, Template
from genesys.engine.plan import Action, Plan
from genesys.engine.planner import ProviderFacts, diff_resources
from genesys.engine.progress import Progress
from genesys.engine.render import plan_to_json, render_plan
from genesys.logs import configure_logging
from genesys.redaction import SECRETS, redact
from genesys.state import ResourceRecord

SECRET = "Zq8-canary-password-1234"
FACTS = ProviderFacts(sensitive={"database": frozenset({"password"})})


def _database_record() -> ResourceRecord:
    return ResourceRecord(
        address="database.app-db",
        kind="database",
        provider="local",
        id="db-1",
        attributes={"id": "db-1", "name": "app-db", "password": SECRET, "endpoint": "h:5432"},
        sensitive=["password"],
    )


def _function(environment: dict[str, object]) -> DesiredResource:
    # As a config written by hand would give it: no `sensitive` marks from the config layer,
    # so the engine alone must find out that the environment reads a secret.
    return DesiredResource(
        "serverless.api",
        "function",
        {"name": "api", "runtime": "python3.11", "environment": environment},
        depends_on={"database.app-db"},
    )


def _plan(environment: dict[str, object], records: dict[str, ResourceRecord]) -> Plan:
    desired = [_function(environment)]
    changes = diff_resources(desired, records, FACTS, {})
    return Plan("local", "lineage", 1, "digest", changes)


def _everything_shown(plan: Plan) -> str:
    return render_plan(plan, FACTS.sensitive) + json.dumps(plan_to_json(plan, FACTS.sensitive))


@pytest.mark.parametrize(
    "value",
    [
        Ref("database.app-db", "password"),
        Template(("postgres://u:", Ref("database.app-db", "password"), "@h/db")),
    ],
)
def test_a_created_resource_reading_a_secret_hides_it(value: object) -> None:
    records = {"database.app-db": _database_record()}
    plan = _plan({"DB_PASSWORD": value, "PLAIN": "visible"}, records)
    change = plan.by_address()["serverless.api"]
    assert change.action is Action.CREATE
    assert "environment" in change.sensitive
    shown = _everything_shown(plan)
    assert SECRET not in shown
    assert "(sensitive value)" in shown


def test_an_updated_resource_reading_a_secret_hides_before_and_after() -> None:
    record = ResourceRecord(
        address="serverless.api",
        kind="function",
        provider="local",
        id="fn-1",
        attributes={
            "id": "fn-1",
            "name": "api",
            "runtime": "python3.11",
            "environment": {"URL": f"x{SECRET}"},
        },
        dependencies=["database.app-db"],
        sensitive=["environment"],
    )
    records = {"database.app-db": _database_record(), "serverless.api": record}
    url = Template(("y", Ref("database.app-db", "password")))
    plan = _plan({"URL": url}, records)
    change = plan.by_address()["serverless.api"]
    assert change.action is Action.UPDATE
    environment = next(c for c in change.attribute_changes if c.name == "environment")
    assert environment.sensitive
    assert SECRET not in _everything_shown(plan)


def test_secret_ness_is_transitive_and_recorded_on_the_desired_resource() -> None:
    records = {"database.app-db": _database_record()}
    first = _function({"URL": Template(("pg://", Ref("database.app-db", "password")))})
    second = DesiredResource(
        "serverless.b",
        "function",
        {"name": "b", "runtime": "python3.11", "environment": Ref("serverless.api", "environment")},
        depends_on={"serverless.api"},
    )
    changes = {c.address: c for c in diff_resources([first, second], records, FACTS, {})}
    assert "environment" in changes["serverless.api"].sensitive
    assert "environment" in changes["serverless.b"].sensitive
    # apply records what the desired resource says is sensitive
    assert "environment" in first.sensitive and "environment" in second.sensitive


def test_values_not_read_from_a_secret_stay_visible() -> None:
    records = {"database.app-db": _database_record()}
    plan = _plan({"HOST": Ref("database.app-db", "endpoint")}, records)
    change = plan.by_address()["serverless.api"]
    assert "environment" not in change.sensitive
    assert "h:5432" in render_plan(plan, FACTS.sensitive)


def test_progress_errors_and_logs_never_carry_a_known_secret(tmp_path: Path) -> None:
    _plan({"X": Ref("database.app-db", "password")}, {"database.app-db": _database_record()})
    assert redact(f"boom: could not connect with {SECRET}") == (
        "boom: could not connect with (sensitive value)"
    )
    out = io.StringIO()
    progress = Progress(out)
    token = progress.started("database.app-db", "create")
    progress.failed(token, f"provider said: password {SECRET} rejected")
    progress.note(f"note {SECRET}")
    assert SECRET not in out.getvalue() and "(sensitive value)" in out.getvalue()

    root = logging.getLogger("genesys")
    saved = (root.handlers[:], root.level, root.propagate)
    path = tmp_path / "log.jsonl"
    try:
        configure_logging({"GENESYS_LOG": "debug", "GENESYS_LOG_PATH": str(path)})
        logging.getLogger("genesys.apply").info("connecting with %s", SECRET)
        logging.getLogger("genesys.plugin").info(
            "plugin line", extra={"provider": "local", "plugin_fields": {"dsn": f"u:{SECRET}"}}
        )
        for handler in root.handlers:
            handler.flush()
        text = path.read_text()
    finally:
        root.handlers, root.level, root.propagate = saved
    assert SECRET not in text and "(sensitive value)" in text


def test_short_values_are_not_redacted_everywhere() -> None:
    SECRETS.add("ab")
    assert redact("abc ab") == "abc ab"


def test_a_secret_first_seen_at_apply_is_masked_from_then_on(tmp_path: Path) -> None:
    from genesys.state import LocalBackend, StateManager

    generated = "generated-at-apply-7c41e0"
    record = ResourceRecord(
        address="database.new",
        kind="database",
        provider="local",
        id="db-2",
        attributes={"id": "db-2", "password": generated},
        sensitive=["password"],
    )
    assert redact(generated) == generated
    with StateManager.open(LocalBackend(tmp_path / "state")) as state:
        state.commit(record)
    assert redact(f"connect failed: {generated}") == "connect failed: (sensitive value)"
