"""The static-site pieces on Azure Front Door (Standard): certificates and CDNs.

Both live in one Front Door profile per resource group (`genesys-frontdoor`, made on first
use, deleted with its last endpoint and domain). A certificate is a Front Door custom domain
with an Azure-managed certificate: `pending_validation` until the domain's `_dnsauth` TXT
record (in provider_data) is published, `issued` after. A CDN is an endpoint, an origin group
with the bucket's static-website host as its origin, and a route `default` that serves the
certificate's domain (https redirect when `https`). Front Door custom domains and routes have
no tags: tokens go on the profile's tags, the config's tags and names in private bytes.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from google.protobuf import struct_pb2

from genesys_provider_azure.clients import AzureClients
from genesys_provider_azure.common import (
    absent,
    apply_filters,
    arm_ids,
    as_private,
    group_of,
    listed,
    name_of,
    parse_id,
    private_json,
    sdk_models,
    system_tags,
    tags_with_token,
    token_of,
    user_tags,
)

PROFILE = "genesys-frontdoor"
PROFILE_SKU = "Standard_AzureFrontDoor"
TOKEN_PREFIX = "genesys-token-fd-"  # + domain name, on the profile: domains have no tags
TAGS_PREFIX = "genesys-tags-fd-"  # + domain name: the config's tags of the domain, as JSON


def resource_name(name: str, limit: int = 46) -> str:
    """Front Door names: letters, digits and hyphens."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", name).strip("-")[:limit] or "site"


class FrontDoor:
    """The profile shared by certificates and CDNs of one resource group."""

    def __init__(self, clients: AzureClients) -> None:
        self.clients = clients
        self.lock = threading.Lock()

    def api(self) -> Any:
        return self.clients.client("cdn")

    def ensure(self) -> None:
        self.clients.ensure_group()
        group = self.clients.group
        with self.lock:
            if absent(lambda: self.api().profiles.get(group, PROFILE)) is None:
                models = sdk_models("cdn")
                self.api().profiles.begin_create(
                    group,
                    PROFILE,
                    models.Profile(
                        location="global",
                        sku=models.Sku(name=PROFILE_SKU),
                        tags={"genesys-managed": "true"},
                    ),
                ).result()

    def remember(self, token: str, name: str, user: Mapping[str, str]) -> None:
        """A domain's token and tags, on the profile's tags (domains have none)."""
        with self.lock:
            group = self.clients.group
            tags = dict(self.api().profiles.get(group, PROFILE).tags or {})
            if token:
                tags[f"{TOKEN_PREFIX}{name}"] = token[:256]
            tags[f"{TAGS_PREFIX}{name}"] = json.dumps(dict(user), sort_keys=True)[:256]
            self.api().profiles.begin_update(
                group, PROFILE, sdk_models("cdn").ProfileUpdateParameters(tags=tags)
            ).result()

    def domain_tags(self, group: str) -> dict[str, dict[str, str]]:
        """Domain name -> the tags its config gave (kept on the profile)."""
        profile = absent(lambda: self.api().profiles.get(group, PROFILE))
        found: dict[str, dict[str, str]] = {}
        for name, value in ((profile.tags or {}) if profile is not None else {}).items():
            if name.startswith(TAGS_PREFIX):
                with contextlib.suppress(ValueError):
                    found[name[len(TAGS_PREFIX) :]] = dict(json.loads(value))
        return found

    def find(self, token: str) -> str:
        profile = absent(lambda: self.api().profiles.get(self.clients.group, PROFILE))
        for name, value in ((profile.tags or {}) if profile is not None else {}).items():
            if name.startswith(TOKEN_PREFIX) and value == token:
                return name[len(TOKEN_PREFIX) :]
        return ""

    def drop_if_empty(self, group: str) -> None:
        """No endpoint and no domain left: the profile (it has a monthly fee) goes."""
        with self.lock:
            api = self.api()
            if absent(lambda: api.profiles.get(group, PROFILE)) is None:
                return
            if listed(api.afd_endpoints.list_by_profile, group, PROFILE) or listed(
                api.afd_custom_domains.list_by_profile, group, PROFILE
            ):
                return
            api.profiles.begin_delete(group, PROFILE).result()


