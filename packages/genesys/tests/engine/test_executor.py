from __future__ import annotations

import io
import itertools
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import cast

import pytest
from genesys.engine.executor import (
    RetryDeadlineExceeded,
    RetryPolicy,
    ThrottleGate,
    call_with_retries,
    gate_for,
    run_dag,
)
from genesys.engine.progress import Progress
from genesys.engine.session import RunOptions, Session
from genesys_plugin_sdk import errors as perr
from genesys_provider_local.faults import TokenBucket


def test_runs_each_node_after_its_dependencies() -> None:
    deps = {"net": set(), "subnet": {"net"}, "vm1": {"subnet"}, "vm2": {"subnet"}, "bucket": set()}
    finished: list[str] = []
    lock = threading.Lock()

    def work(key: str) -> None:
        with lock:
            assert all(d in finished for d in deps[key]), f"{key} ran before {deps[key]}"
            finished.append(key)

    result = run_dag(deps, work, parallelism=4)
    assert result.ok
    assert sorted(finished) == sorted(deps)


def test_parallelism_is_bounded_and_used() -> None:
    running = 0
    peak = 0
    lock = threading.Lock()
    all_five = threading.Event()  # held until 5 run at once: no reliance on thread start speed

    def work(key: str) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
            if running == 5:
                all_five.set()
        if not all_five.wait(10):
            all_five.set()  # never 5 at once: stop holding, the assert below says so
        time.sleep(0.02)
        with lock:
            running -= 1

    run_dag({f"n{i}": set() for i in range(40)}, work, parallelism=5)
    assert peak == 5


def test_failure_skips_only_dependents() -> None:
    deps = {"a": set(), "b": {"a"}, "c": {"b"}, "d": set()}
    ran: list[str] = []

    def work(key: str) -> None:
        ran.append(key)
        if key == "a":
            raise RuntimeError("boom")

    result = run_dag(deps, work, parallelism=2)
    assert set(result.failed) == {"a"}
    assert set(result.skipped) == {"b", "c"}
    assert "d" in result.succeeded and "b" not in ran
    assert not result.ok


def test_stop_lets_in_flight_finish_and_starts_nothing_new() -> None:
    stop = threading.Event()
    started: list[str] = []
    finished: list[str] = []

    def work(key: str) -> None:
        started.append(key)
        stop.set()
        time.sleep(0.05)
        finished.append(key)

    result = run_dag({f"n{i}": set() for i in range(10)}, work, parallelism=2, stop=stop)
    assert result.interrupted
    assert sorted(started) == sorted(finished)  # nothing abandoned mid-flight
    assert len(started) <= 2
    assert len(result.skipped) == 10 - len(started)


def test_retries_throttled_then_succeeds() -> None:
    calls = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            err = perr.Throttled("slow down")
            err.retry_after = 0.01
            raise err
        return "ok"

    pauses: list[float] = []
    out = call_with_retries(flaky, RetryPolicy(attempts=5, base_delay=0.001),
                            on_retry=lambda e, p: pauses.append(p))
    assert out == "ok" and len(calls) == 3
    assert all(p >= 0.01 for p in pauses)  # never shorter than the provider's hint


def test_does_not_retry_other_errors() -> None:
    calls = []

    def bad() -> None:
        calls.append(1)
        raise perr.InvalidArgument("nope", attribute_path="config.cidr")

    with pytest.raises(perr.InvalidArgument):
        call_with_retries(bad, RetryPolicy(attempts=5, base_delay=0.001))
    assert len(calls) == 1


def test_gives_up_after_attempts() -> None:
    def down() -> None:
        raise perr.Unavailable("down")

    with pytest.raises(perr.Unavailable):
        call_with_retries(down, RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002))


# ---------------------------------------------------------------- throttling and the gate


