"""Storage: COS buckets.

COS bucket names end with the account's APPID: the config's `app-data` is the bucket
`app-data-<APPID>` (a name that already ends with `-<APPID>` is taken as is); the resource id
is the full bucket name. Versioning, default encryption (SSE-COS, AES256), lifecycle
(expiration), static website, canned ACL (public_access: public-read) and tags are set with
their own calls; a read asks each and runs buckets in parallel on the shared pool.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindHandler
from genesys_plugin_sdk.reads import read_each, read_one
from genesys_plugin_sdk.tags import TOKEN_TAG, client_token

from genesys_provider_tencent.clients import PatientCos, TencentClients
from genesys_provider_tencent.common import filtered, struct, user_tags
from genesys_provider_tencent.errors import TRANSLATOR, error_code

ALL_USERS = "http://cam.qcloud.com/groups/global/AllUsers"
MISSING_CONFIG = (
    "NoSuchEncryptionConfiguration",
    "NoSuchLifecycleConfiguration",
    "NoSuchTagSet",
    "NoSuchWebsiteConfiguration",
    "NoSuchResource",
)


def bucket_name(clients: TencentClients, name: str) -> str:
    appid = clients.appid()
    return name if name.endswith(f"-{appid}") else f"{name}-{appid}"


def _or_none(call: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return call(**kwargs)
    except Exception as exc:
        if error_code(exc) in MISSING_CONFIG:
            return None
        raise


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class Buckets(KindHandler):
    field = "bucket"

    def __init__(self, clients: TencentClients) -> None:
        self.clients = clients

    def _read(self, name: str) -> pb.Bucket | None:
        cos = self.clients.cos()
        try:
            head = cos.head_bucket(Bucket=name)
        except Exception as exc:
            if error_code(exc) in ("NoSuchResource", "NoSuchBucket"):
                return None
            raise
        versioning = cos.get_bucket_versioning(Bucket=name).get("Status", "")
        encryption = _or_none(cos.get_bucket_encryption, Bucket=name)
        lifecycle = _or_none(cos.get_bucket_lifecycle, Bucket=name)
        website = _or_none(cos.get_bucket_website, Bucket=name)
        tagging = _or_none(cos.get_bucket_tagging, Bucket=name)
        grants = _as_list(cos.get_bucket_acl(Bucket=name).get("AccessControlList", {}).get("Grant"))
        tags = {
            t["Key"]: t.get("Value", "")
            for t in _as_list((tagging or {}).get("TagSet", {}).get("Tag"))
        }
        region = head.get("x-cos-bucket-region") or self.clients.region
        appid = self.clients.appid()
        return pb.Bucket(
            id=name,
            name=name.removesuffix(f"-{appid}"),
            region=region,
            versioning=versioning == "Enabled",
            encryption=encryption is not None,
            encryption_algorithm=_algorithm(encryption),
            public_access=any((g.get("Grantee") or {}).get("URI") == ALL_USERS for g in grants),
            lifecycle=pb.Lifecycle(delete_after_days=_expiry_days(lifecycle)),
            website=_website(website),
            endpoint=f"https://{name}.cos.{region}.myqcloud.com",
            tags=user_tags(tags),
            provider_data=struct({"versioning_status": versioning or "Off", "appid": appid}),
        )

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        return read_each(self.clients.pool, ids, self._read, TRANSLATOR)

    def find_by_token(self, token: str) -> str | None:
        """Crash recovery only: the account's buckets, by their token tag."""
        listed = self.clients.cos().list_buckets().get("Buckets") or {}
        for entry in _as_list(listed.get("Bucket")):
            if self._made_by(entry["Name"], token):
                return str(entry["Name"])
        return None

    def list(self, filters: Mapping[str, str]) -> Iterator[pb.Bucket]:
        listed = self.clients.cos().list_buckets().get("Buckets") or {}
        names = [entry["Name"] for entry in _as_list(listed.get("Bucket"))]
        found = [b for b in self.read_many(names, {}).values() if isinstance(b, pb.Bucket)]
        yield from filtered(found, filters, {"name": "name", "id": "id"})

    def create(self, config: pb.BucketConfig, token: str) -> pb.Bucket:
        name = bucket_name(self.clients, config.name)
        cos = self.clients.cos()
        try:
            cos.create_bucket(Bucket=name, ACL="public-read" if config.public_access else "private")
        except Exception as exc:
            if error_code(exc) != "BucketAlreadyOwnedByYou" or not self._made_by(name, token):
                raise
        if token:  # at once, patiently: a retried create recognises the bucket by this tag
            tags = [{"Key": k, "Value": v} for k, v in config.tags.items()]
            tags.append({"Key": TOKEN_TAG, "Value": client_token(token, 127)})
            PatientCos(cos).put_bucket_tagging(Bucket=name, Tagging={"TagSet": {"Tag": tags}})
        self._configure(name, config, token, None)
        return read_one(self, name)

    def _made_by(self, name: str, token: str) -> bool:
        """A retried create: the bucket carries this create's token."""
        tagging = _or_none(self.clients.cos().get_bucket_tagging, Bucket=name) or {}
        tags = {t["Key"]: t.get("Value") for t in _as_list(tagging.get("TagSet", {}).get("Tag"))}
        return bool(token) and tags.get(TOKEN_TAG) == client_token(token, 127)

    def _configure(self, name: str, config: Any, token: str, current: pb.Bucket | None) -> None:
        cos = self.clients.cos()
        if config.versioning or (current is not None and current.versioning):
            status = "Enabled" if config.versioning else "Suspended"
            cos.put_bucket_versioning(Bucket=name, Status=status)
        if config.encryption:
            rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
            cos.put_bucket_encryption(
                Bucket=name, ServerSideEncryptionConfiguration={"Rule": [rule]}
            )
        elif current is not None and current.encryption:
            cos.delete_bucket_encryption(Bucket=name)
        _put_lifecycle(cos, name, config.lifecycle.delete_after_days, current)
        _put_website(cos, name, config, current)
        tags = dict(config.tags)
        if token:
            tags[TOKEN_TAG] = client_token(token, 127)
        elif current is not None:
            tags.update({k: v for k, v in (self._all_tags(name)).items() if k == TOKEN_TAG})
        if tags:
            cos.put_bucket_tagging(
                Bucket=name,
                Tagging={"TagSet": {"Tag": [{"Key": k, "Value": v} for k, v in tags.items()]}},
            )
        elif current is not None:
            cos.delete_bucket_tagging(Bucket=name)

    def _all_tags(self, name: str) -> dict[str, str]:
        tagging = _or_none(self.clients.cos().get_bucket_tagging, Bucket=name) or {}
        return {
            t["Key"]: t.get("Value", "") for t in _as_list(tagging.get("TagSet", {}).get("Tag"))
        }

    def update(self, request: Any) -> pb.Bucket:
        if "name" in request.changed:
            raise errors.InvalidArgument(
                "changing name replaces the bucket", attribute_path="config.name"
            )
        current = read_one(self, request.id)
        if "public_access" in request.changed or not request.changed:
            acl = "public-read" if request.config.public_access else "private"
            self.clients.cos().put_bucket_acl(Bucket=request.id, ACL=acl)
        self._configure(request.id, request.config, "", current)
        return read_one(self, request.id)

    def delete(self, resource_id: str) -> None:
        read_one(self, resource_id)
        try:
            self.clients.cos().delete_bucket(Bucket=resource_id)
        except Exception as exc:
            if error_code(exc) == "BucketNotEmpty":
                raise errors.FailedPrecondition(
                    f"bucket {resource_id} is not empty; empty it (all object versions) before "
                    "deleting",
                    provider_code="BucketNotEmpty",
                ) from exc
            raise


