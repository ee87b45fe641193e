"""Firestore Admin API v1 (`/v1/projects/P/databases/...`): databases, created, patched and
deleted as long-running operations, their user credentials - the SCRAM users of Firestore
with MongoDB compatibility - and their backup schedules (firestore_backups.py).

What the real API insists on is insisted on here: a database id of 4 to 63 characters
([a-z0-9-], a letter first, not UUID-like) or `(default)`; `locationId` and `type` required;
the MongoDB-compatible API only on an ENTERPRISE-edition FIRESTORE_NATIVE database (where it
is on by default); `locationId`, `type` and `databaseEdition` immutable; no delete while
delete protection is on; user creds only on Enterprise databases, their password returned
by create and resetPassword alone.

Firestore answers errors without the older `errors` list, with the gRPC status name:
`{"error": {"code": 409, "message": "...", "status": "ALREADY_EXISTS"}}`. The SDKs send enums
as numbers (`$alt=json;enum-encoding=int`); this service takes numbers or names and answers
names.
"""

from __future__ import annotations

import re
import secrets
import uuid
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from genesys_emulators.core import CloudError, FaultPlan, Operations, ServiceApp, Store
from genesys_emulators.core.operations import Operation
from genesys_emulators.gcp.common import REGIONS, GcpDialect, now
from genesys_emulators.gcp.firestore_backups import BackupSchedules

P = "/v1/projects/<project>/databases"
D = f"{P}/<database>"
U = f"{D}/userCreds"
B = f"{D}/backupSchedules"
ADMIN = "type.googleapis.com/google.firestore.admin.v1"
# A project number for principals (the emulator's one project has no real number).
PROJECT_NUMBER = "100000000001"
# Multi-regions Firestore offers, beside single regions.
MULTI_REGIONS = {"nam5": "us-central1", "eur3": "europe-west1"}
_ID = re.compile(r"^[a-z][a-z0-9-]{2,61}[a-z0-9]$")
_UUID_LIKE = re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")
_GRPC_CODES = {400: 3, 404: 5, 409: 6, 403: 7, 429: 8, 500: 13, 503: 14}

ENUMS: dict[str, dict[int, str]] = {
    "type": {1: "FIRESTORE_NATIVE", 2: "DATASTORE_MODE"},
    "concurrencyMode": {1: "OPTIMISTIC", 2: "PESSIMISTIC", 3: "OPTIMISTIC_WITH_ENTITY_GROUPS"},
    "pointInTimeRecoveryEnablement": {
        1: "POINT_IN_TIME_RECOVERY_ENABLED",
        2: "POINT_IN_TIME_RECOVERY_DISABLED",
    },
    "appEngineIntegrationMode": {1: "ENABLED", 2: "DISABLED"},
    "deleteProtectionState": {1: "DELETE_PROTECTION_DISABLED", 2: "DELETE_PROTECTION_ENABLED"},
    "databaseEdition": {1: "STANDARD", 2: "ENTERPRISE"},
    "realtimeUpdatesMode": {
        1: "REALTIME_UPDATES_MODE_ENABLED",
        2: "REALTIME_UPDATES_MODE_DISABLED",
    },
    "firestoreDataAccessMode": {1: "DATA_ACCESS_MODE_ENABLED", 2: "DATA_ACCESS_MODE_DISABLED"},
    "mongodbCompatibleDataAccessMode": {
        1: "DATA_ACCESS_MODE_ENABLED",
        2: "DATA_ACCESS_MODE_DISABLED",
    },
}
MUTABLE = frozenset(
    {
        "deleteProtectionState",
        "pointInTimeRecoveryEnablement",
        "concurrencyMode",
        "appEngineIntegrationMode",
        "firestoreDataAccessMode",
        "mongodbCompatibleDataAccessMode",
    }
)
ENABLED, DISABLED = "DATA_ACCESS_MODE_ENABLED", "DATA_ACCESS_MODE_DISABLED"


def error(status: int, grpc_status: str, message: str) -> CloudError:
    """A Firestore error; its `code` is the gRPC status name the body carries."""
    return CloudError(status, grpc_status, message)


def invalid(message: str) -> CloudError:
    return error(400, "INVALID_ARGUMENT", message)


def precondition(message: str) -> CloudError:
    return error(400, "FAILED_PRECONDITION", message)


