"""Firestore Admin v1 backup schedules (`projects/P/databases/D/backupSchedules/ID`), the
part of FirestoreAdminApp that keeps them: create (the id is assigned), get, list, patch
(`retention` and the recurrence), delete, all answered at once (no operation).

As the real API: `retention` is required, more than zero and at most 14 weeks; exactly one
recurrence, `dailyRecurrence` or `weeklyRecurrence` with its `day`; a database has at most
one daily and one weekly schedule. Schedules go with their database.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request

from genesys_emulators.core import CloudError, Store
from genesys_emulators.gcp.common import now

MAX_RETENTION_S = 14 * 7 * 24 * 3600
DAYS = {1: "MONDAY", 2: "TUESDAY", 3: "WEDNESDAY", 4: "THURSDAY", 5: "FRIDAY", 6: "SATURDAY"}
DAYS[7] = "SUNDAY"
_DURATION = re.compile(r"^(\d+)(\.\d+)?s$")


def _invalid(message: str) -> CloudError:
    return CloudError(400, "INVALID_ARGUMENT", message)


def _retention(value: Any) -> str:
    found = _DURATION.match(str(value or ""))
    if not found:
        raise _invalid("backup_schedule.retention is required (a duration such as '604800s').")
    seconds = int(found.group(1))
    if not 0 < seconds <= MAX_RETENTION_S:
        raise _invalid(
            f"Invalid backup_schedule.retention {value}: more than 0 and at most 14 weeks."
        )
    return f"{seconds}s"


def _recurrence(body: dict[str, Any]) -> dict[str, Any]:
    daily, weekly = body.get("dailyRecurrence"), body.get("weeklyRecurrence")
    if (daily is None) == (weekly is None):
        raise _invalid("Exactly one of daily_recurrence or weekly_recurrence must be set.")
    if daily is not None:
        return {"dailyRecurrence": {}}
    day = weekly.get("day") if isinstance(weekly, dict) else None
    name = DAYS.get(day) if isinstance(day, int) else day if day in DAYS.values() else None
    if name is None:
        raise _invalid("backup_schedule.weekly_recurrence.day is required (MONDAY to SUNDAY).")
    return {"weeklyRecurrence": {"day": name}}


class BackupSchedules:
    """Mixed into FirestoreAdminApp (which provides store, json_body and _record)."""

    store: Store
    json_body: Callable[[Request], dict[str, Any]]
    _record: Callable[[str, str], dict[str, Any]]

    def _schedules_of(self, database_name: str) -> list[dict[str, Any]]:
        prefix = f"{database_name}/backupSchedules/"
        found = [s for s in self.store.values("schedules") if s["name"].startswith(prefix)]
        return sorted(found, key=lambda s: s["createTime"])

    def _schedule(self, project: str, database: str, schedule: str) -> dict[str, Any]:
        name = f"{self._record(project, database)['name']}/backupSchedules/{schedule}"
        return self.store.get(
            "schedules",
            name,
            lambda: CloudError(404, "NOT_FOUND", f"Backup schedule '{name}' does not exist."),
        )

    def create_backup_schedule(self, request: Request, project: str, database: str) -> Any:
        record = self._record(project, database)
        body = self.json_body(request)
        recurrence = _recurrence(body)
        retention = _retention(body.get("retention"))
        kind = next(iter(recurrence))
        with self.store.lock:
            if any(kind in s for s in self._schedules_of(record["name"])):
                raise CloudError(
                    409, "ALREADY_EXISTS", f"The database already has a {kind[:-10]} schedule."
                )
            stamp = now()
            schedule = {
                "name": f"{record['name']}/backupSchedules/{uuid.uuid4()}",
                "createTime": stamp,
                "updateTime": stamp,
                "retention": retention,
                **recurrence,
            }
            self.store.put("schedules", schedule["name"], schedule)
        return schedule

    def get_backup_schedule(
        self, request: Request, project: str, database: str, schedule: str
    ) -> Any:
        return self._schedule(project, database, schedule)

    def list_backup_schedules(self, request: Request, project: str, database: str) -> Any:
        return {"backupSchedules": self._schedules_of(self._record(project, database)["name"])}

    def update_backup_schedule(
        self, request: Request, project: str, database: str, schedule: str
    ) -> Any:
        found = self._schedule(project, database, schedule)
        body = self.json_body(request)
        mask = [m for m in request.args.get("updateMask", "").split(",") if m] or ["retention"]
        changes: dict[str, Any] = {}
        for path in mask:
            if path == "retention":
                changes["retention"] = _retention(body.get("retention"))
            elif path in ("weekly_recurrence", "weeklyRecurrence") and "weeklyRecurrence" in found:
                changes.update(_recurrence({"weeklyRecurrence": body.get("weeklyRecurrence")}))
            else:
                raise _invalid(f"backup_schedule.{path} cannot be updated.")
        found.update(changes, updateTime=now())
        return found

    def delete_backup_schedule(
        self, request: Request, project: str, database: str, schedule: str
    ) -> Any:
        found = self._schedule(project, database, schedule)
        self.store.remove("schedules", found["name"])
        return {}
