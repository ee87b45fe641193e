"""The `gcs` state backend: the SDK's ObjectStateStore over Cloud Storage objects.

The protocol (layout under `<prefix>`, compare-and-swap, versions, the lock object that never
waits and is taken over by exactly one run) is `genesys_plugin_sdk.state_objects`; this module
supplies GCS's five object calls. Compare-and-swap is GCS's generation precondition
(`ifGenerationMatch`, 0 = must not exist: GCS answers 412 and writes nothing); a version is
the object's generation, which also reads a past version (the bucket keeps them). The bucket
is made on first use (`create_bucket`, default true): versioned, uniform access, public
access prevented.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.state_objects import (
    ObjectInfo,
    ObjectStateStore,
    ObjectStore,
    StateBucket,
    StoredObject,
)

from genesys_provider_gcp.clients import GcpClients, storage_retry
from genesys_provider_gcp.errors import TRANSLATOR


class GcsObjects:
    """The ObjectStore calls on one GCS bucket."""

    def __init__(self, gcs: Any, bucket: Any) -> None:
        self.gcs = gcs
        self.bucket = bucket

    def get(self, key: str, version: str = "") -> StoredObject | None:
        from google.api_core import exceptions

        blob = self.bucket.blob(key, generation=int(version) if version else None)
        try:
            data = blob.download_as_bytes()
        except exceptions.NotFound:
            return None
        return StoredObject(data=data, version=str(blob.generation))

    def put(self, key: str, data: bytes, expected_version: str) -> str | None:
        from google.api_core import exceptions

        blob = self.bucket.blob(key)
        try:
            blob.upload_from_string(
                data, if_generation_match=int(expected_version or 0), retry=storage_retry()
            )
        except exceptions.PreconditionFailed:
            return None
        return str(blob.generation)

    def delete(self, key: str, expected_version: str = "") -> bool:
        from google.api_core import exceptions

        match = int(expected_version) if expected_version else None
        try:
            self.bucket.blob(key).delete(if_generation_match=match, retry=storage_retry())
        except (exceptions.NotFound, exceptions.PreconditionFailed):
            return False
        return True

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        for blob in self.gcs.list_blobs(self.bucket, prefix=prefix):
            yield ObjectInfo(
                key=blob.name,
                version=str(blob.generation),
                size=blob.size or 0,
                modified=blob.updated,
            )

    def versions(self, key: str) -> Iterator[ObjectInfo]:
        blobs = self.gcs.list_blobs(self.bucket, prefix=key, versions=True)
        found = sorted(
            (b for b in blobs if b.name == key), key=lambda b: b.generation, reverse=True
        )
        for blob in found:
            yield ObjectInfo(
                key=blob.name,
                version=str(blob.generation),
                size=blob.size or 0,
                modified=blob.updated,
            )


class StateStoreServicer(ObjectStateStore):
    backends = ("gcs",)
    provider = "gcp"

    def __init__(self, clients: GcpClients) -> None:
        super().__init__(translate=TRANSLATOR)
        self.clients = clients
        self._ready: set[str] = set()
        self._lock = threading.Lock()

    def objects(self, bucket: StateBucket) -> ObjectStore:
        gcs = self.clients.storage()
        with self._lock:
            if bucket.name not in self._ready:
                self._ensure(gcs, bucket)
                self._ready.add(bucket.name)
        return GcsObjects(gcs, gcs.bucket(bucket.name))

    def _ensure(self, gcs: Any, bucket: StateBucket) -> None:
        from google.api_core import exceptions

        try:
            gcs.get_bucket(bucket.name)
            return
        except exceptions.NotFound:
            if not bucket.create_bucket:
                raise errors.FailedPrecondition(
                    f"state bucket {bucket.name} does not exist (create_bucket is false)"
                ) from None
        made = gcs.bucket(bucket.name)
        made.versioning_enabled = True  # past state versions stay readable
        made.iam_configuration.uniform_bucket_level_access_enabled = True
        made.iam_configuration.public_access_prevention = "enforced"
        with contextlib.suppress(exceptions.Conflict):  # another run made it first
            gcs.create_bucket(made, location=self.clients.region, retry=storage_retry())
