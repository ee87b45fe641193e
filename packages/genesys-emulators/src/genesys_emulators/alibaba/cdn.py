"""CDN (Version 2018-05-10): accelerated domains with an OSS origin, their HTTPS certificate
(SetCdnDomainSSLCertificate with a CAS certificate id), domain configs (https_force) and tags.

A domain is `configuring` for a moment after AddCdnDomain, then `online`; its CNAME is
`<domain>.w.kunlunsl.com`. A CAS certificate must exist (in the emulator's `cas` service)
and cover the domain, else the call is refused as CDN refuses it.
"""

from __future__ import annotations

import json
from typing import Any

from genesys_emulators.alibaba.cas import Cas
from genesys_emulators.alibaba.rpc import (
    Params,
    RpcDialect,
    RpcService,
    apply_tags,
    indexed,
    page,
    required,
    tag_resources,
    tags_in,
)
from genesys_emulators.core import CloudError, FaultPlan
from genesys_emulators.core.operations import Transition

STEP = 0.05


def _not_found(domain: str) -> CloudError:
    return CloudError(404, "InvalidDomain.NotFound", f"The domain {domain} does not exist.")


class Cdn(RpcService):
    version = "2018-05-10"
    product = "Cdn"
    regional = False
    dialect = RpcDialect("cdn.aliyuncs.com")

    def __init__(self, cas: Cas, faults: FaultPlan | None = None) -> None:
        super().__init__(faults)
        self.cas = cas
        self.domains: dict[str, dict[str, Any]] = {}
        self.lock = cas.store.lock

    def _domain(self, name: str) -> dict[str, Any]:
        found = self.domains.get(name)
        if found is None:
            raise _not_found(name)
        return found

    def do_AddCdnDomain(self, params: Params) -> dict[str, Any]:
        name = required(params, "DomainName")
        cdn_type = required(params, "CdnType")
        if cdn_type not in ("web", "download", "video"):
            raise CloudError(
                400, "InvalidCdnType.Malformed", f"The CdnType {cdn_type} is not valid."
            )
        try:
            sources = json.loads(required(params, "Sources"))
        except ValueError:
            raise CloudError(
                400, "InvalidSources.Malformed", "Sources is not valid JSON."
            ) from None
        if not sources or not all(
            s.get("content") and s.get("type") in ("oss", "domain", "ipaddr") for s in sources
        ):
            raise CloudError(
                400, "InvalidSources.Malformed", "Each source needs content and a type."
            )
        with self.lock:
            if name in self.domains:
                raise CloudError(400, "DomainAlreadyExist", f"The domain {name} already exists.")
            self.domains[name] = {
                "DomainName": name,
                "Cname": f"{name}.w.kunlunsl.com",
                "CdnType": cdn_type,
                "Scope": params.get("Scope", "domestic"),
                "Sources": sources,
                "_tags": {},
                "_cert": {},
                "_functions": {},
                "_transition": Transition(("configuring", "online"), STEP),
            }
            apply_tags(self.domains[name], params)
        return {}

    def _sources_view(self, domain: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {
                "Content": s["content"],
                "Type": s["type"],
                "Port": int(s.get("port", 80)),
                "Priority": str(s.get("priority", "20")),
            }
            for s in domain["Sources"]
        ]

    def do_DescribeCdnDomainDetail(self, params: Params) -> dict[str, Any]:
        domain = self._domain(required(params, "DomainName"))
        detail = {
            "DomainName": domain["DomainName"],
            "Cname": domain["Cname"],
            "CdnType": domain["CdnType"],
            "Scope": domain["Scope"],
            "DomainStatus": domain["_transition"].current(),
            "ServerCertificateStatus": "on" if domain["_cert"] else "off",
            "SourceModels": {"SourceModel": self._sources_view(domain)},
        }
        return {"GetDomainDetailModel": detail}

    def do_DescribeUserDomains(self, params: Params) -> dict[str, Any]:
        wanted = params.get("DomainName", "")
        exact = params.get("DomainSearchType", "fuzzy_match") == "full_match"
        tags = tags_in(params)
        found = [
            d
            for name, d in sorted(self.domains.items())
            if (not wanted or (name == wanted if exact else wanted in name))
            and all(d["_tags"].get(k) == v for k, v in tags.items())
        ]
        chosen, keys = page(found, params, max_size=500, default=20)
        rows = [
            {
                "DomainName": d["DomainName"],
                "Cname": d["Cname"],
                "CdnType": d["CdnType"],
                "DomainStatus": d["_transition"].current(),
                "SslProtocol": "on" if d["_cert"] else "off",
                "Sources": {"Source": self._sources_view(d)},
            }
            for d in chosen
        ]
        return {"Domains": {"PageData": rows}, **keys}

    def do_ModifyCdnDomain(self, params: Params) -> dict[str, Any]:
        with self.lock:
            domain = self._domain(required(params, "DomainName"))
            if params.get("Sources"):
                domain["Sources"] = json.loads(params["Sources"])
        return {}

    def do_DeleteCdnDomain(self, params: Params) -> dict[str, Any]:
        with self.lock:
            domain = self._domain(required(params, "DomainName"))
            if domain["_transition"].current() == "configuring":
                raise CloudError(
                    400, "ServiceBusy", "The domain is being configured; try again later."
                )
            del self.domains[domain["DomainName"]]
        return {}

    # ------------------------------------------------------------ HTTPS

    def do_SetCdnDomainSSLCertificate(self, params: Params) -> dict[str, Any]:
        with self.lock:
            domain = self._domain(required(params, "DomainName"))
            if required(params, "SSLProtocol") == "off":
                domain["_cert"] = {}
                return {}
            if params.get("CertType", "upload") != "cas":
                raise CloudError(400, "InvalidCertType", "The emulator serves CertType cas only.")
            certificate = self.cas.issued(required(params, "CertId"))
            if not _covers(certificate["Domain"], domain["DomainName"]):
                raise CloudError(
                    400, "Certificate.MissMatch", "The certificate does not match the domain."
                )
            domain["_cert"] = {
                "CertId": params["CertId"],
                "CertName": certificate["Name"],
                "CertDomainName": certificate["Domain"],
            }
        return {}

    def do_DescribeDomainCertificateInfo(self, params: Params) -> dict[str, Any]:
        domain = self._domain(required(params, "DomainName"))
        cert = domain["_cert"]
        info = {
            "DomainName": domain["DomainName"],
            "ServerCertificateStatus": "on" if cert else "off",
            "CertType": "cas" if cert else "",
            "CertId": cert.get("CertId", ""),
            "CertName": cert.get("CertName", ""),
            "CertDomainName": cert.get("CertDomainName", ""),
            "Status": "success" if cert else "",
        }
        return {"CertInfos": {"CertInfo": [info]}}

    # ------------------------------------------------------------ configs and tags

    def do_BatchSetCdnDomainConfig(self, params: Params) -> dict[str, Any]:
        with self.lock:
            domains = [self._domain(d) for d in required(params, "DomainNames").split(",")]
            for function in json.loads(required(params, "Functions")):
                for domain in domains:
                    args = {a["argName"]: a["argValue"] for a in function.get("functionArgs", [])}
                    domain["_functions"][function["functionName"]] = args
        return {}

    def do_DescribeCdnDomainConfigs(self, params: Params) -> dict[str, Any]:
        domain = self._domain(required(params, "DomainName"))
        names = set(filter(None, params.get("FunctionNames", "").split(",")))
        configs = [
            {
                "FunctionName": name,
                "Status": "success",
                "FunctionArgs": {
                    "FunctionArg": [{"ArgName": k, "ArgValue": v} for k, v in args.items()]
                },
            }
            for name, args in domain["_functions"].items()
            if not names or name in names
        ]
        return {"DomainConfigs": {"DomainConfig": configs}}

    def do_TagResources(self, params: Params) -> dict[str, Any]:
        return tag_resources(self.lock, self._domain, params)

    def do_UntagResources(self, params: Params) -> dict[str, Any]:
        return tag_resources(self.lock, self._domain, params, untag=True)

    def do_DescribeTagResources(self, params: Params) -> dict[str, Any]:
        rows = [
            {
                "ResourceId": name,
                "Tag": [{"Key": k, "Value": v} for k, v in self._domain(name)["_tags"].items()],
            }
            for name in indexed(params, "ResourceId")
        ]
        return {"TagResources": rows}


def _covers(certificate_domain: str, domain: str) -> bool:
    if certificate_domain.startswith("*."):
        return domain.endswith(certificate_domain[1:])
    return certificate_domain == domain
