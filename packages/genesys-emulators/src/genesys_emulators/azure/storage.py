"""Microsoft.Storage: storage accounts, their blob service (versioning, soft delete), blob
containers and lifecycle management policies. Account names are 3-24 lower-case letters and
digits and unique across Azure; `checkNameAvailability` says so before a create does."""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from werkzeug.wrappers import Request, Response

from genesys_emulators.azure.model import (
    ArmPath,
    Record,
    ResourceType,
    invalid,
    key,
    now,
    require,
)
from genesys_emulators.core import CloudError

if TYPE_CHECKING:
    from genesys_emulators.azure.arm import Arm

ACCOUNT = "Microsoft.Storage/storageAccounts"
BLOB_SERVICE = "Microsoft.Storage/storageAccounts/blobServices"
CONTAINER = "Microsoft.Storage/storageAccounts/blobServices/containers"
POLICY = "Microsoft.Storage/storageAccounts/managementPolicies"
SKUS = (
    "Standard_LRS",
    "Standard_GRS",
    "Standard_RAGRS",
    "Standard_ZRS",
    "Premium_LRS",
    "Premium_ZRS",
    "Standard_GZRS",
    "Standard_RAGZRS",
)
KINDS = ("StorageV2", "Storage", "BlobStorage", "BlockBlobStorage", "FileStorage")
_ACCOUNT_NAME = re.compile(r"[a-z0-9]{3,24}")
_CONTAINER_NAME = re.compile(r"(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]|\$web|\$root")


def name_problem(arm: Arm, name: str, own_id: str = "") -> tuple[str, str] | None:
    """(reason, message) when `name` cannot be a new storage account, else None."""
    if not _ACCOUNT_NAME.fullmatch(name):
        return (
            "AccountNameInvalid",
            f"{name} is not a valid storage account name. Storage "
            "account name must be between 3 and 24 characters in length and use numbers "
            "and lower-case letters only.",
        )
    for record in arm.of_type(ACCOUNT):
        if record["name"] == name and key(record["id"]) != key(own_id):
            return ("AlreadyExists", f"The storage account named {name} is already taken.")
    return None


