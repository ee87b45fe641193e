"""The `s3` state backend, served through the StateStore service.

Location config (the config's state block): `bucket` (required), `prefix` (key prefix, also
accepted as `key`; default "genesys/<workspace>/"), `lock_table` (DynamoDB table for the lock;
default: an S3 lock object), `create_bucket` (default true: bucket - versioned, encrypted,
private - and lock table are made on first use), `region`. Other keys (`backend`, `encrypt`,
...) belong to the core.

Compare-and-swap uses S3 conditional writes: PutObject with If-None-Match: * (must not exist)
or If-Match: <etag> (must be unchanged); S3 answers 412 and writes nothing otherwise. A version
string is "<etag>@<version id>": the etag drives CAS, the version id reads past versions (S3
versioning keeps them). The lock is a DynamoDB item put with attribute_not_exists(LockID), or
an S3 object `<prefix>.genesys.lock` written with If-None-Match: *.
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
from google.protobuf import json_format

from genesys_provider_aws.clients import AwsClients
from genesys_provider_aws.errors import call_or_none, error_code, translate_errors

LOCK_OBJECT = ".genesys.lock"
LOCATION_KEYS = frozenset({"bucket", "prefix", "key", "lock_table", "create_bucket", "region"})


@dataclass(frozen=True)
class Backend:
    bucket: str
    prefix: str
    lock_table: str
    create_bucket: bool
    region: str

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    @property
    def lock_key(self) -> str:
        return f"{self.prefix}{LOCK_OBJECT}"

    @property
    def lock_item(self) -> dict[str, Any]:
        """The DynamoDB key of this state's lock (one table can lock many states)."""
        return {"LockID": {"S": f"{self.bucket}/{self.lock_key}"}}


def backend_of(location: Any) -> Backend:
    if location.backend not in ("s3", ""):
        raise errors.InvalidArgument(
            f"the aws provider serves the s3 state backend, not {location.backend!r}",
            attribute_path="location.backend",
        )
    config = json_format.MessageToDict(location.config) if location.HasField("config") else {}
    bucket = str(config.get("bucket") or "")
    if not bucket:
        raise errors.InvalidArgument(
            "the s3 state backend needs a bucket", attribute_path="state.bucket"
        )
    workspace = location.workspace or "default"
    # `prefix` is the config's word; `key` (Terraform's) stays accepted.
    key = str(config.get("prefix") or config.get("key") or "").strip("/")
    if key:
        prefix = f"{key}/" if workspace == "default" else f"{key}/env/{workspace}/"
    else:
        prefix = f"genesys/{workspace}/"
    return Backend(
        bucket=bucket,
        prefix=prefix,
        lock_table=str(config.get("lock_table") or ""),
        create_bucket=bool(config.get("create_bucket", True)),
        region=str(config.get("region") or ""),
    )


def compose_version(etag: str, version_id: str | None) -> str:
    bare = etag.strip('"')
    return f"{bare}@{version_id or 'null'}"


def _etag(version: str) -> str:
    return version.partition("@")[0]


def _version_id(version: str) -> str:
    etag, sep, version_id = version.partition("@")
    return version_id if sep else etag


# KMS answers that mean "this key cannot serve you": the user's key or context is wrong.
_KMS_REFUSALS = frozenset(
    {
        "InvalidCiphertextException",
        "IncorrectKeyException",
        "DisabledException",
        "KMSInvalidStateException",
    }
)


@contextlib.contextmanager
def _kms_errors(key_id: str) -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        code = error_code(exc)
        if code == "NotFoundException":
            raise errors.InvalidArgument(
                f"KMS key {key_id!r} does not exist", attribute_path="state.kms_key"
            ) from exc
        if code in _KMS_REFUSALS:
            raise errors.PermissionDenied(
                f"KMS refused the state's data key under {key_id or 'its key'!r} ({code}): "
                "wrong key or encryption context, or the key is disabled",
                provider_code=code,
            ) from exc
        raise


