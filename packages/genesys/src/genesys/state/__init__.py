"""Genesys state: what exists, recorded so that a crash at any instant loses nothing.

Public API (re-exported here; the modules behind it are private):

    StateManager.open(backend, ...)  lock + load; begin/commit/forget/...; close()
    ResourceRecord, Intent, LockInfo  what the state holds
    StateBackend                      the protocol a storage place implements
    LocalBackend(directory)           files beside the config (the default)
    RemoteBackend(stub, location)     a plugin's StateStore gRPC service (s3, gcs, ...)
    force_unlock(backend, lock_id)    release a lock a dead run left behind
    derive_key(passphrase, salt)      scrypt key derivation for `encrypt: true`
    open_backend_for_config(path)     where a config's state lives

Formats and recovery rules: docs/state.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from genesys.state.backend import StateBackend, force_unlock
from genesys.state.crypto import derive_key
from genesys.state.local import LocalBackend
from genesys.state.locate import local_state_directory, open_backend_for_config
from genesys.state.manager import StateManager
from genesys.state.records import (
    SENSITIVE_MASK,
    Intent,
    LockInfo,
    ResourceRecord,
    locked_message,
    mask_sensitive,
)

if TYPE_CHECKING:  # imported lazily below: it pulls in grpc
    from genesys.state.remote import RemoteBackend

__all__ = [
    "SENSITIVE_MASK",
    "Intent",
    "LocalBackend",
    "LockInfo",
    "RemoteBackend",
    "ResourceRecord",
    "StateBackend",
    "StateManager",
    "derive_key",
    "force_unlock",
    "local_state_directory",
    "locked_message",
    "mask_sensitive",
    "open_backend_for_config",
]


def __getattr__(name: str) -> object:
    # RemoteBackend pulls in grpc; load it only when asked for.
    if name == "RemoteBackend":
        from genesys.state.remote import RemoteBackend

        return RemoteBackend
    raise AttributeError(f"module 'genesys.state' has no attribute {name!r}")