def _put_lifecycle(cos: Any, name: str, days: int, current: pb.Bucket | None) -> None:
    if days > 0:
        rule = {
            "ID": "genesys-expiry",
            "Status": "Enabled",
            "Filter": {"Prefix": ""},
            "Expiration": {"Days": days},
        }
        cos.put_bucket_lifecycle(Bucket=name, LifecycleConfiguration={"Rule": [rule]})
    elif current is not None and current.lifecycle.delete_after_days:
        cos.delete_bucket_lifecycle(Bucket=name)


def _put_website(cos: Any, name: str, config: Any, current: pb.Bucket | None) -> None:
    if config.website.index_document:
        website: dict[str, Any] = {"IndexDocument": {"Suffix": config.website.index_document}}
        if config.website.error_document:
            website["ErrorDocument"] = {"Key": config.website.error_document}
        cos.put_bucket_website(Bucket=name, WebsiteConfiguration=website)
    elif current is not None and current.website.index_document:
        cos.delete_bucket_website(Bucket=name)


def _algorithm(encryption: Any) -> str:
    for rule in _as_list((encryption or {}).get("Rule")):
        return str((rule.get("ApplyServerSideEncryptionByDefault") or {}).get("SSEAlgorithm", ""))
    return ""


def _expiry_days(lifecycle: Any) -> int:
    for rule in _as_list((lifecycle or {}).get("Rule")):
        days = (rule.get("Expiration") or {}).get("Days")
        if days:
            return int(days)
    return 0


def _website(website: Any) -> pb.Website:
    if not website:
        return pb.Website()
    return pb.Website(
        index_document=(website.get("IndexDocument") or {}).get("Suffix", ""),
        error_document=(website.get("ErrorDocument") or {}).get("Key", ""),
    )
