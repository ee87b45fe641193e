"""A create a crashed run left in flight, which recovery cannot find by its token, is kept
while the config wants its address and resumed with that token (`resume_interrupted`); it is
dropped once the config no longer wants it. Real engine, real local plugin, real state."""

from __future__ import annotations

import io
from pathlib import Path

from genesys.engine.operations import interrupted_create_token
from genesys.engine.plan import Action
from genesys.engine.progress import Progress
from genesys.engine.render import render_plan
from genesys.engine.session import RunOptions, Session
from genesys.state import Intent, LocalBackend, StateManager, local_state_directory

TOKEN = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
BUCKET = "provider: local\nresources:\n  storage:\n    - name: logs\n      type: bucket\n"
EMPTY = "provider: local\nresources: {}\n"


def _crashed_create(config: Path) -> None:
    """What a run killed during CreateBucket leaves: the durable intent, nothing recorded."""
    state = StateManager.open(LocalBackend(local_state_directory(config)), operation="apply")
    try:
        state.begin(Intent("storage.logs", "bucket", "local", "create", TOKEN))
    finally:
        state.close()


def _state(config: Path) -> StateManager:
    return StateManager.open(LocalBackend(local_state_directory(config)), lock=False)


def test_a_create_not_found_by_its_token_is_resumed_with_that_token(tmp_path: Path) -> None:
    config = tmp_path / "genesys.yaml"
    config.write_text(BUCKET)
    _crashed_create(config)

    with Session.open(config, operation="apply") as session:  # recovery runs here
        assert interrupted_create_token(session.state, "storage.logs", "bucket") == TOKEN
        plan = session.plan(RunOptions())
        (change,) = plan.changes
        assert change.action is Action.CREATE
        assert change.drift == "resuming an interrupted create"
        assert "# (resuming an interrupted create)" in render_plan(plan, {})
        result = session.apply(plan, Progress(out=io.StringIO()), RunOptions())
        assert result.ok, result.errors

    state = _state(config)
    try:
        assert state.intents == {}
        assert state.resources["storage.logs"].idempotency_token == TOKEN
    finally:
        state.close()


def test_a_create_the_config_no_longer_wants_is_dropped(tmp_path: Path) -> None:
    config = tmp_path / "genesys.yaml"
    config.write_text(EMPTY)
    _crashed_create(config)

    with Session.open(config, operation="apply") as session:
        assert session.state.intents == {}
    config.write_text(BUCKET)
    with Session.open(config, operation="apply") as session:
        (change,) = session.plan(RunOptions()).changes
        assert change.action is Action.CREATE and change.drift == ""


def test_a_create_without_a_crash_behind_it_gets_a_fresh_token(tmp_path: Path) -> None:
    config = tmp_path / "genesys.yaml"
    config.write_text(BUCKET)
    with Session.open(config, operation="apply") as session:
        plan = session.plan(RunOptions())
        assert plan.changes[0].drift == ""
        assert session.apply(plan, Progress(out=io.StringIO()), RunOptions()).ok
    state = _state(config)
    try:
        token = state.resources["storage.logs"].idempotency_token
        assert token and token != TOKEN
    finally:
        state.close()
