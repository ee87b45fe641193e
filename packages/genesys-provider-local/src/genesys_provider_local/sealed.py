"""Secrets the local provider must keep to operate, sealed at rest.

One random AES-256 key per root (`registry.sqlite3.key`, 0600) seals:
- every registry row's message bytes (a function's environment, an instance's user_data may
  hold secrets), bound to the row's id (registry.py);
- the PostgreSQL password of a database, which the core gets once, in the create response,
  and records in its (possibly encrypted) state; the provider keeps it only so a create
  retried with the same idempotency token (the core crashed before recording it) can answer
  with it again (database.py).
So grepping the root, or a copy of the registry or of a resource directory, reveals nothing.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
from pathlib import Path
from typing import Any

from genesys_plugin_sdk import errors

from genesys_provider_local.fs import write_atomic

KEY_FILE = "registry.sqlite3.key"  # beside the registry (registry.REGISTRY_FILE)
_NONCE = 12


def root_key(root: Path) -> bytes:
    """The root's key, made on first use. Published by link(2) of a complete file, so a
    concurrent or crashed first use never leaves a short key behind."""
    path = root / KEY_FILE
    if not path.exists():
        tmp = root / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        write_atomic(tmp, secrets.token_bytes(32), 0o600)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
        tmp.unlink()
    key = path.read_bytes()
    if len(key) != 32:
        raise errors.FailedPrecondition(f"{path} is not a key the local provider made")
    return key


@functools.lru_cache(maxsize=8)
def _aead(key: bytes) -> Any:
    """One cipher per key: building it costs 3x a 200-byte decrypt (batch reads open
    thousands of registry rows)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def seal_bytes(key: bytes, data: bytes, binding: str) -> bytes:
    nonce = secrets.token_bytes(_NONCE)
    sealed: bytes = _aead(key).encrypt(nonce, data, binding.encode())
    return nonce + sealed


def open_bytes(key: bytes, sealed: bytes, binding: str) -> bytes | None:
    """The plaintext, or None when `sealed` was altered or made for another binding/key."""
    from cryptography.exceptions import InvalidTag

    try:
        plain: bytes = _aead(key).decrypt(sealed[:_NONCE], sealed[_NONCE:], binding.encode())
        return plain
    except InvalidTag:
        return None


def seal(root: Path, path: Path, secret: str, binding: str) -> None:
    write_atomic(path, seal_bytes(root_key(root), secret.encode(), binding), 0o600)


def unseal(root: Path, path: Path, binding: str) -> str:
    plain = open_bytes(root_key(root), path.read_bytes(), binding)
    if plain is None:
        raise errors.FailedPrecondition(
            f"{path} cannot be opened with this root's key (altered, or moved from another root)"
        )
    return plain.decode()
