"""One call for many concurrent lookups: what the waiters do for polls, for one-shot reads.

The engine creates many resources at once; each create first looks its idempotency token up
(a retried create must find what an earlier attempt made). Made one by one that is one
DescribeInstances per create. `BatchLookup.get(key)` instead joins whatever lookups are
waiting: the first caller fetches at once (or after `linger` seconds, which lets a burst of
callers share the first fetch too); callers arriving meanwhile queue, and the next fetch (by
whichever caller leads) serves all of them with one call (up to `max_batch` keys). A failed
fetch raises in every caller of that batch.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Generic, TypeVar

V = TypeVar("V")


class BatchLookup(Generic[V]):
    def __init__(
        self,
        fetch: Callable[[list[str]], Mapping[str, V]],
        max_batch: int = 200,
        linger: float = 0.0,
    ):
        self._fetch = fetch
        self._max_batch = max_batch
        self._linger = linger
        self._lock = threading.Lock()
        self._pending: dict[str, list[Future[V | None]]] = {}
        self._leading = False
        self.fetches = 0  # calls made, for tests and benches

    def get(self, key: str) -> V | None:
        """The value for key (None when the fetch did not return it)."""
        return self.get_many([key]).get(key)

    def get_many(self, keys: list[str]) -> dict[str, V]:
        """The values found for these keys (absent when the fetch did not return one)."""
        futures: dict[str, Future[V | None]] = {}
        with self._lock:
            for key in keys:
                futures[key] = Future()
                self._pending.setdefault(key, []).append(futures[key])
            lead = not self._leading
            self._leading = True
        if lead:
            if self._linger:
                time.sleep(self._linger)
            self._drain()
        found = {key: future.result() for key, future in futures.items()}
        return {key: value for key, value in found.items() if value is not None}

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._leading = False
                    return
                keys = list(self._pending)[: self._max_batch]
                batch = {key: self._pending.pop(key) for key in keys}
            self.fetches += 1
            try:
                found = self._fetch(keys)
            except BaseException as err:  # every waiter of this batch sees the failure
                for futures in batch.values():
                    for future in futures:
                        future.set_exception(err)
                continue
            for key, futures in batch.items():
                for future in futures:
                    future.set_result(found.get(key))
