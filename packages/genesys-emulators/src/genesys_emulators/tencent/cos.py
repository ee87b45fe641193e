"""COS (Cloud Object Storage): an XML object store as cos-python-sdk-v5 speaks to it.

The bucket is named by the Host header, virtual-host style (`<name>-<appid>.cos.<region>.
myqcloud.com`): `CosConfig(Region=..., Scheme="http", IP="127.0.0.1", Port=PORT)` sends every
request to the emulator's port and keeps that Host. A plain `127.0.0.1:PORT` Host means
path style (`/<bucket>/<key>`). Bucket names must end with the account's APPID, as on COS.

Versioning (Enabled / Suspended, delete markers, `?versions`), conditional writes
(`If-Match`, `If-None-Match: *`, `x-cos-forbid-overwrite: true`), default encryption,
lifecycle, tagging, website and canned ACLs are kept per bucket.
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
import xml.etree.ElementTree as ET
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from genesys_emulators.core import CloudError, Dialect, FaultPlan, ServiceApp
from genesys_emulators.tencent.api import World

_BUCKET = re.compile(r"^([a-z0-9][a-z0-9-]{0,49})-(\d+)$")
_CONFIGS = ("encryption", "lifecycle", "tagging", "website")
_MISSING_CONFIG = {
    "encryption": "NoSuchEncryptionConfiguration",
    "lifecycle": "NoSuchLifecycleConfiguration",
    "tagging": "NoSuchTagSet",
    "website": "NoSuchWebsiteConfiguration",
}
Object = dict[str, Any]


def cos_error(status: int, code: str, message: str) -> CloudError:
    return CloudError(status, code, message)


class CosDialect(Dialect):
    def error_response(self, error: CloudError, request: Request) -> Response:
        root = ET.Element("Error")
        request_id = uuid.uuid4().hex
        for tag, text in (
            ("Code", error.code),
            ("Message", error.message),
            ("Resource", request.host + request.path),
            ("RequestId", request_id),
            ("TraceId", request_id),
        ):
            ET.SubElement(root, tag).text = text
        body = (
            b""
            if request.method == "HEAD"
            else ET.tostring(root, xml_declaration=True, encoding="UTF-8")
        )
        headers = {"x-cos-request-id": request_id, **error.headers}
        return Response(body, status=error.status, headers=headers, content_type="application/xml")

    def throttled(self, request: Request) -> CloudError:
        return cos_error(503, "SlowDown", "Please reduce your request rate.")

    def server_error(self, request: Request) -> CloudError:
        return cos_error(
            500, "InternalError", "We encountered an internal error. Please try again."
        )

    def not_found(self, request: Request) -> CloudError:
        return cos_error(405, "MethodNotAllowed", f"{request.method} is not allowed here.")


class Cos(ServiceApp):
    dialect = CosDialect()
    rules = (Rule("/", endpoint="root"), Rule("/<path:path>", endpoint="root"))

    def __init__(self, faults: FaultPlan, world: World) -> None:
        super().__init__(faults)
        self.world = world
        self.store = world.store

    # ------------------------------------------------------------ routing

    def root(self, request: Request, path: str = "") -> Response:
        if "q-sign-algorithm" not in request.headers.get("Authorization", ""):
            raise cos_error(403, "AccessDenied", "Access Denied: the request is not signed.")
        bucket, key = self._target(request, path)
        if bucket is None:
            return self._list_buckets()
        if key:
            return self._object(request, bucket, key)
        return self._bucket(request, bucket)

    def _target(self, request: Request, path: str) -> tuple[str | None, str]:
        host = request.host.split(":")[0]
        if ".cos." in host and not host.startswith("service."):
            return host.split(".cos.")[0], path
        if host.startswith("service.") or not path:
            return None, ""
        bucket, _, key = path.partition("/")
        return bucket, key

    def _list_buckets(self) -> Response:
        root = ET.Element("ListAllMyBucketsResult")
        owner = ET.SubElement(root, "Owner")
        _text(
            owner,
            ID=f"qcs::cam::uin/{self.world.uin}:uin/{self.world.uin}",
            DisplayName=self.world.uin,
        )
        buckets = ET.SubElement(root, "Buckets")
        for record in self.store.values("cos.buckets"):
            _text(
                ET.SubElement(buckets, "Bucket"),
                Name=record["name"],
                Location=record["region"],
                CreationDate=record["created"],
            )
        return _xml(root)

    # ------------------------------------------------------------ buckets

    def _get_bucket(self, name: str) -> Object:
        record = self.store.find("cos.buckets", name)
        if record is None:
            raise cos_error(404, "NoSuchBucket", f"The specified bucket {name} does not exist.")
        return record

    def _bucket(self, request: Request, name: str) -> Response:
        method, args = request.method, request.args
        if method == "PUT" and not args:
            return self._create_bucket(request, name)
        bucket = self._get_bucket(name)
        sub = next(
            (s for s in ("versioning", "versions", "acl", "delete", *_CONFIGS) if s in args), ""
        )
        if sub in _CONFIGS and method in ("PUT", "GET", "DELETE"):
            return self._config(request, bucket, method.lower(), sub)
        handler = getattr(self, f"_bucket_{method.lower()}_{sub or 'self'}", None)
        if handler is None:
            raise cos_error(405, "MethodNotAllowed", f"{method} ?{sub} is not allowed on a bucket.")
        result: Response = handler(request, bucket)
        return result

    def _create_bucket(self, request: Request, name: str) -> Response:
        match = _BUCKET.match(name)
        if match is None:
            raise cos_error(
                400,
                "InvalidBucketName",
                f"The bucket name {name!r} must be <name>-<APPID>: lower case "
                "letters, digits and -, at most 50 before the APPID.",
            )
        if match.group(2) != self.world.appid:
            raise cos_error(
                403,
                "AccessDenied",
                f"The APPID suffix {match.group(2)} of {name} is not this account's "
                f"({self.world.appid}).",
            )
        region = (
            request.host.split(".cos.")[1].split(".")[0]
            if ".cos." in request.host
            else self.world.region
        )
        record = {
            "name": name,
            "region": region,
            "created": _iso(),
            "versioning": "",
            "acl": request.headers.get("x-cos-acl", "private"),
            **dict.fromkeys(_CONFIGS, None),
        }
        with self.store.lock:
            if self.store.find("cos.buckets", name) is not None:
                raise cos_error(
                    409,
                    "BucketAlreadyOwnedByYou",
                    f"The bucket {name} already exists and is yours.",
                )
            self.store.put("cos.buckets", name, record)
            self.store.put("cos.objects", name, {})
        return Response(status=200, headers={"x-cos-request-id": uuid.uuid4().hex})

    def _bucket_head_self(self, request: Request, bucket: Object) -> Response:
        return Response(status=200, headers={"x-cos-bucket-region": bucket["region"]})

    def _bucket_delete_self(self, request: Request, bucket: Object) -> Response:
        with self.store.lock:
            if self.store.find("cos.objects", bucket["name"]):
                raise cos_error(
                    409,
                    "BucketNotEmpty",
                    "The bucket you tried to delete is not empty (objects or versions).",
                )
            self.store.remove("cos.buckets", bucket["name"])
            self.store.remove("cos.objects", bucket["name"])
        return Response(status=204)

    def _bucket_put_versioning(self, request: Request, bucket: Object) -> Response:
        status = _parse(request).findtext("Status")
        if status not in ("Enabled", "Suspended"):
            raise cos_error(400, "MalformedXML", "Status must be Enabled or Suspended.")
        bucket["versioning"] = status
        return Response(status=200)

    def _bucket_get_versioning(self, request: Request, bucket: Object) -> Response:
        root = ET.Element("VersioningConfiguration")
        if bucket["versioning"]:
            _text(root, Status=bucket["versioning"])
        return _xml(root)

    def _bucket_put_acl(self, request: Request, bucket: Object) -> Response:
        bucket["acl"] = request.headers.get("x-cos-acl", "private")
        return Response(status=200)

    def _bucket_get_acl(self, request: Request, bucket: Object) -> Response:
        root = ET.Element("AccessControlPolicy")
        owner_id = f"qcs::cam::uin/{self.world.uin}:uin/{self.world.uin}"
        _text(ET.SubElement(root, "Owner"), ID=owner_id, DisplayName=self.world.uin)
        grants = ET.SubElement(root, "AccessControlList")
        _grant(grants, owner_id, "FULL_CONTROL")
        if bucket["acl"] in ("public-read", "public-read-write"):
            _grant(grants, "http://cam.qcloud.com/groups/global/AllUsers", "READ")
        if bucket["acl"] == "public-read-write":
            _grant(grants, "http://cam.qcloud.com/groups/global/AllUsers", "WRITE")
        return _xml(root)

    def _config(self, request: Request, bucket: Object, method: str, sub: str) -> Response:
        if method == "put":
            _parse(request)  # refuse malformed XML as COS does
            bucket[sub] = request.get_data()
            return Response(status=200)
        if method == "delete":
            bucket[sub] = None
            return Response(status=204)
        if bucket[sub] is None:
            raise cos_error(404, _MISSING_CONFIG[sub], f"The bucket has no {sub} configuration.")
        return Response(bucket[sub], content_type="application/xml")

    # ------------------------------------------------------------ listing

    def _bucket_get_self(self, request: Request, bucket: Object) -> Response:
        args = request.args
        prefix, marker = args.get("prefix", ""), args.get("marker", "")
        limit = int(args.get("max-keys", 1000))
        delimiter = args.get("delimiter", "")
        objects = self.store.find("cos.objects", bucket["name"]) or {}
        latest = sorted(
            (k, v[-1])
            for k, v in objects.items()
            if v and not v[-1]["marker"] and k.startswith(prefix) and k > marker
        )
        root = ET.Element("ListBucketResult")
        _text(
            root,
            Name=bucket["name"],
            Prefix=prefix,
            Marker=marker,
            MaxKeys=str(limit),
            Delimiter=delimiter,
        )
        shown, prefixes, last = 0, set(), ""
        truncated = False
        for key, version in latest:
            if shown >= limit:
                truncated = True
                break
            if delimiter and delimiter in key[len(prefix) :]:
                common = key[: len(prefix) + key[len(prefix) :].index(delimiter) + len(delimiter)]
                if common not in prefixes:
                    prefixes.add(common)
                    _text(ET.SubElement(root, "CommonPrefixes"), Prefix=common)
                    shown += 1
                last = key
                continue
            _content(ET.SubElement(root, "Contents"), key, version, self.world.uin)
            shown, last = shown + 1, key
        _text(root, IsTruncated=str(truncated).lower())
        if truncated:
            _text(root, NextMarker=last)
        return _xml(root)

    def _bucket_get_versions(self, request: Request, bucket: Object) -> Response:
        prefix = request.args.get("prefix", "")
        objects = self.store.find("cos.objects", bucket["name"]) or {}
        root = ET.Element("ListVersionsResult")
        _text(
            root,
            Name=bucket["name"],
            Prefix=prefix,
            KeyMarker="",
            VersionIdMarker="",
            MaxKeys="1000",
            IsTruncated="false",
        )
        for key in sorted(k for k in objects if k.startswith(prefix)):
            versions = objects[key]
            for index, version in reversed(list(enumerate(versions))):
                element = ET.SubElement(root, "DeleteMarker" if version["marker"] else "Version")
                _text(
                    element,
                    Key=key,
                    VersionId=version["id"],
                    IsLatest=str(index == len(versions) - 1).lower(),
                    LastModified=version["modified"],
                )
                if not version["marker"]:
                    _text(
                        element,
                        ETag=version["etag"],
                        Size=str(len(version["data"])),
                        StorageClass="STANDARD",
                    )
        return _xml(root)

    def _bucket_post_delete(self, request: Request, bucket: Object) -> Response:
        result = ET.Element("DeleteResult")
        for item in _parse(request).findall("Object"):
            key, version = item.findtext("Key") or "", item.findtext("VersionId") or ""
            self._delete(bucket, key, version)
            deleted = ET.SubElement(result, "Deleted")
            _text(deleted, Key=key, **({"VersionId": version} if version else {}))
        return _xml(result)

    # ------------------------------------------------------------ objects

    def _object(self, request: Request, name: str, key: str) -> Response:
        bucket = self._get_bucket(name)
        if request.method == "PUT":
            return self._put(request, bucket, key)
        if request.method == "DELETE":
            marker = self._delete(bucket, key, request.args.get("versionId", ""))
            return Response(status=204, headers=marker)
        if request.method in ("GET", "HEAD"):
            return self._read(request, bucket, key)
        raise cos_error(405, "MethodNotAllowed", f"{request.method} is not allowed on an object.")

    def _put(self, request: Request, bucket: Object, key: str) -> Response:
        data = request.get_data()
        etag = f'"{hashlib.md5(data).hexdigest()}"'
        encryption = request.headers.get("x-cos-server-side-encryption") or (
            "AES256" if bucket["encryption"] else ""
        )
        meta = {k: v for k, v in request.headers.items() if k.lower().startswith("x-cos-meta-")}
        with self.store.lock:
            versions = self.store.collection("cos.objects")[bucket["name"]].setdefault(key, [])
            current = versions[-1] if versions and not versions[-1]["marker"] else None
            self._check_conditions(request, current)
            version = {
                "id": uuid.uuid4().hex if bucket["versioning"] == "Enabled" else "null",
                "data": data,
                "etag": etag,
                "modified": _iso(),
                "marker": False,
                "encryption": encryption,
                "meta": meta,
                "type": request.headers.get("Content-Type", "application/octet-stream"),
            }
            if bucket["versioning"] != "Enabled":
                versions[:] = [v for v in versions if v["id"] != "null"]
            versions.append(version)
        headers = {"ETag": etag}
        if bucket["versioning"]:
            headers["x-cos-version-id"] = str(version["id"])
        if encryption:
            headers["x-cos-server-side-encryption"] = encryption
        return Response(status=200, headers=headers)

    @staticmethod
    def _check_conditions(request: Request, current: Object | None) -> None:
        if request.headers.get("x-cos-forbid-overwrite", "").lower() == "true" and current:
            raise cos_error(
                409, "FileAlreadyExists", "The object already exists (forbid-overwrite)."
            )
        if_none = request.headers.get("If-None-Match")
        if if_none == "*" and current:
            raise cos_error(412, "PreconditionFailed", "If-None-Match: * and the object exists.")
        if_match = request.headers.get("If-Match")
        if if_match and (current is None or current["etag"].strip('"') != if_match.strip('"')):
            raise cos_error(412, "PreconditionFailed", "If-Match does not match the object's ETag.")

    def _delete(self, bucket: Object, key: str, version_id: str) -> dict[str, str]:
        with self.store.lock:
            objects = self.store.collection("cos.objects")[bucket["name"]]
            versions = objects.get(key, [])
            if version_id:
                kept = [v for v in versions if v["id"] != version_id]
                if len(kept) == len(versions):
                    raise cos_error(
                        404, "NoSuchVersion", f"The version {version_id} does not exist."
                    )
                versions = kept
                marker_headers = {"x-cos-version-id": version_id}
            elif bucket["versioning"] == "Enabled" or bucket["versioning"] == "Suspended":
                marker_id = uuid.uuid4().hex if bucket["versioning"] == "Enabled" else "null"
                versions = [v for v in versions if marker_id != "null" or v["id"] != "null"]
                versions.append(
                    {"id": marker_id, "marker": True, "modified": _iso(), "data": b"", "etag": ""}
                )
                marker_headers = {"x-cos-version-id": marker_id, "x-cos-delete-marker": "true"}
            else:
                versions, marker_headers = [], {}
            if versions:
                objects[key] = versions
            else:
                objects.pop(key, None)
        return marker_headers

    def _read(self, request: Request, bucket: Object, key: str) -> Response:
        versions = (self.store.find("cos.objects", bucket["name"]) or {}).get(key, [])
        wanted = request.args.get("versionId")
        if wanted:
            version = next((v for v in versions if v["id"] == wanted), None)
            if version is None:
                raise cos_error(404, "NoSuchVersion", f"The version {wanted} does not exist.")
        else:
            version = versions[-1] if versions else None
        if version is None or version["marker"]:
            raise cos_error(404, "NoSuchKey", "The specified key does not exist.")
        if_none = request.headers.get("If-None-Match")
        if if_none and if_none.strip('"') == version["etag"].strip('"'):
            return Response(status=304)
        headers = {
            "ETag": version["etag"],
            "Last-Modified": version["modified"],
            "Content-Length": str(len(version["data"])),
            **version["meta"],
        }
        if bucket["versioning"]:
            headers["x-cos-version-id"] = version["id"]
        if version["encryption"]:
            headers["x-cos-server-side-encryption"] = version["encryption"]
        body = b"" if request.method == "HEAD" else version["data"]
        response = Response(body, status=200, headers=headers, content_type=version["type"])
        if request.method == "HEAD":
            response.headers["Content-Length"] = str(len(version["data"]))
        return response


def _iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def _text(parent: ET.Element, **children: str) -> None:
    for tag, text in children.items():
        ET.SubElement(parent, tag).text = text


def _grant(grants: ET.Element, uri_or_id: str, permission: str) -> None:
    grant = ET.SubElement(grants, "Grant")
    grantee = ET.SubElement(grant, "Grantee")
    if uri_or_id.startswith("http"):
        _text(grantee, URI=uri_or_id)
    else:
        _text(grantee, ID=uri_or_id)
    _text(grant, Permission=permission)


def _content(element: ET.Element, key: str, version: Object, uin: str) -> None:
    _text(
        element,
        Key=key,
        LastModified=version["modified"],
        ETag=version["etag"],
        Size=str(len(version["data"])),
        StorageClass="STANDARD",
    )
    _text(ET.SubElement(element, "Owner"), ID=uin, DisplayName=uin)


def _parse(request: Request) -> ET.Element:
    try:
        return ET.fromstring(request.get_data() or b"<x/>")
    except ET.ParseError as exc:
        raise cos_error(
            400, "MalformedXML", f"The XML you provided was not well-formed: {exc}"
        ) from None


def _xml(root: ET.Element) -> Response:
    return Response(
        ET.tostring(root, xml_declaration=True, encoding="UTF-8"), content_type="application/xml"
    )
