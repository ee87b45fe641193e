"""OSS, the REST object store: buckets (versioning, encryption, lifecycle, tags, website, ACL)
and objects with versions and conditional writes.

Path style (`/bucket/key`), which the real oss2 uses by itself for an IP endpoint:
`oss2.Bucket(auth, "http://127.0.0.1:PORT", name)`. Answers are XML; a refusal is
`<Error><Code/><Message/><RequestId/><HostId/></Error>`. A write with `If-Match: "<etag>"`
that no longer matches, or with `x-oss-forbid-overwrite: true` over an existing object, is
412 PreconditionFailed / 409 FileAlreadyExists, as the service answers.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from genesys_emulators.alibaba.rpc import request_id
from genesys_emulators.core import CloudError, Dialect, FaultPlan, ServiceApp

OWNER = "<Owner><ID>1234567890123456</ID><DisplayName>1234567890123456</DisplayName></Owner>"
CONFIGS = {
    "lifecycle": "NoSuchLifecycle",
    "website": "NoSuchWebsiteConfiguration",
    "encryption": "NoSuchServerSideEncryptionRule",
    "tagging": "",
}
ACLS = ("private", "public-read", "public-read-write")


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def _xml(body: str) -> Response:
    return Response(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + body, content_type="application/xml"
    )


class OssDialect(Dialect):
    def error_response(self, error: CloudError, request: Request) -> Response:
        rid = request_id().replace("-", "")[:24]
        body = (
            f"<Error><Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message>"
            f"<RequestId>{rid}</RequestId><HostId>{escape(request.host)}</HostId>"
            f"<EC>0000-00000000</EC></Error>"
        )
        response = _xml(body)
        response.status_code = error.status
        response.headers["x-oss-request-id"] = rid
        response.headers.update(error.headers)
        return response

    def throttled(self, request: Request) -> CloudError:
        return CloudError(503, "Throttling.User", "Request was denied due to user flow control.")

    def server_error(self, request: Request) -> CloudError:
        return CloudError(503, "ServiceUnavailable", "Please reduce your request rate.")

    def not_found(self, request: Request) -> CloudError:
        return CloudError(404, "NoSuchKey", "The specified key does not exist.")


def _bucket_name_ok(name: str) -> bool:
    return (
        3 <= len(name) <= 63
        and name[0].isalnum()
        and name[-1].isalnum()
        and all(c.islower() or c.isdigit() or c == "-" for c in name)
    )


class Oss(ServiceApp):
    dialect = OssDialect()
    rules = (
        Rule("/", methods=["GET"], endpoint="service"),
        Rule("/<bucket>", methods=["GET", "PUT", "DELETE", "HEAD", "POST"], endpoint="bucket"),
        Rule(
            "/<bucket>/<path:key>",
            methods=["GET", "PUT", "DELETE", "HEAD", "POST"],
            endpoint="object",
        ),
    )

    def __init__(self, location: str, faults: FaultPlan | None = None) -> None:
        super().__init__(faults)
        self.location = f"oss-{location}"
        self.buckets: dict[str, dict[str, Any]] = {}
        import threading

        self.lock = threading.RLock()

    def dispatch(self, request: Request) -> Response:
        auth = request.headers.get("Authorization", "")
        if (
            not auth.startswith("OSS")
            and "OSSAccessKeyId" not in request.args
            and "x-oss-credential" not in request.args
        ):
            raise CloudError(
                403,
                "AccessDenied",
                "You have no right to access this object because of bucket acl.",
            )
        return super().dispatch(request)

    def _bucket(self, name: str) -> dict[str, Any]:
        bucket = self.buckets.get(name)
        if bucket is None:
            raise CloudError(404, "NoSuchBucket", "The specified bucket does not exist.")
        return bucket

    # ------------------------------------------------------------ service and buckets

    def service(self, request: Request) -> Response:
        prefix = request.args.get("prefix", "")
        rows = "".join(
            f"<Bucket><CreationDate>{b['created']}</CreationDate><ExtranetEndpoint>{self.location}.aliyuncs.com</ExtranetEndpoint>"
            f"<IntranetEndpoint>{self.location}-internal.aliyuncs.com</IntranetEndpoint><Location>{self.location}</Location>"
            f"<Name>{escape(n)}</Name><StorageClass>Standard</StorageClass></Bucket>"
            for n, b in sorted(self.buckets.items())
            if n.startswith(prefix)
        )
        return _xml(
            f"<ListAllMyBucketsResult><Prefix>{escape(prefix)}</Prefix><IsTruncated>false</IsTruncated>{OWNER}<Buckets>{rows}</Buckets></ListAllMyBucketsResult>"
        )

    def bucket(self, request: Request, bucket: str) -> Response:
        args = request.args
        for word in CONFIGS:
            if word in args:
                return self._config(request, bucket, word)
        if "versioning" in args:
            return self._versioning(request, bucket)
        if "acl" in args:
            return self._acl(request, bucket)
        if "bucketInfo" in args:
            return self._info(bucket)
        if "location" in args:
            self._bucket(bucket)
            return _xml(f"<LocationConstraint>{self.location}</LocationConstraint>")
        if "versions" in args:
            return self._list_versions(request, bucket)
        if request.method == "PUT":
            return self._create(request, bucket)
        if request.method == "DELETE":
            return self._delete_bucket(bucket)
        if request.method in ("GET", "HEAD"):
            return self._list(request, bucket)
        raise CloudError(
            400, "InvalidArgument", "This bucket operation is not served by the emulator."
        )

    def _create(self, request: Request, name: str) -> Response:
        if not _bucket_name_ok(name):
            raise CloudError(400, "InvalidBucketName", "The specified bucket is not valid.")
        acl = request.headers.get("x-oss-acl", "private")
        if acl not in ACLS:
            raise CloudError(400, "InvalidArgument", f"no such bucket access control exists: {acl}")
        with self.lock:
            if name in self.buckets:
                raise CloudError(
                    409, "BucketAlreadyExists", "The requested bucket name is not available."
                )
            self.buckets[name] = {
                "created": _now(),
                "acl": acl,
                "versioning": "",
                "configs": {},
                "objects": {},  # key -> versions, oldest first
            }
        return Response(status=200, headers={"x-oss-request-id": request_id()})

    def _delete_bucket(self, name: str) -> Response:
        with self.lock:
            bucket = self._bucket(name)
            if any(bucket["objects"].values()):
                raise CloudError(
                    409, "BucketNotEmpty", "The bucket you tried to delete is not empty."
                )
            del self.buckets[name]
        return Response(status=204)

    def _info(self, name: str) -> Response:
        b = self._bucket(name)
        sse = "None"
        if "encryption" in b["configs"]:
            sse = (
                ElementTree.fromstring(b["configs"]["encryption"]).findtext(".//SSEAlgorithm")
                or "None"
            )
        body = (
            f"<BucketInfo><Bucket><AccessMonitor>Disabled</AccessMonitor><CreationDate>{b['created']}</CreationDate>"
            f"<ExtranetEndpoint>{self.location}.aliyuncs.com</ExtranetEndpoint>"
            f"<IntranetEndpoint>{self.location}-internal.aliyuncs.com</IntranetEndpoint>"
            f"<Location>{self.location}</Location><StorageClass>Standard</StorageClass>"
            f"<TransferAcceleration>Disabled</TransferAcceleration><CrossRegionReplication>Disabled</CrossRegionReplication>"
            f"<Name>{escape(name)}</Name><Versioning>{b['versioning']}</Versioning>{OWNER}"
            f"<AccessControlList><Grant>{b['acl']}</Grant></AccessControlList>"
            f"<ServerSideEncryptionRule><SSEAlgorithm>{sse}</SSEAlgorithm></ServerSideEncryptionRule>"
            f"<BucketPolicy><LogBucket></LogBucket><LogPrefix></LogPrefix></BucketPolicy></Bucket></BucketInfo>"
        )
        return _xml(body)

    def _versioning(self, request: Request, name: str) -> Response:
        with self.lock:
            b = self._bucket(name)
            if request.method == "PUT":
                status = _parse(request).findtext("Status") or ""
                if status not in ("Enabled", "Suspended"):
                    raise CloudError(
                        400, "MalformedXML", "The XML you provided was not well-formed."
                    )
                b["versioning"] = status
                return Response(status=200)
        status = f"<Status>{b['versioning']}</Status>" if b["versioning"] else ""
        return _xml(f"<VersioningConfiguration>{status}</VersioningConfiguration>")

    def _acl(self, request: Request, name: str) -> Response:
        with self.lock:
            b = self._bucket(name)
            if request.method == "PUT":
                acl = request.headers.get("x-oss-acl", "")
                if acl not in ACLS:
                    raise CloudError(
                        400, "InvalidArgument", f"no such bucket access control exists: {acl}"
                    )
                b["acl"] = acl
                return Response(status=200)
        return _xml(
            f"<AccessControlPolicy>{OWNER}<AccessControlList><Grant>{b['acl']}</Grant></AccessControlList></AccessControlPolicy>"
        )

    def _config(self, request: Request, name: str, word: str) -> Response:
        with self.lock:
            b = self._bucket(name)
            if request.method in ("PUT", "POST"):
                raw = request.get_data(as_text=True)
                _check_config(word, _parse(request))
                b["configs"][word] = raw
                return Response(status=200)
            if request.method == "DELETE":
                b["configs"].pop(word, None)
                return Response(status=204)
            raw = b["configs"].get(word)
        if raw is None:
            if word == "tagging":
                return _xml("<Tagging><TagSet></TagSet></Tagging>")
            raise CloudError(404, CONFIGS[word], f"The bucket has no {word} configuration.")
        return _xml(raw.split("?>", 1)[-1] if raw.startswith("<?xml") else raw)

    # ------------------------------------------------------------ listing

    def _list(self, request: Request, name: str) -> Response:
        b = self._bucket(name)
        prefix, marker = request.args.get("prefix", ""), request.args.get("marker", "")
        limit = int(request.args.get("max-keys", "100") or 100)
        with self.lock:
            live = sorted(
                (k, v[-1])
                for k, v in b["objects"].items()
                if v and not v[-1]["marker"] and k.startswith(prefix) and k > marker
            )
        chosen, truncated = live[:limit], len(live) > limit
        rows = "".join(
            f'<Contents><Key>{escape(k)}</Key><LastModified>{v["modified"]}</LastModified><ETag>"{v["etag"]}"</ETag>'
            f"<Type>Normal</Type><Size>{len(v['data'])}</Size><StorageClass>Standard</StorageClass>{OWNER}</Contents>"
            for k, v in chosen
        )
        next_marker = f"<NextMarker>{escape(chosen[-1][0])}</NextMarker>" if truncated else ""
        return _xml(
            f"<ListBucketResult><Name>{escape(name)}</Name><Prefix>{escape(prefix)}</Prefix><Marker>{escape(marker)}</Marker>"
            f"<MaxKeys>{limit}</MaxKeys><Delimiter></Delimiter><IsTruncated>{str(truncated).lower()}</IsTruncated>{next_marker}{rows}</ListBucketResult>"
        )

    def _list_versions(self, request: Request, name: str) -> Response:
        b = self._bucket(name)
        prefix = request.args.get("prefix", "")
        rows = []
        with self.lock:
            for key in sorted(k for k in b["objects"] if k.startswith(prefix)):
                versions = b["objects"][key]
                for index, v in enumerate(reversed(versions)):
                    latest = str(index == 0).lower()
                    if v["marker"]:
                        rows.append(
                            f"<DeleteMarker><Key>{escape(key)}</Key><VersionId>{v['id']}</VersionId><IsLatest>{latest}</IsLatest><LastModified>{v['modified']}</LastModified>{OWNER}</DeleteMarker>"
                        )
                    else:
                        rows.append(
                            f"<Version><Key>{escape(key)}</Key><VersionId>{v['id']}</VersionId><IsLatest>{latest}</IsLatest>"
                            f'<LastModified>{v["modified"]}</LastModified><ETag>"{v["etag"]}"</ETag><Type>Normal</Type>'
                            f"<Size>{len(v['data'])}</Size><StorageClass>Standard</StorageClass>{OWNER}</Version>"
                        )
        return _xml(
            f"<ListVersionsResult><Name>{escape(name)}</Name><Prefix>{escape(prefix)}</Prefix><KeyMarker></KeyMarker>"
            f"<VersionIdMarker></VersionIdMarker><MaxKeys>1000</MaxKeys><Delimiter></Delimiter><IsTruncated>false</IsTruncated>{''.join(rows)}</ListVersionsResult>"
        )

    # ------------------------------------------------------------ objects

    def object(self, request: Request, bucket: str, key: str) -> Response:
        if request.method == "PUT":
            return self._put(request, bucket, key)
        if request.method == "DELETE":
            return self._delete(request, bucket, key)
        if request.method in ("GET", "HEAD"):
            return self._get(request, bucket, key)
        raise CloudError(
            400, "InvalidArgument", "This object operation is not served by the emulator."
        )

    def _current(self, b: dict[str, Any], key: str, version_id: str = "") -> dict[str, Any] | None:
        versions = b["objects"].get(key) or []
        if version_id:
            return next((v for v in versions if v["id"] == version_id), None)
        if versions and not versions[-1]["marker"]:
            return versions[-1]
        return None

    def _put(self, request: Request, bucket: str, key: str) -> Response:
        data = request.get_data()
        with self.lock:
            b = self._bucket(bucket)
            current = self._current(b, key)
            _check_preconditions(request, current)
            version = {
                "id": uuid.uuid4().hex if b["versioning"] == "Enabled" else "null",
                "data": data,
                "etag": hashlib.md5(data).hexdigest().upper(),
                "modified": _now(),
                "marker": False,
                "type": request.headers.get("Content-Type", "application/octet-stream"),
                "meta": {
                    k: v for k, v in request.headers.items() if k.lower().startswith("x-oss-meta-")
                },
            }
            self._append(b, key, version)
        headers = {"ETag": f'"{version["etag"]}"', "x-oss-hash-crc64ecma": str(_crc64(data))}
        if b["versioning"]:
            headers["x-oss-version-id"] = str(version["id"])
        return Response(status=200, headers=headers)

    @staticmethod
    def _append(b: dict[str, Any], key: str, version: dict[str, Any]) -> None:
        versions = b["objects"].setdefault(key, [])
        if version["id"] == "null":
            versions[:] = [v for v in versions if v["id"] != "null"]
        versions.append(version)

    def _get(self, request: Request, bucket: str, key: str) -> Response:
        version_id = request.args.get("versionId", "")
        with self.lock:
            current = self._current(self._bucket(bucket), key, version_id)
        if current is None or current["marker"]:
            if version_id:
                raise CloudError(404, "NoSuchVersion", "The specified version does not exist.")
            raise CloudError(404, "NoSuchKey", "The specified key does not exist.")
        match = request.headers.get("If-None-Match")
        if match and match.strip('"') == current["etag"]:
            return Response(status=304)
        headers = {
            "ETag": f'"{current["etag"]}"',
            "Last-Modified": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime()),
            "x-oss-object-type": "Normal",
            "x-oss-hash-crc64ecma": str(_crc64(current["data"])),
            "x-oss-storage-class": "Standard",
            **current["meta"],
        }
        if current["id"] != "null":
            headers["x-oss-version-id"] = current["id"]
        body = b"" if request.method == "HEAD" else current["data"]
        response = Response(body, status=200, headers=headers, content_type=current["type"])
        if request.method == "HEAD":
            response.headers["Content-Length"] = str(len(current["data"]))
        return response

    def _delete(self, request: Request, bucket: str, key: str) -> Response:
        version_id = request.args.get("versionId", "")
        headers: dict[str, str] = {}
        with self.lock:
            b = self._bucket(bucket)
            versions = b["objects"].get(key, [])
            if version_id:
                b["objects"][key] = [v for v in versions if v["id"] != version_id]
                headers["x-oss-version-id"] = version_id
            elif b["versioning"]:
                marker = {
                    "id": uuid.uuid4().hex if b["versioning"] == "Enabled" else "null",
                    "marker": True,
                    "modified": _now(),
                    "data": b"",
                    "etag": "",
                }
                self._append(b, key, marker)
                headers.update(
                    {"x-oss-delete-marker": "true", "x-oss-version-id": str(marker["id"])}
                )
            else:
                b["objects"].pop(key, None)
            if not b["objects"].get(key):
                b["objects"].pop(key, None)
        return Response(status=204, headers=headers)


def _check_preconditions(request: Request, current: dict[str, Any] | None) -> None:
    if request.headers.get("x-oss-forbid-overwrite", "").lower() == "true" and current is not None:
        raise CloudError(
            409,
            "FileAlreadyExists",
            "The object you specified already exists and can not be overwritten.",
        )
    match = request.headers.get("If-Match")
    if match is not None and (
        current is None or match.strip().strip('"').upper() != current["etag"]
    ):
        raise CloudError(
            412,
            "PreconditionFailed",
            "At least one of the pre-conditions you specified did not hold.",
            Condition="If-Match",
        )
    none_match = request.headers.get("If-None-Match")
    if none_match == "*" and current is not None:
        raise CloudError(
            412,
            "PreconditionFailed",
            "At least one of the pre-conditions you specified did not hold.",
            Condition="If-None-Match",
        )


def _parse(request: Request) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(request.get_data())
    except ElementTree.ParseError:
        raise CloudError(
            400,
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our schema.",
        ) from None


def _check_config(word: str, root: ElementTree.Element) -> None:
    if word == "lifecycle":
        for rule in root.findall("Rule"):
            days = rule.findtext("Expiration/Days")
            if days is not None and (not days.isdigit() or int(days) < 1):
                raise CloudError(
                    400, "InvalidArgument", "Expiration Days must be a positive integer."
                )
            if rule.findtext("Status") not in ("Enabled", "Disabled"):
                raise CloudError(
                    400, "MalformedXML", "A lifecycle rule needs Status Enabled or Disabled."
                )
    if word == "encryption":
        algorithm = root.findtext(".//SSEAlgorithm")
        if algorithm not in ("AES256", "KMS", "SM4"):
            raise CloudError(
                400,
                "InvalidEncryptionAlgorithmError",
                f"The Encryption request you specified is not valid: {algorithm}.",
            )
    if (
        word == "website"
        and root.find("IndexDocument") is None
        and root.find("RedirectAllRequestsTo") is None
    ):
        raise CloudError(400, "MalformedXML", "A website configuration needs an IndexDocument.")


_CRC_TABLE: list[int] = []


def _crc64(data: bytes) -> int:
    """CRC-64/XZ (ECMA-182), as OSS reports in x-oss-hash-crc64ecma and oss2 checks."""
    if not _CRC_TABLE:
        poly = 0xC96C5795D7870F42
        for i in range(256):
            crc = i
            for _ in range(8):
                crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
            _CRC_TABLE.append(crc)
    crc = 0xFFFFFFFFFFFFFFFF
    for byte in data:
        crc = _CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFFFFFFFFFF
