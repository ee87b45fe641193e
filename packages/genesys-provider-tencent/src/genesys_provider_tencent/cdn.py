"""CDN (acceleration domains in front of a COS bucket) and SSL certificates.

A CDN's id is its domain (Tencent CDN needs one). Its origin is the bucket's static-website
host when the bucket hosts a website (index/error documents work), else the bucket's COS
host with private origin access. HTTPS uses a certificate from the SSL service. Deleting a
domain is two steps, as on Tencent: StopCdnDomain, then DeleteCdnDomain once offline.
Certificates are free DV certificates with DNS validation: a create returns at once in state
pending_validation with the DNS record to publish in provider_data (Genesys does not manage
DNS). The certificate's Alias carries "<name>|<token>", since SSL has no tags on apply.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import chunked, read_one
from genesys_plugin_sdk.tags import TOKEN_TAG, client_token
from genesys_plugin_sdk.waiters import Waiter

from genesys_provider_tencent.clients import TencentClients
from genesys_provider_tencent.common import (
    filtered,
    refuse_change,
    retag,
    struct,
    tag_dict,
    user_tags,
)
from genesys_provider_tencent.errors import error_code

NAME_TAG = "genesys:name"
CERT_STATES = {
    0: "pending_validation",
    1: "issued",
    2: "failed",
    3: "expired",
    7: "revoked",
    4: "pending_validation",
}


# ---------------------------------------------------------------- CDN


def _origin_bucket(origin: Mapping[str, Any]) -> str:
    host = str((origin.get("Origins") or [""])[0])
    for marker in (".cos-website.", ".cos."):
        if marker in host:
            return host.split(marker)[0]
    return ""


def cdn_from(raw: Mapping[str, Any]) -> pb.Cdn:
    tags = tag_dict(raw.get("Tag"), "TagKey", "TagValue")
    https = raw.get("Https") or {}
    return pb.Cdn(
        id=raw["Domain"],
        name=tags.get(NAME_TAG, raw["Domain"]),
        origin_bucket_id=_origin_bucket(raw.get("Origin") or {}),
        domain=raw["Domain"],
        certificate_id=(https.get("CertInfo") or {}).get("CertId", ""),
        endpoint=raw.get("Cname", ""),
        https=https.get("Switch") == "on",
        tags=user_tags(tags),
        provider_data=struct(
            {
                "status": raw.get("Status"),
                "resource_id": raw.get("ResourceId"),
                "origin": (raw.get("Origin") or {}).get("Origins"),
            }
        ),
    )


class Content(KindHandler):
    """The `cdn` kind (named for what it serves: a class called Cdn would shadow pb.Cdn)."""

    field = "cdn"

    def __init__(self, clients: TencentClients) -> None:
        self.clients = clients
        self.waiter: Waiter[str] = Waiter(self._states, what="CDN domain", timing=clients.timing)

    def _describe(self, action: str, domains: list[str] | None) -> Iterator[dict[str, Any]]:
        parts = [[]] if domains is None else list(chunked(sorted(set(domains)), 10))
        for part in parts:
            filters = [{"Name": "domain", "Value": part}] if part else []
            offset = 0
            while True:
                page = self.clients.call(
                    "cdn", action, {"Offset": offset, "Limit": 100, "Filters": filters}
                )
                found = page.get("Domains") or []
                yield from found
                offset += len(found)
                if not found or offset >= int(page.get("TotalNumber") or 0):
                    break

    def _states(self, domains: list[str]) -> dict[str, str]:
        return {
            r["Domain"]: str(r.get("Status")) for r in self._describe("DescribeDomains", domains)
        }

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        return {r["Domain"]: cdn_from(r) for r in self._describe("DescribeDomainsConfig", ids)}

    def find_by_token(self, token: str) -> str | None:
        wanted = client_token(token, 127)
        for raw in self._describe("DescribeDomainsConfig", None):
            if tag_dict(raw.get("Tag"), "TagKey", "TagValue").get(TOKEN_TAG) == wanted:
                return str(raw["Domain"])
        return None

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Cdn]:
        found = [cdn_from(raw) for raw in self._describe("DescribeDomainsConfig", None)]
        yield from filtered(found, filters, {"domain": "domain", "name": "name", "id": "id"})

    def _origin(self, bucket: str) -> dict[str, Any]:
        region = self.clients.region
        try:
            self.clients.cos().get_bucket_website(Bucket=bucket)
        except Exception as exc:
            if error_code(exc) not in ("NoSuchWebsiteConfiguration", "NoSuchBucket"):
                raise
            return {
                "Origins": [f"{bucket}.cos.{region}.myqcloud.com"],
                "OriginType": "cos",
                "CosPrivateAccess": "on",
            }
        host = f"{bucket}.cos-website.{region}.myqcloud.com"
        return {"Origins": [host], "OriginType": "domain", "ServerName": host}

    def _https(self, config: Any) -> dict[str, Any]:
        if not config.https:
            return {"Switch": "off"}
        if not config.certificate_id:
            raise errors.InvalidArgument(
                "https on a Tencent CDN needs a certificate", attribute_path="config.certificate_id"
            )
        return {"Switch": "on", "Http2": "on", "CertInfo": {"CertId": config.certificate_id}}

    def create(self, config: pb.CdnConfig, token: str) -> pb.Cdn:
        if not config.domain:
            raise errors.InvalidArgument(
                "a Tencent CDN needs a domain", attribute_path="config.domain"
            )
        existing = self.find_by_token(token) if token else None
        if existing is None:
            tags = {**config.tags, NAME_TAG: config.name or config.domain}
            if token:
                tags[TOKEN_TAG] = client_token(token, 127)
            self.clients.call(
                "cdn",
                "AddCdnDomain",
                {
                    "Domain": config.domain,
                    "ServiceType": "web",
                    "Origin": self._origin(config.origin_bucket_id),
                    "Https": self._https(config),
                    "Tag": [{"TagKey": k, "TagValue": v} for k, v in tags.items()],
                },
            )
            existing = config.domain
        self.waiter.wait_for(existing, {"online"})
        return read_one(self, existing)

    def update(self, request: Any) -> pb.Cdn:
        changed = {c.split(".")[0] for c in request.changed} or {"https", "certificate_id", "tags"}
        refuse_change(changed, ("domain", "origin_bucket_id", "name"), "CDN")
        if changed & {"https", "certificate_id"}:
            https = {"Domain": request.id, "Https": self._https(request.config)}
            self.clients.call("cdn", "UpdateDomainConfig", https)
            self.waiter.wait_for(request.id, {"online"})
        if "tags" in changed:
            current = read_one(self, request.id)
            name = self.clients.resource_name("cdn", f"domain/{request.id}", regional=False)
            retag(self.clients, name, current.tags, request.config.tags)
        return read_one(self, request.id)

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        if self._states([resource_id]).get(resource_id) != "offline":
            self.clients.call("cdn", "StopCdnDomain", {"Domain": resource_id})
            self.waiter.wait_for(resource_id, {"offline"})
        self.clients.call("cdn", "DeleteCdnDomain", {"Domain": resource_id})
        self.waiter.wait_gone(resource_id)


# ---------------------------------------------------------------- certificates


def certificate_from(raw: Mapping[str, Any]) -> pb.Certificate:
    name = str(raw.get("Alias") or "").split("|")[0]
    auth = raw.get("DvAuthDetail") or {}
    records = [
        {
            "name": a.get("DvAuthKey"),
            "type": a.get("DvAuthVerifyType") or "TXT",
            "value": a.get("DvAuthValue"),
        }
        for a in auth.get("DvAuths") or []
    ]
    return pb.Certificate(
        tags=user_tags(tag_dict(raw.get("Tags"), "TagKey", "TagValue")),
        id=raw["CertificateId"],
        name=name,
        domain=raw.get("Domain", ""),
        state=CERT_STATES.get(int(raw.get("Status") or 0), str(raw.get("Status"))),
        provider_data=struct(
            {
                "validation_records": records,
                "status_msg": raw.get("StatusMsg"),
                "verify_type": raw.get("VerifyType"),
            }
        ),
    )


class Certificates(KindHandler):
    field = "certificate"

    def __init__(self, clients: TencentClients) -> None:
        self.clients = clients

    def _get(self, ident: str) -> dict[str, Any] | None:
        return self.clients.call_or_none(
            "ssl",
            "DescribeCertificate",
            {"CertificateId": ident},
            "FailedOperation.CertificateNotFound",
            "ResourceNotFound",
        )

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        found = {}
        for ident, raw in self.clients.pool.fan_out(self._get, sorted(set(ids))):
            if raw is not None:
                found[ident] = raw if isinstance(raw, Exception) else certificate_from(raw)
        return found

    def _all(self, search: str = "") -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            page = self.clients.call(
                "ssl", "DescribeCertificates", {"Offset": offset, "Limit": 100, "SearchKey": search}
            )
            found = page.get("Certificates") or []
            yield from found
            offset += len(found)
            if not found or offset >= int(page.get("TotalCount") or 0):
                return

    def find_by_token(self, token: str) -> str | None:
        mark = f"|{client_token(token, 40)}"
        for raw in self._all(mark):
            if str(raw.get("Alias", "")).endswith(mark):
                return str(raw["CertificateId"])
        return None

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Certificate]:
        found = [certificate_from(raw) for raw in self._all()]
        yield from filtered(found, filters, {"domain": "domain", "name": "name", "id": "id"})

    def create(self, config: pb.CertificateConfig, token: str) -> pb.Certificate:
        existing = self.find_by_token(token) if token else None
        if existing is None:
            alias = f"{config.name}|{client_token(token, 40)}" if token else config.name
            existing = self.clients.call(
                "ssl",
                "ApplyCertificate",
                {
                    "DvAuthMethod": "DNS",
                    "DomainName": config.domain,
                    "Alias": alias,
                    "PackageType": "83",
                },
            )["CertificateId"]
        current = read_one(self, existing)
        if dict(current.tags) != dict(config.tags):  # SSL takes no tags when applying
            self._retag(existing, current.tags, config.tags)
        return read_one(self, existing)

    def update(self, request: Any) -> pb.Certificate:
        changed = {c.split(".")[0] for c in request.changed} or {"tags"}
        refuse_change(changed, ("name", "domain"), "certificate")
        if "tags" in changed:
            self._retag(request.id, read_one(self, request.id).tags, request.config.tags)
        return read_one(self, request.id)

    def _retag(self, ident: str, current: Mapping[str, str], desired: Mapping[str, str]) -> None:
        name = self.clients.resource_name("ssl", f"certificate/{ident}", regional=False)
        retag(self.clients, name, current, desired)

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        self.clients.call("ssl", "DeleteCertificate", {"CertificateId": resource_id})
