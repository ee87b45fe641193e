"""Storage: OSS buckets with versioning, server-side encryption (AES256), lifecycle
expiration, website hosting, tags and ACL (private unless public_access).

The bucket name is its id. A create that finds the bucket already there continues only when
the bucket carries this create's token tag (a retried create), else it is AlreadyExists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_each, read_one
from genesys_plugin_sdk.tags import TOKEN_TAG, match_tag_filters

from genesys_provider_alibaba.clients import AlibabaClients
from genesys_provider_alibaba.common import struct, token_value, visible_tags
from genesys_provider_alibaba.errors import TRANSLATOR, call_or_none, error_code

LIFECYCLE_RULE = "genesys-expiration"
MARK_ATTEMPTS = 12


def _tags(bucket: Any) -> dict[str, str]:
    found = call_or_none(bucket.get_bucket_tagging, "NoSuchTagSet")
    rules = (
        getattr(getattr(found, "tag_set", None), "tagging_rule", None)
        if found is not None
        else None
    )
    return dict(rules or {})


def bucket_from(clients: AlibabaClients, name: str) -> pb.Bucket | None:
    bucket = clients.oss_bucket(name)
    info = call_or_none(bucket.get_bucket_info, "NoSuchBucket")
    if info is None:
        return None
    expiration = 0
    lifecycle = call_or_none(bucket.get_bucket_lifecycle, "NoSuchLifecycle")
    for rule in getattr(lifecycle, "rules", None) or []:
        if rule.id == LIFECYCLE_RULE and rule.expiration is not None and rule.expiration.days:
            expiration = int(rule.expiration.days)
    website = call_or_none(bucket.get_bucket_website, "NoSuchWebsiteConfiguration")
    sse = getattr(info.bucket_encryption_rule, "sse_algorithm", None) or ""
    endpoint = info.extranet_endpoint
    return pb.Bucket(
        id=name,
        name=name,
        region=info.location.removeprefix("oss-"),
        versioning=info.versioning_status == "Enabled",
        encryption=sse not in ("", "None"),
        encryption_algorithm="" if sse == "None" else sse,
        public_access=info.acl.grant in ("public-read", "public-read-write"),
        lifecycle=pb.Lifecycle(delete_after_days=expiration),
        website=pb.Website(index_document=website.index_file, error_document=website.error_file)
        if website
        else None,
        endpoint=f"https://{name}.{endpoint}",
        tags=visible_tags(_tags(bucket)),
        provider_data=struct(
            {
                "location": info.location,
                "storage_class": info.storage_class,
                "created": info.creation_date,
            }
        ),
    )


class Buckets(KindHandler):
    field = "bucket"

    def __init__(self, clients: AlibabaClients) -> None:
        self.clients = clients

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        return read_each(
            self.clients.pool, ids, lambda name: bucket_from(self.clients, name), TRANSLATOR
        )

    def find_by_token(self, token: str) -> str | None:
        wanted = token_value(token)
        for listed in self._names():
            if _tags(self.clients.oss_bucket(listed)).get(TOKEN_TAG) == wanted:
                return listed
        return None

    def _names(self) -> Iterable[str]:
        import oss2

        for listed in oss2.BucketIterator(self.clients.oss_service()):
            yield str(listed.name)

    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Bucket]:
        for name in self._names():
            if "name" in filters and name not in filters["name"].split(","):
                continue
            found = bucket_from(self.clients, name)
            if found is not None and match_tag_filters(filters, dict(found.tags), ("name",)):
                yield found

    def create(self, config: pb.BucketConfig, token: str) -> pb.Bucket:
        import oss2

        bucket = self.clients.oss_bucket(config.name)
        acl = oss2.BUCKET_ACL_PUBLIC_READ if config.public_access else oss2.BUCKET_ACL_PRIVATE
        try:
            bucket.create_bucket(acl)
        except Exception as exc:
            if error_code(exc) not in ("BucketAlreadyExists", "BucketAlreadyOwnedByYou"):
                raise
            if not token or _tags(bucket).get(TOKEN_TAG) != token_value(token):
                raise errors.AlreadyExists(
                    f"bucket {config.name} already exists", attribute_path="config.name"
                ) from exc
        else:
            self._mark(config, token)
        self._configure(config, token, None)
        return read_one(self, config.name)

    def _mark(self, config: pb.BucketConfig, token: str) -> None:
        """The token tag, first thing after the bucket exists: a retried create must find it,
        so this one call is tried harder than others (12 times through throttling)."""
        from oss2 import models

        if not token:
            return
        rules = models.TaggingRule()
        for key, value in {**dict(config.tags), TOKEN_TAG: token_value(token)}.items():
            rules.add(key, value)
        self.clients.oss_bucket(config.name, attempts=MARK_ATTEMPTS).put_bucket_tagging(
            models.Tagging(rules)
        )

    def _configure(self, config: pb.BucketConfig, token: str, current: pb.Bucket | None) -> None:
        import oss2
        from oss2 import models

        bucket = self.clients.oss_bucket(config.name)
        versioning_changed = current is None or config.versioning != current.versioning
        if versioning_changed and (config.versioning or current is not None):
            status = "Enabled" if config.versioning else "Suspended"
            bucket.put_bucket_versioning(models.BucketVersioningConfig(status))
        if current is None or config.encryption != current.encryption:
            if config.encryption:
                bucket.put_bucket_encryption(models.ServerSideEncryptionRule("AES256"))
            elif current is not None:
                bucket.delete_bucket_encryption()
        if current is not None and config.public_access != current.public_access:
            bucket.put_bucket_acl(
                oss2.BUCKET_ACL_PUBLIC_READ if config.public_access else oss2.BUCKET_ACL_PRIVATE
            )
        self._lifecycle(bucket, config, current)
        self._website(bucket, config, current)
        tags = dict(config.tags)
        if token:
            tags[TOKEN_TAG] = token_value(token)
        elif current is not None:
            tags.update({k: v for k, v in _tags(bucket).items() if k == TOKEN_TAG})
        if current is None or dict(current.tags) != dict(config.tags):
            rules = models.TaggingRule()
            for key, value in tags.items():
                rules.add(key, value)
            bucket.put_bucket_tagging(models.Tagging(rules))

    @staticmethod
    def _lifecycle(bucket: Any, config: pb.BucketConfig, current: pb.Bucket | None) -> None:
        from oss2 import models

        days = config.lifecycle.delete_after_days
        if current is not None and current.lifecycle.delete_after_days == days:
            return
        if days:
            rule = models.LifecycleRule(
                LIFECYCLE_RULE,
                "",
                status=models.LifecycleRule.ENABLED,
                expiration=models.LifecycleExpiration(days=days),
            )
            bucket.put_bucket_lifecycle(models.BucketLifecycle([rule]))
        elif current is not None:
            bucket.delete_bucket_lifecycle()

    @staticmethod
    def _website(bucket: Any, config: pb.BucketConfig, current: pb.Bucket | None) -> None:
        from oss2 import models

        want = (
            config.website if config.HasField("website") and config.website.index_document else None
        )
        have = current.website if current is not None and current.HasField("website") else None
        if want == have or (want is None and current is None):
            return
        if want is not None:
            bucket.put_bucket_website(
                models.BucketWebsite(want.index_document, want.error_document or "error.html")
            )
        else:
            bucket.delete_bucket_website()

    def update(self, request: Any) -> pb.Bucket:
        current = read_one(self, request.id)
        if request.config.name and request.config.name != request.id:
            raise errors.InvalidArgument(
                "changing name replaces the bucket", attribute_path="config.name"
            )
        config = pb.BucketConfig()
        config.CopyFrom(request.config)
        config.name = request.id
        self._configure(config, "", current)
        return read_one(self, request.id)

    def delete(self, resource_id: str) -> None:
        """Deletes every object version first: OSS refuses to delete a bucket that holds any."""
        import oss2

        read_one(self, resource_id)
        bucket = self.clients.oss_bucket(resource_id)
        for key, version_id in all_versions(bucket):
            bucket.delete_object(key, params={"versionId": version_id})
        for listed in oss2.ObjectIterator(bucket):
            bucket.delete_object(listed.key)
        bucket.delete_bucket()


def all_versions(bucket: Any, prefix: str = "") -> Iterable[tuple[str, str]]:
    """(key, version id) of every object version and delete marker, across pages."""
    key_marker = version_marker = ""
    while True:
        page = bucket.list_object_versions(
            prefix=prefix, key_marker=key_marker, versionid_marker=version_marker
        )
        for entry in [*page.versions, *page.delete_marker]:
            yield entry.key, entry.versionid
        if not page.is_truncated:
            return
        key_marker, version_marker = page.next_key_marker, page.next_versionid_marker


def kinds(clients: AlibabaClients) -> list[KindHandler]:
    from genesys_provider_alibaba import cdn

    return [Buckets(clients), *cdn.kinds(clients)]