def _rate_limited_provider(burst: int, per_second: float) -> tuple[Callable[[], str], list[int]]:
    """A provider call behind the local provider's own token bucket; counts its answers."""
    bucket = TokenBucket(burst, per_second)
    counts = [0, 0]  # [ok, throttled]
    lock = threading.Lock()

    def create() -> str:
        wait = bucket.take()
        with lock:
            counts[wait > 0] += 1
        if wait > 0:
            raise perr.Throttled("rate limit exceeded", retry_after=wait)
        return "created"

    return create, counts


def _hammer(create: Callable[[], str], gate: ThrottleGate | None, calls: int) -> list[str]:
    policy = RetryPolicy(attempts=10, base_delay=0.001)

    def one(_: int) -> str:
        deadline = time.monotonic() + 30
        return call_with_retries(create, policy, gate=gate, deadline=deadline)

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, range(calls)))


def test_throttled_calls_retry_until_the_deadline_not_a_few_attempts() -> None:
    create, counts = _rate_limited_provider(burst=5, per_second=40)

    results = _hammer(create, None, 30)  # 8 threads, 10 attempts each would not be enough

    assert results == ["created"] * 30
    assert counts[1] > 10 * 8 // 4  # it was throttled plenty


def test_the_gate_spares_the_provider_most_throttled_calls() -> None:
    ungated, ungated_counts = _rate_limited_provider(burst=5, per_second=40)
    gated, gated_counts = _rate_limited_provider(burst=5, per_second=40)
    gate = ThrottleGate()

    _hammer(ungated, None, 30)
    assert _hammer(gated, gate, 30) == ["created"] * 30

    assert gate.limited and gate.throttled == gated_counts[1] > 0
    assert gated_counts[1] * 2 < ungated_counts[1]


def test_a_throttle_closes_the_gate_for_every_caller_until_retry_after() -> None:
    gate = ThrottleGate()
    stop = threading.Event()
    gate.throttled_call(gate.admit(stop), retry_after=0.3)
    closed_at = time.monotonic()

    admitted = gate.admit(stop)  # another caller, who never saw the throttle

    assert time.monotonic() - closed_at >= 0.29
    assert admitted >= closed_at + 0.29


