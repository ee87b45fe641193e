"""Client-side state encryption: AES-256-GCM with the state's position bound in.

Every sealed blob carries associated data naming what it is and where it belongs (lineage,
serial, entry sequence). A reader builds that associated data from where it *expects* the
blob to be, so an old snapshot or journal entry copied into a newer position, a duplicated
or reordered entry, or an entry from another state all fail to verify. Keys come from the
caller, or from a passphrase through scrypt with a random salt kept in the snapshot's
plaintext header (see `derive_key`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from genesys.errors import StateError

KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
# scrypt cost: about 32 MiB and ~0.1 s once per run, stored with the salt so it can grow.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1


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
    """Where the encryption key comes from: a raw key, a passphrase, or nothing."""

    key: bytes | None = None
    passphrase: str | bytes | None = None
    # Derived sealers by KDF header: scrypt is deliberately slow, derive once per salt.
    _derived: dict[str, Sealer] = field(default_factory=dict, compare=False, repr=False)

    @property
    def present(self) -> bool:
        return self.key is not None or bool(self.passphrase)

    def sealer_for(self, kdf: dict[str, Any] | None) -> Sealer:
        """The sealer for data written with the given KDF header (None: a raw key)."""
        if kdf and kdf.get("name") == "scrypt":
            if not self.passphrase:
                raise StateError(
                    "the state is encrypted with a passphrase: set GENESYS_STATE_PASSPHRASE"
                )
            cache_key = f"{kdf['salt']}:{kdf['n']}:{kdf['r']}:{kdf['p']}"
            if cache_key not in self._derived:
                salt = bytes.fromhex(str(kdf["salt"]))
                key = derive_key(self.passphrase, salt, n=kdf["n"], r=kdf["r"], p=kdf["p"])
                self._derived[cache_key] = Sealer(key)
            return self._derived[cache_key]
        if self.key is None:
            raise StateError("the state is encrypted with a raw key, and no key was given")
        return Sealer(self.key)

    def new_kdf(self) -> dict[str, Any] | None:
        """The KDF header for newly encrypted state (None when a raw key is used)."""
        if self.key is not None:
            return None
        return {
            "name": "scrypt",
            "salt": os.urandom(SALT_BYTES).hex(),
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
        }


def snapshot_aad(lineage: str, serial: int, seq: int) -> bytes:
    return f"genesys-state/v1/snapshot\0{lineage}\0{serial}\0{seq}".encode()


def journal_header_aad(lineage: str, base_seq: int) -> bytes:
    return f"genesys-state/v1/journal-header\0{lineage}\0{base_seq}".encode()


def journal_entry_aad(lineage: str, serial: int, seq: int) -> bytes:
    """`serial` is the state's serial just before the entry applies; `seq` its position."""
    return f"genesys-state/v1/journal-entry\0{lineage}\0{serial}\0{seq}".encode()
