"""Outcomes -> ordinary resources the plan shows.

static-site: a private bucket with website hosting, a CDN in front of it (https when
    enable_https) and, when enable_https and a domain are set, a certificate for the domain.
    Without a CDN the bucket itself must be public, and HTTPS is impossible (an error).
api: a function with an http trigger.
"""

from __future__ import annotations

from genesys.config.build import Build, optional
from genesys.config.convert import id_ref
from genesys.config.desired import Value
from genesys.config.diagnostics import Path
from genesys.config.model import ApiOutcome, StaticSiteOutcome

STATIC_SITE = "outcome.static-site"
API = "outcome.api"


def build_outcomes(build: Build) -> None:
    site = build.cfg.outcomes.static_site
    if site is not None:
        _static_site(build, site, ("outcomes", "static-site"))
    api = build.cfg.outcomes.api
    if api is not None:
        _api(build, api, ("outcomes", "api"))


def _static_site(build: Build, site: StaticSiteOutcome, path: Path) -> None:
    origin = "outcome static-site"
    if site.enable_https and not site.enable_cdn:
        build.reporter.error(
            (*path, "enable_https"),
            "enable_https needs enable_cdn: bucket websites serve plain HTTP only",
            "set enable_cdn: true, or enable_https: false",
        )
    name = site.site_name()
    bucket: dict[str, Value] = {
        "name": name,
        "versioning": False,
        "encryption": True,
        # Private behind a CDN; without one, visitors read the bucket directly.
        "public_access": not site.enable_cdn,
        "website": {
            "index_document": site.index_document,
            "error_document": site.error_document,
        },
        "tags": dict(site.tags),
    }
    build.add(f"{STATIC_SITE}.bucket", "bucket", bucket, path, origin)
    if not site.enable_cdn:
        return
    with_certificate = site.enable_https and site.domain is not None
    if with_certificate:
        certificate = {"name": name, "domain": site.domain, "tags": dict(site.tags)}
        build.add(f"{STATIC_SITE}.certificate", "certificate", certificate, path, origin)
    cdn: dict[str, Value] = {
        "name": name,
        "origin_bucket_id": id_ref(f"{STATIC_SITE}.bucket"),
        "https": site.enable_https,
    }
    optional(cdn, domain=site.domain)
    if with_certificate:
        cdn["certificate_id"] = id_ref(f"{STATIC_SITE}.certificate")
    cdn["tags"] = dict(site.tags)
    build.add(f"{STATIC_SITE}.cdn", "cdn", cdn, path, origin)


def _api(build: Build, api: ApiOutcome, path: Path) -> None:
    trigger: dict[str, Value] = {"type": "http", "path": api.path}
    if api.methods:
        trigger["methods"] = list(api.methods)
    attributes: dict[str, Value] = {
        "name": api.name,
        "runtime": api.runtime,
        "handler": api.handler,
        "memory_mb": api.memory,
        "timeout_s": api.timeout,
        "environment": dict(api.environment),
        "triggers": [trigger],
        "layer_ids": [],
    }
    code = build.code(api.source, path, name=api.name, runtime=api.runtime, handler=api.handler)
    optional(attributes, code=code)
    attributes["tags"] = dict(api.tags)
    build.add(f"{API}.function", "function", attributes, path, "outcome api")
