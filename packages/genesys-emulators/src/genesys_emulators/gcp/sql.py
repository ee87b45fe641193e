"""Cloud SQL Admin API: instances, databases, users and their `sql#operation`s.

Served under both `/sql/v1beta4/` (the REST paths of google-cloud-sql's sqladmin_v1beta4) and
`/v1/` (the v1 REST surface). Tiers are checked as Cloud SQL checks them (db-f1-micro,
db-g1-small, db-n1-standard/highmem-N, db-custom-CPUS-MEMORY_MB with 0.9 to 6.5 GB per vCPU in
256 MB steps); an instance is PENDING_CREATE until its operation is done, then RUNNABLE.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from genesys_emulators.core import CloudError, FaultPlan, Operations, ServiceApp, Store
from genesys_emulators.core.operations import Operation, Transition
from genesys_emulators.gcp.common import DIALECT, REGIONS, check_labels, invalid, now, required

# Enum names by number: the SDKs send `$alt=json;enum-encoding=int`, so enums arrive as numbers.
DATABASE_VERSIONS: dict[int, str] = {
    9: "POSTGRES_9_6",
    18: "POSTGRES_10",
    10: "POSTGRES_11",
    19: "POSTGRES_12",
    23: "POSTGRES_13",
    110: "POSTGRES_14",
    172: "POSTGRES_15",
    272: "POSTGRES_16",
    408: "POSTGRES_17",
    6: "MYSQL_5_7",
    20: "MYSQL_8_0",
    398: "MYSQL_8_4",
    26: "SQLSERVER_2019_STANDARD",
    199: "SQLSERVER_2022_STANDARD",
}
AVAILABILITY_TYPES = {0: "ZONAL", 1: "ZONAL", 2: "REGIONAL"}


def enum_name(value: Any, names: dict[int, str], field: str) -> str:
    """An enum given by name or number, as its name; unknown ones are the API's 400."""
    if isinstance(value, int) and value in names:
        return names[value]
    if isinstance(value, str) and value in names.values():
        return value
    raise invalid(f"Invalid request: Invalid value for {field} ({value}).")


_NAMED_TIERS = {"db-f1-micro", "db-g1-small"}
_TIER = re.compile(r"^db-(n1-(standard|highmem)-(1|2|4|8|16|32|64|96)|custom-(\d+)-(\d+))$")
_INSTANCE_NAME = re.compile(r"^[a-z]([-a-z0-9]{0,96}[a-z0-9])?$")


def _routes(prefix: str) -> list[Rule]:
    p = f"{prefix}/projects/<project>"
    i = f"{p}/instances/<instance>"
    return [
        Rule(f"{p}/instances", methods=["GET"], endpoint="list_instances"),
        Rule(f"{p}/instances", methods=["POST"], endpoint="insert_instance"),
        Rule(i, methods=["GET"], endpoint="get_instance"),
        Rule(i, methods=["PATCH"], endpoint="patch_instance"),
        Rule(i, methods=["DELETE"], endpoint="delete_instance"),
        Rule(f"{i}/databases", methods=["GET"], endpoint="list_databases"),
        Rule(f"{i}/databases", methods=["POST"], endpoint="insert_database"),
        Rule(f"{i}/databases/<database>", methods=["GET"], endpoint="get_database"),
        Rule(f"{i}/databases/<database>", methods=["DELETE"], endpoint="delete_database"),
        Rule(f"{i}/users", methods=["GET"], endpoint="list_users"),
        Rule(f"{i}/users", methods=["POST"], endpoint="insert_user"),
        Rule(f"{i}/users", methods=["PUT"], endpoint="update_user"),
        Rule(f"{i}/users", methods=["DELETE"], endpoint="delete_user"),
        Rule(f"{i}/users/<name>", methods=["GET"], endpoint="get_user"),
        Rule(f"{p}/operations/<operation>", methods=["GET"], endpoint="get_operation"),
        Rule(f"{p}/operations", methods=["GET"], endpoint="list_operations"),
    ]


