"""Compute Engine's global load-balancing chain: SSL certificates (managed or self-managed),
backend buckets (with Cloud CDN), URL maps, target HTTP(S) proxies and global forwarding
rules. One generic set of handlers serves them, driven by `LB_KINDS`: which fields are
required, which fields reference which kind (a reference to something missing is refused;
deleting something still referenced is resourceInUseByAnotherResource).

A managed certificate is PROVISIONING, then ACTIVE (Google would wait for DNS; the emulator
lets a few hundred milliseconds pass).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from genesys_emulators.core import CloudError
from genesys_emulators.core.operations import Transition
from genesys_emulators.gcp.common import (
    check_name,
    in_use,
    invalid,
    last_segment,
    not_found,
    now,
    page,
    required,
)
from genesys_emulators.gcp.compute_base import ComputeBase, P


@dataclass(frozen=True)
class LbKind:
    path: str  # the URL collection, e.g. "backendBuckets"
    kind: str  # compute#backendBucket
    required: tuple[str, ...] = ()
    references: dict[str, str] = field(default_factory=dict)  # field -> collection path


LB_KINDS = {
    kind.path: kind
    for kind in (
        LbKind("sslCertificates", "compute#sslCertificate"),
        LbKind("backendBuckets", "compute#backendBucket", ("bucketName",)),
        LbKind("healthChecks", "compute#healthCheck"),
        LbKind("backendServices", "compute#backendService", (), {"healthChecks": "healthChecks"}),
        LbKind("urlMaps", "compute#urlMap", ("defaultService",), {"defaultService": "*"}),
        LbKind(
            "targetHttpsProxies",
            "compute#targetHttpsProxy",
            ("urlMap", "sslCertificates"),
            {"urlMap": "urlMaps", "sslCertificates": "sslCertificates"},
        ),
        LbKind("targetHttpProxies", "compute#targetHttpProxy", ("urlMap",), {"urlMap": "urlMaps"}),
        LbKind("forwardingRules", "compute#forwardingRule", ("target",), {"target": "*"}),
    )
}
LB_RULES = tuple(
    rule
    for path in LB_KINDS
    for rule in (
        Rule(f"{P}/global/{path}", methods=["GET"], endpoint="lb_list", defaults={"kind": path}),
        Rule(f"{P}/global/{path}", methods=["POST"], endpoint="lb_insert", defaults={"kind": path}),
        Rule(
            f"{P}/global/{path}/<name>", methods=["GET"], endpoint="lb_get", defaults={"kind": path}
        ),
        Rule(
            f"{P}/global/{path}/<name>",
            methods=["PATCH"],
            endpoint="lb_patch",
            defaults={"kind": path},
        ),
        Rule(
            f"{P}/global/{path}/<name>",
            methods=["DELETE"],
            endpoint="lb_delete",
            defaults={"kind": path},
        ),
    )
)


class LoadBalancingMixin(ComputeBase):
    def _lb(self, project: str, kind: str, name: str) -> dict[str, Any]:
        return self.store.get(
            kind, f"{project}/{name}", lambda: not_found(f"projects/{project}/global/{kind}/{name}")
        )

    def _lb_view(self, record: dict[str, Any]) -> dict[str, Any]:
        view = {k: v for k, v in record.items() if not k.startswith("_")}
        transition = self.transitions.get(record["selfLink"])
        if transition is not None:
            status = transition.current()
            view["managed"] = {**view["managed"], "status": status}
            view["managed"]["domainStatus"] = dict.fromkeys(view["managed"]["domains"], status)
        return view

    def _check_references(self, project: str, kind: LbKind, body: dict[str, Any]) -> None:
        for name in kind.required:
            if not body.get(name):
                raise required(f"resource.{name}")
        for name, target in kind.references.items():
            values = body.get(name) or []
            for link in values if isinstance(values, list) else [values]:
                # "*": the kind the link names (a URL map serves a bucket or a service).
                collection = target if target != "*" else link.rstrip("/").split("/")[-2]
                if self.store.find(collection, f"{project}/{last_segment(link)}") is None:
                    raise invalid(
                        f"Invalid value for field 'resource.{name}': '{link}'. "
                        "The referenced resource cannot be found."
                    )

    def _check_backends(self, project: str, body: dict[str, Any]) -> None:
        for index, backend in enumerate(body.get("backends") or []):
            link = str(backend.get("group", ""))
            parts = link.split("/")
            zone = parts[parts.index("zones") + 1] if "zones" in parts[:-1] else ""
            if self.store.find("instanceGroups", f"{project}/{zone}/{last_segment(link)}") is None:
                raise invalid(
                    f"Invalid value for field 'resource.backends[{index}].group': '{link}'. "
                    "The referenced instance group cannot be found."
                )

    def _certificate_fields(self, body: dict[str, Any]) -> dict[str, Any]:
        managed = body.get("managed") or {}
        kind = body.get("type") or ("MANAGED" if managed else "SELF_MANAGED")
        if kind == "MANAGED":
            domains = managed.get("domains") or []
            if not domains:
                raise required("resource.managed.domains")
            return {
                "type": "MANAGED",
                "managed": {"domains": domains},
                "subjectAlternativeNames": domains,
            }
        if not body.get("certificate") or not body.get("privateKey"):
            raise required("resource.certificate")
        return {"type": "SELF_MANAGED", "certificate": body["certificate"]}

    def lb_insert(self, request: Request, project: str, kind: str) -> Any:
        spec = LB_KINDS[kind]
        body = self.json_body(request)
        name = check_name(body.get("name"))
        self._check_references(project, spec, body)
        if kind == "backendServices":
            self._check_backends(project, body)
        link = self.link(project, "global", kind, name)
        record = {
            **{k: v for k, v in body.items() if k not in ("privateKey", "kind")},
            "kind": spec.kind,
            "id": self.store.new_id(),
            "name": name,
            "creationTimestamp": now(),
            "selfLink": link,
        }
        if kind == "sslCertificates":
            record.update(self._certificate_fields(body))
            if record["type"] == "MANAGED":
                self.transitions[link] = Transition(("PROVISIONING", "ACTIVE"), step=0.2)
        if kind == "forwardingRules":
            record.setdefault("IPAddress", f"34.120.{int(record['id']) % 250}.{len(name) % 250}")
            record.setdefault("IPProtocol", "TCP")
            record.setdefault("loadBalancingScheme", "EXTERNAL")
        self.store.insert(
            kind,
            f"{project}/{name}",
            record,
            lambda: CloudError(
                409,
                "alreadyExists",
                f"The resource 'projects/{project}/global/{kind}/{name}' already exists",
            ),
        )
        return self.start_operation(project, ("global",), "insert", link, record["id"])

    def lb_get(self, request: Request, project: str, kind: str, name: str) -> Any:
        return self._lb_view(self._lb(project, kind, name))

    def lb_list(self, request: Request, project: str, kind: str) -> Any:
        records = [
            self._lb_view(r)
            for r in self.store.values(kind)
            if f"/projects/{project}/" in r["selfLink"]
        ]
        items, token = page(request, records)
        return {"kind": f"{LB_KINDS[kind].kind}List", "items": items, "nextPageToken": token}

    def lb_patch(self, request: Request, project: str, kind: str, name: str) -> Any:
        record = self._lb(project, kind, name)
        body = {
            k: v
            for k, v in self.json_body(request).items()
            if k not in ("name", "selfLink", "id", "kind")
        }
        self._check_references(project, LB_KINDS[kind], {**record, **body})

        def change() -> None:
            record.update(body)

        return self.start_operation(
            project, ("global",), "patch", record["selfLink"], record["id"], change
        )

    def lb_delete(self, request: Request, project: str, kind: str, name: str) -> Any:
        record = self._lb(project, kind, name)
        with self.store.lock:
            user = self._referrer(record["selfLink"])
            if user is not None:
                raise in_use(f"projects/{project}/global/{kind}/{name}", user.split("/v1/")[1])
            self.store.remove(kind, f"{project}/{name}")
            self.transitions.pop(record["selfLink"], None)
        return self.start_operation(
            project, ("global",), "delete", record["selfLink"], record["id"]
        )

    def _referrer(self, link: str) -> str | None:
        tail = link.split("/v1/")[1]
        for spec in LB_KINDS.values():
            for other in self.store.values(spec.path):
                for name in spec.references:
                    values = other.get(name) or []
                    for value in values if isinstance(values, list) else [values]:
                        if str(value).endswith(tail.split("/", 2)[2]):
                            return str(other["selfLink"])
        return None
