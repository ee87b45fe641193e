"""The core's side of the mutual TLS: one throwaway certificate per run, pinned trust.

The core sends its certificate (PEM) to every plugin in GENESYS_PLUGIN_CLIENT_CERT; the plugin
trusts only it. The plugin returns its own certificate in the handshake line; the core trusts
only that one for that connection, verifying it for the name "localhost". A plugin that
announces no certificate is refused (no plaintext fallback); only a plugin a developer started
by hand and reattached through GENESYS_REATTACH_PROVIDERS may be reached in plaintext.
"""

from __future__ import annotations

import threading

import grpc
from genesys_plugin_sdk.services import MESSAGE_SIZE_OPTIONS
from genesys_plugin_sdk.tls import TLS_SERVER_NAME, CertKeyPair, der_to_pem, generate_self_signed

_lock = threading.Lock()
_core_cert: CertKeyPair | None = None


def core_certificate() -> CertKeyPair:
    """This process's throwaway client certificate (made once, kept in memory only)."""
    global _core_cert
    with _lock:
        if _core_cert is None:
            _core_cert = generate_self_signed("genesys-core")
        return _core_cert


def open_channel(target: str, server_cert_der: bytes, client: CertKeyPair) -> grpc.Channel:
    """A channel to a plugin: mTLS, trusting only the certificate it announced."""
    if not server_cert_der:
        # No plaintext fallback: a plugin that announces no certificate is refused by the
        # caller; reaching here without one is a bug in the core.
        raise ValueError("a plugin channel needs the plugin's certificate")
    credentials = grpc.ssl_channel_credentials(
        root_certificates=der_to_pem(server_cert_der),
        private_key=client.key_pem,
        certificate_chain=client.cert_pem,
    )
    options: list[tuple[str, object]] = list(MESSAGE_SIZE_OPTIONS)
    options.append(("grpc.ssl_target_name_override", TLS_SERVER_NAME))
    return grpc.secure_channel(target, credentials, options=options)


def open_debug_channel(target: str) -> grpc.Channel:
    """A plaintext channel, only for a plugin reattached by a developer (debug mode)."""
    return grpc.insecure_channel(target, options=list(MESSAGE_SIZE_OPTIONS))
