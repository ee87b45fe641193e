"""Long-running operations and resources that pass through pending states.

A cloud answers a mutating call at once with an operation (GCP) or an async-operation URL
(Azure) and does the work while the client polls; resources show `PROVISIONING`/`Pending`
for a while. The emulator does the same so a plugin's waiting code really runs: an
`Operation` finishes only after `min_polls` reads *and* `seconds` elapsed, and its effect
(`on_done`) is applied exactly once, at the moment a poll first sees it finished — so a
client that never polls still sees the resource settle through `Transition`s.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from genesys_emulators.core.errors import CloudError

# How long pending states last by default: long enough that a client must wait, short
# enough that a 300-resource apply is not dominated by it.
DEFAULT_SECONDS = 0.05
DEFAULT_POLLS = 1


@dataclass
class Operation:
    id: str
    kind: str  # e.g. "insert", "delete"
    target: str  # what it acts on, in the cloud's words (a self link, a resource id)
    record: dict[str, Any]  # the cloud's JSON view of the operation; services shape it
    on_done: Callable[[], None] | None = None
    min_polls: int = DEFAULT_POLLS
    seconds: float = DEFAULT_SECONDS
    started: float = field(default_factory=time.monotonic)
    polls: int = 0
    done: bool = False
    error: CloudError | None = None

    def ready(self) -> bool:
        return self.polls >= self.min_polls and time.monotonic() - self.started >= self.seconds


class Operations:
    """The operations of one service, by id."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._items: dict[str, Operation] = {}

    def start(
        self,
        kind: str,
        target: str,
        record: dict[str, Any] | None = None,
        on_done: Callable[[], None] | None = None,
        *,
        min_polls: int = DEFAULT_POLLS,
        seconds: float = DEFAULT_SECONDS,
        op_id: str | None = None,
    ) -> Operation:
        operation = Operation(
            id=op_id or f"operation-{uuid.uuid4().hex[:20]}",
            kind=kind,
            target=target,
            record=record if record is not None else {},
            on_done=on_done,
            min_polls=min_polls,
            seconds=seconds,
        )
        with self._lock:
            self._items[operation.id] = operation
        return operation

    def poll(self, op_id: str) -> Operation | None:
        """The operation after one more read; finishes it (applying its effect) when due."""
        with self._lock:
            operation = self._items.get(op_id)
            if operation is None:
                return None
            operation.polls += 1
            self._settle(operation)
            return operation

    def peek(self, op_id: str) -> Operation | None:
        with self._lock:
            return self._items.get(op_id)

    def wait(self, op_id: str, timeout: float) -> Operation | None:
        """Polls until done or timeout (GCP's `operations.wait`)."""
        deadline = time.monotonic() + timeout
        while True:
            operation = self.poll(op_id)
            if operation is None or operation.done or time.monotonic() >= deadline:
                return operation
            time.sleep(min(0.02, max(0.0, deadline - time.monotonic())))

    def all(self) -> list[Operation]:
        with self._lock:
            return list(self._items.values())

    def _settle(self, operation: Operation) -> None:
        if operation.done or not operation.ready():
            return
        operation.done = True
        if operation.on_done is None:
            return
        try:
            operation.on_done()
        except CloudError as error:
            operation.error = error


@dataclass
class Transition:
    """A resource's status moving through `states` every `step` seconds, e.g.
    PROVISIONING → STAGING → RUNNING; `current()` is its status now.

    With `shows_every_state`, a describe call (`seen()`) shows the states in order, each at
    least once, never ahead of `current()`: a real cloud's pending state lasts tens of
    seconds, so every client sees it; here it lasts `step`, which a loaded machine can spend
    between two calls, and a client (or test) must not miss it for that. What the service
    allows (`current()`) still follows the clock, so nothing waits on a describe — unless
    `held_unseen_s`: then a state no describe has shown yet also holds what the service
    allows, for up to that many seconds (a call right after the change is refused as
    mid-change however slowly it comes, and an unwatched resource still settles)."""

    states: Sequence[str]
    step: float = DEFAULT_SECONDS
    started: float = field(default_factory=time.monotonic)
    shows_every_state: bool = False
    held_unseen_s: float = 0.0
    shown: int = -1  # the furthest state a describe has shown

    def current(self) -> str:
        return self.states[self._index()]

    def seen(self) -> str:
        """The status as a describe call reports it."""
        index = self._index()
        if self.shows_every_state:
            index = min(index, self.shown + 1)
        self.shown = max(self.shown, index)
        return self.states[index]

    def _index(self) -> int:
        elapsed = time.monotonic() - self.started
        index = int(elapsed / self.step) if self.step > 0 else 10**9
        if elapsed < self.held_unseen_s:
            index = min(index, self.shown + 1)
        return min(index, len(self.states) - 1)

    @property
    def settled(self) -> bool:
        return self.current() == self.states[-1]
