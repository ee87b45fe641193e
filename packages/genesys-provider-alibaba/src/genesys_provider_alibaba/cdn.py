"""CDN and certificates: Alibaba CDN accelerated domains in front of an OSS bucket, with a
free DV certificate from Certificate Management Service (CAS).

A certificate is a CAS order (CreateCertificateRequest, DNS validation); its id is the
order id, its state `pending_validation` until CAS issues it (`issued`); its name, tags and
idempotency token are CAS tags on the order (TagResources / ListTagResources). A CDN is keyed by
its domain (Alibaba CDN accelerates a domain of yours; there is no CDN without one); its
origin is the bucket's OSS endpoint. With a certificate the CDN waits for issuance, then
sets it (SetCdnDomainSSLCertificate, CertType cas); `https` turns on https_force.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import chunked, read_each, read_one
from genesys_plugin_sdk.waiters import Waiter

from genesys_provider_alibaba.clients import AlibabaClients
from genesys_provider_alibaba.common import (
    listed,
    polled,
    private_json,
    read_private,
    retag,
    struct,
    tag_params,
    token_filter,
    visible_tags,
)
from genesys_provider_alibaba.errors import TRANSLATOR, call_or_none

NAME_TAG = "genesys:name"
CERT_STATES = {
    "domain_verify": "pending_validation",
    "process": "pending_validation",
    "certificate": "issued",
}


class Certificates(KindHandler):
    field = "certificate"

    def __init__(self, clients: AlibabaClients) -> None:
        self.clients = clients
        self.waiter: Waiter[str] = Waiter(
            self._statuses, what="certificate", timing=clients.timing, max_batch=1
        )

    def _state(self, order_id: str) -> dict[str, Any] | None:
        return call_or_none(
            self.clients.rpc,
            "OrderNotFound",
            product="cas",
            action="DescribeCertificateState",
            OrderId=order_id,
        )

    def _statuses(self, ids: list[str]) -> dict[str, str]:
        found = polled(lambda: self._state(ids[0]))
        return {ids[0]: str(found["Type"])} if found else {}

    def _tags(self, **params: Any) -> dict[str, dict[str, str]]:
        """Order id -> its tags (CAS ListTagResources)."""
        answer = self.clients.rpc("cas", "ListTagResources", ResourceType="ORDER", **params)
        tags: dict[str, dict[str, str]] = {}
        for row in answer.get("TagResources", {}).get("TagResource", []):
            tags.setdefault(str(row["ResourceId"]), {})[row["TagKey"]] = row["TagValue"]
        return tags

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        tags: dict[str, dict[str, str]] = {}
        for chunk in chunked(sorted(set(ids)), 50):
            tags.update(self._tags(**{f"ResourceId.{n}": i for n, i in enumerate(chunk, start=1)}))

        def one(order_id: str) -> pb.Certificate | None:
            found = self._state(order_id)
            if found is None:
                return None
            mine = tags.get(order_id, {})
            return pb.Certificate(
                id=order_id,
                name=mine.get(NAME_TAG, ""),
                domain=str(found.get("Domain", "")),
                state=CERT_STATES.get(str(found["Type"]), str(found["Type"])),
                tags=visible_tags(mine),
                provider_data=struct(
                    {
                        "cert_id": found.get("CertId"),
                        "dns_record": found.get("RecordDomain"),
                        "dns_value": found.get("RecordValue"),
                    }
                ),
            )

        return read_each(self.clients.pool, ids, one, TRANSLATOR)

    def _orders(self) -> Iterable[dict[str, Any]]:
        page = 1
        while True:
            answer = self.clients.rpc(
                "cas", "ListUserCertificateOrder", CurrentPage=page, ShowSize=100
            )
            rows = answer.get("CertificateOrderList", [])
            yield from rows
            if not rows or page * 100 >= int(answer.get("TotalCount", 0)):
                return
            page += 1

    def find_by_token(self, token: str) -> str | None:
        for order_id in self._tags(**token_filter(token)):
            return order_id
        return None

    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Certificate]:
        words = {"name": lambda c: c.name, "domain": lambda c: c.domain}
        ids = [str(order["OrderId"]) for order in self._orders()]
        found = self.read_many(ids, {}).values()
        return listed((c for c in found if not isinstance(c, Exception)), filters, words)

    def create(self, config: pb.CertificateConfig, token: str) -> pb.Certificate:
        existing = self.find_by_token(token) if token else None
        if existing is None:
            answer = self.clients.rpc(
                "cas",
                "CreateCertificateRequest",
                ProductCode="digicert-free-1-free",
                Domain=config.domain,
                ValidateType="DNS",
                Username="genesys",
                Phone="00000000000",
                Email=f"hostmaster@{config.domain.removeprefix('*.')}",
            )
            existing = str(answer["OrderId"])
            named = tag_params({**dict(config.tags), NAME_TAG: config.name}, token)
            self.clients.rpc(
                "cas", "TagResources", ResourceType="ORDER", **{"ResourceId.1": existing}, **named
            )
        return read_one(self, existing)

    def update(self, request: Any) -> pb.Certificate:
        current = read_one(self, request.id)
        retag(
            self.clients, "cas", "ORDER", request.id, dict(current.tags), dict(request.config.tags)
        )
        return read_one(self, request.id)

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        self.clients.rpc("cas", "DeleteCertificateRequest", OrderId=resource_id)

    def cert_id(self, order_id: str) -> str:
        """The issued certificate's id (waits for CAS to issue it)."""
        self.waiter.wait_for(order_id, ready={"certificate"})
        found = self._state(order_id)
        if found is None:
            raise errors.NotFound(f"certificate {order_id} not found")
        return str(found["CertId"])


