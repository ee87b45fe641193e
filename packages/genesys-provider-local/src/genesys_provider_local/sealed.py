"""Secrets the local provider must keep to operate, sealed at rest.

The PostgreSQL password of a database is handed to the core once, in the create response,
and the core records it in its (possibly encrypted) state. The provider keeps it only so a
create retried with the same idempotency token (the core crashed before recording it) can
answer with it again. It is kept AES-256-GCM sealed with a per-root random key
(`registry.sqlite3.key`, 0600), bound to the resource id, never in the registry: copies of
the registry or of a resource directory alone do not reveal it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from genesys_plugin_sdk import errors

from genesys_provider_local.fs import write_atomic
from genesys_provider_local.registry import REGISTRY_FILE

KEY_FILE = f"{REGISTRY_FILE}.key"
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


def seal(root: Path, path: Path, secret: str, binding: str) -> None:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(_NONCE)
    sealed = AESGCM(root_key(root)).encrypt(nonce, secret.encode(), binding.encode())
    write_atomic(path, nonce + sealed, 0o600)


def unseal(root: Path, path: Path, binding: str) -> str:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    data = path.read_bytes()
    try:
        plain = AESGCM(root_key(root)).decrypt(data[:_NONCE], data[_NONCE:], binding.encode())
    except InvalidTag:
        raise errors.FailedPrecondition(
            f"{path} cannot be opened with this root's key (altered, or moved from another root)"
        ) from None
    return plain.decode()