class FirestoreDialect(GcpDialect):
    def error_response(self, error: CloudError, request: Request) -> Response:
        status = error.code if error.code.isupper() else _STATUS_OF.get(error.status, "UNKNOWN")
        body = {"error": {"code": error.status, "message": error.message, "status": status}}
        return self.json_response(body, error.status, error.headers)


_STATUS_OF = {
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    503: "UNAVAILABLE",
    400: "INVALID_ARGUMENT",
}


def check_id(value: Any, what: str) -> str:
    text = str(value or "")
    if not text:
        raise invalid(f"{what} is required.")
    if text == "(default)" and what == "database_id":
        return text
    if not _ID.match(text) or _UUID_LIKE.search(text):
        raise invalid(
            f"Invalid {what} '{text}': it must be 4-63 characters of [a-z0-9-], start with a "
            "letter, end with a letter or a number, and not be UUID-like."
        )
    return text


def enum_value(field: str, value: Any) -> str:
    names = ENUMS[field]
    if isinstance(value, int) and value in names:
        return names[value]
    if isinstance(value, str) and value in names.values():
        return value
    raise invalid(f"Invalid value for database.{field}: {value!r}.")


def _enums(body: dict[str, Any]) -> dict[str, str]:
    return {k: enum_value(k, v) for k, v in body.items() if k in ENUMS and v not in (0, None)}


def _not_found(project: str, database: str) -> CloudError:
    return error(404, "NOT_FOUND", f"Project '{project}' or database '{database}' does not exist.")