class SimulatedTime:
    """A clock and a stop event in one: waiting advances the clock instead of sleeping,
    so pacing is asserted exactly, whatever the machine's load."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def wait(self, seconds: float) -> bool:
        self.now += max(seconds, 0.0)
        return False


def test_after_a_throttle_the_gate_admits_one_at_a_time_and_cuts_once_per_round() -> None:
    sim = SimulatedTime()
    gate = ThrottleGate(clock=sim)
    stop = cast(threading.Event, sim)
    for _ in range(6):  # calls answered at 100/s
        gate.passed()
        sim.now += 0.01
    gate.throttled_call(gate.admit(stop), retry_after=0.0)
    first_rate = gate.stats()["rate_per_s"]
    assert ThrottleGate.MIN_RATE < first_rate < 75  # BETA x what was answered

    slots = [gate.admit(stop) for _ in range(4)]
    gaps = [later - earlier for earlier, later in itertools.pairwise(slots)]
    assert min(gaps) >= 0.99 / first_rate  # one at a time, at (about) the cut rate
    assert max(gaps) <= 1.01 / first_rate  # the cubic regrows slowly over these few ms

    gate.throttled_call(gate.admit(stop), retry_after=0.0)  # sent at the cut rate: cuts
    gate.throttled_call(sim.now - 10, retry_after=0.0)  # sent before: does not
    assert gate.stats()["cuts"] == 2
    assert gate.stats()["rate_per_s"] < first_rate


def test_still_throttled_at_the_deadline_is_one_clear_error() -> None:
    def always_throttled() -> None:
        raise perr.Throttled("rate limit exceeded", retry_after=0.05)

    started = time.monotonic()
    with pytest.raises(RetryDeadlineExceeded, match=r"still throttled .* rate limit exceeded"):
        call_with_retries(always_throttled, gate=ThrottleGate(), deadline=started + 0.3)
    assert time.monotonic() - started < 5


def test_unavailable_stays_bounded_by_attempts_with_a_gate_and_a_deadline() -> None:
    calls = []

    def down() -> None:
        calls.append(1)
        raise perr.Unavailable("down")

    policy = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002)
    with pytest.raises(perr.Unavailable):
        call_with_retries(down, policy, gate=ThrottleGate(), deadline=time.monotonic() + 60)
    assert len(calls) == 3


def test_throttles_do_not_use_up_the_attempts_unavailable_is_allowed() -> None:
    answers = ["throttled"] * 6 + ["down"] * 2 + ["ok"]

    def provider() -> str:
        answer = answers.pop(0)
        if answer == "throttled":
            raise perr.Throttled("rate limit exceeded", retry_after=0.001)
        if answer == "down":
            raise perr.Unavailable("down")
        return answer

    policy = RetryPolicy(attempts=3, base_delay=0.001, max_delay=0.002)
    result = call_with_retries(provider, policy, deadline=time.monotonic() + 30)
    assert result == "ok" and not answers


def test_only_the_first_throttle_is_worth_a_note() -> None:
    # 20/s: throttled unless 8 calls in a row each come 50 ms late (10 ms was one time slice)
    create, _ = _rate_limited_provider(burst=2, per_second=20)
    gate = ThrottleGate()
    notes: list[float] = []
    for _ in range(10):
        call_with_retries(create, gate=gate, deadline=time.monotonic() + 10,
                          on_retry=lambda error, pause: notes.append(pause))
    assert gate.throttled >= 1
    assert len(notes) == 1


def test_stop_ends_waits_at_the_gate_and_lets_calls_in_flight_finish() -> None:
    gate = ThrottleGate()
    stop = threading.Event()
    in_call = threading.Event()
    release = threading.Event()
    finished: list[str] = []

    def work(key: str) -> None:
        def provider() -> str:
            if key == "in-flight":
                in_call.set()
                release.wait(30)
                return "done"
            in_call.wait(30)  # throttled only once the other call is in the provider
            raise perr.Throttled("rate limit exceeded", retry_after=60)

        call_with_retries(provider, gate=gate, deadline=time.monotonic() + 600)
        finished.append(key)

    def press_ctrl_c() -> None:
        in_call.wait(30)
        deadline = time.monotonic() + 30  # both others throttled: now at the closed gate
        while gate.throttled < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        stop.set()
        release.set()

    threading.Thread(target=press_ctrl_c).start()
    deps: dict[str, set[str]] = {"in-flight": set(), "a": set(), "b": set(), "after-a": {"a"}}
    started = time.monotonic()
    result = run_dag(deps, work, parallelism=3, stop=stop)

    assert time.monotonic() - started < 20  # nobody sat out the minute (~1 s needed)
    assert result.interrupted and finished == ["in-flight"]
    assert not result.failed
    assert "rate limit" in result.skipped["a"] and "rate limit" in result.skipped["b"]
    assert "after-a" in result.skipped


def test_apply_under_a_rate_limit_creates_everything_without_errors(tmp_path: Path) -> None:
    """Real engine, real local plugin with its token bucket: throttling never surfaces.
    10/s: a loaded machine still sends 20 creates from 8 workers faster, so it is throttled."""
    lines = ["provider: local", "providers:", "  local:",
             "    rate_limit: {burst: 2, per_second: 10}", "resources:", "  storage:"]
    for i in range(20):
        lines += [f"    - name: b-{i:02d}", "      type: bucket"]
    config = tmp_path / "genesys.yaml"
    config.write_text("\n".join(lines) + "\n")
    out = io.StringIO()

    with Session.open(config, operation="apply") as session:
        plan = session.plan(RunOptions(refresh=False))
        result = session.apply(plan, Progress(out=out), RunOptions(parallelism=8))
        gate = gate_for(session.conn)

    assert result.ok, result.errors
    assert result.counts["added"] == 20
    assert gate.throttled > 0
    assert sum("retrying" in line for line in out.getvalue().splitlines()) <= 1
