"""Throwaway self-signed certificates for the core<->plugin mutual TLS (ECDSA P-256).

Both sides make one per run, in memory. Each cert is its own trust anchor: it is marked as a
CA (so TLS stacks accept it as a root), valid for server and client auth, for the names
"localhost", 127.0.0.1 and ::1 (the core always verifies against "localhost").
"""

from __future__ import annotations

import base64
import datetime
import ipaddress
from dataclasses import dataclass
from typing import Any

TLS_SERVER_NAME = "localhost"


@dataclass(frozen=True)
class CertKeyPair:
    cert_pem: bytes
    key_pem: bytes
    cert_der: bytes


def _extensions() -> list[tuple[Any, bool]]:
    """(extension, critical) pairs: a CA (own trust anchor) for server+client auth on localhost."""
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=True,
        data_encipherment=False,
        key_agreement=True,
        key_cert_sign=True,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    both_auths = [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    alt_names = x509.SubjectAlternativeName(
        [
            x509.DNSName(TLS_SERVER_NAME),
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            x509.IPAddress(ipaddress.ip_address("::1")),
        ]
    )
    return [
        (x509.BasicConstraints(ca=True, path_length=None), True),
        (usage, True),
        (x509.ExtendedKeyUsage(both_auths), False),
        (alt_names, False),
    ]


def generate_self_signed(common_name: str) -> CertKeyPair:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))  # tolerate small clock skew
        .not_valid_after(now + datetime.timedelta(days=3650))
    )
    for extension, critical in _extensions():
        builder = builder.add_extension(extension, critical=critical)
    cert = builder.sign(key, hashes.SHA256())
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return CertKeyPair(
        cert_pem=cert.public_bytes(serialization.Encoding.PEM),
        key_pem=key_pem,
        cert_der=cert.public_bytes(serialization.Encoding.DER),
    )


def der_to_pem(der: bytes) -> bytes:
    body = base64.encodebytes(der).decode("ascii").replace("\n", "")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    text = "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"
    return text.encode()
