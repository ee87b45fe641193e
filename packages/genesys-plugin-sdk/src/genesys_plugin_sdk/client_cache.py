"""Cloud SDK clients made lazily, once per key, safely from many RPC threads.

Cloud SDKs are slow to import and to build clients (GetMetadata and GetSchema must stay
cheap), and several are not thread-safe while building one. `ClientCache` builds each client
on first use under a lock and hands the same one to every later caller:

    clients = ClientCache()
    compute = clients.get(("compute", region), lambda: ComputeClient(credentials=creds))
    clients.clear()        # after Configure changed credentials/endpoints

`facts` is a small dict for values that do not change during a run (image ids, zones).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class ClientCache:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._clients: dict[Hashable, Any] = {}
        self.facts: dict[str, Any] = {}

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The client for `key`, made by `make()` on first use (only once, even under races)."""
        found = self._clients.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        with self._lock:
            if key not in self._clients:
                self._clients[key] = make()
            return self._clients[key]  # type: ignore[no-any-return]

    def fact(self, key: str, compute: Callable[[], T]) -> T:
        """A cached fact (computed once per run, or until clear())."""
        if key in self.facts:
            return self.facts[key]  # type: ignore[no-any-return]
        with self._lock:
            if key not in self.facts:
                self.facts[key] = compute()
            return self.facts[key]  # type: ignore[no-any-return]

    def clear(self) -> None:
        """Forgets every client and fact (the next get() makes fresh ones)."""
        with self._lock:
            self._clients = {}
            self.facts = {}

    def __len__(self) -> int:
        return len(self._clients)