@translate_errors
class StateStoreServicer(provider_pb2_grpc.StateStoreServicer):
    def __init__(self, clients: AwsClients) -> None:
        self.clients = clients
        self._ready: set[tuple[str, str]] = set()
        self._ready_lock = threading.Lock()

    def _s3(self, backend: Backend) -> Any:
        return self.clients.client("s3", backend.region)

    # ------------------------------------------------------------ first use

    def _ensure(self, backend: Backend) -> None:
        """Creates the bucket (and lock table) on first use when create_bucket allows."""
        marker = (backend.bucket, backend.lock_table)
        if marker in self._ready:
            return
        with self._ready_lock:
            if marker not in self._ready:
                self._ensure_bucket(backend)
                if backend.lock_table:
                    self._ensure_table(backend)
                self._ready.add(marker)

    def _ensure_bucket(self, backend: Backend) -> None:
        s3 = self._s3(backend)
        if (
            call_or_none(s3.head_bucket, "404", "NoSuchBucket", "NotFound", Bucket=backend.bucket)
            is not None
        ):
            return
        if not backend.create_bucket:
            raise errors.FailedPrecondition(
                f"state bucket {backend.bucket} does not exist (create_bucket is false)"
            )
        region = backend.region or self.clients.region
        args: dict[str, Any] = {"Bucket": backend.bucket}
        if region != "us-east-1":
            args["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**args)
        s3.put_bucket_versioning(
            Bucket=backend.bucket, VersioningConfiguration={"Status": "Enabled"}
        )
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        s3.put_bucket_encryption(
            Bucket=backend.bucket, ServerSideEncryptionConfiguration={"Rules": [rule]}
        )
        flags = (
            "BlockPublicAcls",
            "IgnorePublicAcls",
            "BlockPublicPolicy",
            "RestrictPublicBuckets",
        )
        s3.put_public_access_block(
            Bucket=backend.bucket, PublicAccessBlockConfiguration=dict.fromkeys(flags, True)
        )

    def _ensure_table(self, backend: Backend) -> None:
        ddb = self.clients.client("dynamodb", backend.region)
        if call_or_none(
            ddb.describe_table, "ResourceNotFoundException", TableName=backend.lock_table
        ):
            return
        if not backend.create_bucket:
            raise errors.FailedPrecondition(f"lock table {backend.lock_table} does not exist")
        ddb.create_table(
            TableName=backend.lock_table,
            KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        ddb.get_waiter("table_exists").wait(TableName=backend.lock_table, WaiterConfig={"Delay": 1})

    # ------------------------------------------------------------ objects

    def ReadState(self, request: Any, context: Any) -> provider_pb2.StateObject:
        backend = backend_of(request.location)
        args: dict[str, Any] = {"Bucket": backend.bucket, "Key": backend.key(request.key)}
        if request.version:
            args["VersionId"] = _version_id(request.version)
        try:
            found = self._s3(backend).get_object(**args)
        except Exception as exc:
            if error_code(exc) in (
                "NoSuchKey",
                "NoSuchVersion",
                "NoSuchBucket",
                "MethodNotAllowed",
                "InvalidArgument",
            ):
                raise errors.NotFound(f"state object {request.key} not found") from exc
            raise
        return provider_pb2.StateObject(
            key=request.key,
            data=found["Body"].read(),
            version=compose_version(found["ETag"], found.get("VersionId")),
        )

    def WriteState(self, request: Any, context: Any) -> provider_pb2.WriteStateResponse:
        backend = backend_of(request.location)
        self._ensure(backend)
        args: dict[str, Any] = {
            "Bucket": backend.bucket,
            "Key": backend.key(request.key),
            "Body": request.data,
            "ServerSideEncryption": "AES256",
        }
        if request.expected_version:
            args["IfMatch"] = f'"{_etag(request.expected_version)}"'
        else:
            args["IfNoneMatch"] = "*"
        try:
            written = self._s3(backend).put_object(**args)
        except Exception as exc:
            if error_code(exc) in ("PreconditionFailed", "NoSuchKey", "ConditionalRequestConflict"):
                expected = request.expected_version or "absent"
                raise errors.FailedPrecondition(
                    f"state object {request.key} changed (expected version {expected})",
                    provider_code=error_code(exc),
                ) from exc
            raise
        return provider_pb2.WriteStateResponse(
            version=compose_version(written["ETag"], written.get("VersionId"))
        )

    def DeleteState(self, request: Any, context: Any) -> provider_pb2.DeleteStateResponse:
        backend = backend_of(request.location)
        s3, key = self._s3(backend), backend.key(request.key)
        if (
            call_or_none(
                s3.head_object, "404", "NoSuchKey", "NoSuchBucket", Bucket=backend.bucket, Key=key
            )
            is None
        ):
            raise errors.NotFound(f"state object {request.key} not found")
        s3.delete_object(Bucket=backend.bucket, Key=key)
        return provider_pb2.DeleteStateResponse()

    def _latest(self, backend: Backend, prefix: str) -> Iterator[dict[str, Any]]:
        paginator = self._s3(backend).get_paginator("list_object_versions")
        try:
            for page in paginator.paginate(Bucket=backend.bucket, Prefix=prefix):
                yield from page.get("Versions", [])
        except Exception as exc:
            if error_code(exc) != "NoSuchBucket":
                raise

    def ListStateKeys(self, request: Any, context: Any) -> Iterator[provider_pb2.StateKey]:
        backend = backend_of(request.location)
        for item in self._latest(backend, backend.key(request.prefix)):
            key = item["Key"][len(backend.prefix) :]
            if item.get("IsLatest") and key != LOCK_OBJECT:
                version = compose_version(item["ETag"], item.get("VersionId"))
                yield provider_pb2.StateKey(key=key, version=version, size=int(item.get("Size", 0)))

    def ListStateVersions(self, request: Any, context: Any) -> Iterator[provider_pb2.StateVersion]:
        backend = backend_of(request.location)
        full = backend.key(request.key)
        versions = [v for v in self._latest(backend, full) if v["Key"] == full]
        for item in sorted(versions, key=lambda v: v["LastModified"], reverse=True):
            out = provider_pb2.StateVersion(
                version=compose_version(item["ETag"], item.get("VersionId")),
                size=int(item.get("Size", 0)),
            )
            out.modified.FromDatetime(item["LastModified"])
            yield out

    # ------------------------------------------------------------ data keys (KMS)

    def GenerateDataKey(self, request: Any, context: Any) -> provider_pb2.GenerateDataKeyResponse:
        """A fresh AES-256 data key from KMS; the plaintext only crosses the (mTLS) channel."""
        kms = self.clients.client("kms", backend_of(request.location).region)
        with _kms_errors(request.key_id):
            made = kms.generate_data_key(
                KeyId=request.key_id, KeySpec="AES_256", EncryptionContext=dict(request.context)
            )
        return provider_pb2.GenerateDataKeyResponse(
            plaintext=made["Plaintext"], wrapped=made["CiphertextBlob"], key_id=made["KeyId"]
        )

    def DecryptDataKey(self, request: Any, context: Any) -> provider_pb2.DecryptDataKeyResponse:
        kms = self.clients.client("kms", backend_of(request.location).region)
        args: dict[str, Any] = {
            "CiphertextBlob": request.wrapped,
            "EncryptionContext": dict(request.context),
        }
        if request.key_id:  # KMS then refuses a blob made under any other key
            args["KeyId"] = request.key_id
        with _kms_errors(request.key_id):
            return provider_pb2.DecryptDataKeyResponse(plaintext=kms.decrypt(**args)["Plaintext"])

    # ------------------------------------------------------------ lock

    def Lock(self, request: Any, context: Any) -> provider_pb2.LockResponse:
        backend = backend_of(request.location)
        self._ensure(backend)
        info = provider_pb2.LockInfo()
        info.CopyFrom(request.info)
        if not info.id:
            info.id = str(uuid.uuid4())
        if request.replace_lock_id:  # an atomic take-over of a holder the core found gone
            take = self._dynamo_take_over if backend.lock_table else self._object_take_over
            holder = take(backend, request.replace_lock_id, info)
        else:
            holder = (self._dynamo_lock if backend.lock_table else self._object_lock)(backend, info)
        if holder is None or holder.id == info.id:
            return provider_pb2.LockResponse(acquired=True, holder=info)
        return provider_pb2.LockResponse(acquired=False, holder=holder)

    def _dynamo_lock(self, backend: Backend, info: Any) -> Any:
        """None when the lock was taken; else the current holder's LockInfo."""
        ddb = self.clients.client("dynamodb", backend.region)
        item = {
            **backend.lock_item,
            "HolderId": {"S": info.id},
            "Info": {"S": json_format.MessageToJson(info)},
        }
        for _ in range(3):  # the holder may unlock between our failed put and our read
            try:
                ddb.put_item(
                    TableName=backend.lock_table,
                    Item=item,
                    ConditionExpression="attribute_not_exists(LockID)",
                )
                return None
            except Exception as exc:
                if error_code(exc) != "ConditionalCheckFailedException":
                    raise
            holder = self._dynamo_lock_info(backend)
            if holder is not None:
                return holder
        return provider_pb2.LockInfo(id="?")

    def _dynamo_lock_info(self, backend: Backend) -> Any:
        ddb = self.clients.client("dynamodb", backend.region)
        held = ddb.get_item(
            TableName=backend.lock_table, Key=backend.lock_item, ConsistentRead=True
        )
        if "Item" not in held:
            return None
        raw = held["Item"].get("Info", {}).get("S")
        return (
            json_format.Parse(raw, provider_pb2.LockInfo())
            if raw
            else provider_pb2.LockInfo(id="?")
        )

    def _dynamo_take_over(self, backend: Backend, gone: str, info: Any) -> Any:
        """A conditional put on the holder's id: of several runs taking over, one wins."""
        ddb = self.clients.client("dynamodb", backend.region)
        item = {
            **backend.lock_item,
            "HolderId": {"S": info.id},
            "Info": {"S": json_format.MessageToJson(info)},
        }
        try:
            ddb.put_item(
                TableName=backend.lock_table,
                Item=item,
                ConditionExpression="HolderId = :gone",
                ExpressionAttributeValues={":gone": {"S": gone}},
            )
            return None
        except Exception as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise
        holder = self._dynamo_lock_info(backend)
        return holder if holder is not None else self._dynamo_lock(backend, info)

    def _object_lock(self, backend: Backend, info: Any) -> Any:
        s3 = self._s3(backend)
        body = json_format.MessageToJson(info).encode()
        for _ in range(3):  # the holder may unlock between our failed put and our read
            try:
                s3.put_object(
                    Bucket=backend.bucket, Key=backend.lock_key, Body=body, IfNoneMatch="*"
                )
                return None
            except Exception as exc:
                if error_code(exc) not in ("PreconditionFailed", "ConditionalRequestConflict"):
                    raise
            holder = self._lock_holder(backend)
            if holder is not None:
                return holder[0]
        return provider_pb2.LockInfo(id="?")

    def _object_take_over(self, backend: Backend, gone: str, info: Any) -> Any:
        """A put conditional on the ETag of the gone holder's lock object (If-Match)."""
        holder = self._lock_holder(backend)
        if holder is None:
            return self._object_lock(backend, info)
        if holder[0].id != gone:
            return holder[0]
        body = json_format.MessageToJson(info).encode()
        try:
            self._s3(backend).put_object(
                Bucket=backend.bucket, Key=backend.lock_key, Body=body, IfMatch=holder[1]
            )
            return None
        except Exception as exc:  # changed hands, or released (If-Match on a missing key)
            if error_code(exc) not in (
                "PreconditionFailed",
                "ConditionalRequestConflict",
                "NoSuchKey",
            ):
                raise
        now = self._lock_holder(backend)
        return now[0] if now is not None else self._object_lock(backend, info)

    def _lock_holder(self, backend: Backend) -> tuple[Any, str] | None:
        found = call_or_none(
            self._s3(backend).get_object, "NoSuchKey", Bucket=backend.bucket, Key=backend.lock_key
        )
        if found is None:
            return None
        info = json_format.Parse(
            found["Body"].read(), provider_pb2.LockInfo(), ignore_unknown_fields=True
        )
        return info, str(found["ETag"])

    def Unlock(self, request: Any, context: Any) -> provider_pb2.UnlockResponse:
        backend = backend_of(request.location)
        if backend.lock_table:
            self._dynamo_unlock(backend, request.lock_id, request.force)
        else:
            self._object_unlock(backend, request.lock_id, request.force)
        return provider_pb2.UnlockResponse()

    def _dynamo_unlock(self, backend: Backend, lock_id: str, force: bool) -> None:
        ddb = self.clients.client("dynamodb", backend.region)
        key = backend.lock_item
        if force:
            ddb.delete_item(TableName=backend.lock_table, Key=key)
            return
        try:
            ddb.delete_item(
                TableName=backend.lock_table,
                Key=key,
                ConditionExpression="HolderId = :id",
                ExpressionAttributeValues={":id": {"S": lock_id}},
            )
        except Exception as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise
            raise errors.FailedPrecondition(
                self._mismatch(lock_id, self._dynamo_holder(backend))
            ) from exc

    def _dynamo_holder(self, backend: Backend) -> str:
        ddb = self.clients.client("dynamodb", backend.region)
        held = ddb.get_item(
            TableName=backend.lock_table,
            Key=backend.lock_item,
            ConsistentRead=True,
        )
        return str(held.get("Item", {}).get("HolderId", {}).get("S", ""))

    def _object_unlock(self, backend: Backend, lock_id: str, force: bool) -> None:
        holder = self._lock_holder(backend)
        if holder is None:
            if force:
                return
            raise errors.FailedPrecondition(self._mismatch(lock_id, ""))
        info, etag = holder
        if info.id != lock_id and not force:
            raise errors.FailedPrecondition(self._mismatch(lock_id, info.id))
        s3 = self._s3(backend)
        try:  # only the lock object we read: a new holder's lock survives
            s3.delete_object(Bucket=backend.bucket, Key=backend.lock_key, IfMatch=etag)
        except Exception as exc:
            if error_code(exc) == "PreconditionFailed":
                raise errors.FailedPrecondition("the lock changed hands while unlocking") from exc
            if error_code(exc) != "NotImplemented":
                raise
            s3.delete_object(Bucket=backend.bucket, Key=backend.lock_key)

    @staticmethod
    def _mismatch(lock_id: str, holder: str) -> str:
        if not holder:
            return "the state is not locked"
        return f"the state lock is held by {holder}, not {lock_id}"