class FirestoreAdminApp(BackupSchedules, ServiceApp):
    dialect = FirestoreDialect()
    rules = (
        Rule(P, methods=["GET"], endpoint="list_databases"),
        Rule(P, methods=["POST"], endpoint="create_database"),
        Rule(D, methods=["GET"], endpoint="get_database"),
        Rule(D, methods=["PATCH"], endpoint="update_database"),
        Rule(D, methods=["DELETE"], endpoint="delete_database"),
        Rule(f"{D}/operations/<operation>", methods=["GET"], endpoint="get_operation"),
        Rule(U, methods=["GET"], endpoint="list_user_creds"),
        Rule(U, methods=["POST"], endpoint="create_user_creds"),
        Rule(f"{U}/<user>", methods=["GET"], endpoint="get_user_creds"),
        Rule(f"{U}/<user>", methods=["DELETE"], endpoint="delete_user_creds"),
        Rule(f"{U}/<user>:resetPassword", methods=["POST"], endpoint="reset_password"),
        Rule(f"{U}/<user>:enable", methods=["POST"], endpoint="enable_user_creds"),
        Rule(f"{U}/<user>:disable", methods=["POST"], endpoint="disable_user_creds"),
        Rule(B, methods=["GET"], endpoint="list_backup_schedules"),
        Rule(B, methods=["POST"], endpoint="create_backup_schedule"),
        Rule(f"{B}/<schedule>", methods=["GET"], endpoint="get_backup_schedule"),
        Rule(f"{B}/<schedule>", methods=["PATCH"], endpoint="update_backup_schedule"),
        Rule(f"{B}/<schedule>", methods=["DELETE"], endpoint="delete_backup_schedule"),
    )

    def __init__(self, faults: FaultPlan | None = None) -> None:
        super().__init__(faults)
        self.store = Store()
        self.operations = Operations()

    # ------------------------------------------------------------ operations

    def _operation(self, database: str, metadata: str, result: Any) -> dict[str, Any]:
        """An operation on `database` (a resource name) whose response is `result()`."""
        op_id = f"{database}/operations/{uuid.uuid4().hex}"
        op = self.operations.start(metadata, database, op_id=op_id)
        op.record["result"] = result
        op.record["metadata"] = {"@type": f"{ADMIN}.{metadata}"}  # empty messages, as in v1
        return self._operation_view(op)

    def _operation_view(self, op: Operation) -> dict[str, Any]:
        view: dict[str, Any] = {"name": op.id, "metadata": op.record["metadata"], "done": op.done}
        if op.done and op.error is not None:
            view["error"] = {
                "code": _GRPC_CODES.get(op.error.status, 2),
                "message": op.error.message,
            }
        elif op.done:
            view["response"] = {"@type": f"{ADMIN}.Database", **op.record["result"]()}
        return view

    def get_operation(self, request: Request, project: str, database: str, operation: str) -> Any:
        name = f"projects/{project}/databases/{database}/operations/{operation}"
        op = self.operations.poll(name)
        if op is None:
            raise error(404, "NOT_FOUND", f"Operation '{name}' does not exist.")
        return self._operation_view(op)

    # ------------------------------------------------------------ databases

    def _record(self, project: str, database: str) -> dict[str, Any]:
        return self.store.get(
            "databases", f"{project}/{database}", lambda: _not_found(project, database)
        )

    @staticmethod
    def _view(record: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in record.items() if not k.startswith("_")}

    def _check_new(self, body: dict[str, Any]) -> dict[str, str]:
        location = body.get("locationId") or ""
        if not location:
            raise invalid("database.location_id is required.")
        if location not in REGIONS and location not in MULTI_REGIONS:
            raise invalid(f"Invalid locationId: '{location}' is not a Firestore location.")
        enums = _enums(body)
        if "type" not in enums:
            raise invalid("database.type is required.")
        edition = enums.setdefault("databaseEdition", "STANDARD")
        if edition == "ENTERPRISE" and enums["type"] != "FIRESTORE_NATIVE":
            raise invalid("The Enterprise edition is only offered in FIRESTORE_NATIVE mode.")
        if edition == "STANDARD" and enums.get("mongodbCompatibleDataAccessMode") == ENABLED:
            raise invalid(
                "The MongoDB compatible data access mode is only offered by Enterprise edition "
                "databases."
            )
        return enums

    def _new_record(self, project: str, database: str, body: dict[str, Any]) -> dict[str, Any]:
        enums = self._check_new(body)
        enterprise = enums["databaseEdition"] == "ENTERPRISE"
        defaults = {
            "concurrencyMode": "OPTIMISTIC" if enterprise else "PESSIMISTIC",
            "pointInTimeRecoveryEnablement": "POINT_IN_TIME_RECOVERY_DISABLED",
            "appEngineIntegrationMode": "DISABLED",
            "deleteProtectionState": "DELETE_PROTECTION_DISABLED",
            "firestoreDataAccessMode": DISABLED if enterprise else ENABLED,
            "mongodbCompatibleDataAccessMode": ENABLED if enterprise else DISABLED,
        }
        free = not any(
            r["freeTier"] for r in self.store.values("databases") if r["_project"] == project
        )
        stamp = now()
        return {
            "_project": project,
            "name": f"projects/{project}/databases/{database}",
            "uid": str(uuid.uuid4()),
            "createTime": stamp,
            "updateTime": stamp,
            "locationId": body["locationId"],
            **defaults,
            **enums,
            "versionRetentionPeriod": "3600s",
            "earliestVersionTime": stamp,
            "freeTier": free,
            "etag": uuid.uuid4().hex,
        }

    def create_database(self, request: Request, project: str) -> Any:
        database = check_id(request.args.get("databaseId"), "database_id")
        record = self._new_record(project, database, self.json_body(request))
        self.store.insert(
            "databases",
            f"{project}/{database}",
            record,
            lambda: error(
                409,
                "ALREADY_EXISTS",
                f"Database '{database}' already exists. Please use another database_id.",
            ),
        )
        return self._operation(record["name"], "CreateDatabaseMetadata", lambda: self._view(record))

    def get_database(self, request: Request, project: str, database: str) -> Any:
        return self._view(self._record(project, database))

    def list_databases(self, request: Request, project: str) -> Any:
        records = [
            self._view(r) for r in self.store.values("databases") if r["_project"] == project
        ]
        return {"databases": sorted(records, key=lambda r: r["name"])}

    def update_database(self, request: Request, project: str, database: str) -> Any:
        record = self._record(project, database)
        body = self.json_body(request)
        mask = [m for m in request.args.get("updateMask", "").split(",") if m]
        fields = [_camel(m) for m in mask] or [k for k in body if k in ENUMS]
        refused = [f for f in fields if f not in MUTABLE]
        if refused:
            raise invalid(f"database.{refused[0]} cannot be updated.")
        changes = {f: enum_value(f, body[f]) for f in fields if body.get(f) not in (None, 0)}
        if (
            record["databaseEdition"] == "STANDARD"
            and changes.get("mongodbCompatibleDataAccessMode") == ENABLED
        ):
            raise invalid(
                "The MongoDB compatible data access mode is only offered by Enterprise edition "
                "databases."
            )
        record.update(changes, updateTime=now(), etag=uuid.uuid4().hex)
        return self._operation(record["name"], "UpdateDatabaseMetadata", lambda: self._view(record))

    def delete_database(self, request: Request, project: str, database: str) -> Any:
        record = self._record(project, database)
        etag = request.args.get("etag")
        if etag and etag != record["etag"]:
            raise error(409, "ABORTED", "The etag does not match the database's current etag.")
        if record["deleteProtectionState"] == "DELETE_PROTECTION_ENABLED":
            raise precondition(
                f"Database '{database}' is delete protected: disable delete protection first."
            )
        with self.store.lock:
            self.store.remove("databases", f"{project}/{database}")
            mine = record["name"] + "/"
            for key in [k for k in self.store.collection("users") if k.startswith(mine)]:
                self.store.remove("users", key)
            for key in [k for k in self.store.collection("schedules") if k.startswith(mine)]:
                self.store.remove("schedules", key)
        gone = dict(self._view(record), deleteTime=now())
        return self._operation(record["name"], "DeleteDatabaseMetadata", lambda: gone)

    # ------------------------------------------------------------ user creds

    def _enterprise(self, project: str, database: str) -> dict[str, Any]:
        record = self._record(project, database)
        if record["databaseEdition"] != "ENTERPRISE":
            raise precondition("User creds are only offered by Enterprise edition databases.")
        return record

    def _user(self, project: str, database: str, user: str) -> dict[str, Any]:
        record = self._enterprise(project, database)
        name = f"{record['name']}/userCreds/{user}"
        return self.store.get(
            "users", name, lambda: error(404, "NOT_FOUND", f"User creds '{name}' do not exist.")
        )

    @staticmethod
    def _user_view(user: dict[str, Any], with_password: bool = False) -> dict[str, Any]:
        view = {k: v for k, v in user.items() if not k.startswith("_")}
        if with_password:
            view["securePassword"] = user["_password"]
        return view

    def create_user_creds(self, request: Request, project: str, database: str) -> Any:
        record = self._enterprise(project, database)
        user = check_id(request.args.get("userCredsId"), "user_creds_id")
        name = f"{record['name']}/userCreds/{user}"
        principal = (
            f"principal://firestore.googleapis.com/projects/{PROJECT_NUMBER}/name/databases/"
            f"{database}/userCreds/{user}"
        )
        creds = {
            "name": name,
            "createTime": now(),
            "updateTime": now(),
            "state": "ENABLED",
            "resourceIdentity": {"principal": principal},
            "_password": secrets.token_urlsafe(18),
        }
        self.store.insert(
            "users",
            name,
            creds,
            lambda: error(409, "ALREADY_EXISTS", f"User creds '{name}' already exist."),
        )
        return self._user_view(creds, with_password=True)

    def get_user_creds(self, request: Request, project: str, database: str, user: str) -> Any:
        return self._user_view(self._user(project, database, user))

    def list_user_creds(self, request: Request, project: str, database: str) -> Any:
        record = self._enterprise(project, database)
        prefix = f"{record['name']}/userCreds/"
        users = [
            self._user_view(u) for u in self.store.values("users") if u["name"].startswith(prefix)
        ]
        return {"userCreds": sorted(users, key=lambda u: u["name"])}

    def delete_user_creds(self, request: Request, project: str, database: str, user: str) -> Any:
        creds = self._user(project, database, user)
        self.store.remove("users", creds["name"])
        return {}

    def reset_password(self, request: Request, project: str, database: str, user: str) -> Any:
        creds = self._user(project, database, user)
        creds.update(_password=secrets.token_urlsafe(18), updateTime=now())
        return self._user_view(creds, with_password=True)

    def enable_user_creds(self, request: Request, project: str, database: str, user: str) -> Any:
        creds = self._user(project, database, user)
        creds.update(state="ENABLED", updateTime=now())
        return self._user_view(creds)

    def disable_user_creds(self, request: Request, project: str, database: str, user: str) -> Any:
        creds = self._user(project, database, user)
        creds.update(state="DISABLED", updateTime=now())
        return self._user_view(creds)


def _camel(path: str) -> str:
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), path)
