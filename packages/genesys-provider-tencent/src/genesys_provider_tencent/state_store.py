"""The `cos` state backend: the SDK's ObjectStateStore over COS objects.

Location config (the config's state block, read by the SDK's `state_bucket`): `bucket`
(required; the APPID suffix COS bucket names carry is added when missing, so
`genesys-state-${account_id}` and `genesys-state` both work), `prefix` (default
"genesys/<workspace>/"), `create_bucket` (default true: the bucket - versioned, encrypted,
private - is made on the first write or lock). Other keys (`backend`, `encrypt`, ...) belong
to the core, which encrypts the state itself with `encrypt: true`.

Compare-and-swap is a conditional PUT: `If-None-Match: *` (must not exist) or `If-Match:
<etag>` (must be unchanged); COS answers 412 PreconditionFailed and writes nothing otherwise.
A version string is "<etag>@<version id>": the etag drives CAS, the version id reads past
versions. The lock (the SDK's) is the object `<prefix>.genesys.lock` written with
`If-None-Match: *`: it never waits; a held lock answers acquired=false with the holder's
LockInfo; a take-over puts with `If-Match: <the gone holder's etag>`. Every COS call retries
SlowDown and transient failures (PatientCos): the core does not retry state-store calls.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.state_objects import (
    ObjectInfo,
    ObjectStateStore,
    ObjectStore,
    StateBucket,
    StoredObject,
)

from genesys_provider_tencent.clients import PatientCos, TencentClients
from genesys_provider_tencent.errors import TRANSLATOR, error_code

CONFLICTS = ("PreconditionFailed", "FileAlreadyExists")
GONE = ("NoSuchKey", "NoSuchVersion", "NoSuchBucket", "NoSuchResource")


def with_appid(bucket: str, appid: str) -> str:
    """COS bucket names end in `-<APPID>`; a name without it gets it."""
    return bucket if bucket.endswith(f"-{appid}") else f"{bucket}-{appid}"


def compose_version(etag: str, version_id: str | None) -> str:
    return f"{etag.strip(chr(34))}@{version_id or 'null'}"


def _etag(version: str) -> str:
    return version.partition("@")[0]


def _version_id(version: str) -> str:
    etag, sep, version_id = version.partition("@")
    return version_id if sep else etag


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _info(item: dict[str, Any]) -> ObjectInfo:
    modified = datetime.datetime.strptime(item["LastModified"][:19], "%Y-%m-%dT%H:%M:%S")
    return ObjectInfo(
        key=item["Key"],
        version=compose_version(item["ETag"], item.get("VersionId")),
        size=int(item.get("Size") or 0),
        modified=modified.replace(tzinfo=datetime.timezone.utc),
    )


class CosObjects:
    """The SDK's ObjectStore over one COS bucket; `ensure` makes the bucket before a write."""

    def __init__(self, cos: PatientCos, bucket: str, ensure: Callable[[], None]) -> None:
        self.cos = cos
        self.bucket = bucket
        self.ensure = ensure

    def get(self, key: str, version: str = "") -> StoredObject | None:
        args: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if version:
            args["VersionId"] = _version_id(version)
        try:
            found = self.cos.get_object(**args)
        except Exception as exc:
            if error_code(exc) in GONE:
                return None
            raise
        return StoredObject(
            data=found["Body"].get_raw_stream().read(),
            version=compose_version(found["ETag"], found.get("x-cos-version-id")),
        )

    def put(self, key: str, data: bytes, expected_version: str) -> str | None:
        self.ensure()
        condition = (
            {"IfMatch": f'"{_etag(expected_version)}"'}
            if expected_version
            else {"IfNoneMatch": "*"}
        )
        try:
            written = self.cos.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=data,
                ServerSideEncryption="AES256",
                **condition,
            )
        except Exception as exc:
            if error_code(exc) in CONFLICTS:
                return None
            raise
        return compose_version(written["ETag"], written.get("x-cos-version-id"))

    def delete(self, key: str, expected_version: str = "") -> bool:
        """COS has no conditional DELETE: the version is checked by a HEAD just before."""
        try:
            head = self.cos.head_object(Bucket=self.bucket, Key=key)
        except Exception as exc:
            if error_code(exc) in GONE:
                return False
            raise
        if expected_version and str(head["ETag"]).strip('"') != _etag(expected_version):
            return False
        self.cos.delete_object(Bucket=self.bucket, Key=key)
        return True

    def _versions(self, prefix: str) -> Iterator[dict[str, Any]]:
        key_marker = version_marker = ""
        while True:
            try:
                page = self.cos.list_objects_versions(
                    Bucket=self.bucket,
                    Prefix=prefix,
                    KeyMarker=key_marker,
                    VersionIdMarker=version_marker,
                )
            except Exception as exc:
                if error_code(exc) in GONE:
                    return
                raise
            yield from _as_list(page.get("Version"))
            if page.get("IsTruncated") != "true":
                return
            key_marker = page.get("NextKeyMarker", "")
            version_marker = page.get("NextVersionIdMarker", "")

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        for item in self._versions(prefix):
            if item.get("IsLatest") == "true":
                yield _info(item)

    def versions(self, key: str) -> Iterator[ObjectInfo]:
        for item in self._versions(key):  # COS lists a key's versions newest first
            if item["Key"] == key:
                yield _info(item)


class StateStoreServicer(ObjectStateStore):
    backends = ("cos",)
    provider = "tencent"
    # The semantics the cos backend always had (and the core's local backend has).
    take_over_free_lock = True
    unlock_needs_holder = True
    lock_attempts = 3  # the holder may unlock between our refused put and our read

    def __init__(self, clients: TencentClients) -> None:
        super().__init__(translate=TRANSLATOR)
        self.clients = clients
        self._ready: set[str] = set()
        self._ready_lock = threading.Lock()

    def objects(self, bucket: StateBucket) -> ObjectStore:
        named = replace(bucket, name=with_appid(bucket.name, self.clients.appid()))
        return CosObjects(PatientCos(self.clients.cos()), named.name, lambda: self._ensure(named))

    def _ensure(self, bucket: StateBucket) -> None:
        """Creates the bucket on first use (versioned, encrypted, private) when allowed."""
        if bucket.name in self._ready:
            return
        with self._ready_lock:
            if bucket.name in self._ready:
                return
            cos = PatientCos(self.clients.cos())
            try:
                cos.head_bucket(Bucket=bucket.name)
            except Exception as exc:
                if error_code(exc) not in GONE:
                    raise
                if not bucket.create_bucket:
                    raise errors.FailedPrecondition(
                        f"state bucket {bucket.name} does not exist (create_bucket is false)"
                    ) from exc
                self._make_bucket(cos, bucket.name)
            self._ready.add(bucket.name)

    @staticmethod
    def _make_bucket(cos: PatientCos, bucket: str) -> None:
        try:
            cos.create_bucket(Bucket=bucket, ACL="private")
        except Exception as exc:
            if error_code(exc) != "BucketAlreadyOwnedByYou":  # another run made it first
                raise
        cos.put_bucket_versioning(Bucket=bucket, Status="Enabled")
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        cos.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rule": [rule]})
