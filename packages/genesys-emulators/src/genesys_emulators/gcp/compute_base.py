"""Compute Engine's shared parts: operations (zone, region, global), zones, regions, machine
types and public images. The resource services (instances, disks, networks, load balancing)
are mixins of `ComputeBase`; `compute.ComputeApp` puts them together on one port.

Every mutating call answers a `compute#operation` at once and does its work when a later
GET (or `wait`) of the operation finds it due, as Compute does: clients must poll until DONE.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from genesys_emulators.core import CloudError, FaultPlan, Operations, ServiceApp, Store
from genesys_emulators.core.operations import Operation, Transition
from genesys_emulators.gcp.common import DIALECT, REGIONS, last_segment, not_found, now, page

P = "/compute/v1/projects/<project>"

# name -> (vCPUs, memory MB); the families the plugin's size table and tests use.
MACHINE_TYPES: dict[str, tuple[int, int]] = {
    "f1-micro": (1, 614),
    "g1-small": (1, 1740),
    "e2-micro": (2, 1024),
    "e2-small": (2, 2048),
    "e2-medium": (2, 4096),
    "e2-standard-2": (2, 8192),
    "e2-standard-4": (4, 16384),
    "n1-standard-1": (1, 3840),
    "n1-standard-2": (2, 7680),
    "n1-standard-4": (4, 15360),
    "n1-standard-8": (8, 30720),
    "n1-standard-16": (16, 61440),
    "n2-standard-2": (2, 8192),
    "n2-standard-4": (4, 16384),
    "n2-standard-8": (8, 32768),
}
# Public images: project -> {image name: family}.
IMAGES: dict[str, dict[str, str]] = {
    "ubuntu-os-cloud": {
        "ubuntu-2004-focal-v20241115": "ubuntu-2004-lts",
        "ubuntu-2204-jammy-v20241119": "ubuntu-2204-lts",
        "ubuntu-2404-noble-amd64-v20241119": "ubuntu-2404-lts-amd64",
    },
    "debian-cloud": {"debian-12-bookworm-v20241112": "debian-12"},
    "cos-cloud": {"cos-stable-117-18613-75-37": "cos-stable"},
}
DISK_TYPES = ("pd-standard", "pd-balanced", "pd-ssd", "pd-extreme")

OPERATION_RULES = (
    Rule(f"{P}/zones/<zone>/operations/<operation>", methods=["GET"], endpoint="get_operation"),
    Rule(f"{P}/regions/<region>/operations/<operation>", methods=["GET"], endpoint="get_operation"),
    Rule(f"{P}/global/operations/<operation>", methods=["GET"], endpoint="get_operation"),
    Rule(
        f"{P}/zones/<zone>/operations/<operation>/wait", methods=["POST"], endpoint="wait_operation"
    ),
    Rule(
        f"{P}/regions/<region>/operations/<operation>/wait",
        methods=["POST"],
        endpoint="wait_operation",
    ),
    Rule(f"{P}/global/operations/<operation>/wait", methods=["POST"], endpoint="wait_operation"),
    Rule(f"{P}/zones", methods=["GET"], endpoint="list_zones"),
    Rule(f"{P}/zones/<zone>", methods=["GET"], endpoint="get_zone"),
    Rule(f"{P}/regions/<region>", methods=["GET"], endpoint="get_region"),
    Rule(f"{P}/zones/<zone>/machineTypes", methods=["GET"], endpoint="list_machine_types"),
    Rule(f"{P}/zones/<zone>/machineTypes/<name>", methods=["GET"], endpoint="get_machine_type"),
    Rule(f"{P}/global/images", methods=["GET"], endpoint="list_images"),
    Rule(f"{P}/global/images/family/<family>", methods=["GET"], endpoint="get_image_family"),
    Rule(f"{P}/global/images/<name>", methods=["GET"], endpoint="get_image"),
)


class ComputeBase(ServiceApp):
    dialect = DIALECT

    def __init__(self, faults: FaultPlan | None = None) -> None:
        super().__init__(faults)
        self.store = Store()
        self.operations = Operations()
        # Resource statuses moving on their own (PROVISIONING -> RUNNING), by record key.
        self.transitions: dict[str, Transition] = {}

    # ------------------------------------------------------------ links and scopes

    def link(self, project: str, *parts: str) -> str:
        return f"{self.base_url}/compute/v1/projects/{project}/" + "/".join(parts)

    @staticmethod
    def check_zone(project: str, zone: str) -> str:
        if not any(zone in zones for zones in REGIONS.values()):
            raise not_found(f"projects/{project}/zones/{zone}")
        return zone

    @staticmethod
    def check_region(project: str, region: str) -> str:
        if region not in REGIONS:
            raise not_found(f"projects/{project}/regions/{region}")
        return region

    @staticmethod
    def region_of(zone: str) -> str:
        return zone.rsplit("-", 1)[0]

    # ------------------------------------------------------------ operations

    def start_operation(
        self,
        project: str,
        scope: tuple[str, ...],
        kind: str,
        target_link: str,
        target_id: str,
        effect: Callable[[], None] | None = None,
    ) -> dict[str, Any]:
        """A `compute#operation` for `kind` on `target_link`; `effect` runs when it is DONE.

        `scope` is ("zones", zone), ("regions", region) or ("global",).
        """
        operation = self.operations.start(kind, target_link, on_done=effect)
        operation.record.update(
            {
                "kind": "compute#operation",
                "id": self.store.new_id(),
                "name": operation.id,
                "operationType": kind,
                "targetLink": target_link,
                "targetId": target_id,
                "insertTime": now(),
                "startTime": now(),
                "user": "genesys-emulator@example.com",
                "selfLink": self.link(project, *scope, "operations", operation.id),
            }
        )
        if scope[0] == "zones":
            operation.record["zone"] = self.link(project, "zones", scope[1])
        elif scope[0] == "regions":
            operation.record["region"] = self.link(project, "regions", scope[1])
        return self.operation_view(operation)

    @staticmethod
    def operation_view(operation: Operation) -> dict[str, Any]:
        view = dict(operation.record)
        view["status"] = "DONE" if operation.done else "RUNNING"
        view["progress"] = 100 if operation.done else 0
        if operation.done:
            view["endTime"] = view.get("endTime") or now()
            operation.record["endTime"] = view["endTime"]
        if operation.error is not None:
            error = operation.error
            view["error"] = {"errors": [{"code": error.code, "message": error.message}]}
            view["httpErrorStatusCode"] = error.status
            view["httpErrorMessage"] = error.message
        return view

    def _operation(self, project: str, operation: str, wait: bool) -> dict[str, Any]:
        found = (
            self.operations.wait(operation, timeout=10.0)
            if wait
            else self.operations.poll(operation)
        )
        if found is None:
            raise not_found(f"projects/{project}/operations/{operation}")
        return self.operation_view(found)

    def get_operation(self, request: Request, project: str, operation: str, **scope: str) -> Any:
        return self._operation(project, operation, wait=False)

    def wait_operation(self, request: Request, project: str, operation: str, **scope: str) -> Any:
        return self._operation(project, operation, wait=True)

    # ------------------------------------------------------------ zones, types, images

    def _zone_view(self, project: str, zone: str) -> dict[str, Any]:
        return {
            "kind": "compute#zone",
            "name": zone,
            "status": "UP",
            "region": self.link(project, "regions", self.region_of(zone)),
            "selfLink": self.link(project, "zones", zone),
        }

    def list_zones(self, request: Request, project: str) -> Any:
        zones = [self._zone_view(project, z) for zs in REGIONS.values() for z in zs]
        items, token = page(request, zones)
        return {"kind": "compute#zoneList", "items": items, "nextPageToken": token}

    def get_zone(self, request: Request, project: str, zone: str) -> Any:
        return self._zone_view(project, self.check_zone(project, zone))

    def get_region(self, request: Request, project: str, region: str) -> Any:
        self.check_region(project, region)
        return {
            "kind": "compute#region",
            "name": region,
            "status": "UP",
            "zones": [self.link(project, "zones", z) for z in REGIONS[region]],
            "selfLink": self.link(project, "regions", region),
        }

    def machine_type_view(self, project: str, zone: str, name: str) -> dict[str, Any]:
        if name not in MACHINE_TYPES:
            raise not_found(f"projects/{project}/zones/{zone}/machineTypes/{name}")
        cpus, memory = MACHINE_TYPES[name]
        return {
            "kind": "compute#machineType",
            "id": str(abs(hash(name)) % 10**12),
            "name": name,
            "description": f"{cpus} vCPU, {memory / 1024:g} GB RAM",
            "guestCpus": cpus,
            "memoryMb": memory,
            "zone": zone,
            "selfLink": self.link(project, "zones", zone, "machineTypes", name),
        }

    def list_machine_types(self, request: Request, project: str, zone: str) -> Any:
        self.check_zone(project, zone)
        views = [self.machine_type_view(project, zone, name) for name in MACHINE_TYPES]
        items, token = page(request, views)
        return {"kind": "compute#machineTypeList", "items": items, "nextPageToken": token}

    def get_machine_type(self, request: Request, project: str, zone: str, name: str) -> Any:
        self.check_zone(project, zone)
        return self.machine_type_view(project, zone, name)

    def image_view(self, project: str, name: str) -> dict[str, Any]:
        family = IMAGES.get(project, {}).get(name)
        if family is None:
            raise not_found(f"projects/{project}/global/images/{name}")
        return {
            "kind": "compute#image",
            "id": str(abs(hash(name)) % 10**12),
            "name": name,
            "family": family,
            "status": "READY",
            "diskSizeGb": "10",
            "architecture": "X86_64",
            "creationTimestamp": "2024-11-19T00:00:00.000-08:00",
            "selfLink": self.link(project, "global", "images", name),
        }

    def list_images(self, request: Request, project: str) -> Any:
        views = [self.image_view(project, name) for name in IMAGES.get(project, {})]
        items, token = page(request, views)
        return {"kind": "compute#imageList", "items": items, "nextPageToken": token}

    def get_image(self, request: Request, project: str, name: str) -> Any:
        return self.image_view(project, name)

    def get_image_family(self, request: Request, project: str, family: str) -> Any:
        for name, its_family in IMAGES.get(project, {}).items():
            if its_family == family:
                return self.image_view(project, name)
        raise not_found(f"projects/{project}/global/images/family/{family}")

    def resolve_image(self, project: str, source: str) -> dict[str, Any]:
        """A boot disk's `sourceImage` (URL, `projects/P/global/images[/family]/X`, or
        `global/images/X` in the caller's project) -> the image; unknown is notFound."""
        path = source.split("/compute/v1/", 1)[-1]
        parts = path.split("/")
        owner = parts[1] if parts[0] == "projects" and len(parts) > 1 else project
        name = last_segment(path)
        if "family" in parts:
            for image, family in IMAGES.get(owner, {}).items():
                if family == name:
                    return self.image_view(owner, image)
            raise not_found(f"projects/{owner}/global/images/family/{name}")
        try:
            return self.image_view(owner, name)
        except CloudError:
            raise invalid_image(source) from None


def invalid_image(source: str) -> CloudError:
    return CloudError(
        400,
        "invalid",
        f"Invalid value for field 'resource.disks[0].initializeParams.sourceImage': "
        f"'{source}'. The referenced image resource cannot be found.",
    )
