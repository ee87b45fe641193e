"""Certificate Management Service (CAS, Version 2020-04-07): DV certificate orders.

CreateCertificateRequest orders a free DV certificate for a domain; its state is
`domain_verify` until the emulator "validates" it (after a moment, as DNS validation would),
then `certificate`, with a certificate id CDN accepts. DeleteCertificateRequest removes it.
"""

from __future__ import annotations

import re
from typing import Any

from genesys_emulators.alibaba.network import VpcState
from genesys_emulators.alibaba.rpc import (
    Params,
    RpcDialect,
    RpcService,
    indexed,
    page,
    required,
    tag_resources,
    tags_in,
)
from genesys_emulators.core import CloudError, FaultPlan
from genesys_emulators.core.operations import Transition

STEP = 0.05
DOMAIN = re.compile(r"^(\*\.)?([a-z0-9-]+\.)+[a-z]{2,}$")


class Cas(RpcService):
    version = "2020-04-07"
    product = "cas"
    regional = False
    dialect = RpcDialect("cas.aliyuncs.com")

    def __init__(self, state: VpcState, faults: FaultPlan | None = None) -> None:
        super().__init__(faults)
        self.store = state.store

    def _order(self, order_id: str) -> dict[str, Any]:
        def missing() -> CloudError:
            return CloudError(404, "OrderNotFound", f"The order {order_id} does not exist.")

        return self.store.get("cas", order_id, missing)

    def issued(self, cert_id: str) -> dict[str, Any]:
        """The certificate CDN is given by id; refused unless issued."""
        for order in self.store.values("cas"):
            if str(order["CertId"]) == cert_id:
                if order["_transition"].current() != "certificate":
                    raise CloudError(
                        400, "Certificate.NotIssued", "The certificate is not issued yet."
                    )
                return order
        raise CloudError(404, "Certificate.NotFound", f"The certificate {cert_id} does not exist.")

    def do_CreateCertificateRequest(self, params: Params) -> dict[str, Any]:
        domain = required(params, "Domain")
        if not DOMAIN.match(domain):
            raise CloudError(400, "InvalidDomain", f"The domain {domain} is not valid.")
        for name in ("Username", "Phone", "Email"):
            required(params, name)
        validate = params.get("ValidateType", "DNS")
        if validate not in ("DNS", "FILE"):
            raise CloudError(400, "InvalidValidateType", "ValidateType is DNS or FILE.")
        order_id = self.store.new_id()
        self.store.put(
            "cas",
            order_id,
            {
                "OrderId": int(order_id),
                "CertId": int(order_id) % 100000000,
                "Domain": domain,
                "Name": f"cert-{domain}",
                "Username": params["Username"],
                "ProductCode": params.get("ProductCode", "digicert-free-1-free"),
                "ValidateType": validate,
                "_transition": Transition(("domain_verify", "certificate"), STEP),
                "_tags": {},
            },
        )
        return {"OrderId": int(order_id)}

    def do_DescribeCertificateState(self, params: Params) -> dict[str, Any]:
        order = self._order(required(params, "OrderId"))
        state = order["_transition"].current()
        answer: dict[str, Any] = {"Type": state, "Domain": order["Domain"]}
        if state == "certificate":
            answer.update(
                CertId=order["CertId"], Certificate="-----BEGIN CERTIFICATE-----...", PrivateKey=""
            )
        else:
            answer.update(
                RecordType="TXT",
                RecordDomain=f"_dnsauth.{order['Domain']}",
                RecordValue=order["Name"],
            )
        return answer

    def do_ListUserCertificateOrder(self, params: Params) -> dict[str, Any]:
        keyword = params.get("Keyword", "")
        rows = [
            {
                "OrderId": o["OrderId"],
                "CertificateId": o["CertId"],
                "Domain": o["Domain"],
                "Username": o["Username"],
                "ProductCode": o["ProductCode"],
                "Status": "ISSUED" if o["_transition"].current() == "certificate" else "CHECKING",
            }
            for o in sorted(self.store.values("cas"), key=lambda o: o["OrderId"])
            if not keyword or keyword in o["Domain"]
        ]
        paging = {
            "PageNumber": params.get("CurrentPage", "1"),
            "PageSize": params.get("ShowSize", "50"),
        }
        chosen, keys = page(rows, paging, max_size=100, default=50)
        return {
            "CertificateOrderList": chosen,
            "TotalCount": keys["TotalCount"],
            "CurrentPage": keys["PageNumber"],
            "ShowSize": keys["PageSize"],
        }

    def do_TagResources(self, params: Params) -> dict[str, Any]:
        return tag_resources(self.store.lock, self._order, params)

    def do_UntagResources(self, params: Params) -> dict[str, Any]:
        return tag_resources(self.store.lock, self._order, params, untag=True)

    def do_ListTagResources(self, params: Params) -> dict[str, Any]:
        """(resource, tag) pairs of the given orders, or of the orders carrying the given tags."""
        ids = indexed(params, "ResourceId")
        wanted = tags_in(params)
        rows = [
            {"ResourceId": str(o["OrderId"]), "ResourceType": "ORDER", "TagKey": k, "TagValue": v}
            for o in sorted(self.store.values("cas"), key=lambda o: o["OrderId"])
            if (not ids or str(o["OrderId"]) in ids)
            and all(o.get("_tags", {}).get(k) == v for k, v in wanted.items())
            for k, v in o.get("_tags", {}).items()
        ]
        return {"TagResources": {"TagResource": rows}}

    def do_DeleteCertificateRequest(self, params: Params) -> dict[str, Any]:
        with self.store.lock:
            order = self._order(required(params, "OrderId"))
            self.store.remove("cas", str(order["OrderId"]))
        return {}
