"""`genesys invoke`'s call against the real local plugin, whose rate_limit throttles invokes
before running them: THROTTLED is retried, and every function still runs exactly once."""

from __future__ import annotations

import io
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from genesys.cli.commands.invoke import invoke_function
from genesys.engine.executor import gate_for
from genesys.engine.progress import Progress
from genesys.engine.session import RunOptions, Session
from genesys.errors import GenesysError

HANDLER = """
import json, os

def handler(event, context):
    with open(os.environ["RUNS"], "a") as runs:  # one line per run of the function
        runs.write(json.dumps(event) + "\\n")
    return {"n": event["n"]}
"""


def _deployed(tmp_path: Path, burst: int, per_second: float) -> tuple[Path, Path]:
    """A config with one function behind the given rate limit; its runs log's path."""
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "main.py").write_text(HANDLER)
    runs = tmp_path / "runs.log"
    config = tmp_path / "genesys.yaml"
    config.write_text(
        "provider: local\nproviders:\n  local:\n"
        f"    rate_limit: {{burst: {burst}, per_second: {per_second}}}\n"
        "resources:\n  serverless:\n    - name: counter\n      runtime: python3.11\n"
        "      handler: main.handler\n      source: ./fn\n      timeout: 30\n"
        f"      environment:\n        RUNS: {runs}\n"
    )
    return config, runs


def _apply(session: Session) -> Any:
    plan = session.plan(RunOptions(refresh=False))
    result = session.apply(plan, Progress(out=io.StringIO()), RunOptions())
    assert result.ok, result.errors
    return session.state.resources["serverless.counter"]


def test_throttled_invokes_are_retried_and_each_runs_once(tmp_path: Path) -> None:
    # a bucket of 2 (the create took one) and 3 invokes at once: at least one is throttled,
    # however slow the machine, unless the three arrive 2 s apart
    config, runs = _deployed(tmp_path, burst=2, per_second=0.5)
    notes: list[tuple[str, float]] = []

    with Session.open(config, operation="apply") as session:
        record = _apply(session)

        def invoke(n: int) -> Any:
            payload = json.dumps({"n": n}).encode()
            return invoke_function(session, record, payload, lambda *note: notes.append(note))

        with ThreadPoolExecutor(max_workers=3) as pool:
            answers = list(pool.map(invoke, range(3)))
        gate = gate_for(session.conn)

    assert [(a.function_error, json.loads(a.payload)) for a in answers] == [
        ("", {"n": 0}), ("", {"n": 1}), ("", {"n": 2})
    ]  # fmt: skip
    assert gate.throttled >= 1
    assert notes and notes[0][0] == "serverless.counter" and notes[0][1] > 0
    ran = sorted(json.loads(line)["n"] for line in runs.read_text().splitlines())
    assert ran == [0, 1, 2]  # a throttled invoke never ran: retrying ran nothing twice


def test_still_throttled_when_time_runs_out_is_one_error_naming_the_function(
    tmp_path: Path,
) -> None:
    config, runs = _deployed(tmp_path, burst=1, per_second=0.01)  # the create takes the token

    with Session.open(config, operation="apply") as session:
        record = _apply(session)
        with pytest.raises(GenesysError) as refused:
            invoke_function(session, record, b'{"n": 0}', throttle_seconds=1.0)

    message = str(refused.value)
    assert message.startswith("serverless.counter: still throttled by the provider")
    assert "rate limit exceeded" in message
    assert not runs.exists()
