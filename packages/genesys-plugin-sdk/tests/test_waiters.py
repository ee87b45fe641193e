"""The shared waiter: real threads waiting concurrently on one poll loop."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Mapping
from typing import Any

import pytest
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.waiters import Waiter, WaitTiming

FAST = WaitTiming(first_delay=0.01, max_delay=0.05, backoff=2.0, timeout=5.0)


class FakeCloud:
    """Statuses the test changes while waiters poll; records every poll's ids."""

    def __init__(self) -> None:
        self.status: dict[str, Any] = {}
        self.polls: list[list[str]] = []
        self.fail_with: list[Exception] = []
        self.lock = threading.Lock()

    def poll(self, ids: list[str]) -> Mapping[str, Any]:
        with self.lock:
            self.polls.append(list(ids))
            if self.fail_with:
                raise self.fail_with.pop(0)
            return {i: self.status[i] for i in ids if i in self.status}


def wait_in_threads(fn: Any, ids: list[str]) -> tuple[dict[str, Any], list[threading.Thread]]:
    outcomes: dict[str, Any] = {}

    def run(resource_id: str) -> None:
        try:
            outcomes[resource_id] = fn(resource_id)
        except Exception as exc:
            outcomes[resource_id] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    return outcomes, threads


def settle(cloud: FakeCloud, waiter: Waiter[Any], count: int) -> None:
    """Waits until all `count` callers are in the waiter's queue and one poll saw them all."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with cloud.lock:
            if any(len(p) == count for p in cloud.polls):
                return
        time.sleep(0.005)
    raise AssertionError(f"no poll ever covered all {count} waiters: {cloud.polls}")


def test_many_concurrent_waiters_share_one_poll_per_round() -> None:
    cloud = FakeCloud()
    ids = [f"r{n}" for n in range(20)]
    cloud.status.update(dict.fromkeys(ids, "pending"))
    # callers arriving within first_delay of a poll share the next one; 0.2 s, not 0.01 s, so
    # 20 thread starts on a loaded machine still arrive as one burst
    burst = WaitTiming(first_delay=0.2, max_delay=0.2, backoff=2.0, timeout=60.0)
    waiter: Waiter[Any] = Waiter(cloud.poll, what="disk", timing=burst)
    outcomes, threads = wait_in_threads(
        lambda rid: waiter.wait_for(rid, ready={"ready"}, failed={"broken"}), ids
    )
    settle(cloud, waiter, len(ids))
    with cloud.lock:
        cloud.status.update(dict.fromkeys(ids[:-1], "ready"))
        cloud.status[ids[-1]] = "broken"
    for thread in threads:
        thread.join(30)
    assert all(outcomes[i] == "ready" for i in ids[:-1])
    assert isinstance(outcomes[ids[-1]], errors.FailedPrecondition)
    assert "disk r19 is broken" in str(outcomes[ids[-1]])
    # 20 callers, far fewer polls than a poll per caller per round; each poll asks about many.
    assert waiter.polls == len(cloud.polls) < 20
    assert max(len(p) for p in cloud.polls) == 20


def test_polls_are_chunked_by_max_batch() -> None:
    cloud = FakeCloud()
    cloud.status.update({f"r{n}": "ready" for n in range(5)})
    waiter: Waiter[Any] = Waiter(cloud.poll, timing=FAST, max_batch=2)
    outcomes, threads = wait_in_threads(
        lambda rid: waiter.wait_for(rid, {"ready"}), list(cloud.status)
    )
    for thread in threads:
        thread.join(30)
    assert set(outcomes.values()) == {"ready"}
    assert all(len(p) <= 2 for p in cloud.polls)


def test_missing_means_not_yet_for_wait_for_and_gone_for_wait_gone() -> None:
    cloud = FakeCloud()
    waiter: Waiter[Any] = Waiter(cloud.poll, timing=FAST)
    outcomes, threads = wait_in_threads(lambda rid: waiter.wait_for(rid, {"up"}), ["late"])
    time.sleep(0.1)
    assert "late" not in outcomes  # still waiting: not visible yet is not an error
    with cloud.lock:
        cloud.status["late"] = "up"
    threads[0].join(30)
    assert outcomes["late"] == "up"
    waiter.wait_gone("never-existed")  # absent: gone at once
    cloud.status["dying"] = "terminated"
    waiter.wait_gone("dying", gone={"terminated"})


def test_deadline_raises_unavailable_and_the_loop_thread_ends() -> None:
    cloud = FakeCloud()
    cloud.status["stuck"] = "pending"
    # the timing's own deadline is a minute, so ending within 10 s proves the call's 0.2 s
    # counted, with room for a loaded machine's scheduling
    patient = WaitTiming(first_delay=0.01, max_delay=0.05, backoff=2.0, timeout=60.0)
    waiter: Waiter[Any] = Waiter(cloud.poll, what="vm", timing=patient)
    started = time.monotonic()
    with pytest.raises(errors.Unavailable, match="timed out waiting for vm stuck to be ready"):
        waiter.wait_for("stuck", {"ready"}, timeout=0.2)
    assert 0.2 <= time.monotonic() - started < 10
    deadline = time.monotonic() + 10  # the loop thread ends on its next turn, whenever it runs
    while any(t.name == "waiter-vm" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the poll loop thread outlived its last waiter"
        time.sleep(0.01)


def test_throttling_is_retried_and_other_poll_errors_reach_the_callers() -> None:
    cloud = FakeCloud()
    cloud.status["a"] = "ready"
    cloud.fail_with = [errors.Throttled("slow down", retry_after=0.05), errors.Unavailable("x")]
    waiter: Waiter[Any] = Waiter(cloud.poll, timing=FAST)
    assert waiter.wait_for("a", {"ready"}) == "ready"
    assert len(cloud.polls) == 3
    cloud.fail_with = [RuntimeError("bug in poll")]
    with pytest.raises(RuntimeError, match="bug in poll"):
        waiter.wait_for("a", {"ready"})


def test_statuses_may_be_messages_matched_by_predicates() -> None:
    cloud = FakeCloud()
    cloud.status["i-1"] = {"state": "running", "ip": "10.0.0.5"}
    waiter: Waiter[Any] = Waiter(
        cloud.poll,
        what="vm",
        timing=lambda: FAST,  # read at each wait: settings may change after Configure
        describe=lambda s: s["state"],
    )
    found = waiter.wait_for(
        "i-1",
        ready=lambda s: s["state"] == "running",
        failed=lambda s: s["state"] == "error",
    )
    assert found["ip"] == "10.0.0.5"
    # Defaults (no failed=, gone=) work with unhashable statuses such as messages.
    cloud.status["i-3"] = {"state": "running"}
    assert waiter.wait_for("i-3", ready=lambda s: s["state"] == "running")["state"] == "running"
    waiter.wait_gone("i-absent")
    cloud.status["i-2"] = {"state": "error"}
    with pytest.raises(errors.FailedPrecondition, match="vm i-2 is error"):
        waiter.wait_for("i-2", ready=lambda s: False, failed=lambda s: s["state"] == "error")


def test_backoff_grows_to_the_ceiling_between_polls() -> None:
    # Ready at the 6th poll, so nothing depends on how many polls a loaded machine fits in a
    # time. Gaps are at least the planned delays (0.02, 0.1, 0.5, 0.5, 0.5: x5, capped), which
    # is backoff's "far fewer polls"; the upper bounds have >= 4x headroom yet fail without the
    # behaviour (first gap = the ceiling: 0.5; no cap: 2.5 then 12.5).
    cloud = FakeCloud()
    cloud.status["slow"] = "pending"
    timing = WaitTiming(first_delay=0.02, max_delay=0.5, backoff=5.0, timeout=60.0)
    stamps: list[float] = []

    def poll(ids: list[str]) -> Mapping[str, Any]:
        stamps.append(time.monotonic())
        if len(stamps) == 6:
            cloud.status["slow"] = "ready"
        return cloud.poll(ids)

    waiter: Waiter[Any] = Waiter(poll, timing=timing)
    assert waiter.wait_for("slow", {"ready"}) == "ready"
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    planned = [0.02, 0.1, 0.5, 0.5, 0.5]
    assert all(gap >= plan * 0.99 for gap, plan in zip(gaps, planned, strict=True))  # backoff
    assert gaps[0] < 0.25  # the first re-poll comes soon: first_delay, not the ceiling
    assert max(gaps[3:]) < 2.0  # never beyond the ceiling (plus scheduling slack)


def test_a_predicate_that_raises_fails_its_caller_not_the_loop() -> None:
    cloud = FakeCloud()
    cloud.status.update({"a": "up", "b": "up"})
    waiter: Waiter[Any] = Waiter(cloud.poll, timing=FAST)

    def broken(status: Any) -> bool:
        raise AttributeError("predicate bug")

    with pytest.raises(AttributeError, match="predicate bug"):
        waiter.wait_for("a", ready=broken)
    assert waiter.wait_for("b", ready={"up"}) == "up"  # the loop still serves others
