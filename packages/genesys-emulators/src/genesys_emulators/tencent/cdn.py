"""CDN (cdn.tencentcloudapi.com, 2018-06-06): acceleration domains with an origin.

A domain passes processing → online; `StopCdnDomain` takes it offline, and only an offline
domain may be deleted (as on Tencent). HTTPS needs a certificate id the SSL service issued.
"""

from __future__ import annotations

from genesys_emulators.core.operations import Transition
from genesys_emulators.tencent.api import ActionService, Record, error, invalid, now, required

STEP = 0.05
SERVICE_TYPES = ("web", "download", "media", "hybrid", "dynamic")


class Cdn(ActionService):
    service = "cdn"
    version = "2018-06-06"
    regional = False  # CDN is a global product

    def _get(self, domain: str) -> Record:
        return self.existing(
            "cdn.domains",
            domain,
            "ResourceNotFound.CdnHostNotExists",
            f"The domain `{domain}` does not exist.",
        )

    def AddCdnDomain(self, body: Record, region: str) -> Record:
        domain = required(body, "Domain")
        service_type = required(body, "ServiceType")
        if service_type not in SERVICE_TYPES:
            raise invalid("ServiceType", service_type)
        origin = _origin(required(body, "Origin"))
        https = self._https(body.get("Https"))
        with self.store.lock:
            if self.store.find("cdn.domains", domain) is not None:
                raise error(
                    "ResourceInUse.CdnHostExists", f"The domain `{domain}` is already added."
                )
            self.store.put(
                "cdn.domains",
                domain,
                {
                    "ResourceId": f"cdn-{abs(hash(domain)) % 10**8:08d}",
                    "AppId": int(self.world.appid),
                    "Domain": domain,
                    "Cname": f"{domain}.cdn.dnsv1.com",
                    "ServiceType": service_type,
                    "ProjectId": int(body.get("ProjectId") or 0),
                    "CreateTime": now(),
                    "UpdateTime": now(),
                    "Origin": origin,
                    "Https": https,
                    "Area": "mainland",
                    "Disable": "normal",
                    "Readonly": "normal",
                    "Product": "cdn",
                    "Tag": [
                        {"TagKey": t["TagKey"], "TagValue": t.get("TagValue", "")}
                        for t in body.get("Tag") or []
                    ],
                    "_state": Transition(["processing", "online"], STEP),
                },
            )
        return {}

    def _https(self, https: Record | None) -> Record:
        if not https or https.get("Switch") != "on":
            return {"Switch": "off"}
        cert_id = required(https.get("CertInfo") or {}, "CertId")
        certificate = self.store.find("ssl.certificates", cert_id)
        if certificate is None:
            raise error(
                "InvalidParameter.CdnCertInfoNotFound",
                f"The certificate `{cert_id}` does not exist.",
            )
        return {
            "Switch": "on",
            "Http2": https.get("Http2", "off"),
            "CertInfo": {"CertId": cert_id, "CertName": certificate["Domain"]},
        }

    def _view(self, record: Record, detail: bool) -> Record:
        view = {k: v for k, v in record.items() if not k.startswith("_")}
        view["Status"] = record["_state"].current()
        if not detail:
            view.pop("Https", None)
            view.pop("Tag", None)
        return view

    def _select(self, body: Record) -> list[Record]:
        rows = self.store.values("cdn.domains")
        for item in body.get("Filters") or []:
            name, values = item.get("Name"), item.get("Value") or []
            if name not in ("domain", "resourceId", "status", "serviceType"):
                raise error(
                    "InvalidParameter.CdnParamError", f"The filter `{name}` is not supported."
                )
            field = {
                "domain": "Domain",
                "resourceId": "ResourceId",
                "serviceType": "ServiceType",
            }.get(name)
            if item.get("Fuzzy") and field:
                rows = [r for r in rows if any(v in r[field] for v in values)]
            elif field:
                rows = [r for r in rows if r[field] in values]
            else:
                rows = [r for r in rows if r["_state"].current() in values]
        offset, limit = int(body.get("Offset") or 0), int(body.get("Limit") or 100)
        if not 1 <= limit <= 1000:
            raise error("InvalidParameter.CdnParamError", "Limit must be from 1 to 1000.")
        return rows[offset : offset + limit]

    def DescribeDomains(self, body: Record, region: str) -> Record:
        rows = self._select(body)
        return {"Domains": [self._view(r, False) for r in rows], "TotalNumber": len(rows)}

    def DescribeDomainsConfig(self, body: Record, region: str) -> Record:
        rows = self._select(body)
        return {"Domains": [self._view(r, True) for r in rows], "TotalNumber": len(rows)}

    def UpdateDomainConfig(self, body: Record, region: str) -> Record:
        with self.store.lock:
            record = self._get(required(body, "Domain"))
            if body.get("Origin"):
                record["Origin"] = _origin(body["Origin"])
            if body.get("Https") is not None:
                record["Https"] = self._https(body["Https"])
            record["UpdateTime"] = now()
            record["_state"] = Transition(["processing", "online"], STEP)
        return {}

    def StopCdnDomain(self, body: Record, region: str) -> Record:
        record = self._get(required(body, "Domain"))
        record["_state"] = Transition(["processing", "offline"], STEP)
        return {}

    def DeleteCdnDomain(self, body: Record, region: str) -> Record:
        with self.store.lock:
            record = self._get(required(body, "Domain"))
            if record["_state"].current() != "offline":
                raise error(
                    "ResourceUnavailable.CdnHostIsNotOffline",
                    f"The domain `{record['Domain']}` must be offline (StopCdnDomain) first.",
                )
            self.store.remove("cdn.domains", record["Domain"])
        return {}


def _origin(origin: Record) -> Record:
    origins = origin.get("Origins") or []
    if not origins:
        raise error("InvalidParameter.CdnOriginParamError", "Origin.Origins must not be empty.")
    kind = origin.get("OriginType") or "domain"
    if kind not in ("domain", "cos", "ip", "third_party"):
        raise invalid("Origin.OriginType", kind)
    return {
        "Origins": list(origins),
        "OriginType": kind,
        "ServerName": origin.get("ServerName") or origins[0],
        "OriginPullProtocol": origin.get("OriginPullProtocol") or "http",
        "CosPrivateAccess": origin.get("CosPrivateAccess") or "off",
    }
