"""Storage: Cloud Storage buckets (google-cloud-storage).

A bucket's id is its name (global). Versioning, lifecycle (delete after N days), website
(main page / not-found page), public access (public access prevention enforced unless
public_access) and labels map one to one. GCS encrypts every object at rest with
Google-managed keys, so `encryption: true` is always met (`encryption_algorithm` says which).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_each, read_one
from genesys_plugin_sdk.tags import TOKEN_LABEL, label_token

from genesys_provider_gcp.clients import GcpClients, storage_retry
from genesys_provider_gcp.common import (
    filtered,
    labels_for,
    private_json,
    read_private,
    struct,
    tags_of,
)
from genesys_provider_gcp.errors import TRANSLATOR, is_not_found

MANAGED_KEYS = "GOOGLE_MANAGED"


def bucket_from(raw: Any, private: bytes = b"") -> pb.Bucket:
    kept = read_private(private)
    days = [
        int(rule["condition"]["age"])
        for rule in raw.lifecycle_rules
        if rule.get("action", {}).get("type") == "Delete" and "age" in rule.get("condition", {})
    ]
    prevention = (raw.iam_configuration or {}).get("publicAccessPrevention", "inherited")
    website = raw._properties.get("website") or {}
    return pb.Bucket(
        id=raw.name,
        name=raw.name,
        region=(raw.location or "").lower(),
        versioning=bool(raw.versioning_enabled),
        encryption=True,
        encryption_algorithm=raw.default_kms_key_name or MANAGED_KEYS,
        public_access=prevention != "enforced",
        lifecycle=pb.Lifecycle(delete_after_days=min(days)) if days else None,
        website=pb.Website(
            index_document=website.get("mainPageSuffix", ""),
            error_document=website.get("notFoundPage", ""),
        )
        if website
        else None,
        endpoint=f"https://storage.googleapis.com/{raw.name}",
        tags=tags_of(dict(raw.labels or {}), kept.get("tags") or {}),
        provider_data=struct({"storage_class": raw.storage_class, "location": raw.location}),
        private=private,
    )


class Buckets(KindHandler):
    field = "bucket"

    def __init__(self, clients: GcpClients) -> None:
        self.clients = clients

    @property
    def gcs(self) -> Any:
        return self.clients.storage()

    def _read(self, name: str, private: bytes) -> pb.Bucket | None:
        try:
            return bucket_from(self.gcs.get_bucket(name), private)
        except Exception as exc:
            if is_not_found(exc):
                return None
            raise

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        # GCS has no filtered multi-bucket read: one GET per bucket, in parallel.
        return read_each(
            self.clients.pool,
            ids,
            lambda i: self._read(i, privates.get(i, b"")),
            translate=TRANSLATOR,
        )

    def find_by_token(self, token: str) -> str | None:
        wanted = label_token(token)
        for raw in self.gcs.list_buckets(project=self.clients.project):
            if (raw.labels or {}).get(TOKEN_LABEL) == wanted:
                return str(raw.name)
        return None

    def _apply(self, bucket: Any, config: pb.BucketConfig, token: str) -> None:
        bucket.versioning_enabled = config.versioning
        bucket.labels = labels_for(config.tags, token)
        bucket.clear_lifecyle_rules()
        if config.lifecycle.delete_after_days:
            bucket.add_lifecycle_delete_rule(age=config.lifecycle.delete_after_days)
        if config.website.index_document or config.website.error_document:
            bucket.configure_website(
                main_page_suffix=config.website.index_document or None,
                not_found_page=config.website.error_document or None,
            )
        else:
            bucket._patch_property("website", None)
        bucket.iam_configuration.public_access_prevention = (
            "inherited" if config.public_access else "enforced"
        )
        bucket.iam_configuration.uniform_bucket_level_access_enabled = True

    def create(self, config: pb.BucketConfig, token: str) -> pb.Bucket:
        private = private_json({"tags": dict(config.tags)})
        existing = self.find_by_token(token) if token else None
        if existing is None:
            bucket = self.gcs.bucket(config.name)
            self._apply(bucket, config, token)
            self.gcs.create_bucket(bucket, location=self.clients.region, retry=storage_retry())
            existing = config.name
        return read_one(self, existing, private)  # type: ignore[no-any-return]

    def update(self, request: Any) -> pb.Bucket:
        bucket = self.gcs.get_bucket(request.id)
        token = (bucket.labels or {}).get(TOKEN_LABEL, "")
        self._apply(bucket, request.config, token)
        bucket.patch(retry=storage_retry())
        private = private_json({**read_private(request.private), "tags": dict(request.config.tags)})
        return read_one(self, request.id, private)  # type: ignore[no-any-return]

    def delete(self, resource_id: str) -> None:
        bucket = self.gcs.get_bucket(resource_id)
        blobs = list(self.gcs.list_blobs(resource_id, versions=True))
        if blobs:
            raise errors.FailedPrecondition(
                f"bucket {resource_id} is not empty ({len(blobs)} objects or versions); "
                "empty it first: Genesys does not delete data"
            )
        bucket.delete(retry=storage_retry())

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Bucket]:
        return filtered(
            map(bucket_from, self.gcs.list_buckets(project=self.clients.project)), filters
        )
