"""Microsoft.Resources: resource groups. A group's deletion takes every resource in it, after
the same in-use checks each resource's own deletion makes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from genesys_emulators.azure.model import ArmPath, Record, ResourceType, invalid
from genesys_emulators.core import CloudError

if TYPE_CHECKING:
    from genesys_emulators.azure.arm import Arm

GROUP_TYPE = "Microsoft.Resources/resourceGroups"
# 1-90 characters: letters, digits, underscores, hyphens, periods, parentheses; no final period.
_GROUP_NAME = re.compile(r"[-\w.()]{0,89}[-\w()]")


def _build_group(arm: Arm, path: ArmPath, body: Record, existing: Record | None) -> Record:
    return {}


GROUP = ResourceType(GROUP_TYPE, _build_group, long_running=False, kept_fields=("managedBy",))


def group_request(arm: Arm, path: ArmPath, request: Request) -> Any:
    group_id = f"/subscriptions/{arm.subscription}/resourceGroups/{path.group}"
    record = arm.find(group_id)
    if request.method in ("GET", "HEAD"):
        if record is None:
            if request.method == "HEAD":
                return Response(status=404)
            raise CloudError(
                404, "ResourceGroupNotFound", f"Resource group '{path.group}' could not be found."
            )
        return Response(status=204) if request.method == "HEAD" else arm.view(record)
    if request.method == "PUT":
        return _put_group(arm, path, request, record)
    if request.method == "DELETE":
        if record is None:
            raise CloudError(
                404, "ResourceGroupNotFound", f"Resource group '{path.group}' could not be found."
            )
        return arm.delete(record["id"], None)
    raise arm.dialect.not_found(request)


def _put_group(arm: Arm, path: ArmPath, request: Request, record: Record | None) -> Response:
    if not _GROUP_NAME.fullmatch(path.group):
        raise invalid(
            f"Resource group name '{path.group}' is invalid. It can contain only letters, "
            "digits, underscores, hyphens, periods and parentheses, up to 90 characters, "
            "and cannot end with a period.",
            "resourceGroupName",
            "InvalidResourceGroupName",
        )
    body = arm.json_body(request)
    if not body.get("location"):
        raise CloudError(
            400, "LocationRequired", "The location property is required for this definition."
        )
    if record is not None and record["location"].lower() != body["location"].lower():
        raise CloudError(
            409,
            "InvalidResourceGroupLocation",
            f"Invalid resource group location '{body['location']}'. The Resource "
            f"group already exists in location '{record['location']}'.",
        )
    group_id = f"/subscriptions/{arm.subscription}/resourceGroups/{path.group}"
    stored = {
        "id": group_id,
        "name": path.group,
        "type": GROUP_TYPE,
        "location": body["location"],
        "tags": body.get("tags") or {},
        "properties": {"provisioningState": "Succeeded"},
    }
    arm.store.put("arm", group_id.lower(), stored)
    return arm.dialect.json_response(arm.view(stored), 200 if record else 201)
