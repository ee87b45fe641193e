"""What the state holds: resource records, operations in flight, and lock descriptions.

Each type converts to and from the plain JSON shape documented in docs/state.md. Sensitive
attribute values are masked in `repr()` so a record that ends up in a log line or a
traceback never shows a secret.
"""

from __future__ import annotations

import base64
import copy
import getpass
import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

SENSITIVE_MASK = "(sensitive)"
CORE_VERSION = "0.1.0"


@dataclass
class ResourceRecord:
    """One managed resource as last seen by the engine."""

    address: str  # "compute.web", "storage.assets[0]", ...
    kind: str  # "instance", "bucket", ... (genesys.kinds)
    provider: str  # "aws", "local", ...
    id: str  # the provider's id for it
    # The provider's resource message as a dict with proto field names; JSON-able, no bytes.
    attributes: dict[str, Any]
    private: bytes = b""  # opaque provider bytes; the core stores them but never reads them
    dependencies: list[str] = field(default_factory=list)  # addresses
    sensitive: list[str] = field(default_factory=list)  # attribute names (dotted for nesting)
    idempotency_token: str = ""
    # Config attributes an interrupted update was changing when the run died: what exists was
    # recorded, and the next plan applies the update again (then this is cleared).
    unfinished_update: list[str] = field(default_factory=list)

    def masked_attributes(self) -> dict[str, Any]:
        """The attributes with every sensitive value replaced by "(sensitive)"."""
        return mask_sensitive(self.attributes, self.sensitive)

    def __repr__(self) -> str:
        return (
            f"ResourceRecord(address={self.address!r}, kind={self.kind!r}, "
            f"provider={self.provider!r}, id={self.id!r}, "
            f"attributes={self.masked_attributes()!r}, private=<{len(self.private)} bytes>, "
            f"dependencies={self.dependencies!r}, sensitive={self.sensitive!r}, "
            f"idempotency_token={self.idempotency_token!r}, "
            f"unfinished_update={self.unfinished_update!r})"
        )

    def to_json(self) -> dict[str, Any]:
        """JSON shape without the address (the snapshot keys records by address)."""
        data: dict[str, Any] = {
            "kind": self.kind,
            "provider": self.provider,
            "id": self.id,
            "attributes": self.attributes,
        }
        if self.private:
            data["private"] = base64.b64encode(self.private).decode("ascii")
        if self.dependencies:
            data["dependencies"] = self.dependencies
        if self.sensitive:
            data["sensitive"] = self.sensitive
        if self.idempotency_token:
            data["idempotency_token"] = self.idempotency_token
        if self.unfinished_update:
            data["unfinished_update"] = self.unfinished_update
        return data

    @classmethod
    def from_json(cls, address: str, data: dict[str, Any]) -> ResourceRecord:
        return cls(
            address=address,
            kind=data["kind"],
            provider=data["provider"],
            id=data["id"],
            attributes=data.get("attributes", {}),
            private=base64.b64decode(data.get("private", "")),
            dependencies=list(data.get("dependencies", [])),
            sensitive=list(data.get("sensitive", [])),
            idempotency_token=data.get("idempotency_token", ""),
            unfinished_update=list(data.get("unfinished_update", [])),
        )


@dataclass
class Intent:
    """An operation in flight: recorded durably before the provider is asked to act."""

    address: str
    kind: str
    provider: str
    operation: str  # "create" | "update" | "delete" | "replace"
    idempotency_token: str
    id: str = ""  # known for updates, deletes and replaces
    started: float = field(default_factory=time.time)
    changed: list[str] = field(default_factory=list)  # an update's config attributes

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "provider": self.provider,
            "operation": self.operation,
            "idempotency_token": self.idempotency_token,
            "id": self.id,
            "started": self.started,
        }
        if self.changed:
            data["changed"] = self.changed
        return data

    @classmethod
    def from_json(cls, address: str, data: dict[str, Any]) -> Intent:
        return cls(
            address=address,
            kind=data["kind"],
            provider=data["provider"],
            operation=data["operation"],
            idempotency_token=data.get("idempotency_token", ""),
            id=data.get("id", ""),
            started=float(data.get("started", 0.0)),
            changed=list(data.get("changed", [])),
        )


@dataclass
class LockInfo:
    """Who holds the state lock; shown to anyone who finds the state locked."""

    id: str
    operation: str  # "apply", "plan", "state rm", ...
    who: str  # user@host
    pid: int
    created: datetime
    version: str = CORE_VERSION

    @classmethod
    def new(cls, operation: str) -> LockInfo:
        return cls(
            id=str(uuid.uuid4()),
            operation=operation,
            who=f"{_user_name()}@{socket.gethostname()}",
            pid=os.getpid(),
            created=datetime.now(timezone.utc),
        )

    @property
    def host(self) -> str:
        return self.who.rpartition("@")[2]

    def holder_is_gone(self) -> bool:
        """True when the holder ran on this host and its process no longer exists."""
        if self.host != socket.gethostname() or self.pid <= 0 or os.name == "nt":
            return False  # (on Windows, signal 0 would be a Ctrl-C event, not a probe)
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # alive, owned by another user
            return False
        return False

    def describe(self) -> str:
        since = self.created.strftime("%Y-%m-%d %H:%M:%S UTC")
        return (
            f"{self.operation} (pid {self.pid} on host {self.host}, user "
            f"{self.who.rpartition('@')[0] or '?'}, since {since}, lock ID {self.id})"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "operation": self.operation,
            "who": self.who,
            "pid": self.pid,
            "created": self.created.astimezone(timezone.utc).isoformat(),
            "version": self.version,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LockInfo:
        created = datetime.fromisoformat(str(data["created"]).replace("Z", "+00:00"))
        if created.tzinfo is None:
            created = created.replace(tzinfo=timezone.utc)
        return cls(
            id=str(data["id"]),
            operation=str(data.get("operation", "")),
            who=str(data.get("who", "")),
            pid=int(data.get("pid", 0)),
            created=created,
            version=str(data.get("version", "")),
        )


def locked_message(holder: LockInfo) -> str:
    """The one message a run that finds the state locked prints."""
    text = f"state is locked by {holder.describe()}."
    if holder.holder_is_gone():
        return (
            f"{text} That process is gone (it crashed or was killed). "
            f"Release the lock with: genesys force-unlock {holder.id}"
        )
    return f"{text} If that run is gone: genesys force-unlock {holder.id}"


def mask_sensitive(attributes: dict[str, Any], sensitive: list[str]) -> dict[str, Any]:
    """A copy of `attributes` with values at the given (dotted) names masked."""
    if not sensitive:
        return attributes
    masked = copy.deepcopy(attributes)
    for path in sensitive:
        node: Any = masked
        *parents, leaf = path.split(".")
        for name in parents:
            node = node.get(name) if isinstance(node, dict) else None
        if isinstance(node, dict) and leaf in node:
            node[leaf] = SENSITIVE_MASK
    return masked


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"