def _build_account(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    problem = name_problem(arm, path.name, path.resource_id())
    if problem and problem[0] == "AccountNameInvalid":
        raise invalid(problem[1], "name", "AccountNameInvalid")
    if problem:
        raise CloudError(409, "StorageAccountAlreadyTaken", problem[1])
    if existing is None:
        sku = require(body, "sku.name")
        kind = require(body, "kind")
        if sku not in SKUS:
            raise invalid(
                f"The value '{sku}' is not valid for sku.name.",
                "sku.name",
                "InvalidValuesForRequestParameters",
            )
        if kind not in KINDS:
            raise invalid(
                f"The value '{kind}' is not valid for kind.",
                "kind",
                "InvalidValuesForRequestParameters",
            )
    properties = {**(existing or {}).get("properties", {}), **(body.get("properties") or {})}
    name = path.name
    properties.setdefault(
        "encryption",
        {
            "keySource": "Microsoft.Storage",
            "services": {"blob": {"enabled": True, "keyType": "Account"}},
        },
    )
    properties.setdefault("supportsHttpsTrafficOnly", True)
    properties.setdefault("minimumTlsVersion", "TLS1_2")
    properties.setdefault("allowBlobPublicAccess", False)
    properties.setdefault("creationTime", now())
    properties["primaryEndpoints"] = {
        "blob": f"https://{name}.blob.core.windows.net/",
        "web": f"https://{name}.z13.web.core.windows.net/",
    }
    properties["primaryLocation"] = body.get("location") or (existing or {}).get("location")
    properties["statusOfPrimary"] = "available"
    return properties


def _account_created(arm: Arm, record: Record) -> None:
    service_id = f"{record['id']}/blobServices/default"
    arm.store.put(
        "arm",
        key(service_id),
        {
            "id": service_id,
            "name": "default",
            "type": BLOB_SERVICE,
            "properties": {
                "isVersioningEnabled": False,
                "provisioningState": "Succeeded",
                "deleteRetentionPolicy": {"enabled": False},
            },
        },
    )


def _keys(record: Record) -> list[str]:
    digest = hashlib.sha512(record["id"].lower().encode()).digest()
    return [base64.b64encode(digest[i * 32 : (i + 1) * 32] * 2).decode() for i in range(2)]


def account_key(record: Record) -> str:
    """The account's first key (what a connection string carries)."""
    return _keys(record)[0]


def _list_keys(arm: Arm, record: Record, request: Request) -> Any:
    return {
        "keys": [
            {"keyName": f"key{i + 1}", "permissions": "FULL", "value": value}
            for i, value in enumerate(_keys(record))
        ]
    }


def _check_name(arm: Arm, path: ArmPath, request: Request) -> Any:
    name = str(arm.json_body(request).get("name", ""))
    problem = name_problem(arm, name)
    if problem is None:
        return {"nameAvailable": True}
    return {"nameAvailable": False, "reason": problem[0], "message": problem[1]}


def _build_blob_service(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    if path.name != "default":
        raise invalid("The blob service name must be 'default'.", "blobServicesName")
    return {**(existing or {}).get("properties", {}), **(body.get("properties") or {})}


def _build_container(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    if not _CONTAINER_NAME.fullmatch(path.name):
        raise invalid(
            "The specified resource name contains invalid characters: a container "
            "name is 3-63 lower-case letters, digits and single hyphens, starting "
            "and ending with a letter or digit.",
            "containerName",
            "ContainerOperationFailure",
        )
    properties = dict(body.get("properties") or {})
    access = properties.get("publicAccess") or "None"
    account = arm.find(path.resource_id(1)) or {}
    if access != "None" and not account.get("properties", {}).get("allowBlobPublicAccess"):
        raise CloudError(
            409,
            "PublicAccessNotPermitted",
            "Public access is not permitted on this storage account.",
        )
    properties["publicAccess"] = access
    properties.setdefault("lastModifiedTime", now())
    properties.setdefault("leaseState", "Available")
    return properties


def _build_policy(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    if path.name != "default":
        raise invalid("The management policy name must be 'default'.", "managementPolicyName")
    rules = require(body, "properties.policy.rules")
    for index, rule in enumerate(rules):
        if not rule.get("name") or not rule.get("definition", {}).get("actions"):
            raise invalid(
                "A lifecycle rule needs a name and a definition with actions.",
                f"properties.policy.rules[{index}]",
            )
    return {**(body.get("properties") or {}), "lastModifiedTime": now()}


TYPES = (
    ResourceType(
        ACCOUNT,
        _build_account,
        accepted="create",
        sync_delete=True,
        created=_account_created,
        actions={"listKeys": _list_keys},
    ),
    ResourceType(BLOB_SERVICE, _build_blob_service, long_running=False, located=False),
    ResourceType(CONTAINER, _build_container, long_running=False, located=False),
    ResourceType(POLICY, _build_policy, long_running=False, located=False, create_status=200),
)
HANDLERS = {"Microsoft.Storage/checkNameAvailability": _check_name}


# ---------------------------------------------------------------- blob data plane (website)

_WEBSITE_FIELDS = ("Enabled", "IndexDocument", "ErrorDocument404Path", "DefaultIndexDocumentPath")


def _xml(body: str, status: int = 200) -> Response:
    return Response(
        f'<?xml version="1.0" encoding="utf-8"?>{body}',
        status=status,
        content_type="application/xml",
        headers={"x-ms-request-id": str(uuid.uuid4()), "x-ms-version": "2025-01-05"},
    )


def blob_service(arm: Arm, request: Request, parts: list[str]) -> Any:
    """The blob service properties of any account (what azure-storage-blob's
    get/set_service_properties call): static website settings. Blob data itself is Azurite's."""
    account = next((a for a in arm.of_type(ACCOUNT) if a["name"] == parts[0]), None)
    if account is None:
        return _xml(
            "<Error><Code>ResourceNotFound</Code><Message>The specified resource does "
            "not exist.</Message></Error>",
            404,
        )
    if (request.args.get("restype"), request.args.get("comp")) != ("service", "properties"):
        return _xml(
            "<Error><Code>UnsupportedQueryParameter</Code><Message>Only the service "
            "properties are served here.</Message></Error>",
            400,
        )
    if request.method == "PUT":
        website = _parse_website(request.get_data())
        if website is not None:
            account["_website"] = website
            if website.get("Enabled") == "true":
                _make_web_container(arm, account)
        return Response(status=202, headers={"x-ms-request-id": str(uuid.uuid4())})
    website = account.get("_website") or {"Enabled": "false"}
    fields = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in website.items())
    return _xml(
        f"<StorageServiceProperties><StaticWebsite>{fields}</StaticWebsite>"
        "</StorageServiceProperties>"
    )


def _parse_website(raw: bytes) -> dict[str, str] | None:
    try:
        root = ElementTree.fromstring(raw)
    except ElementTree.ParseError:
        raise CloudError(
            400, "InvalidXmlDocument", "XML specified is not syntactically valid."
        ) from None
    node = root.find("StaticWebsite")
    if node is None:
        return None
    return {f: node.findtext(f) or "" for f in _WEBSITE_FIELDS if node.find(f) is not None}


def _make_web_container(arm: Arm, account: Record) -> None:
    container_id = f"{account['id']}/blobServices/default/containers/$web"
    if arm.find(container_id) is None:
        arm.store.put(
            "arm",
            key(container_id),
            {
                "id": container_id,
                "name": "$web",
                "type": CONTAINER,
                "properties": {
                    "publicAccess": "None",
                    "lastModifiedTime": now(),
                    "leaseState": "Available",
                    "provisioningState": "Succeeded",
                },
            },
        )


ROUTES = (("blobsvc/", blob_service),)
