"""Compute Engine persistent disks: insert (blank or from an image), get, list,
aggregatedList, resize (grow only), setLabels (fingerprint checked), delete (refused while an
instance uses the disk). Instances attach them (compute_instances.py).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from genesys_emulators.core import CloudError
from genesys_emulators.core.operations import Transition
from genesys_emulators.gcp.common import (
    check_labels,
    check_name,
    in_use,
    invalid,
    last_segment,
    not_found,
    now,
    page,
)
from genesys_emulators.gcp.compute_base import DISK_TYPES, ComputeBase, P

Z = f"{P}/zones/<zone>"
DISK_RULES = (
    Rule(f"{Z}/disks", methods=["GET"], endpoint="list_disks"),
    Rule(f"{Z}/disks", methods=["POST"], endpoint="insert_disk"),
    Rule(f"{P}/aggregated/disks", methods=["GET"], endpoint="aggregated_disks"),
    Rule(f"{Z}/disks/<name>", methods=["GET"], endpoint="get_disk"),
    Rule(f"{Z}/disks/<name>", methods=["DELETE"], endpoint="delete_disk"),
    Rule(f"{Z}/disks/<name>/resize", methods=["POST"], endpoint="resize_disk"),
    Rule(f"{Z}/disks/<name>/setLabels", methods=["POST"], endpoint="set_disk_labels"),
)


def fingerprint(value: Any) -> str:
    digest = hashlib.sha256(json.dumps(value, sort_keys=True).encode()).digest()[:8]
    return base64.b64encode(digest).decode()


class DisksMixin(ComputeBase):
    def _key(self, project: str, zone: str, name: str) -> str:
        return f"{project}/{zone}/{name}"

    def _status(self, key: str, default: str) -> str:
        transition = self.transitions.get(key)
        return transition.current() if transition else default

    def _aggregated(
        self,
        request: Request,
        project: str,
        collection: str,
        view: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> Any:
        """aggregatedList: the page's records grouped by zone (`zones/Z: {collection: [...]}`)."""
        field = collection
        records = [
            view(r) for r in self.store.values(collection) if r["_key"].startswith(f"{project}/")
        ]
        items, token = page(request, records)
        scoped: dict[str, Any] = {}
        for item in items:
            scoped.setdefault(f"zones/{last_segment(item['zone'])}", {field: []})[field].append(
                item
            )
        return {
            "kind": f"compute#{field[:-1]}AggregatedList",
            "items": scoped,
            "nextPageToken": token,
        }

    def _set_labels(
        self, project: str, scope: tuple[str, ...], record: dict[str, Any], request: Request
    ) -> Any:
        body = self.json_body(request)
        labels = check_labels(body.get("labels") or {}, "labels")
        if body.get("labelFingerprint") != record["labelFingerprint"]:
            raise CloudError(
                412,
                "conditionNotMet",
                "Labels fingerprint either invalid or resource labels have changed",
            )

        def change() -> None:
            record["labels"] = labels
            record["labelFingerprint"] = fingerprint(labels)

        return self.start_operation(
            project, scope, "setLabels", record["selfLink"], record["id"], change
        )

    def _disk(self, project: str, zone: str, name: str) -> dict[str, Any]:
        self.check_zone(project, zone)
        return self.store.get(
            "disks",
            self._key(project, zone, name),
            lambda: not_found(f"projects/{project}/zones/{zone}/disks/{name}"),
        )

    def disk_view(self, record: dict[str, Any]) -> dict[str, Any]:
        view = {k: v for k, v in record.items() if not k.startswith("_")}
        view["status"] = self._status(record["_key"], "READY")
        return view

    # ------------------------------------------------------------ disks

    def _new_disk(self, project: str, zone: str, name: str, body: dict[str, Any]) -> dict[str, Any]:
        disk_type = last_segment(body.get("type") or "pd-standard")
        if disk_type not in DISK_TYPES:
            raise invalid(
                f"Invalid value for field 'resource.type': '{body.get('type')}'. "
                f"Disk type does not exist"
            )
        labels = check_labels(body.get("labels"))
        size = str(body.get("sizeGb") or "10")
        if not size.isdigit() or not 1 <= int(size) <= 65536:
            raise invalid(f"Invalid value for field 'resource.sizeGb': '{size}'.")
        return {
            "_key": self._key(project, zone, name),
            "kind": "compute#disk",
            "id": self.store.new_id(),
            "creationTimestamp": now(),
            "name": name,
            "description": body.get("description", ""),
            "sizeGb": size,
            "zone": self.link(project, "zones", zone),
            "type": self.link(project, "zones", zone, "diskTypes", disk_type),
            "sourceImage": body.get("sourceImage", ""),
            "labels": labels,
            "labelFingerprint": fingerprint(labels),
            "users": [],
            "physicalBlockSizeBytes": "4096",
            "selfLink": self.link(project, "zones", zone, "disks", name),
        }

    def insert_disk(self, request: Request, project: str, zone: str) -> Any:
        self.check_zone(project, zone)
        body = self.json_body(request)
        name = check_name(body.get("name"))
        if body.get("sourceImage"):
            body["sourceImage"] = self.resolve_image(project, body["sourceImage"])["selfLink"]
        record = self._new_disk(project, zone, name, body)
        self.store.insert(
            "disks",
            record["_key"],
            record,
            lambda: CloudError(
                409,
                "alreadyExists",
                f"The resource 'projects/{project}/zones/{zone}/disks/{name}' already exists",
            ),
        )
        self.transitions[record["_key"]] = Transition(("CREATING", "READY"))
        return self.start_operation(
            project, ("zones", zone), "insert", record["selfLink"], record["id"]
        )

    def get_disk(self, request: Request, project: str, zone: str, name: str) -> Any:
        return self.disk_view(self._disk(project, zone, name))

    def list_disks(self, request: Request, project: str, zone: str) -> Any:
        self.check_zone(project, zone)
        views = [
            self.disk_view(r)
            for r in self.store.values("disks")
            if r["_key"].startswith(f"{project}/{zone}/")
        ]
        items, token = page(request, views)
        return {"kind": "compute#diskList", "items": items, "nextPageToken": token}

    def aggregated_disks(self, request: Request, project: str) -> Any:
        return self._aggregated(request, project, "disks", self.disk_view)

    def delete_disk(self, request: Request, project: str, zone: str, name: str) -> Any:
        record = self._disk(project, zone, name)
        if record.get("users"):
            raise in_use(
                f"projects/{project}/zones/{zone}/disks/{name}", record["users"][0].split("/v1/")[1]
            )

        def remove() -> None:
            self.store.remove("disks", record["_key"])

        return self.start_operation(
            project, ("zones", zone), "delete", record["selfLink"], record["id"], remove
        )

    def resize_disk(self, request: Request, project: str, zone: str, name: str) -> Any:
        record = self._disk(project, zone, name)
        size = str(self.json_body(request).get("sizeGb", ""))
        if not size.isdigit() or int(size) <= int(record["sizeGb"]):
            raise invalid(
                f"Invalid value for field 'sizeGb': '{size}'. "
                f"Requested disk size cannot be smaller than the current size "
                f"({record['sizeGb']} GB)."
            )

        def change() -> None:
            record["sizeGb"] = size

        return self.start_operation(
            project, ("zones", zone), "resizeDisk", record["selfLink"], record["id"], change
        )

    def set_disk_labels(self, request: Request, project: str, zone: str, name: str) -> Any:
        return self._set_labels(project, ("zones", zone), self._disk(project, zone, name), request)
