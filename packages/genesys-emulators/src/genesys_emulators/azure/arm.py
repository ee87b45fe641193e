"""Azure Resource Manager: one HTTP endpoint for every resource provider.

Every ARM resource is created, read, listed and deleted the same way, so this module does it
once; a service module (compute, network, ...) declares its types' checks as `ResourceType`s.
As ARM does: ids are case-insensitive, `api-version` is required, a PUT answers 201 (new) or
200 (replaced) with an `Azure-AsyncOperation` URL polled until `Succeeded` while the resource
reads `provisioningState: Creating`, a DELETE answers 202 and the resource reads `Deleting`
until the operation ends, and a resource group's deletion takes everything in it.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from genesys_emulators.azure.dialect import AzureDialect
from genesys_emulators.azure.model import ArmPath, Record, ResourceType, key, now, parse_path
from genesys_emulators.core import CloudError, FaultPlan, Operations, ServiceApp, Store

SubscriptionHandler = Callable[["Arm", ArmPath, Request], Any]


class Arm(ServiceApp):
    dialect = AzureDialect()
    rules = (
        Rule(
            "/<path:rest>",
            methods=["GET", "PUT", "PATCH", "DELETE", "POST", "HEAD"],
            endpoint="route",
        ),
    )

    def __init__(
        self, subscription: str, tenant: str, location: str, faults: FaultPlan | None = None
    ) -> None:
        super().__init__(faults)
        self.subscription = subscription
        self.tenant = tenant
        self.location = location
        self.store = Store()
        self.operations = Operations()
        self.types: dict[str, ResourceType] = {}
        # Subscription-level reads and actions: locations/{l}/vmSizes, checkNameAvailability.
        self.subscription_handlers: dict[str, SubscriptionHandler] = {}
        self.extra_routes: list[tuple[str, Callable[[Arm, Request, list[str]], Any]]] = []

    def register(
        self,
        types: Iterable[ResourceType],
        handlers: Mapping[str, SubscriptionHandler] | None = None,
    ) -> None:
        for rtype in types:
            self.types[rtype.name.lower()] = rtype
        for name, handler in (handlers or {}).items():
            self.subscription_handlers[name.lower()] = handler

    # ------------------------------------------------------------------ store

    def find(self, resource_id: str) -> Record | None:
        return self.store.find("arm", key(resource_id))

    def of_type(self, type_name: str) -> list[Record]:
        wanted = type_name.lower()
        return [r for r in self.store.values("arm") if r["type"].lower() == wanted]

    def children(self, resource_id: str) -> list[Record]:
        prefix = key(resource_id) + "/"
        return [r for r in self.store.values("arm") if key(r["id"]).startswith(prefix)]

    # ---------------------------------------------------------------- routing

    def route(self, request: Request, rest: str) -> Any:
        for prefix, handler in self.extra_routes:
            if rest.startswith(prefix):
                return handler(self, request, rest[len(prefix) :].split("/"))
        path = parse_path(rest)
        if path is None:
            raise self.dialect.not_found(request)
        if not request.args.get("api-version"):
            raise CloudError(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )
        if path.subscription.lower() != self.subscription.lower():
            raise CloudError(
                404,
                "SubscriptionNotFound",
                f"The subscription '{path.subscription}' could not be found.",
            )
        if not path.group:
            return self._subscription_level(request, path)
        if not path.namespace:
            return self._group_level(request, path)
        return self._provider_level(request, path)

    def _subscription_level(self, request: Request, path: ArmPath) -> Any:
        if not path.namespace and not path.tail:
            return {
                "id": f"/subscriptions/{self.subscription}",
                "subscriptionId": self.subscription,
                "tenantId": self.tenant,
                "displayName": "Genesys emulator",
                "state": "Enabled",
            }
        if path.tail.lower() == "resourcegroups" and request.method == "GET":
            return {
                "value": [self.view(r) for r in self.of_type("Microsoft.Resources/resourceGroups")]
            }
        if len(path.pairs) == 2 and path.pairs[1][0].lower() == "operationstatuses":
            return self._operation_status(path.pairs[1][1])
        if not path.pairs and path.tail and request.method == "GET":
            return {"value": [self.view(r) for r in self.of_type(path.type_name)]}
        handler = self.subscription_handlers.get(path.type_name.lower())
        if handler is None:
            raise self.dialect.not_found(request)
        return handler(self, path, request)

    def _group_level(self, request: Request, path: ArmPath) -> Any:
        if path.tail.lower() == "resources" and request.method == "GET":
            prefix = key(path.group_id) + "/"
            return {
                "value": [
                    self.view(r)
                    for r in self.store.values("arm")
                    if key(r["id"]).startswith(prefix)
                ]
            }
        if path.tail:
            raise self.dialect.not_found(request)
        from genesys_emulators.azure import resources

        return resources.group_request(self, path, request)

    def _provider_level(self, request: Request, path: ArmPath) -> Any:
        if path.group and self.find(path.group_id) is None:
            raise CloudError(
                404, "ResourceGroupNotFound", f"Resource group '{path.group}' could not be found."
            )
        if not path.pairs:
            return self._list(request, path, path.group_id + "/providers/")
        if path.tail:
            if request.method == "POST":
                return self._action(request, path)
            return self._list(request, path, path.resource_id() + "/")
        rtype = self._type_of(path)
        method = request.method
        if method in ("GET", "HEAD"):
            return self._get(path, method)
        if method == "PUT":
            return self.put(path, rtype, self.json_body(request))
        if method == "PATCH":
            existing = self._existing(path)
            return self.put(path, rtype, merge(self.view(existing), self.json_body(request)))
        if method == "DELETE":
            return self.delete(path.resource_id(), rtype)
        raise self.dialect.not_found(request)

    def _type_of(self, path: ArmPath) -> ResourceType:
        rtype = self.types.get(path.resource_type.lower())
        if rtype is None:
            raise CloudError(
                404,
                "NoRegisteredProviderFound",
                f"No registered resource provider found for location "
                f"'{self.location}' and type '{path.resource_type}'.",
            )
        return rtype

    def _existing(self, path: ArmPath) -> Record:
        record = self.find(path.resource_id())
        if record is None:
            raise CloudError(
                404,
                "ResourceNotFound",
                f"The Resource '{path.resource_type}/{path.name}' under resource "
                f"group '{path.group}' was not found.",
            )
        return record

    def _get(self, path: ArmPath, method: str) -> Any:
        self._type_of(path)
        record = self._existing(path)
        if method == "HEAD":
            return Response(status=204)
        return self.view(record)

    def _list(self, request: Request, path: ArmPath, prefix: str) -> Any:
        wanted = path.type_name.lower()
        found = [
            r
            for r in self.store.values("arm")
            if r["type"].lower() == wanted and key(r["id"]).startswith(key(prefix))
        ]
        return {"value": [self.view(r) for r in found]}

    def _action(self, request: Request, path: ArmPath) -> Any:
        rtype = self._type_of(path)
        record = self._existing(path)
        action = next((a for n, a in rtype.actions.items() if n.lower() == path.tail.lower()), None)
        if action is None:
            raise self.dialect.not_found(request)
        return action(self, record, request)

    # ------------------------------------------------------- create and delete

    def put(self, path: ArmPath, rtype: ResourceType, body: Record) -> Response:
        rid = canonical_id(path, rtype)
        with self.store.lock:
            if path.parent_id and self.find(path.parent_id) is None:
                raise CloudError(
                    404,
                    "ParentResourceNotFound",
                    f"Can not perform requested operation on nested resource. "
                    f"Parent resource '{path.parent_id}' not found.",
                )
            existing = self.find(rid)
            if (
                existing is not None
                and existing["properties"].get("provisioningState") == "Deleting"
            ):
                raise CloudError(
                    409, "AnotherOperationInProgress", f"Resource {rid} is being deleted."
                )
            location = body.get("location") or (existing or {}).get("location")
            if rtype.located and not location:
                raise CloudError(
                    400,
                    "LocationRequired",
                    "The location property is required for this definition.",
                )
            properties = rtype.build(self, path, body, existing)
            record = self._record(rid, rtype, body, existing, location, properties)
            self.store.put("arm", key(rid), record)
            if existing is None and rtype.created is not None:
                rtype.created(self, record)
            elif existing is not None and rtype.updated is not None:
                rtype.updated(self, record)
        status = 200 if existing else rtype.create_status
        if not rtype.long_running:
            return self.dialect.json_response(self.view(record), status)
        state = "Updating" if existing else "Creating"
        record["properties"]["provisioningState"] = state
        operation = self._start(rid, lambda: _succeed(record))
        if rtype.accepted == "always" or (rtype.accepted == "create" and existing is None):
            return Response(status=202, headers=self._poll_headers(operation, location=True))
        return self.dialect.json_response(self.view(record), status, self._poll_headers(operation))

    def _record(
        self,
        rid: str,
        rtype: ResourceType,
        body: Record,
        existing: Record | None,
        location: str | None,
        properties: Record,
    ) -> Record:
        name = rid.rsplit("/", 1)[1]
        record: Record = {"id": rid, "name": name, "type": rtype.name}
        if location:
            record["location"] = location
        if rtype.located:
            record["tags"] = body.get("tags", {}) or {}
        for field in rtype.kept_fields:
            value = body.get(field, (existing or {}).get(field))
            if value is not None:
                record[field] = value
        for private in (k for k in (existing or {}) if k.startswith("_")):
            record[private] = existing[private]  # type: ignore[index]
        for private in (k for k in body if k.startswith("_")):  # what build() set aside
            record[private] = body[private]
        properties = dict(properties)
        properties["provisioningState"] = "Succeeded"
        record["properties"] = properties
        return record

    def delete(self, rid: str, rtype: ResourceType | None) -> Response:
        with self.store.lock:
            record = self.find(rid)
            if record is None:
                return Response(status=204)
            self._refuse_if_in_use(record)
            if rtype is not None and (not rtype.long_running or rtype.sync_delete):
                self._remove(record)
                return Response(status=200)
            record["properties"]["provisioningState"] = "Deleting"
        operation = self._start(rid, lambda: self._remove(record))
        return Response(status=202, headers=self._poll_headers(operation, location=True))

    def _refuse_if_in_use(self, record: Record) -> None:
        """ARM refuses to delete what something else still uses, unless that goes too."""
        doomed = [record, *self.children(record["id"])]
        doomed_ids = {key(item["id"]) for item in doomed}
        for item in doomed:
            item_type = self.types.get(item["type"].lower())
            if item_type is None or item_type.in_use is None:
                continue
            reason = item_type.in_use(self, item)
            if reason is not None and key(reason.referrer) not in doomed_ids:
                raise reason.error

    def _remove(self, record: Record) -> None:
        with self.store.lock:
            for item in sorted(self.children(record["id"]), key=lambda r: -len(r["id"])):
                self._remove_one(item)
            self._remove_one(record)

    def _remove_one(self, record: Record) -> None:
        if self.store.remove("arm", key(record["id"])) is None:
            return
        rtype = self.types.get(record["type"].lower())
        if rtype is not None and rtype.deleted is not None:
            rtype.deleted(self, record)

    # ------------------------------------------------------------- operations

    def _start(self, target: str, on_done: Callable[[], None]) -> Any:
        return self.operations.start(
            "arm", target, {"startTime": now()}, on_done, op_id=str(uuid.uuid4())
        )

    def _poll_headers(self, operation: Any, location: bool = False) -> dict[str, str]:
        url = (
            f"{self.base_url}/subscriptions/{self.subscription}/providers/Microsoft.Genesys/"
            f"locations/{self.location}/operationStatuses/{operation.id}"
            f"?api-version=2024-01-01"
        )
        headers = {"Azure-AsyncOperation": url}
        if location:
            headers["Location"] = url
        return headers

    def _operation_status(self, op_id: str) -> Any:
        operation = self.operations.poll(op_id)
        if operation is None:
            raise CloudError(404, "OperationNotFound", f"The operation '{op_id}' was not found.")
        status: Record = {"id": op_id, "name": op_id, **operation.record}
        if not operation.done:
            status["status"] = "InProgress"
        elif operation.error is not None:
            status["status"] = "Failed"
            status["error"] = {"code": operation.error.code, "message": operation.error.message}
        else:
            status["status"] = "Succeeded"
        return status

    # -------------------------------------------------------------------- view

    def view(self, record: Record) -> Record:
        shown = {k: copy.deepcopy(v) for k, v in record.items() if not k.startswith("_")}
        rtype = self.types.get(record["type"].lower())
        if rtype is not None and rtype.view is not None:
            shown = rtype.view(self, shown)
        return shown


def canonical_id(path: ArmPath, rtype: ResourceType) -> str:
    """The id as ARM spells it: the type's own casing, the names as the caller gave them."""
    namespace, *types = rtype.name.split("/")
    pairs = "/".join(f"{t}/{name}" for t, (_, name) in zip(types, path.pairs, strict=True))
    return f"{path.group_id}/providers/{namespace}/{pairs}"


def merge(base: Record, patch: Record) -> Record:
    """PATCH semantics: objects merge key by key, everything else is replaced."""
    merged = dict(base)
    for name, value in patch.items():
        if isinstance(value, dict) and isinstance(merged.get(name), dict):
            merged[name] = merge(merged[name], value)
        else:
            merged[name] = value
    return merged


def _succeed(record: Record) -> None:
    record["properties"]["provisioningState"] = "Succeeded"
