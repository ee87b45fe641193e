"""SSL Certificates (ssl.tencentcloudapi.com, 2019-12-05): free DV certificates.

`ApplyCertificate` answers at once with a certificate in status 0 (awaiting validation) and
the DNS record to publish in `DvAuthDetail`, as Tencent does; issuance waits for that record,
which the emulator (like Genesys) does not manage. Deleting a certificate a CDN domain uses is
refused.
"""

from __future__ import annotations

import hashlib
import re

from genesys_emulators.tencent.api import (
    ActionService,
    Record,
    error,
    invalid,
    new_id,
    now,
    page,
    required,
)

_DOMAIN = re.compile(r"^(\*\.)?([a-z0-9-]+\.)+[a-z]{2,}$")
AWAITING_VALIDATION = 0


FIXED_FIELDS: Record = {
    "Status": AWAITING_VALIDATION,
    "StatusMsg": "PENDING-DCV",
    "StatusName": "awaiting validation",
    "PackageType": "83",
    "CertificateType": "SVR",
    "ProjectId": "0",
    "From": "trustasia",
    "IsDv": True,
    "ValidityPeriod": "3",
    "Deployable": False,
}


def _dns_validation(ident: str, domain: str) -> Record:
    """The TXT record that proves the domain: what the user must publish."""
    value = hashlib.sha256(f"{ident}{domain}".encode()).hexdigest()[:40]
    record = {
        "DvAuthKey": "_dnsauth",
        "DvAuthValue": value,
        "DvAuthDomain": domain,
        "DvAuthPath": "",
        "DvAuthSubDomain": "_dnsauth",
        "DvAuthVerifyType": "TXT",
    }
    return {
        "DvAuthKey": f"_dnsauth.{domain}",
        "DvAuthValue": value,
        "DvAuthDomain": domain,
        "DvAuthPath": "",
        "DvAuthKeySubDomain": "_dnsauth",
        "DvAuths": [record],
    }


class Ssl(ActionService):
    service = "ssl"
    version = "2019-12-05"
    regional = False

    def ApplyCertificate(self, body: Record, region: str) -> Record:
        method = required(body, "DvAuthMethod")
        if method not in ("DNS_AUTO", "DNS", "FILE"):
            raise invalid("DvAuthMethod", method, "DNS_AUTO, DNS or FILE")
        domain = required(body, "DomainName").lower()
        if not _DOMAIN.match(domain):
            raise error("FailedOperation.InvalidParam", f"`{domain}` is not a domain name.")
        ident = new_id("c")[2:]  # Tencent certificate ids: eight letters and digits
        record = {
            **FIXED_FIELDS,
            "CertificateId": ident,
            "Domain": domain,
            "Alias": body.get("Alias", ""),
            "VerifyType": method,
            "InsertTime": now(),
            "OwnerUin": self.world.uin,
            "Tags": [],
            "DvAuthDetail": _dns_validation(ident, domain),
        }
        self.store.put("ssl.certificates", ident, record)
        return {"CertificateId": ident}

    def _get(self, ident: str) -> Record:
        return self.existing(
            "ssl.certificates",
            ident,
            "FailedOperation.CertificateNotFound",
            f"The certificate `{ident}` does not exist.",
        )

    def DescribeCertificate(self, body: Record, region: str) -> Record:
        return dict(self._get(required(body, "CertificateId")))

    def DescribeCertificateDetail(self, body: Record, region: str) -> Record:
        return dict(self._get(required(body, "CertificateId")))

    def DescribeCertificates(self, body: Record, region: str) -> Record:
        rows = self.store.values("ssl.certificates")
        if body.get("SearchKey"):
            key = body["SearchKey"]
            rows = [
                r
                for r in rows
                if key in r["Domain"] or key in r["Alias"] or key == r["CertificateId"]
            ]
        if body.get("CertIds"):
            rows = [r for r in rows if r["CertificateId"] in body["CertIds"]]
        return {"Certificates": page(rows, body, 20, 1000), "TotalCount": len(rows)}

    def DeleteCertificate(self, body: Record, region: str) -> Record:
        with self.store.lock:
            ident = required(body, "CertificateId")
            self._get(ident)
            users = [
                d["Domain"]
                for d in self.store.values("cdn.domains")
                if (d.get("Https") or {}).get("CertInfo", {}).get("CertId") == ident
            ]
            if users:
                raise error(
                    "FailedOperation.DeleteResourceFailed",
                    f"The certificate `{ident}` is in use by CDN domains {', '.join(users)}.",
                )
            self.store.remove("ssl.certificates", ident)
        return {"DeleteResult": True}
