"""The `azureblob` state backend: the SDK's ObjectStateStore over Azure blobs.

Location config (the config's state block): `storage_account` and `container` (required),
`prefix` (default "genesys/<workspace>/"), `create_container` (default true: the container
is made, private, on first write). The blob endpoint is the account's
(https://ACCOUNT.blob.core.windows.net, Entra ID through DefaultAzureCredential) unless the
provider settings give `blob_endpoint` (+ `blob_key`), as genesys-emulator azure does for
Azurite.

Compare-and-swap: uploads carry If-Match: <etag> (or If-None-Match: * for a new blob); Azure
answers 412 (409 for a blob that exists) and writes nothing. Every state write is followed by
a blob snapshot, so past states stay readable: a version is "<etag>@<snapshot time>". The
lock is the SDK's lock object `<prefix>.genesys.lock` (never waits; a take-over is an
If-Match write on the gone holder's etag); it gets no snapshots.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.state_objects import (
    LOCK_OBJECT,
    ObjectInfo,
    ObjectStateStore,
    StateBucket,
    StoredObject,
)
from google.protobuf import json_format

from genesys_provider_azure.clients import AzureClients
from genesys_provider_azure.errors import TRANSLATOR


def backend_of(location: Any) -> StateBucket:
    """The container (StateBucket.name), prefix and storage account of a state location."""
    if location.backend not in ("azureblob", ""):
        raise errors.InvalidArgument(
            f"the azure provider serves the azureblob state backend, not {location.backend!r}",
            attribute_path="location.backend",
        )
    config = json_format.MessageToDict(location.config) if location.HasField("config") else {}
    for needed in ("storage_account", "container"):
        if not config.get(needed):
            raise errors.InvalidArgument(
                f"the azureblob state backend needs {needed}", attribute_path=f"state.{needed}"
            )
    workspace = location.workspace or "default"
    key = str(config.get("prefix") or "").strip("/")
    prefix = (
        (f"{key}/" if workspace == "default" else f"{key}/env/{workspace}/")
        if key
        else f"genesys/{workspace}/"
    )
    return StateBucket(
        name=str(config["container"]),
        prefix=prefix,
        create_bucket=bool(config.get("create_container", True)),
        config={"storage_account": str(config["storage_account"])},
    )


def compose_version(etag: str, snapshot: str | None) -> str:
    return f"{etag.strip(chr(34))}@{snapshot or ''}"


class AzureBlobs:
    """The SDK's ObjectStore over one blob container (`ensure` makes it before a write)."""

    def __init__(self, container: Any, ensure: Callable[[], None]) -> None:
        self.container = container
        self.ensure = ensure

    def get(self, key: str, version: str = "") -> StoredObject | None:
        from azure.core.exceptions import ResourceNotFoundError

        snapshot = version.partition("@")[2] or None
        try:
            download = self.container.get_blob_client(key, snapshot=snapshot).download_blob()
            data = download.readall()
        except ResourceNotFoundError:
            return None
        return StoredObject(data, compose_version(download.properties.etag, snapshot))

    def put(self, key: str, data: bytes, expected_version: str) -> str | None:
        from azure.core import MatchConditions
        from azure.core.exceptions import ResourceExistsError, ResourceModifiedError

        self.ensure()
        blob = self.container.get_blob_client(key)
        try:
            if expected_version:
                written = blob.upload_blob(
                    data,
                    overwrite=True,
                    etag=expected_version.partition("@")[0],
                    match_condition=MatchConditions.IfNotModified,
                )
            else:
                written = blob.upload_blob(data, overwrite=False)
        except (ResourceModifiedError, ResourceExistsError):
            return None
        if key.endswith(LOCK_OBJECT):
            return compose_version(written["etag"], None)
        snapshot = blob.create_snapshot()  # the version history: one snapshot per write
        return compose_version(written["etag"], snapshot.get("snapshot"))

    def delete(self, key: str, expected_version: str = "") -> bool:
        from azure.core import MatchConditions
        from azure.core.exceptions import ResourceModifiedError, ResourceNotFoundError

        condition: dict[str, Any] = {}
        if expected_version:
            condition = {
                "etag": expected_version.partition("@")[0],
                "match_condition": MatchConditions.IfNotModified,
            }
        blob = self.container.get_blob_client(key)
        try:
            blob.delete_blob(delete_snapshots="include", **condition)
        except (ResourceNotFoundError, ResourceModifiedError):
            return False
        return True

    def _listed(self, prefix: str, snapshots: bool) -> Iterator[Any]:
        from azure.core.exceptions import ResourceNotFoundError

        include = ["snapshots"] if snapshots else None
        with contextlib.suppress(ResourceNotFoundError):  # no container yet: nothing stored
            yield from self.container.list_blobs(name_starts_with=prefix, include=include)

    def list(self, prefix: str) -> Iterator[ObjectInfo]:
        for item in self._listed(prefix, snapshots=False):
            yield ObjectInfo(item.name, compose_version(item.etag, None), int(item.size or 0))

    def versions(self, key: str) -> Iterator[ObjectInfo]:
        snapshots = [b for b in self._listed(key, snapshots=True) if b.name == key and b.snapshot]
        for item in sorted(snapshots, key=lambda b: b.snapshot, reverse=True):
            version = compose_version(item.etag, item.snapshot)
            yield ObjectInfo(key, version, int(item.size or 0), item.last_modified)