class Cdns(KindHandler):
    field = "cdn"

    def __init__(self, clients: AlibabaClients, certificates: Certificates) -> None:
        self.clients = clients
        self.certificates = certificates
        self.waiter: Waiter[str] = Waiter(
            self._statuses, what="CDN domain", timing=clients.timing, max_batch=1
        )

    def _detail(self, domain: str) -> dict[str, Any] | None:
        found = call_or_none(
            self.clients.rpc,
            "InvalidDomain.NotFound",
            product="cdn",
            action="DescribeCdnDomainDetail",
            DomainName=domain,
        )
        return found["GetDomainDetailModel"] if found else None

    def _statuses(self, ids: list[str]) -> dict[str, str]:
        found = polled(lambda: self._detail(ids[0]))
        return {ids[0]: str(found["DomainStatus"])} if found else {}

    def _cert_id(self, domain: str) -> str:
        """The CAS certificate id serving the domain's HTTPS, or "" when HTTPS is off."""
        answer = self.clients.rpc("cdn", "DescribeDomainCertificateInfo", DomainName=domain)
        infos = answer["CertInfos"]["CertInfo"]
        on = infos and infos[0].get("ServerCertificateStatus") == "on"
        return str(infos[0].get("CertId", "")) if on else ""

    def _https_forced(self, domain: str) -> bool:
        answer = self.clients.rpc(
            "cdn", "DescribeCdnDomainConfigs", DomainName=domain, FunctionNames="https_force"
        )
        return any(
            c["FunctionName"] == "https_force" for c in answer["DomainConfigs"]["DomainConfig"]
        )

    def _tags(self, domain: str) -> dict[str, str]:
        answer = self.clients.rpc(
            "cdn", "DescribeTagResources", ResourceType="DOMAIN", **{"ResourceId.1": domain}
        )
        return {
            t["Key"]: t["Value"]
            for row in answer.get("TagResources", [])
            for t in row.get("Tag", [])
        }

    def _read(self, domain: str, private: bytes) -> pb.Cdn | None:
        detail = self._detail(domain)
        if detail is None:
            return None
        kept = read_private(private)
        cert_id = self._cert_id(domain)
        # The certificate resource's id (a CAS order) when the CDN still serves the one set.
        same = cert_id and cert_id == str(kept.get("cert_id"))
        source = (detail.get("SourceModels", {}).get("SourceModel") or [{}])[0]
        tags = self._tags(domain)
        return pb.Cdn(
            id=domain,
            name=str(kept.get("name") or tags.get(NAME_TAG, "")),
            origin_bucket_id=str(source.get("Content", "")).split(".oss-")[0],
            domain=domain,
            certificate_id=str(kept.get("certificate_id", "")) if same else cert_id,
            endpoint=str(detail.get("Cname", "")),
            https=self._https_forced(domain),
            tags=visible_tags(tags),
            provider_data=struct(
                {
                    "status": detail.get("DomainStatus"),
                    "origin": source.get("Content"),
                    "cert_id": cert_id,
                }
            ),
            private=private,
        )

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        return read_each(
            self.clients.pool, ids, lambda d: self._read(d, privates.get(d, b"")), TRANSLATOR
        )

    def find_by_token(self, token: str) -> str | None:
        domains = ("Domains", "PageData")
        for row in self.clients.pages("cdn", "DescribeUserDomains", domains, **token_filter(token)):
            return str(row["DomainName"])
        return None

    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Cdn]:
        words = {"name": lambda c: c.name, "domain": lambda c: c.domain}
        rows = self.clients.pages(
            "cdn", "DescribeUserDomains", ("Domains", "PageData"), PageSize=50
        )
        read = (self._read(str(row["DomainName"]), b"") for row in rows)
        return listed((c for c in read if c is not None), filters, words)

    def create(self, config: pb.CdnConfig, token: str) -> pb.Cdn:
        if not config.domain:
            raise errors.InvalidArgument(
                "Alibaba CDN accelerates a domain of yours: set domain",
                attribute_path="config.domain",
            )
        origin = f"{config.origin_bucket_id}.oss-{self.clients.region}.aliyuncs.com"
        mine = bool(token) and self.find_by_token(token) == config.domain
        if not mine:
            if self._detail(config.domain) is not None:
                raise errors.AlreadyExists(
                    f"CDN domain {config.domain} already exists", attribute_path="config.domain"
                )
            sources = [
                {"content": origin, "type": "oss", "port": 443, "priority": "20", "weight": "10"}
            ]
            self.clients.rpc(
                "cdn",
                "AddCdnDomain",
                DomainName=config.domain,
                CdnType="web",
                Scope="global",
                Sources=sources,
                # In the same call: a retry finds it by token; a list knows its name.
                **tag_params({**dict(config.tags), NAME_TAG: config.name}, token),
            )
        self.waiter.wait_for(config.domain, ready={"online"})
        kept = self._https(config)
        return read_one(self, config.domain, private_json(kept))

    def _https(self, config: pb.CdnConfig) -> dict[str, Any]:
        kept: dict[str, Any] = {"name": config.name}
        if config.certificate_id:
            cert_id = self.certificates.cert_id(config.certificate_id)
            self.clients.rpc(
                "cdn",
                "SetCdnDomainSSLCertificate",
                DomainName=config.domain,
                SSLProtocol="on",
                CertType="cas",
                CertId=cert_id,
            )
            kept.update(certificate_id=config.certificate_id, cert_id=cert_id)
        functions = [
            {
                "functionName": "https_force",
                "functionArgs": [{"argName": "enable", "argValue": "on"}],
            }
        ]
        if config.https:
            self.clients.rpc(
                "cdn",
                "BatchSetCdnDomainConfig",
                DomainNames=config.domain,
                Functions=json.dumps(functions),
            )
        return kept

    def update(self, request: Any) -> pb.Cdn:
        config = request.config
        current = read_one(self, request.id, request.private)
        if config.certificate_id != current.certificate_id or config.https != current.https:
            kept = self._https(config)
        else:
            kept = {**read_private(request.private), "name": config.name}
        retag(self.clients, "cdn", "DOMAIN", request.id, dict(current.tags), dict(config.tags))
        if config.name != current.name:
            resource = {"ResourceId.1": request.id}
            named = tag_params({NAME_TAG: config.name})
            self.clients.rpc("cdn", "TagResources", ResourceType="DOMAIN", **resource, **named)
        return read_one(self, request.id, private_json(kept))

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        self.waiter.wait_for(resource_id, ready={"online", "offline"})
        self.clients.rpc("cdn", "DeleteCdnDomain", DomainName=resource_id)


def kinds(clients: AlibabaClients) -> list[KindHandler]:
    certificates = Certificates(clients)
    return [certificates, Cdns(clients, certificates)]
