"""CDN and certificates: Cloud CDN in front of a bucket, with a Google-managed certificate.

A certificate is a managed `sslCertificate` (id: its name; PROVISIONING reads as
pending_validation, ACTIVE as issued). A CDN (id: its name N) is the global load-balancing
chain Cloud CDN needs: backend bucket `N-backend` (the origin bucket, CDN on) <- URL map
`N-urls` <- target HTTPS proxy `N-https` (the certificate) or HTTP proxy `N-http` <- global
forwarding rule `N-rule` on 443 or 80, whose address is the CDN's endpoint. Created in that
order, deleted in reverse. The chain's parts carry the token in their descriptions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_one
from genesys_plugin_sdk.tags import label_token

from genesys_provider_gcp.clients import GcpClients
from genesys_provider_gcp.common import (
    describe,
    description_meta,
    filtered,
    last,
    names_filter,
    struct,
)

CERT_STATES = {"PROVISIONING": "pending_validation", "ACTIVE": "issued"}


def gcp_name(name: str) -> str:
    """A name GCP accepts: lower-case, '.' and '_' -> '-'."""
    cleaned = re.sub(r"[^a-z0-9-]", "-", name.lower()).strip("-")
    return cleaned if cleaned[:1].isalpha() else f"g-{cleaned}"


class _Global(KindHandler):
    def __init__(self, clients: GcpClients) -> None:
        self.clients = clients

    def client(self, name: str) -> Any:
        return self.clients.compute(name)

    def listed(self, client: str, names: list[str] | None = None) -> list[Any]:
        request = {"project": self.clients.project, "filter": names_filter(names) if names else ""}
        return list(self.client(client).list(request=request))

    def wait(self, operation: Any) -> None:
        self.clients.wait_operation(operation)


class Certificates(_Global):
    field = "certificate"

    @staticmethod
    def _from(raw: Any) -> pb.Certificate:
        meta = description_meta(raw.description)
        status = raw.managed.status if raw.managed else ""
        return pb.Certificate(
            id=raw.name,
            name=str(meta.get("name") or raw.name),
            domain=raw.managed.domains[0] if raw.managed and raw.managed.domains else "",
            state=CERT_STATES.get(status, status.lower()),
            tags=dict(meta.get("tags") or {}),
            provider_data=struct({"self_link": raw.self_link, "type": raw.type_}),
        )

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        return {raw.name: self._from(raw) for raw in self.listed("SslCertificatesClient", ids)}

    def find_by_token(self, token: str) -> str | None:
        for raw in self.listed("SslCertificatesClient"):
            if description_meta(raw.description).get("token") == label_token(token):
                return str(raw.name)
        return None

    def create(self, config: pb.CertificateConfig, token: str) -> pb.Certificate:
        existing = self.find_by_token(token) if token else None
        if existing is None:
            name = gcp_name(config.name or config.domain)
            meta = {"token": label_token(token), "name": config.name, "tags": dict(config.tags)}
            body = {
                "name": name,
                "type_": "MANAGED",
                "managed": {"domains": [config.domain]},
                "description": describe(meta),
            }
            client = self.client("SslCertificatesClient")
            self.wait(
                client.insert_unary(project=self.clients.project, ssl_certificate_resource=body)
            )
            existing = name
        return read_one(self, existing)  # type: ignore[no-any-return]

    def delete(self, resource_id: str) -> None:
        client = self.client("SslCertificatesClient")
        self.wait(client.delete_unary(project=self.clients.project, ssl_certificate=resource_id))

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Certificate]:
        return filtered(map(self._from, self.listed("SslCertificatesClient")), filters)


class Cdns(_Global):
    field = "cdn"

    def _parts(self, names: list[str]) -> dict[str, dict[str, Any]]:
        """{cdn name: {"backend": ..., "rule": ..., "proxy": ...}} for the CDNs that exist."""
        found: dict[str, dict[str, Any]] = {}
        for raw in self.listed("BackendBucketsClient", [f"{n}-backend" for n in names]):
            found[raw.name.removesuffix("-backend")] = {"backend": raw}
        for raw in self.listed("GlobalForwardingRulesClient", [f"{n}-rule" for n in names]):
            found.get(raw.name.removesuffix("-rule"), {})["rule"] = raw
        for client, suffix in (
            ("TargetHttpsProxiesClient", "-https"),
            ("TargetHttpProxiesClient", "-http"),
        ):
            for raw in self.listed(client, [f"{n}{suffix}" for n in names]):
                found.get(raw.name.removesuffix(suffix), {})["proxy"] = raw
        return found

    @staticmethod
    def _from(name: str, parts: dict[str, Any]) -> pb.Cdn:
        backend = parts["backend"]
        meta = description_meta(backend.description)
        rule, proxy = parts.get("rule"), parts.get("proxy")
        certificates = list(getattr(proxy, "ssl_certificates", []) or []) if proxy else []
        return pb.Cdn(
            id=name,
            name=str(meta.get("name") or name),
            origin_bucket_id=backend.bucket_name,
            domain=str(meta.get("domain", "")),
            certificate_id=last(certificates[0]) if certificates else "",
            endpoint=rule.I_p_address if rule else "",
            https=bool(certificates),
            tags=dict(meta.get("tags") or {}),
            provider_data=struct(
                {"enable_cdn": backend.enable_cdn, "address": rule.I_p_address if rule else ""}
            ),
        )

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        return {name: self._from(name, parts) for name, parts in self._parts(ids).items()}

    def find_by_token(self, token: str) -> str | None:
        for raw in self.listed("BackendBucketsClient"):
            if description_meta(raw.description).get("token") == label_token(token):
                return str(raw.name.removesuffix("-backend"))
        return None

    def create(self, config: pb.CdnConfig, token: str) -> pb.Cdn:
        name = gcp_name(config.name or f"{config.origin_bucket_id}-cdn")
        if token and self.find_by_token(token) is not None:
            return self._finish(name, config, token)
        meta = {
            "token": label_token(token),
            "name": config.name,
            "domain": config.domain,
            "tags": dict(config.tags),
        }
        backend = {
            "name": f"{name}-backend",
            "bucket_name": config.origin_bucket_id,
            "enable_cdn": True,
            "description": describe(meta),
        }
        client = self.client("BackendBucketsClient")
        self.wait(
            client.insert_unary(project=self.clients.project, backend_bucket_resource=backend)
        )
        return self._finish(name, config, token)

    def _finish(self, name: str, config: pb.CdnConfig, token: str) -> pb.Cdn:
        """The rest of the chain, each part made unless a retried create already made it."""
        project, marker = self.clients.project, describe({"token": label_token(token)})
        body: dict[str, Any]
        have = self._parts([name]).get(name, {})
        if not self.listed("UrlMapsClient", [f"{name}-urls"]):
            body = {
                "name": f"{name}-urls",
                "default_service": f"global/backendBuckets/{name}-backend",
                "description": marker,
            }
            self.wait(
                self.client("UrlMapsClient").insert_unary(project=project, url_map_resource=body)
            )
        https = bool(config.https and config.certificate_id)
        proxy = f"{name}-https" if https else f"{name}-http"
        if "proxy" not in have:
            body = {
                "name": proxy,
                "url_map": f"global/urlMaps/{name}-urls",
                "description": marker,
            }
            if https:
                body["ssl_certificates"] = [f"global/sslCertificates/{config.certificate_id}"]
                client = self.client("TargetHttpsProxiesClient")
                self.wait(client.insert_unary(project=project, target_https_proxy_resource=body))
            else:
                client = self.client("TargetHttpProxiesClient")
                self.wait(client.insert_unary(project=project, target_http_proxy_resource=body))
        if "rule" not in have:
            kind = "targetHttpsProxies" if https else "targetHttpProxies"
            body = {
                "name": f"{name}-rule",
                "target": f"global/{kind}/{proxy}",
                "port_range": "443" if https else "80",
                "load_balancing_scheme": "EXTERNAL_MANAGED",
                "description": marker,
            }
            client = self.client("GlobalForwardingRulesClient")
            self.wait(client.insert_unary(project=project, forwarding_rule_resource=body))
        return read_one(self, name)  # type: ignore[no-any-return]

    def update(self, request: Any) -> pb.Cdn:
        """Tags and domain live in the backend bucket's description; a new certificate is
        set on the HTTPS proxy. Turning https on or off replaces the CDN (FORCE_NEW)."""
        name, config, project = request.id, request.config, self.clients.project
        parts = self._parts([name]).get(name)
        if parts is None:
            raise errors.NotFound(f"cdn {name} not found")
        backend = parts["backend"]
        meta = description_meta(backend.description)
        meta.update(name=config.name, domain=config.domain, tags=dict(config.tags))
        client = self.client("BackendBucketsClient")
        body = {"description": describe(meta)}
        self.wait(
            client.patch_unary(
                project=project, backend_bucket=backend.name, backend_bucket_resource=body
            )
        )
        proxy = parts.get("proxy")
        if config.certificate_id and proxy is not None and proxy.name.endswith("-https"):
            certificates = {"ssl_certificates": [f"global/sslCertificates/{config.certificate_id}"]}
            client = self.client("TargetHttpsProxiesClient")
            self.wait(
                client.patch_unary(
                    project=project,
                    target_https_proxy=proxy.name,
                    target_https_proxy_resource=certificates,
                )
            )
        return read_one(self, name)  # type: ignore[no-any-return]

    def delete(self, resource_id: str) -> None:
        parts = self._parts([resource_id]).get(resource_id)
        if parts is None:
            raise errors.NotFound(f"cdn {resource_id} not found")
        project = self.clients.project
        steps = [
            ("GlobalForwardingRulesClient", "forwarding_rule", f"{resource_id}-rule"),
            ("TargetHttpsProxiesClient", "target_https_proxy", f"{resource_id}-https"),
            ("TargetHttpProxiesClient", "target_http_proxy", f"{resource_id}-http"),
            ("UrlMapsClient", "url_map", f"{resource_id}-urls"),
            ("BackendBucketsClient", "backend_bucket", f"{resource_id}-backend"),
        ]
        for client, argument, name in steps:
            if self.listed(client, [name]):
                self.wait(self.client(client).delete_unary(project=project, **{argument: name}))

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Cdn]:
        names = [raw.name.removesuffix("-backend") for raw in self.listed("BackendBucketsClient")]
        parts = self._parts(names) if names else {}
        return filtered((self._from(name, found) for name, found in parts.items()), filters)
