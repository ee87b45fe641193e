"""The shared emulator layer, served for real over HTTP on 127.0.0.1."""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request
import zipfile

import pytest
from genesys_emulators.core import CloudError, FaultPlan, Operations, ServiceApp, ServiceServer
from genesys_emulators.core.functions import FunctionCode, run_handler
from genesys_emulators.core.operations import Transition
from werkzeug.routing import Rule


class Things(ServiceApp):
    rules = (
        Rule("/things/<name>", methods=["GET"], endpoint="get"),
        Rule("/things/<name>", methods=["PUT"], endpoint="put"),
    )

    def __init__(self, faults: FaultPlan | None = None) -> None:
        super().__init__(faults)
        self.things: dict[str, dict] = {}

    def get(self, request, name):
        if name not in self.things:
            raise CloudError(404, "NotFound", f"thing {name} was not found")
        return self.things[name]

    def put(self, request, name):
        self.things[name] = self.json_body(request)
        return self.things[name]


def call(url: str, method: str = "GET", body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def served():
    servers = []

    def serve(app: ServiceApp) -> str:
        server = ServiceServer(app)
        server.start()
        servers.append(server)
        return server.url

    yield serve
    for server in servers:
        server.stop()


def test_routes_json_and_cloud_errors(served):
    url = served(Things())
    assert call(f"{url}/things/a", "PUT", {"size": 2}) == (200, {"size": 2})
    assert call(f"{url}/things/a") == (200, {"size": 2})
    status, body = call(f"{url}/things/b")
    assert status == 404
    assert body["error"]["code"] == "NotFound"
    status, body = call(f"{url}/nowhere")
    assert status == 404


def test_faults_throttle_only_mutating_calls_and_repeat_with_the_seed(served):
    def statuses(seed: int) -> list[int]:
        url = served(Things(FaultPlan.parse(f"throttle=0.5,seed={seed}")))
        return [call(f"{url}/things/x", "PUT", {})[0] for _ in range(40)]

    first, again = statuses(7), statuses(7)
    assert first == again
    assert set(first) == {200, 429}
    url = served(Things(FaultPlan.parse("throttle=1")))
    assert call(f"{url}/things/x")[0] == 404  # reads are never throttled


def test_fault_spec_errors_name_the_key():
    with pytest.raises(ValueError, match="throttle"):
        FaultPlan.parse("throttle=2")
    with pytest.raises(ValueError, match="bogus"):
        FaultPlan.parse("bogus=1")
    with pytest.raises(ValueError, match="latency_ms"):
        FaultPlan.parse("latency_ms=fast")


def test_latency_is_added_to_every_call(served):
    url = served(Things(FaultPlan.parse("latency_ms=60")))
    started = time.monotonic()
    call(f"{url}/things/x")
    assert time.monotonic() - started >= 0.06


def test_operations_finish_after_polls_and_apply_their_effect_once():
    effects = []
    operations = Operations()
    op = operations.start(
        "insert", "vm-1", on_done=lambda: effects.append(1), min_polls=3, seconds=0
    )
    assert not operations.poll(op.id).done
    assert not operations.poll(op.id).done
    assert operations.poll(op.id).done
    operations.poll(op.id)
    assert effects == [1]


def test_operation_effect_may_fail_with_a_cloud_error():
    def fail() -> None:
        raise CloudError(409, "resourceInUse", "in use")

    operations = Operations()
    op = operations.start("delete", "net", on_done=fail, seconds=0)
    finished = operations.wait(op.id, timeout=1)
    assert finished.done and finished.error.code == "resourceInUse"


def test_transition_moves_through_states():
    # started in the past rather than sleeping: each read has seconds of headroom, not 30 ms
    states, now = ["PROVISIONING", "STAGING", "RUNNING"], time.monotonic()
    assert Transition(states, step=10, started=now).current() == "PROVISIONING"
    assert Transition(states, step=10, started=now - 15).current() == "STAGING"
    late = Transition(states, step=10, started=now - 25)
    assert late.current() == "RUNNING" and late.settled


def test_describes_show_every_state_in_order_never_ahead_of_the_clock():
    states = ["PENDING", "STARTING", "RUNNING"]
    due = Transition(states, step=0, shows_every_state=True)  # every state due at once
    assert due.current() == "RUNNING" and due.settled  # what the service allows
    assert [due.seen() for _ in range(4)] == ["PENDING", "STARTING", "RUNNING", "RUNNING"]
    early = Transition(states, step=10, shows_every_state=True)
    assert [early.seen(), early.seen()] == ["PENDING", "PENDING"]  # not before its time
    plain = Transition(states, step=0)
    assert plain.seen() == "RUNNING"  # without it: the clock alone


def test_an_unseen_state_holds_what_the_service_allows_for_a_while():
    changing = Transition(["CHANGING", "RUNNING"], step=0, held_unseen_s=60)
    assert changing.current() == "CHANGING"  # due, but no describe has shown it yet
    assert changing.seen() == "CHANGING" and changing.current() == "RUNNING"
    unwatched = Transition(["CHANGING", "RUNNING"], step=0, held_unseen_s=60)
    unwatched.started -= 61
    assert unwatched.current() == "RUNNING"  # nobody looked: it settles after the hold


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, text in files.items():
            bundle.writestr(name, text)
    return buffer.getvalue()


def test_python_handler_runs_with_only_its_environment(monkeypatch):
    monkeypatch.setenv("EMULATOR_SECRET", "do-not-pass")
    code = FunctionCode(_zip({"main.py": (
        "import os\n"
        "def handler(event, context):\n"
        "    print('log line')\n"
        "    return {'got': event, 'db': os.environ.get('DB_HOST'),"
        " 'leak': os.environ.get('EMULATOR_SECRET')}\n"
    )}))
    try:
        outcome = run_handler(
            code, "python3.11", "main.handler", {"a": 1}, environment={"DB_HOST": "db"}
        )
    finally:
        code.close()
    assert outcome.ok
    assert outcome.result == {"got": {"a": 1}, "db": "db", "leak": None}
    assert "log line" in outcome.logs


def test_handler_errors_and_timeouts_are_reported():
    code = FunctionCode(_zip({"main.py": (
        "import time\n"
        "def boom(event, context):\n    raise ValueError('bad')\n"
        "def slow(event, context):\n    time.sleep(5)\n"
    )}))
    try:
        failed = run_handler(code, "python3.11", "main.boom", None)
        slow = run_handler(code, "python3.11", "main.slow", None, timeout_s=0.5)
    finally:
        code.close()
    assert not failed.ok and failed.error == "ValueError: bad"
    assert not slow.ok and "timed out" in slow.error


def test_archive_members_cannot_escape():
    with pytest.raises(ValueError, match="escapes"):
        FunctionCode(_zip({"../evil.py": "x = 1"}))