class StateStoreServicer(ObjectStateStore):
    backends = ("azureblob",)
    provider = "azure"
    take_over_free_lock = True  # a take-over of a lock released meanwhile just takes it
    lock_attempts = 3  # the holder may unlock between our refused write and our read

    def __init__(self, clients: AzureClients) -> None:
        super().__init__(translate=TRANSLATOR)
        self.clients = clients
        self._ready: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def bucket_of(self, location: Any) -> StateBucket:
        return backend_of(location)

    def objects(self, bucket: StateBucket) -> AzureBlobs:
        account = bucket.config["storage_account"]
        container = self._service(account).get_container_client(bucket.name)
        return AzureBlobs(container, lambda: self._ensure(account, bucket, container))

    def _service(self, account: str) -> Any:
        def make() -> Any:
            from azure.storage.blob import BlobServiceClient

            settings = self.clients.settings
            if not settings.blob_endpoint:
                url = f"https://{account}.blob.core.windows.net"
                return BlobServiceClient(
                    url, credential=self.clients.credential(), retry_total=settings.retry_total
                )
            if settings.blob_account and account != settings.blob_account:
                raise errors.InvalidArgument(
                    f"providers.azure.blob_endpoint serves the storage account "
                    f"{settings.blob_account}, not {account}",
                    attribute_path="state.storage_account",
                )
            credential: Any = (
                {"account_name": account, "account_key": settings.blob_key}
                if settings.blob_key
                else self.clients.credential()
            )
            return BlobServiceClient(
                settings.blob_endpoint, credential=credential, retry_total=settings.retry_total
            )

        return self.clients.cache.get(("blob", account), make)

    def _ensure(self, account: str, bucket: StateBucket, container: Any) -> None:
        marker = (account, bucket.name)
        if marker in self._ready:
            return
        with self._lock:
            if marker in self._ready:
                return
            from azure.core.exceptions import ResourceExistsError

            if not container.exists():
                if not bucket.create_bucket:
                    raise errors.FailedPrecondition(
                        f"state container {bucket.name} does not exist (create_container is false)"
                    )
                with contextlib.suppress(ResourceExistsError):  # made meanwhile by another run
                    container.create_container()  # private: no public access
            self._ready.add(marker)

    def Lock(self, request: Any, context: Any) -> provider_pb2.LockResponse:
        """The SDK's lock, answering the holder also when acquired (a retried Lock of the same
        id included: its first answer may have been lost)."""
        asked = provider_pb2.LockRequest()
        asked.CopyFrom(request)
        asked.info.id = asked.info.id or str(uuid.uuid4())
        answer = super().Lock(asked, context)
        if answer.acquired or answer.holder.id == asked.info.id:
            return provider_pb2.LockResponse(acquired=True, holder=asked.info)
        return answer

    def GenerateDataKey(self, request: Any, context: Any) -> Any:
        raise errors.Unimplemented(
            "state.kms_key is not offered by the azureblob backend yet (Key Vault); set "
            "GENESYS_STATE_PASSPHRASE to encrypt the state with a passphrase instead"
        )

    def DecryptDataKey(self, request: Any, context: Any) -> Any:
        return self.GenerateDataKey(request, context)
