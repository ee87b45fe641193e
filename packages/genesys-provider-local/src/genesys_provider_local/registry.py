"""The resource registry: one sqlite database in the provider root.

It is this provider's "cloud control plane": every resource the plugin made is a row, so
Get/List/ReadResources survive plugin restarts (the plugin process lives for one genesys
run). Rows hold the resource's own protobuf message bytes (`body`, sealed with the root's
key: a function's environment or an instance's user_data may hold secrets; see sealed.py)
plus a JSON `aux` of facts only the plugin needs (pids, process start times).

Side tables keep the cross-resource facts whose checks must be atomic with the row they
guard: `refs` (who depends on whom: deleting a used resource is refused), `cidrs` (network
and subnet ranges: overlap checks) and `ips` (addresses handed out in subnets).

One connection serves all threads behind a re-entrant lock; `transaction()` groups several
statements atomically (BEGIN IMMEDIATE). WAL journal with synchronous=FULL: a create is on
disk before it returns.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from genesys_plugin_sdk import errors

from genesys_provider_local import sealed

CREATING = "creating"  # an intent: the real thing may be half made
READY = "ready"
FAILED = "failed"  # a create failed and its leftovers could not be cleaned
DELETING = "deleting"

REGISTRY_FILE = "registry.sqlite3"

# SQLite's host-parameter limit is 999 on old builds; stay under it per statement.
_CHUNK = 900

_SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    id TEXT PRIMARY KEY,
    kind INTEGER NOT NULL,
    name TEXT NOT NULL,
    token TEXT UNIQUE,
    status TEXT NOT NULL,
    body BLOB NOT NULL,
    aux TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS resources_by_kind ON resources (kind, name);
CREATE TABLE IF NOT EXISTS refs (
    from_id TEXT NOT NULL,
    to_id TEXT NOT NULL,
    PRIMARY KEY (from_id, to_id)
);
CREATE INDEX IF NOT EXISTS refs_by_target ON refs (to_id);
CREATE TABLE IF NOT EXISTS cidrs (
    owner_id TEXT PRIMARY KEY,
    parent_id TEXT NOT NULL,
    cidr TEXT NOT NULL,
    first TEXT NOT NULL,
    last TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cidrs_by_parent ON cidrs (parent_id, first);
CREATE TABLE IF NOT EXISTS ips (
    subnet_id TEXT NOT NULL,
    ip_key TEXT NOT NULL,
    ip TEXT NOT NULL,
    holder TEXT NOT NULL,
    PRIMARY KEY (subnet_id, ip_key)
);
CREATE INDEX IF NOT EXISTS ips_by_holder ON ips (holder);
"""


@dataclass
class Row:
    id: str
    kind: int
    name: str
    token: str | None
    status: str
    body: bytes
    aux: dict[str, Any] = field(default_factory=dict)


_COLUMNS = "id, kind, name, token, status, body, aux"
_SEALED = b"GSB1"  # prefix of a sealed body; rows an older version wrote have none