def check_tier(tier: Any) -> str:
    if not tier:
        raise required("settings.tier")
    text = str(tier)
    match = _TIER.match(text)
    if text in _NAMED_TIERS or (match and not match.group(4)):
        return text
    if match:
        cpus, memory = int(match.group(4)), int(match.group(5))
        per_cpu = memory / cpus if cpus else 0
        if (cpus == 1 or cpus % 2 == 0) and memory % 256 == 0 and 921.6 <= per_cpu <= 6656:
            return text
    raise invalid(f"Invalid request: Invalid Tier ({text}) for (POSTGRES or MYSQL)", "invalid")


def _not_found(kind: str, name: str) -> CloudError:
    if kind == "instance":
        return CloudError(404, "instanceDoesNotExist", "The Cloud SQL instance does not exist.")
    return CloudError(404, "notFound", f"The {kind} '{name}' does not exist.")


class SqlAdminApp(ServiceApp):
    dialect = DIALECT
    rules = (*_routes("/sql/v1beta4"), *_routes("/v1"))

    def __init__(self, faults: FaultPlan | None = None) -> None:
        super().__init__(faults)
        self.store = Store()
        self.operations = Operations()
        self.transitions: dict[str, Transition] = {}

    # ------------------------------------------------------------ helpers

    def _link(self, project: str, *parts: str) -> str:
        return f"{self.base_url}/sql/v1beta4/projects/{project}/" + "/".join(parts)

    def _operation(self, project: str, instance: str, kind: str, effect: Any = None) -> Any:
        op = self.operations.start(kind, instance, on_done=effect, op_id=str(uuid.uuid4()))
        op.record.update(
            {
                "kind": "sql#operation",
                "name": op.id,
                "operationType": kind,
                "targetId": instance,
                "targetProject": project,
                "targetLink": self._link(project, "instances", instance),
                "insertTime": now(),
                "startTime": now(),
                "user": "genesys-emulator@example.com",
                "selfLink": self._link(project, "operations", op.id),
            }
        )
        return self._operation_view(op)

    @staticmethod
    def _operation_view(op: Operation) -> dict[str, Any]:
        view = dict(op.record, status="DONE" if op.done else "RUNNING")
        if op.done:
            view["endTime"] = op.record.setdefault("endTime", now())
        if op.error is not None:
            view["error"] = {
                "kind": "sql#operationErrors",
                "errors": [
                    {
                        "kind": "sql#operationError",
                        "code": op.error.code,
                        "message": op.error.message,
                    }
                ],
            }
        return view

    def get_operation(self, request: Request, project: str, operation: str) -> Any:
        op = self.operations.poll(operation)
        if op is None:
            raise CloudError(
                404, "operationDoesNotExist", "The Cloud SQL operation does not exist."
            )
        return self._operation_view(op)

    def list_operations(self, request: Request, project: str) -> Any:
        items = [
            self._operation_view(op)
            for op in self.operations.all()
            if op.record.get("targetProject") == project
        ]
        return {"kind": "sql#operationsList", "items": items}

    def _instance(self, project: str, name: str) -> dict[str, Any]:
        return self.store.get(
            "instances", f"{project}/{name}", lambda: _not_found("instance", name)
        )

    def _view(self, record: dict[str, Any]) -> dict[str, Any]:
        view = {k: v for k, v in record.items() if not k.startswith("_")}
        view["state"] = self.transitions[record["_key"]].current()
        return view

    def _runnable(self, record: dict[str, Any]) -> None:
        if self.transitions[record["_key"]].current() != "RUNNABLE":
            raise CloudError(
                409,
                "operationInProgress",
                "Operation failed because another operation was already in progress.",
            )

    # ------------------------------------------------------------ instances

    def _settings(
        self, body: dict[str, Any], prior: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        settings = dict(prior or {})
        given = body.get("settings") or {}
        settings.update(given)
        settings["tier"] = check_tier(settings.get("tier"))
        settings["userLabels"] = check_labels(settings.get("userLabels"), "settings.userLabels")
        size = str(settings.get("dataDiskSizeGb") or "10")
        if not size.isdigit() or not 10 <= int(size) <= 65536:
            raise invalid(f"Invalid request: Invalid data disk size ({size} GB); 10 to 65536.")
        if prior and int(size) < int(prior.get("dataDiskSizeGb", "10")):
            raise invalid("Invalid request: Disk size cannot be decreased.")
        settings["dataDiskSizeGb"] = size
        settings["availabilityType"] = enum_name(
            settings.get("availabilityType") or "ZONAL", AVAILABILITY_TYPES, "availabilityType"
        )
        settings.setdefault("dataDiskType", "PD_SSD")
        settings["settingsVersion"] = str(int(settings.get("settingsVersion", "0")) + 1)
        settings["kind"] = "sql#settings"
        return settings

    def insert_instance(self, request: Request, project: str) -> Any:
        body = self.json_body(request)
        name = body.get("name") or ""
        if not name:
            raise required("name")
        if not _INSTANCE_NAME.match(name):
            raise invalid(f"Invalid request: instance name ({name}).")
        version = enum_name(body.get("databaseVersion") or 20, DATABASE_VERSIONS, "databaseVersion")
        region = body.get("region") or "us-central1"
        if region not in REGIONS:
            raise invalid(f"Invalid request: region ({region}) is not valid.")
        record = self._new_instance(project, name, version, region, body)
        with self.store.lock:
            if self.store.find("instances", record["_key"]):
                raise CloudError(
                    409, "instanceAlreadyExists", "The Cloud SQL instance already exists."
                )
            self.store.put("instances", record["_key"], record)
            self.transitions[record["_key"]] = Transition(("PENDING_CREATE", "RUNNABLE"))
        return self._operation(project, name, "CREATE")

    def _new_instance(
        self, project: str, name: str, version: str, region: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        number = int(self.store.new_id()) % 250
        engine_port = 5432 if version.startswith("POSTGRES") else 3306
        return {
            "_key": f"{project}/{name}",
            "_port": engine_port,
            "kind": "sql#instance",
            "name": name,
            "project": project,
            "region": region,
            "gceZone": f"{region}-a",
            "databaseVersion": version,
            "settings": self._settings(body),
            "ipAddresses": [
                {"type": "PRIMARY", "ipAddress": f"34.122.{number}.{number % 200 + 20}"}
            ],
            "connectionName": f"{project}:{region}:{name}",
            "instanceType": "CLOUD_SQL_INSTANCE",
            "backendType": "SECOND_GEN",
            "createTime": now(),
            "serviceAccountEmailAddress": f"p-{name}@gcp-sa-cloud-sql.iam.gserviceaccount.com",
            "selfLink": self._link(project, "instances", name),
        }

    def get_instance(self, request: Request, project: str, instance: str) -> Any:
        return self._view(self._instance(project, instance))

    def list_instances(self, request: Request, project: str) -> Any:
        items = [self._view(r) for r in self.store.values("instances") if r["project"] == project]
        items.sort(key=lambda r: r["name"])
        return {"kind": "sql#instancesList", "items": items}

    def patch_instance(self, request: Request, project: str, instance: str) -> Any:
        record = self._instance(project, instance)
        self._runnable(record)
        body = self.json_body(request)
        if body.get("databaseVersion"):
            body["databaseVersion"] = enum_name(
                body["databaseVersion"], DATABASE_VERSIONS, "databaseVersion"
            )
        settings = self._settings(body, record["settings"])

        def change() -> None:
            record["settings"] = settings
            if body.get("databaseVersion"):
                record["databaseVersion"] = body["databaseVersion"]

        return self._operation(project, instance, "UPDATE", change)

    def delete_instance(self, request: Request, project: str, instance: str) -> Any:
        record = self._instance(project, instance)
        if record["settings"].get("deletionProtectionEnabled"):
            raise invalid(
                "The instance is protected from deletion; disable deletion protection first."
            )
        with self.store.lock:
            self.store.remove("instances", record["_key"])
            for collection in ("databases", "users"):
                for key in [
                    k
                    for k in self.store.collection(collection)
                    if k.startswith(record["_key"] + "/")
                ]:
                    self.store.remove(collection, key)
        return self._operation(project, instance, "DELETE")

    # ------------------------------------------------------------ databases and users

    def insert_database(self, request: Request, project: str, instance: str) -> Any:
        record = self._instance(project, instance)
        self._runnable(record)
        body = self.json_body(request)
        name = body.get("name") or ""
        if not name:
            raise required("name")
        database = {
            "kind": "sql#database",
            "name": name,
            "instance": instance,
            "project": project,
            "charset": body.get("charset") or "UTF8",
            "collation": body.get("collation") or "en_US.UTF8",
            "selfLink": self._link(project, "instances", instance, "databases", name),
        }
        self.store.insert(
            "databases",
            f"{record['_key']}/{name}",
            database,
            lambda: CloudError(409, "databaseAlreadyExists", f"Database '{name}' already exists."),
        )
        return self._operation(project, instance, "CREATE_DATABASE")

    def get_database(self, request: Request, project: str, instance: str, database: str) -> Any:
        record = self._instance(project, instance)
        return self.store.get(
            "databases", f"{record['_key']}/{database}", lambda: _not_found("database", database)
        )

    def list_databases(self, request: Request, project: str, instance: str) -> Any:
        record = self._instance(project, instance)
        items = [
            d
            for d in self.store.values("databases")
            if d["instance"] == instance and d["project"] == project
        ]
        return {
            "kind": "sql#databasesList",
            "items": sorted(items, key=lambda d: d["name"]) if record else [],
        }

    def delete_database(self, request: Request, project: str, instance: str, database: str) -> Any:
        record = self._instance(project, instance)
        if self.store.remove("databases", f"{record['_key']}/{database}") is None:
            raise _not_found("database", database)
        return self._operation(project, instance, "DELETE_DATABASE")

    def _user_view(self, user: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in user.items() if k != "password"}  # never returned

    def insert_user(self, request: Request, project: str, instance: str) -> Any:
        record = self._instance(project, instance)
        self._runnable(record)
        body = self.json_body(request)
        name = body.get("name") or ""
        if not name:
            raise required("name")
        user = {
            "kind": "sql#user",
            "name": name,
            "host": body.get("host", ""),
            "instance": instance,
            "project": project,
            "type": body.get("type") or "BUILT_IN",
            "password": body.get("password", ""),
        }
        self.store.insert(
            "users",
            f"{record['_key']}/{name}",
            user,
            lambda: CloudError(409, "userAlreadyExists", f"User '{name}' already exists."),
        )
        return self._operation(project, instance, "CREATE_USER")

    def get_user(self, request: Request, project: str, instance: str, name: str) -> Any:
        record = self._instance(project, instance)
        return self._user_view(
            self.store.get("users", f"{record['_key']}/{name}", lambda: _not_found("user", name))
        )

    def list_users(self, request: Request, project: str, instance: str) -> Any:
        self._instance(project, instance)
        items = [
            self._user_view(u)
            for u in self.store.values("users")
            if u["instance"] == instance and u["project"] == project
        ]
        return {"kind": "sql#usersList", "items": sorted(items, key=lambda u: u["name"])}

    def update_user(self, request: Request, project: str, instance: str) -> Any:
        record = self._instance(project, instance)
        name = request.args.get("name", "")
        user = self.store.get("users", f"{record['_key']}/{name}", lambda: _not_found("user", name))
        body = self.json_body(request)
        if "password" in body:
            user["password"] = body["password"]
        return self._operation(project, instance, "UPDATE_USER")

    def delete_user(self, request: Request, project: str, instance: str) -> Any:
        record = self._instance(project, instance)
        name = request.args.get("name", "")
        if self.store.remove("users", f"{record['_key']}/{name}") is None:
            raise _not_found("user", name)
        return self._operation(project, instance, "DELETE_USER")
