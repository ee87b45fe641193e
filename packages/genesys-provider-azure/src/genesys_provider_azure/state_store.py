"""The `azureblob` state backend, served through the StateStore service.

Location config (the config's state block): `storage_account` and `container` (required),
`prefix` (default "genesys/<workspace>/"), `create_container` (default true: the container
is made, private, on first use). The blob endpoint is the account's
(https://ACCOUNT.blob.core.windows.net, Entra ID through DefaultAzureCredential) unless the
provider settings give `blob_endpoint` (+ `blob_key`), as genesys-emulator azure does for
Azurite.

Compare-and-swap: uploads carry If-Match: <etag> (or If-None-Match: * for a new blob); Azure
answers 412 and writes nothing otherwise. Every write is followed by a blob snapshot, so past
states stay readable: a version is "<etag>@<snapshot time>". The lock is a blob
`<prefix>.genesys.lock` written with If-None-Match: * (it never waits: a held lock is
reported with its holder); a take-over is an If-Match write on the gone holder's etag.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.cloud_errors import translate_errors
from google.protobuf import json_format

from genesys_provider_azure.clients import AzureClients
from genesys_provider_azure.errors import TRANSLATOR

LOCK_BLOB = ".genesys.lock"


@dataclass(frozen=True)
class Backend:
    account: str
    container: str
    prefix: str
    create_container: bool

    def blob(self, key: str) -> str:
        return f"{self.prefix}{key}"

    @property
    def lock_blob(self) -> str:
        return f"{self.prefix}{LOCK_BLOB}"


def backend_of(location: Any) -> Backend:
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
    return Backend(
        str(config["storage_account"]),
        str(config["container"]),
        prefix,
        bool(config.get("create_container", True)),
    )


def compose_version(etag: str, snapshot: str | None) -> str:
    return f"{etag.strip(chr(34))}@{snapshot or ''}"


def _etag(version: str) -> str:
    return version.partition("@")[0]


def _snapshot(version: str) -> str:
    return version.partition("@")[2]


@translate_errors(TRANSLATOR)
class StateStoreServicer(provider_pb2_grpc.StateStoreServicer):
    def __init__(self, clients: AzureClients) -> None:
        self.clients = clients
        self._ready: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def _service(self, backend: Backend) -> Any:
        def make() -> Any:
            from azure.storage.blob import BlobServiceClient

            settings = self.clients.settings
            if settings.blob_endpoint:
                if settings.blob_account and backend.account != settings.blob_account:
                    raise errors.InvalidArgument(
                        f"providers.azure.blob_endpoint serves the storage account "
                        f"{settings.blob_account}, not {backend.account}",
                        attribute_path="state.storage_account",
                    )
                credential: Any = (
                    {"account_name": backend.account, "account_key": settings.blob_key}
                    if settings.blob_key
                    else self.clients.credential()
                )
                return BlobServiceClient(
                    settings.blob_endpoint, credential=credential, retry_total=settings.retry_total
                )
            url = f"https://{backend.account}.blob.core.windows.net"
            return BlobServiceClient(
                url, credential=self.clients.credential(), retry_total=settings.retry_total
            )

        return self.clients.cache.get(("blob", backend.account), make)

    def _container(self, backend: Backend) -> Any:
        return self._service(backend).get_container_client(backend.container)

    def _ensure(self, backend: Backend) -> None:
        marker = (backend.account, backend.container)
        if marker in self._ready:
            return
        with self._lock:
            if marker in self._ready:
                return
            from azure.core.exceptions import ResourceExistsError

            container = self._container(backend)
            if not container.exists():
                if not backend.create_container:
                    raise errors.FailedPrecondition(
                        f"state container {backend.container} does not exist "
                        "(create_container is false)"
                    )
                with contextlib.suppress(ResourceExistsError):  # made meanwhile by another run
                    container.create_container()  # private: no public access
            self._ready.add(marker)

    # ------------------------------------------------------------ objects

    def ReadState(self, request: Any, context: Any) -> provider_pb2.StateObject:
        from azure.core.exceptions import ResourceNotFoundError

        backend = backend_of(request.location)
        snapshot = _snapshot(request.version) or None if request.version else None
        blob = self._container(backend).get_blob_client(
            backend.blob(request.key), snapshot=snapshot
        )
        try:
            download = blob.download_blob()
            data = download.readall()
        except ResourceNotFoundError:
            raise errors.NotFound(f"state object {request.key} not found") from None
        return provider_pb2.StateObject(
            key=request.key, data=data, version=compose_version(download.properties.etag, snapshot)
        )

    def WriteState(self, request: Any, context: Any) -> provider_pb2.WriteStateResponse:
        from azure.core import MatchConditions
        from azure.core.exceptions import ResourceExistsError, ResourceModifiedError

        backend = backend_of(request.location)
        self._ensure(backend)
        blob = self._container(backend).get_blob_client(backend.blob(request.key))
        try:
            if request.expected_version:
                written = blob.upload_blob(
                    request.data,
                    overwrite=True,
                    etag=_etag(request.expected_version),
                    match_condition=MatchConditions.IfNotModified,
                )
            else:
                written = blob.upload_blob(request.data, overwrite=False)
        except (ResourceModifiedError, ResourceExistsError) as exc:
            expected = request.expected_version or "absent"
            raise errors.FailedPrecondition(
                f"state object {request.key} changed (expected version {expected})",
                provider_code=getattr(exc, "error_code", "") or "ConditionNotMet",
            ) from exc
        snapshot = blob.create_snapshot()  # the version history: one snapshot per write
        return provider_pb2.WriteStateResponse(
            version=compose_version(written["etag"], snapshot.get("snapshot"))
        )

    def DeleteState(self, request: Any, context: Any) -> provider_pb2.DeleteStateResponse:
        from azure.core.exceptions import ResourceNotFoundError

        backend = backend_of(request.location)
        blob = self._container(backend).get_blob_client(backend.blob(request.key))
        try:
            blob.delete_blob(delete_snapshots="include")
        except ResourceNotFoundError:
            raise errors.NotFound(f"state object {request.key} not found") from None
        return provider_pb2.DeleteStateResponse()

    def _listed(self, backend: Backend, prefix: str, snapshots: bool) -> Iterator[Any]:
        from azure.core.exceptions import ResourceNotFoundError

        include = ["snapshots"] if snapshots else None
        try:
            yield from self._container(backend).list_blobs(name_starts_with=prefix, include=include)
        except ResourceNotFoundError:
            return

    def ListStateKeys(self, request: Any, context: Any) -> Iterator[provider_pb2.StateKey]:
        backend = backend_of(request.location)
        for item in self._listed(backend, backend.blob(request.prefix), snapshots=False):
            key = item.name[len(backend.prefix) :]
            if key != LOCK_BLOB:
                yield provider_pb2.StateKey(
                    key=key, version=compose_version(item.etag, None), size=int(item.size or 0)
                )

    def ListStateVersions(self, request: Any, context: Any) -> Iterator[provider_pb2.StateVersion]:
        backend = backend_of(request.location)
        name = backend.blob(request.key)
        snapshots = [
            b for b in self._listed(backend, name, snapshots=True) if b.name == name and b.snapshot
        ]
        for item in sorted(snapshots, key=lambda b: b.snapshot, reverse=True):
            out = provider_pb2.StateVersion(
                version=compose_version(item.etag, item.snapshot), size=int(item.size or 0)
            )
            out.modified.FromDatetime(item.last_modified)
            yield out

    # ------------------------------------------------------------ data keys

    def GenerateDataKey(self, request: Any, context: Any) -> Any:
        raise errors.Unimplemented(
            "state.kms_key is not offered by the azureblob backend yet (Key Vault); set "
            "GENESYS_STATE_PASSPHRASE to encrypt the state with a passphrase instead"
        )

    def DecryptDataKey(self, request: Any, context: Any) -> Any:
        return self.GenerateDataKey(request, context)

    # ------------------------------------------------------------ lock

    def Lock(self, request: Any, context: Any) -> provider_pb2.LockResponse:
        backend = backend_of(request.location)
        self._ensure(backend)
        info = provider_pb2.LockInfo()
        info.CopyFrom(request.info)
        if not info.id:
            info.id = str(uuid.uuid4())
        if request.replace_lock_id:
            holder = self._take_over(backend, request.replace_lock_id, info)
        else:
            holder = self._lock_blob(backend, info)
        if holder is None or holder.id == info.id:
            return provider_pb2.LockResponse(acquired=True, holder=info)
        return provider_pb2.LockResponse(acquired=False, holder=holder)

    def _lock_blob(self, backend: Backend, info: Any) -> Any:
        """None when the lock was taken; else the holder's LockInfo (never waits)."""
        from azure.core.exceptions import ResourceExistsError

        blob = self._container(backend).get_blob_client(backend.lock_blob)
        body = json_format.MessageToJson(info).encode()
        for _ in range(3):  # the holder may unlock between our refused write and our read
            try:
                blob.upload_blob(body, overwrite=False)
                return None
            except ResourceExistsError:
                pass
            holder = self._holder(backend)
            if holder is not None:
                return holder[0]
        return provider_pb2.LockInfo(id="?")

    def _take_over(self, backend: Backend, gone: str, info: Any) -> Any:
        from azure.core import MatchConditions
        from azure.core.exceptions import ResourceModifiedError

        holder = self._holder(backend)
        if holder is None:
            return self._lock_blob(backend, info)
        if holder[0].id != gone:
            return holder[0]
        blob = self._container(backend).get_blob_client(backend.lock_blob)
        try:
            blob.upload_blob(
                json_format.MessageToJson(info).encode(),
                overwrite=True,
                etag=holder[1],
                match_condition=MatchConditions.IfNotModified,
            )
            return None
        except ResourceModifiedError:
            now = self._holder(backend)
            return now[0] if now is not None else provider_pb2.LockInfo(id="?")

    def _holder(self, backend: Backend) -> tuple[Any, str] | None:
        from azure.core.exceptions import ResourceNotFoundError

        blob = self._container(backend).get_blob_client(backend.lock_blob)
        try:
            download = blob.download_blob()
            raw = download.readall()
        except ResourceNotFoundError:
            return None
        info = json_format.Parse(raw, provider_pb2.LockInfo(), ignore_unknown_fields=True)
        return info, str(download.properties.etag)

    def Unlock(self, request: Any, context: Any) -> provider_pb2.UnlockResponse:
        from azure.core import MatchConditions
        from azure.core.exceptions import ResourceModifiedError, ResourceNotFoundError

        backend = backend_of(request.location)
        holder = self._holder(backend)
        if holder is None:
            return provider_pb2.UnlockResponse()
        if holder[0].id != request.lock_id and not request.force:
            raise errors.FailedPrecondition(
                f"the state lock is held by {holder[0].id} ({holder[0].who}), not {request.lock_id}"
            )
        blob = self._container(backend).get_blob_client(backend.lock_blob)
        # Gone or replaced meanwhile: then it is not ours to delete any more.
        with contextlib.suppress(ResourceNotFoundError, ResourceModifiedError):
            blob.delete_blob(etag=holder[1], match_condition=MatchConditions.IfNotModified)
        return provider_pb2.UnlockResponse()
