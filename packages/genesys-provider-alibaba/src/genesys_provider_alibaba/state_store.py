"""The `oss` state backend: the SDK's ObjectStateStore over OSS objects.

Location config (the config's state block): `bucket` (required), `prefix` (default
"genesys/<workspace>/"), `create_bucket` (default true: the bucket - versioned, AES256
encrypted, private - is made on the first write). Other keys (`backend`, `encrypt`, ...)
belong to the core; `encrypt: true` is the core's client-side AES-256-GCM, so the objects
hold ciphertext.

Compare-and-swap uses OSS conditional writes: PutObject with `x-oss-forbid-overwrite: true`
(must not exist) or `If-Match: "<etag>"` (must be unchanged); OSS answers 409
FileAlreadyExists / 412 PreconditionFailed and writes nothing otherwise. A version string is
"<etag>@<version id>": the etag drives CAS, the version id reads past versions. The lock
protocol (the object `<prefix>.genesys.lock`, never waiting, take-over by `replace_lock_id`)
is the SDK's, with the opt-ins that give the core's local backend's semantics.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Iterator
from typing import Any

from genesys_plugin_sdk.state_objects import (
    ObjectInfo,
    ObjectStateStore,
    ObjectStore,
    StateBucket,
    StoredObject,
)

from genesys_provider_alibaba.clients import AlibabaClients
from genesys_provider_alibaba.errors import TRANSLATOR, call_or_none

STATE_ATTEMPTS = 12  # ~20 s of backoff before a throttled state write gives up
CONFLICTS = ("PreconditionFailed", "FileAlreadyExists")
MISSING = ("NoSuchKey", "NoSuchVersion", "NoSuchBucket")


def compose_version(etag: str, version_id: str | None) -> str:
    return f"{etag.strip(chr(34))}@{version_id or 'null'}"


def _etag(version: str) -> str:
    return version.partition("@")[0]


def _info(item: Any) -> ObjectInfo:
    modified = datetime.datetime.fromtimestamp(int(item.last_modified), tz=datetime.timezone.utc)
    version = compose_version(item.etag, item.versionid)
    return ObjectInfo(key=item.key, version=version, size=int(item.size), modified=modified)


class OssObjects:
    """The SDK's ObjectStore over one oss2 Bucket; `ensure` makes the bucket before a write."""

    def __init__(self, bucket: Any, ensure: Callable[[], None]) -> None:
        self.bucket = bucket
        self.ensure = ensure

    def get(self, key: str, version: str = "") -> StoredObject | None:
        params = {"versionId": version.partition("@")[2] or version} if version else None
        found = call_or_none(self.bucket.get_object, *MISSING, key=key, params=params)
        if found is None:
            return None
        return StoredObject(data=found.read(), version=compose_version(found.etag, found.versionid))

    def put(self, key: str, data: bytes, expected_version: str) -> str | None:
        self.ensure()
        headers = {"x-oss-server-side-encryption": "AES256"}
        if expected_version:
            headers["If-Match"] = f'"{_etag(expected_version)}"'
        else:
            headers["x-oss-forbid-overwrite"] = "true"
        written = call_or_none(
            self.bucket.put_object, *CONFLICTS, key=key, data=data, headers=headers
        )
        return None if written is None else compose_version(written.etag, written.versionid)

    def delete(self, key: str, expected_version: str = "") -> bool:
        """OSS has no conditional DeleteObject: the version is checked by a HEAD just before."""
        head = call_or_none(self.bucket.head_object, *MISSING, "404", key=key)
        if head is None:
            return False
        if expected_version and head.etag.strip('"') != _etag(expected_version):
            return False
        self.bucket.delete_object(key)
        return True

    def _versions(self, prefix: str) -> Iterator[Any]:
        key_marker = version_marker = ""
        while True:
            page = call_or_none(
                self.bucket.list_object_versions,
                "NoSuchBucket",
                prefix=prefix,
                key_marker=key_marker,
                versionid_marker=version_marker,
            )
            if page is None:
                return
            yield from page.versions
            if not page.is_truncated:
                return
            key_marker, version_marker = page.next_key_marker, page.next_versionid_marker

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        return (_info(item) for item in self._versions(prefix) if item.is_latest)

    def versions(self, key: str) -> Iterator[ObjectInfo]:
        found = [item for item in self._versions(key) if item.key == key]
        return (_info(item) for item in sorted(found, key=lambda v: v.last_modified, reverse=True))


class StateStoreServicer(ObjectStateStore):
    backends = ("oss",)
    provider = "alibaba"
    # The semantics the oss backend always had (and the core's local backend has).
    take_over_free_lock = True
    unlock_needs_holder = True
    lock_attempts = 3  # the holder may unlock between our refused put and our read

    def __init__(self, clients: AlibabaClients) -> None:
        super().__init__(translate=TRANSLATOR)
        self.clients = clients
        self._ready: set[str] = set()
        self._ready_lock = threading.Lock()

    def objects(self, bucket: StateBucket) -> ObjectStore:
        # The core retries resource operations, not state writes: the store absorbs throttling.
        oss = self.clients.oss_bucket(bucket.name, attempts=STATE_ATTEMPTS)
        return OssObjects(oss, lambda: self._ensure(bucket, oss))

    def _ensure(self, bucket: StateBucket, oss: Any) -> None:
        """The bucket, made on first write when create_bucket: versioned, encrypted, private."""
        if bucket.name in self._ready or not bucket.create_bucket:
            return
        from oss2 import BUCKET_ACL_PRIVATE, models

        with self._ready_lock:
            if bucket.name in self._ready:
                return
            if call_or_none(oss.get_bucket_info, "NoSuchBucket") is None:
                call_or_none(
                    oss.create_bucket,
                    "BucketAlreadyExists",
                    "BucketAlreadyOwnedByYou",
                    permission=BUCKET_ACL_PRIVATE,
                )
                oss.put_bucket_versioning(models.BucketVersioningConfig("Enabled"))
                oss.put_bucket_encryption(models.ServerSideEncryptionRule("AES256"))
            self._ready.add(bucket.name)
