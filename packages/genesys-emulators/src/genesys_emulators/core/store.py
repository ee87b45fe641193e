"""In-memory persistence for an emulator: named collections of JSON-like records.

Every record is a dict the service owns; the store adds no fields. One lock guards all
collections, so a handler that checks then writes (a name taken, a network still in use)
does it atomically inside `with store.lock:`.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from typing import Any

from genesys_emulators.core.errors import CloudError

Record = dict[str, Any]


class Store:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._collections: dict[str, dict[str, Record]] = {}
        self._ids = itertools.count(1000000000001)

    def collection(self, name: str) -> dict[str, Record]:
        with self.lock:
            return self._collections.setdefault(name, {})

    def new_id(self) -> str:
        """A numeric id, unique in this emulator (GCP resource ids look like this)."""
        with self.lock:
            return str(next(self._ids))

    def get(self, collection: str, key: str, missing: Callable[[], CloudError]) -> Record:
        with self.lock:
            record = self.collection(collection).get(key)
        if record is None:
            raise missing()
        return record

    def find(self, collection: str, key: str) -> Record | None:
        with self.lock:
            return self.collection(collection).get(key)

    def insert(
        self, collection: str, key: str, record: Record, taken: Callable[[], CloudError]
    ) -> Record:
        with self.lock:
            items = self.collection(collection)
            if key in items:
                raise taken()
            items[key] = record
        return record

    def put(self, collection: str, key: str, record: Record) -> Record:
        with self.lock:
            self.collection(collection)[key] = record
        return record

    def remove(self, collection: str, key: str) -> Record | None:
        with self.lock:
            return self.collection(collection).pop(key, None)

    def values(self, collection: str) -> list[Record]:
        """A snapshot, safe to iterate while others write."""
        with self.lock:
            return list(self.collection(collection).values())

    def where(self, collection: str, test: Callable[[Record], bool]) -> Iterator[Record]:
        return (record for record in self.values(collection) if test(record))