class Registry:
    def __init__(self, path: Path, key: bytes | None = None) -> None:
        self.path = path
        self._key = key
        self._lock = threading.RLock()
        self._depth = 0
        self._conn = sqlite3.connect(
            str(path), isolation_level=None, check_same_thread=False, timeout=30.0
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        # Overwritten rows are zeroed, not left in free pages (old rows may have held secrets).
        self._conn.execute("PRAGMA secure_delete=ON")
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _seal(self, rid: str, body: bytes) -> bytes:
        if not body or self._key is None:
            return body
        return _SEALED + sealed.seal_bytes(self._key, body, rid)

    def _row(self, values: tuple[Any, ...]) -> Row:
        rid, kind, name, token, status, body, aux = values
        facts = json.loads(aux) if aux and aux != "{}" else {}
        body = bytes(body)
        if body.startswith(_SEALED) and self._key is not None:
            opened = sealed.open_bytes(self._key, body[len(_SEALED) :], rid)
            if opened is None:
                raise errors.FailedPrecondition(
                    f"{self.path}: the row of {rid} cannot be opened with this root's key "
                    f"({sealed.KEY_FILE}); was the key replaced or the row copied?"
                )
            body = opened
        return Row(rid, kind, name, token, status, body, facts)

    def seal_plaintext_rows(self) -> int:
        """Seals the rows an older version wrote in the clear; returns how many."""
        with self.transaction():
            rows = self._all(
                f"SELECT {_COLUMNS} FROM resources WHERE substr(body, 1, 4) != ?", (_SEALED,)
            )
            plain = [self._row(values) for values in rows if values[5]]
            for row in plain:
                self._run(
                    "UPDATE resources SET body = ? WHERE id = ?",
                    (self._seal(row.id, row.body), row.id),
                )
        return len(plain)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Groups the registry calls made inside the block into one atomic transaction."""
        with self._lock:
            outermost = self._depth == 0
            if outermost:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outermost:
                    self._conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outermost:
                self._conn.execute("COMMIT")

    def _all(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchall()

    def _run(self, sql: str, params: Iterable[Any] = ()) -> None:
        with self._lock:
            self._conn.execute(sql, tuple(params))

    # ------------------------------------------------------------------ resources

    def get(self, rid: str) -> Row | None:
        rows = self._all(f"SELECT {_COLUMNS} FROM resources WHERE id = ?", (rid,))
        return self._row(rows[0]) if rows else None

    def by_token(self, token: str) -> Row | None:
        rows = self._all(f"SELECT {_COLUMNS} FROM resources WHERE token = ?", (token,))
        return self._row(rows[0]) if rows else None

    def of_kind(self, kind: int, name: str | None = None) -> list[Row]:
        if name is None:
            rows = self._all(f"SELECT {_COLUMNS} FROM resources WHERE kind = ?", (kind,))
        else:
            sql = f"SELECT {_COLUMNS} FROM resources WHERE kind = ? AND name = ?"
            rows = self._all(sql, (kind, name))
        return [self._row(r) for r in rows]

    def with_status(self, status: str) -> list[Row]:
        rows = self._all(f"SELECT {_COLUMNS} FROM resources WHERE status = ?", (status,))
        return [self._row(r) for r in rows]

    def many(self, column: str, keys: list[str]) -> dict[str, Row]:
        """Rows whose `column` ("id" or "token") is in `keys`, one query per 900 keys."""
        assert column in ("id", "token")
        found: dict[str, Row] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT {_COLUMNS} FROM resources WHERE {column} IN ({marks})"
            for values in self._all(sql, chunk):
                row = self._row(values)
                found[row.id if column == "id" else str(row.token)] = row
        return found

    def insert(self, row: Row) -> None:
        """Raises sqlite3.IntegrityError when the id or the token is taken."""
        self._run(
            "INSERT INTO resources (id, kind, name, token, status, body, aux, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row.id,
                row.kind,
                row.name,
                row.token or None,
                row.status,
                self._seal(row.id, row.body),
                json.dumps(row.aux),
                time.time(),
            ),
        )

    def save(self, rid: str, *, status: str, body: bytes, aux: dict[str, Any], name: str) -> None:
        self._run(
            "UPDATE resources SET status = ?, body = ?, aux = ?, name = ? WHERE id = ?",
            (status, self._seal(rid, body), json.dumps(aux), name, rid),
        )

    def set_status(self, rid: str, status: str) -> None:
        self._run("UPDATE resources SET status = ? WHERE id = ?", (status, rid))

    def forget(self, rid: str) -> None:
        """Removes a resource row and every side-table fact it owns, atomically."""
        with self.transaction():
            self._run("DELETE FROM resources WHERE id = ?", (rid,))
            self._run("DELETE FROM refs WHERE from_id = ?", (rid,))
            self._run("DELETE FROM cidrs WHERE owner_id = ?", (rid,))
            self._run("DELETE FROM ips WHERE holder = ?", (rid,))

    def count(self) -> int:
        return int(self._all("SELECT count(*) FROM resources")[0][0])

    # ------------------------------------------------------------------ dependencies

    def set_refs(self, from_id: str, to_ids: Iterable[str]) -> None:
        with self.transaction():
            self._run("DELETE FROM refs WHERE from_id = ?", (from_id,))
            for to_id in sorted(set(to_ids)):
                self._run("INSERT INTO refs (from_id, to_id) VALUES (?, ?)", (from_id, to_id))

    def users_of(self, rid: str) -> list[str]:
        return [r[0] for r in self._all("SELECT from_id FROM refs WHERE to_id = ?", (rid,))]

    # ------------------------------------------------------------------ address ranges

    def overlapping_cidrs(self, parent_id: str, first: str, last: str) -> list[tuple[str, str]]:
        """(owner_id, cidr) of ranges under `parent_id` that overlap [first, last]."""
        sql = "SELECT owner_id, cidr FROM cidrs WHERE parent_id = ? AND first <= ? AND last >= ?"
        return [(r[0], r[1]) for r in self._all(sql, (parent_id, last, first))]

    def add_cidr(self, owner_id: str, parent_id: str, cidr: str, first: str, last: str) -> None:
        self._run(
            "INSERT INTO cidrs (owner_id, parent_id, cidr, first, last) VALUES (?, ?, ?, ?, ?)",
            (owner_id, parent_id, cidr, first, last),
        )

    def children_of_many(self, parent_ids: list[str]) -> dict[str, list[str]]:
        """owner ids of the ranges under each parent, in address order, for many parents."""
        children: dict[str, list[str]] = {p: [] for p in parent_ids}
        for start in range(0, len(parent_ids), _CHUNK):
            chunk = parent_ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            sql = (
                f"SELECT parent_id, owner_id FROM cidrs WHERE parent_id IN ({marks}) ORDER BY first"
            )
            for parent, owner in self._all(sql, chunk):
                children[parent].append(owner)
        return children

    def ip_keys(self, subnet_id: str) -> set[str]:
        return {r[0] for r in self._all("SELECT ip_key FROM ips WHERE subnet_id = ?", (subnet_id,))}

    def highest_ip_key(self, subnet_id: str) -> str | None:
        rows = self._all("SELECT max(ip_key) FROM ips WHERE subnet_id = ?", (subnet_id,))
        return rows[0][0] if rows else None

    def count_ips(self, subnet_id: str) -> int:
        return int(self._all("SELECT count(*) FROM ips WHERE subnet_id = ?", (subnet_id,))[0][0])

    def ip_of(self, holder: str) -> str | None:
        rows = self._all("SELECT ip FROM ips WHERE holder = ? LIMIT 1", (holder,))
        return rows[0][0] if rows else None

    def add_ip(self, subnet_id: str, ip_key: str, ip: str, holder: str) -> None:
        self._run(
            "INSERT INTO ips (subnet_id, ip_key, ip, holder) VALUES (?, ?, ?, ?)",
            (subnet_id, ip_key, ip, holder),
        )


def open_registry(root: Path) -> Registry:
    """The registry of `root`, private to its owner: it and the resources' files under the
    root can hold secrets (function environments, instance specs)."""
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o700)
    path = root / REGISTRY_FILE
    # Created 0600 before sqlite opens it; sqlite gives its -wal/-shm files the same mode.
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for existing in root.glob(f"{REGISTRY_FILE}*"):  # made 0644 by an older version
        existing.chmod(0o600)
    registry = Registry(path, sealed.root_key(root))
    registry.seal_plaintext_rows()
    return registry
