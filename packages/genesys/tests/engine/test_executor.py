from __future__ import annotations

import threading
import time

import pytest
from genesys.engine.executor import RetryPolicy, call_with_retries, run_dag
from genesys_plugin_sdk import errors as perr


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

    def work(key: str) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
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
