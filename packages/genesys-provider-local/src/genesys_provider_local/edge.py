"""The edge of the local network: load balancers, CDNs and TLS certificates.

- A load balancer records its listeners and targets and gets `<name>.lb.local` as DNS name.
  No traffic is forwarded (instances have no reachable private addresses here).
- A CDN fronts a bucket: its endpoint is the bucket directory's file:// URL.
- A certificate is real: a self-signed X.509 certificate and its private key, written as PEM
  under <root>/certificates/<id>/ (key mode 0600), state "issued".
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors

from genesys_provider_local.fs import make_dir, remove_path, write_atomic
from genesys_provider_local.ops import Dep, KindOps, struct
from genesys_provider_local.registry import FAILED, READY, Row

CERTIFICATE_DAYS = 365


class LoadBalancerOps(KindOps[pb.LoadBalancer]):
    kind = pb.RESOURCE_KIND_LOAD_BALANCER

    def dependencies(self, desired: Any) -> list[Dep]:
        deps = [Dep("network_id", pb.RESOURCE_KIND_NETWORK, desired.network_id)]
        deps = deps if desired.network_id else []
        for i, sid in enumerate(desired.subnet_ids):
            deps.append(Dep(f"subnet_ids[{i}]", pb.RESOURCE_KIND_SUBNET, sid))
        for i, gid in enumerate(desired.security_group_ids):
            deps.append(Dep(f"security_group_ids[{i}]", pb.RESOURCE_KIND_SECURITY_GROUP, gid))
        for i, listener in enumerate(desired.listeners):
            if listener.certificate_id:
                path = f"listeners[{i}].certificate_id"
                deps.append(Dep(path, pb.RESOURCE_KIND_CERTIFICATE, listener.certificate_id))
        return deps

    def _check_placement(self, desired: Any) -> None:
        registry = self.rt.registry
        for i, sid in enumerate(desired.subnet_ids):
            row = registry.get(sid)
            subnet = pb.Subnet.FromString(row.body) if row is not None else pb.Subnet()
            if desired.network_id and subnet.network_id != desired.network_id:
                raise errors.InvalidArgument(
                    f"subnet {sid} is not in network {desired.network_id}",
                    attribute_path=f"config.subnet_ids[{i}]",
                )
        for i, iid in enumerate(desired.target_instance_ids):
            row = registry.get(iid)
            if row is None or row.kind != pb.RESOURCE_KIND_INSTANCE or row.status != READY:
                raise errors.InvalidArgument(
                    f"instance {iid!r} does not exist",
                    attribute_path=f"config.target_instance_ids[{i}]",
                )

    def reserve(self, rid: str, config: pb.LoadBalancerConfig) -> None:
        self._check_placement(config)

    def build(
        self, rid: str, config: pb.LoadBalancerConfig
    ) -> tuple[pb.LoadBalancer, dict[str, Any]]:
        balancer = pb.LoadBalancer(
            id=rid,
            name=config.name,
            network_id=config.network_id,
            subnet_ids=config.subnet_ids,
            security_group_ids=config.security_group_ids,
            internal=config.internal,
            listeners=config.listeners,
            target_instance_ids=config.target_instance_ids,
            dns_name=f"{config.name}.lb.local",
            tags=config.tags,
            provider_data=struct(forwarding=False, note="listeners are recorded, not served"),
        )
        return balancer, {}

    def on_update(
        self,
        rid: str,
        message: pb.LoadBalancer,
        aux: dict[str, Any],
        config: Any,
        fields: set[str],
    ) -> dict[str, Any]:
        self._check_placement(message)
        message.dns_name = f"{message.name}.lb.local"
        return aux


class CdnOps(KindOps[pb.Cdn]):
    kind = pb.RESOURCE_KIND_CDN

    def dependencies(self, desired: Any) -> list[Dep]:
        deps = []
        if desired.origin_bucket_id:
            deps.append(Dep("origin_bucket_id", pb.RESOURCE_KIND_BUCKET, desired.origin_bucket_id))
        if desired.certificate_id:
            deps.append(Dep("certificate_id", pb.RESOURCE_KIND_CERTIFICATE, desired.certificate_id))
        return deps

    def _fill(self, cdn: pb.Cdn) -> None:
        row = self.rt.registry.get(cdn.origin_bucket_id)
        bucket = pb.Bucket.FromString(row.body) if row is not None else pb.Bucket()
        cdn.endpoint = bucket.endpoint
        index = bucket.website.index_document if bucket.HasField("website") else ""
        cdn.provider_data.CopyFrom(
            struct(origin=bucket.endpoint, index_document=index or None, serving=False)
        )

    def build(self, rid: str, config: pb.CdnConfig) -> tuple[pb.Cdn, dict[str, Any]]:
        cdn = pb.Cdn(
            id=rid,
            name=config.name,
            origin_bucket_id=config.origin_bucket_id,
            domain=config.domain,
            certificate_id=config.certificate_id,
            https=config.https,
            tags=config.tags,
        )
        self._fill(cdn)
        return cdn, {}

    def on_update(
        self, rid: str, message: pb.Cdn, aux: dict[str, Any], config: Any, fields: set[str]
    ) -> dict[str, Any]:
        self._fill(message)
        return aux


def self_signed_pem(domain: str, days: int = CERTIFICATE_DAYS) -> tuple[bytes, bytes, str, str]:
    """(certificate PEM, key PEM, not_after ISO date, SHA-256 fingerprint) for `domain`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    now = datetime.datetime.now(datetime.timezone.utc)
    not_after = now + datetime.timedelta(days=days)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = certificate.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fingerprint = certificate.fingerprint(hashes.SHA256()).hex(":")
    return cert_pem, key_pem, not_after.date().isoformat(), fingerprint


class CertificateOps(KindOps[pb.Certificate]):
    kind = pb.RESOURCE_KIND_CERTIFICATE

    def directory(self, rid: str) -> Path:
        return self.path("certificates", rid)

    def build(
        self, rid: str, config: pb.CertificateConfig
    ) -> tuple[pb.Certificate, dict[str, Any]]:
        directory = make_dir(self.directory(rid), 0o700)
        cert_pem, key_pem, not_after, fingerprint = self_signed_pem(config.domain)
        write_atomic(directory / "key.pem", key_pem, 0o600)
        write_atomic(directory / "cert.pem", cert_pem, 0o644)
        certificate = pb.Certificate(
            id=rid,
            name=config.name,
            domain=config.domain,
            state="issued",
            tags=config.tags,
            provider_data=struct(
                certificate_pem=str(directory / "cert.pem"),
                private_key_pem=str(directory / "key.pem"),
                not_after=not_after,
                sha256_fingerprint=fingerprint,
                issuer="self-signed",
            ),
        )
        return certificate, {}

    def destroy(self, rid: str, message: pb.Certificate | None) -> None:
        remove_path(self.directory(rid), self.rt.root)

    def observe(self, row: Row) -> bytes | None:
        if row.status == FAILED:
            return row.body
        return row.body if self.directory(row.id).is_dir() else None