class Certificates(KindHandler):
    field = "certificate"

    def __init__(self, front_door: FrontDoor) -> None:
        self.front_door = front_door

    def create(self, config: pb.CertificateConfig, token: str) -> pb.Certificate:
        models = sdk_models("cdn")
        self.front_door.ensure()
        name = resource_name(config.name or config.domain, 60)
        self.front_door.remember(token, name, config.tags)
        group = self.front_door.clients.group
        domain = (
            self.front_door.api()
            .afd_custom_domains.begin_create(
                group,
                PROFILE,
                name,
                models.AFDDomain(
                    host_name=config.domain,
                    tls_settings=models.AFDDomainHttpsParameters(
                        certificate_type="ManagedCertificate", minimum_tls_version="TLS12"
                    ),
                ),
            )
            .result()
        )
        return _certificate(domain, as_private({"name": config.name}), dict(config.tags))

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for group in {group_of(i) for i in arm_ids(ids)}:
            for domain in listed(
                self.front_door.api().afd_custom_domains.list_by_profile, group, PROFILE
            ):
                found[domain.id.lower()] = (domain, self.front_door.domain_tags(group))
        return {
            i: _certificate(
                found[i.lower()][0],
                privates.get(i, b""),
                found[i.lower()][1].get(found[i.lower()][0].name),
            )
            for i in ids
            if i.lower() in found
        }

    def find_by_token(self, token: str) -> str | None:
        name = self.front_door.find(token)
        if not name:
            return None
        domain = absent(
            lambda: self.front_door.api().afd_custom_domains.get(
                self.front_door.clients.group, PROFILE, name
            )
        )
        return str(domain.id) if domain is not None else None

    def update(self, request: Any) -> pb.Certificate:  # only tags change in place
        self.front_door.remember("", name_of(request.id), request.config.tags)
        return self.get(request.id, request.private)

    def delete(self, resource_id: str) -> None:
        group = group_of(resource_id)
        api = self.front_door.api()
        if absent(lambda: api.afd_custom_domains.get(group, PROFILE, name_of(resource_id))) is None:
            raise errors.NotFound(f"certificate {resource_id} does not exist")
        self._release(group, resource_id)
        api.afd_custom_domains.begin_delete(group, PROFILE, name_of(resource_id)).result()
        self.front_door.drop_if_empty(group)

    def _release(self, group: str, domain_id: str) -> None:
        """Front Door refuses to delete a domain a route serves: the routes let go first
        (the CDN then serves its own host name until it is given a new certificate)."""
        models, api = sdk_models("cdn"), self.front_door.api()
        for endpoint in listed(api.afd_endpoints.list_by_profile, group, PROFILE):
            for route in listed(api.routes.list_by_endpoint, group, PROFILE, endpoint.name):
                refs = [r for r in route.custom_domains or [] if r.id.lower() != domain_id.lower()]
                if len(refs) != len(route.custom_domains or []):
                    api.routes.begin_update(
                        group,
                        PROFILE,
                        endpoint.name,
                        route.name,
                        models.RouteUpdateParameters(custom_domains=refs),
                    ).result()

    @apply_filters
    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Certificate]:
        group = self.front_door.clients.group
        tags = self.front_door.domain_tags(group)
        domains = listed(self.front_door.api().afd_custom_domains.list_by_profile, group, PROFILE)
        return [_certificate(d, b"", tags.get(d.name)) for d in domains]


def _word(value: Any) -> str:
    """An SDK enum or string as its lower-cased word ("Enabled" -> "enabled")."""
    return str(getattr(value, "value", value) or "").lower()


def _certificate(domain: Any, private: bytes, tags: dict[str, str] | None) -> pb.Certificate:
    kept = private_json(private)
    host = domain.host_name
    validation = domain.validation_properties
    data = struct_pb2.Struct()
    if validation is not None:
        data.update(
            {
                "validation": {
                    "type": "TXT",
                    "name": f"_dnsauth.{host}",
                    "value": validation.validation_token or "",
                }
            }
        )
    issued = _word(domain.domain_validation_state) == "approved"
    return pb.Certificate(
        id=domain.id,
        name=kept.get("name") or domain.name,
        domain=host,
        state="issued" if issued else "pending_validation",
        tags=tags or {},
        provider_data=data,
        private=private,
    )


