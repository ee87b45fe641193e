"""Client-side state encryption: AES-256-GCM with the state's position bound in.

Every sealed blob carries associated data naming what it is and where it belongs (lineage,
serial, entry sequence). A reader builds that associated data from where it *expects* the
blob to be, so an old snapshot or journal entry copied into a newer position, a duplicated
or reordered entry, or an entry from another state all fail to verify. Keys come from the
caller, from a passphrase through scrypt with a random salt kept in the snapshot's
plaintext header (see `derive_key`), or from a cloud key service (`state.kms_key`): a random
data key that the service wraps, only the wrapped form kept in the header and the plaintext
key held in memory for the run (see `DataKeyService`).
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from genesys.errors import StateError

KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
# scrypt cost: about 32 MiB and ~0.1 s once per run, stored with the salt so it can grow.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
# Bound into every wrapped data key (an AWS KMS encryption context): it shows in the key
# service's audit log, and a wrapped key made for anything else does not unwrap as ours.
DATA_KEY_CONTEXT = {"genesys:purpose": "state"}


@runtime_checkable
class DataKeyService(Protocol):
    """A cloud key service reached through a state backend (StateStore GenerateDataKey /
    DecryptDataKey). Both raise StateError when the service refuses."""

    def generate_data_key(self, key_id: str, context: dict[str, str]) -> tuple[bytes, bytes, str]:
        """(plaintext key, wrapped key, the key's canonical id)."""
        ...

    def decrypt_data_key(self, key_id: str, wrapped: bytes, context: dict[str, str]) -> bytes: ...


def derive_key(
    passphrase: str | bytes,
    salt: bytes,
    *,
    n: int = SCRYPT_N,
    r: int = SCRYPT_R,
    p: int = SCRYPT_P,
) -> bytes:
    """A 256-bit key from a passphrase (scrypt; str passphrases are UTF-8 encoded)."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    if not passphrase:
        raise StateError("the state passphrase is empty")
    secret = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
    return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p).derive(secret)


class Sealer:
    """AES-256-GCM with a fresh random nonce per blob: output is nonce || ciphertext+tag."""

    def __init__(self, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if len(key) != KEY_BYTES:
            raise StateError(f"the state encryption key must be {KEY_BYTES} bytes, not {len(key)}")
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, aad)

    def open(self, sealed: bytes, aad: bytes) -> bytes | None:
        """The plaintext, or None when the blob does not verify for this key and position."""
        from cryptography.exceptions import InvalidTag

        try:
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
        except (InvalidTag, ValueError):
            return None


@dataclass(frozen=True)
class KeySource:
    """Where the encryption key comes from: a raw key, a KMS-wrapped data key, a passphrase,
    or nothing. New state uses the first of those that is configured, in that order."""

    key: bytes | None = None
    passphrase: str | bytes | None = None
    kms_key: str | None = None  # the config's state.kms_key: encrypt new state under it
    data_keys: DataKeyService | None = None  # the backend's key service, if it has one
    # Sealers by KDF header: scrypt is deliberately slow and unwrapping is a network call,
    # so each is done once per run. Never persisted: it holds plaintext keys.
    _derived: dict[str, Sealer] = field(default_factory=dict, compare=False, repr=False)

    @property
    def present(self) -> bool:
        """Whether new (or plaintext) state gets encrypted."""
        return self.key is not None or bool(self.passphrase) or self._kms_ready

    @property
    def _kms_ready(self) -> bool:
        return bool(self.kms_key) and self.data_keys is not None

    def unreadable_reason(self, kdf: dict[str, Any] | None) -> str | None:
        """Why state written with this KDF header cannot be opened, or None if it can."""
        name = (kdf or {}).get("name")
        if name == "scrypt" and not self.passphrase:
            return "set GENESYS_STATE_PASSPHRASE to read it"
        if name == "kms" and self.data_keys is None:
            return (
                f"its data key is wrapped by the KMS key {(kdf or {}).get('key_id')!r}, and this "
                "backend has no key service to unwrap it"
            )
        if name is None and self.key is None:
            return "it was written with a raw key, and no key was given"
        return None

    def sealer_for(self, kdf: dict[str, Any] | None) -> Sealer:
        """The sealer for data written with the given KDF header (None: a raw key)."""
        name = (kdf or {}).get("name")
        if kdf is not None and name not in ("scrypt", "kms"):
            raise StateError(f"the state is encrypted with an unknown key source {name!r}")
        reason = self.unreadable_reason(kdf)
        if reason is not None:
            raise StateError(f"the state is encrypted: {reason}")
        if kdf is None:
            assert self.key is not None
            return Sealer(self.key)
        cache_key = self._cache_key(kdf)
        if cache_key not in self._derived:
            self._derived[cache_key] = Sealer(self._unwrap(kdf))
        return self._derived[cache_key]

    def new_kdf(self) -> dict[str, Any] | None:
        """The KDF header for newly encrypted state (None when a raw key is used)."""
        if self.key is not None:
            return None
        if self._kms_ready:
            return self._new_data_key()
        return {
            "name": "scrypt",
            "salt": os.urandom(SALT_BYTES).hex(),
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
        }

    def _new_data_key(self) -> dict[str, Any]:
        assert self.kms_key and self.data_keys is not None
        plaintext, wrapped, key_id = self.data_keys.generate_data_key(
            self.kms_key, dict(DATA_KEY_CONTEXT)
        )
        kdf = {
            "name": "kms",
            "key_id": key_id or self.kms_key,
            "wrapped": base64.b64encode(wrapped).decode("ascii"),
            "context": dict(DATA_KEY_CONTEXT),
        }
        # Cached so the sealer for this header is the key just made, not a round trip.
        self._derived[self._cache_key(kdf)] = Sealer(plaintext)
        return kdf

    def _unwrap(self, kdf: dict[str, Any]) -> bytes:
        if kdf["name"] == "kms":
            assert self.data_keys is not None
            wrapped = base64.b64decode(str(kdf["wrapped"]), validate=True)
            context = {str(k): str(v) for k, v in (kdf.get("context") or {}).items()}
            return self.data_keys.decrypt_data_key(str(kdf.get("key_id") or ""), wrapped, context)
        assert self.passphrase
        salt = bytes.fromhex(str(kdf["salt"]))
        return derive_key(self.passphrase, salt, n=kdf["n"], r=kdf["r"], p=kdf["p"])

    @staticmethod
    def _cache_key(kdf: dict[str, Any]) -> str:
        if kdf["name"] == "kms":
            return f"kms:{kdf['wrapped']}"
        return f"{kdf['salt']}:{kdf['n']}:{kdf['r']}:{kdf['p']}"


def snapshot_aad(lineage: str, serial: int, seq: int) -> bytes:
    return f"genesys-state/v1/snapshot\0{lineage}\0{serial}\0{seq}".encode()


def journal_header_aad(lineage: str, base_seq: int) -> bytes:
    return f"genesys-state/v1/journal-header\0{lineage}\0{base_seq}".encode()


def journal_entry_aad(lineage: str, serial: int, seq: int) -> bytes:
    """`serial` is the state's serial just before the entry applies; `seq` its position."""
    return f"genesys-state/v1/journal-entry\0{lineage}\0{serial}\0{seq}".encode()
