"""Microsoft.Cdn, Azure Front Door (Standard/Premium): profiles, endpoints, origin groups and
origins, routes, and custom domains with Azure-managed certificates.

As Azure does: endpoint host names carry a hash (NAME-<hash>.z01.azurefd.net), an origin needs
a host name, a route's origin group and custom domains must exist in its profile, a custom
domain with a managed certificate stays `Pending` validation until its DNS TXT record is seen
(the emulator never sees one), and what a route still uses cannot be deleted.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING

from genesys_emulators.azure.model import (
    ArmPath,
    InUse,
    Record,
    ResourceType,
    invalid,
    key,
    reference,
    require,
)
from genesys_emulators.core import CloudError

if TYPE_CHECKING:
    from genesys_emulators.azure.arm import Arm

PROFILE = "Microsoft.Cdn/profiles"
ENDPOINT = "Microsoft.Cdn/profiles/afdEndpoints"
ORIGIN_GROUP = "Microsoft.Cdn/profiles/originGroups"
ORIGIN = "Microsoft.Cdn/profiles/originGroups/origins"
ROUTE = "Microsoft.Cdn/profiles/afdEndpoints/routes"
DOMAIN = "Microsoft.Cdn/profiles/customDomains"
PROFILE_SKUS = ("Standard_AzureFrontDoor", "Premium_AzureFrontDoor")
_HOST = re.compile(r"(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", re.I)


def _digest(text: str, length: int = 16) -> str:
    return hashlib.sha256(text.lower().encode()).hexdigest()[:length]


def _build_profile(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    sku = require(body, "sku.name")
    if sku not in PROFILE_SKUS:
        raise invalid(
            f"The sku '{sku}' is not a Front Door sku: {', '.join(PROFILE_SKUS)}.",
            "sku.name",
            "InvalidSku",
        )
    return {
        "frontDoorId": (existing or {})
        .get("properties", {})
        .get("frontDoorId", _digest(path.resource_id(), 32))
    }


def _build_endpoint(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    # The host name carries a hash of the endpoint's id: names repeat freely across profiles.
    properties = dict(body.get("properties") or {})
    properties.setdefault("enabledState", "Enabled")
    properties["hostName"] = f"{path.name}-{_digest(path.resource_id(), 12)}.z01.azurefd.net"
    return properties


def _build_origin_group(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    require(body, "properties.loadBalancingSettings")
    return dict(body.get("properties") or {})


def _build_origin(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    host = require(body, "properties.hostName")
    if not _HOST.fullmatch(str(host)):
        raise invalid(
            f"The origin host name '{host}' is not a valid host name.",
            "properties.hostName",
            "BadRequest",
        )
    properties = dict(body.get("properties") or {})
    properties.setdefault("httpPort", 80)
    properties.setdefault("httpsPort", 443)
    properties.setdefault("enabledState", "Enabled")
    return properties


def _build_route(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    properties = dict(body.get("properties") or {})
    group = reference(arm, properties.get("originGroup"), "properties.originGroup", path.name)
    profile_id = path.resource_id(1).lower()
    if not key(group["id"]).startswith(profile_id + "/"):
        raise invalid("The origin group must be in the route's profile.", "originGroup")
    for index, domain in enumerate(properties.get("customDomains") or []):
        reference(arm, domain, f"properties.customDomains[{index}]", path.name)
    properties.setdefault("patternsToMatch", ["/*"])
    properties.setdefault("supportedProtocols", ["Http", "Https"])
    properties.setdefault("httpsRedirect", "Disabled")
    properties.setdefault("enabledState", "Enabled")
    properties["deploymentStatus"] = "NotStarted"
    return properties


def _build_domain(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    host = str(require(body, "properties.hostName"))
    if not _HOST.fullmatch(host):
        raise invalid(
            f"The host name '{host}' is not a valid domain name.",
            "properties.hostName",
            "BadRequest",
        )
    properties = dict(body.get("properties") or {})
    tls = properties.setdefault("tlsSettings", {"certificateType": "ManagedCertificate"})
    tls.setdefault("minimumTlsVersion", "TLS12")
    old = (existing or {}).get("properties", {})
    properties["domainValidationState"] = old.get("domainValidationState", "Pending")
    properties["validationProperties"] = old.get("validationProperties") or {
        "validationToken": _digest(path.resource_id(), 32),
        "expirationDate": "2026-12-31T00:00:00+00:00",
    }
    return properties


def _used_by_route(field: str):  # type: ignore[no-untyped-def]
    def in_use(arm: Arm, record: Record) -> InUse | None:
        for route in arm.of_type(ROUTE):
            value = route["properties"].get(field)
            refs = value if isinstance(value, list) else [value] if value else []
            if any(key(ref.get("id", "")) == key(record["id"]) for ref in refs):
                return InUse(
                    route["id"],
                    CloudError(
                        409,
                        "Conflict",
                        f"{record['name']} is used by route {route['name']}; "
                        "delete or change the route first.",
                    ),
                )
        return None

    return in_use


TYPES = (
    ResourceType(PROFILE, _build_profile, kept_fields=("sku",)),
    ResourceType(ENDPOINT, _build_endpoint),
    ResourceType(
        ORIGIN_GROUP, _build_origin_group, located=False, in_use=_used_by_route("originGroup")
    ),
    ResourceType(ORIGIN, _build_origin, located=False),
    ResourceType(ROUTE, _build_route, located=False),
    ResourceType(DOMAIN, _build_domain, located=False, in_use=_used_by_route("customDomains")),
)