class Cdns(KindHandler):
    field = "cdn"

    def __init__(self, front_door: FrontDoor) -> None:
        self.front_door = front_door

    def _api(self) -> Any:
        return self.front_door.api()

    def create(self, config: pb.CdnConfig, token: str) -> pb.Cdn:
        models = sdk_models("cdn")
        self.front_door.ensure()
        group, name = self.front_door.clients.group, resource_name(config.name)
        endpoint = (
            self._api()
            .afd_endpoints.begin_create(
                group,
                PROFILE,
                name,
                models.AFDEndpoint(
                    location="global",
                    enabled_state="Enabled",
                    tags=tags_with_token(config.tags, token),
                ),
            )
            .result()
        )
        self._serve(group, name, config)
        return self._read(group, endpoint, self._private(config))

    def _private(self, config: Any) -> bytes:
        return as_private({"origin_bucket_id": config.origin_bucket_id})

    def _serve(self, group: str, name: str, config: Any) -> None:
        """Origin group, origin (the bucket's website host) and the route, as configured."""
        models = sdk_models("cdn")
        api, host = self._api(), self._origin_host(config.origin_bucket_id)
        origins = api.afd_origin_groups.begin_create(
            group,
            PROFILE,
            f"{name}-origin",
            models.AFDOriginGroup(
                load_balancing_settings=models.LoadBalancingSettingsParameters(
                    sample_size=4,
                    successful_samples_required=3,
                    additional_latency_in_milliseconds=50,
                )
            ),
        ).result()
        api.afd_origins.begin_create(
            group,
            PROFILE,
            f"{name}-origin",
            "bucket",
            models.AFDOrigin(
                host_name=host,
                origin_host_header=host,
                http_port=80,
                https_port=443,
                priority=1,
                weight=1000,
                enabled_state="Enabled",
            ),
        ).result()
        domains = (
            [models.ActivatedResourceReference(id=config.certificate_id)]
            if config.certificate_id
            else []
        )
        api.routes.begin_create(
            group,
            PROFILE,
            name,
            "default",
            models.Route(
                origin_group=models.ResourceReference(id=origins.id),
                custom_domains=domains,
                supported_protocols=["Http", "Https"],
                patterns_to_match=["/*"],
                forwarding_protocol="HttpsOnly",
                link_to_default_domain="Enabled",
                https_redirect="Enabled" if config.https else "Disabled",
                enabled_state="Enabled",
            ),
        ).result()

    def _origin_host(self, bucket_id: str) -> str:
        parts = parse_id(bucket_id)
        if not parts.get("storageaccounts"):
            raise errors.InvalidArgument(
                f"origin_bucket_id {bucket_id!r} is not a bucket's id",
                attribute_path="config.origin_bucket_id",
            )
        account = self.front_door.clients.client("storage").storage_accounts.get_properties(
            parts["resourcegroups"], parts["storageaccounts"]
        )
        web = account.primary_endpoints.web or account.primary_endpoints.blob
        return str(web).removeprefix("https://").removeprefix("http://").rstrip("/")

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for resource_id in arm_ids(ids):
            group, name = group_of(resource_id), name_of(resource_id)
            endpoint = absent(
                lambda g=group, n=name: self._api().afd_endpoints.get(  # type: ignore[misc]
                    g, PROFILE, n
                )
            )
            if endpoint is not None:
                found[resource_id] = self._read(group, endpoint, privates.get(resource_id, b""))
        return found

    def _read(self, group: str, endpoint: Any, private: bytes) -> pb.Cdn:
        route = absent(lambda: self._api().routes.get(group, PROFILE, endpoint.name, "default"))
        certificate_id, domain = "", ""
        for ref in (route.custom_domains or []) if route is not None else []:
            certificate_id = ref.id
            found = absent(
                lambda r=ref: self._api().afd_custom_domains.get(  # type: ignore[misc]
                    group, PROFILE, name_of(r.id)
                )
            )
            domain = found.host_name if found is not None else ""
        return pb.Cdn(
            id=endpoint.id,
            name=endpoint.name,
            origin_bucket_id=private_json(private).get("origin_bucket_id", ""),
            domain=domain,
            certificate_id=certificate_id,
            endpoint=endpoint.host_name or "",
            https=route is not None and _word(route.https_redirect) == "enabled",
            tags=user_tags(endpoint.tags),
            private=private,
        )

    def find_by_token(self, token: str) -> str | None:
        endpoints = listed(
            self._api().afd_endpoints.list_by_profile, self.front_door.clients.group, PROFILE
        )
        return next((str(e.id) for e in endpoints if token_of(e.tags) == token), None)

    def update(self, request: Any) -> pb.Cdn:
        models = sdk_models("cdn")
        group, name = group_of(request.id), name_of(request.id)
        current = self._api().afd_endpoints.get(group, PROFILE, name)
        endpoint = (
            self._api()
            .afd_endpoints.begin_update(
                group,
                PROFILE,
                name,
                models.AFDEndpointUpdateParameters(
                    tags={**system_tags(current.tags), **dict(request.config.tags)}
                ),
            )
            .result()
        )
        self._serve(group, name, request.config)
        return self._read(group, endpoint, self._private(request.config))

    def delete(self, resource_id: str) -> None:
        group, name = group_of(resource_id), name_of(resource_id)
        api = self._api()
        if absent(lambda: api.afd_endpoints.get(group, PROFILE, name)) is None:
            raise errors.NotFound(f"cdn {resource_id} does not exist")
        api.routes.begin_delete(group, PROFILE, name, "default").result()
        api.afd_endpoints.begin_delete(group, PROFILE, name).result()
        api.afd_origin_groups.begin_delete(group, PROFILE, f"{name}-origin").result()
        self.front_door.drop_if_empty(group)

    @apply_filters
    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Cdn]:
        group = self.front_door.clients.group
        return [
            self._read(group, e, b"")
            for e in listed(self._api().afd_endpoints.list_by_profile, group, PROFILE)
        ]
