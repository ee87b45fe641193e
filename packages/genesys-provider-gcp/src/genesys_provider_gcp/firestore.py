"""Database, engine mongodb: Firestore (Enterprise edition) with MongoDB compatibility, through
the Firestore Admin API (google-cloud-firestore's firestore_admin_v1 over REST).

A database's id is `databases/<name>` (the tail of its resource name; a Cloud SQL instance
name never holds a '/'), so the Databases kind tells the two services apart by id.

Creating makes an ENTERPRISE-edition FIRESTORE_NATIVE database (the MongoDB-compatible API
is on by default there) in the region, or in its multi-region (nam5, eur3) for multi_az; then
the user creds named `username` (default `admin`): Firestore generates the SCRAM password and
returns it once (create or reset), so it is kept in the resource's private bytes. The user
connects to `mongodb://USER:PASSWORD@UID.LOCATION.firestore.goog:443/NAME?loadBalanced=true
&authMechanism=SCRAM-SHA-256&tls=true&retryWrites=false`; the user creds' IAM principal
(provider_data.user_principal) still needs a role (roles/datastore.user) on the project,
which this plugin does not grant.

`backup.retention_days` is the database's daily backup schedule (retention N days; none when
0), read back from it. Firestore has no size, version or storage to provision, no backup
window and its databases take no labels: size, version, storage_gb, the window and tags are
kept as written (private bytes) so a refresh shows no drift; the plan warns about each.
Without labels a create cannot leave a token marker: a retried create after a crash claims
the database of its name only when the core says it resumes an interrupted create
(handlers.resuming_interrupted).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import resuming_interrupted
from genesys_plugin_sdk.reads import read_each

from genesys_provider_gcp import tables
from genesys_provider_gcp.clients import GcpClients
from genesys_provider_gcp.common import private_json, read_private, struct
from genesys_provider_gcp.errors import TRANSLATOR, typed

ID_PREFIX = "databases/"


def is_firestore_id(resource_id: str) -> bool:
    return resource_id.startswith(ID_PREFIX)


def kept_config(config: pb.DatabaseConfig, username: str, password: str) -> dict[str, Any]:
    """What Firestore does not hold, as the config wrote it (read back by database_from)."""
    return {
        "username": username,
        "password": password,
        "version": config.version,
        "size": int(config.size),
        "storage_gb": config.storage_gb,
        "window": config.backup.window,
        "tags": dict(config.tags),
    }


def retention_days(schedules: list[Any]) -> int:
    """The retention of the daily backup schedule, in days (0: none)."""
    for schedule in schedules:
        if "daily_recurrence" in schedule:
            return int(schedule.retention.total_seconds() // 86400)
    return 0


def database_from(
    raw: Any, private: bytes = b"", schedules: list[Any] | None = None
) -> pb.Database:
    kept = read_private(private)
    days = retention_days(schedules or [])
    name = raw.name.rsplit("/", 1)[-1]
    username = str(kept.get("username", ""))
    location = raw.location_id
    return pb.Database(
        id=ID_PREFIX + name,
        name=name,
        engine=pb.DATABASE_ENGINE_MONGODB,
        version=str(kept.get("version", "")),
        size=int(kept.get("size", 0)),  # type: ignore[arg-type]
        provider_class=tables.MONGODB_CLASS,
        storage_gb=int(kept.get("storage_gb", 0)),
        multi_az=location in tables.FIRESTORE_MULTI_REGIONS.values(),
        backup=pb.BackupConfig(retention_days=days, window=str(kept.get("window", ""))),
        endpoint=tables.mongodb_endpoint(raw.uid, location),
        port=tables.DATABASE_PORTS["mongodb"],
        username=username,
        password=str(kept.get("password", "")),
        state="available",
        tags=dict(kept.get("tags") or {}),
        provider_data=struct(
            {
                "uid": raw.uid,
                "location": location,
                "edition": _enum_name(raw.database_edition),
                "mongodb_api": _enum_name(raw.mongodb_compatible_data_access_mode),
                "connection_string": tables.mongodb_connection_string(
                    raw.uid, location, name, username or "USER"
                ),
                "user_principal": str(kept.get("principal", "")),
            }
        ),
        private=private,
    )


def _enum_name(value: Any) -> str:
    return str(getattr(value, "name", value) or "")


class FirestoreDatabases:
    """The mongodb half of the Databases kind (its verbs, called by database.Databases)."""

    def __init__(self, clients: GcpClients) -> None:
        self.clients = clients

    @property
    def api(self) -> Any:
        return self.clients.firestore_admin()

    def _name(self, resource_id: str) -> str:
        return f"projects/{self.clients.project}/{resource_id}"

    def _settle(self, operation: Any) -> Any:
        from google.api_core.future.polling import DEFAULT_POLLING

        settings = self.clients.settings
        polling = DEFAULT_POLLING.with_delay(
            initial=0.05, maximum=max(settings.poll_interval, 0.05), multiplier=2
        ).with_timeout(settings.wait_timeout)
        return operation.result(timeout=settings.wait_timeout, polling=polling)

    def read(self, resource_id: str, private: bytes) -> pb.Database | None:
        try:
            raw = self.api.get_database(name=self._name(resource_id))
            schedules = self._schedules(raw.name)
        except Exception as exc:
            if isinstance(typed(exc), errors.NotFound):
                return None
            raise
        return database_from(raw, private, schedules)

    def _schedules(self, database: str) -> list[Any]:
        return list(self.api.list_backup_schedules(parent=database).backup_schedules)

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        if len(ids) <= 2:
            return read_each(
                self.clients.pool, ids, lambda i: self.read(i, privates.get(i, b"")), TRANSLATOR
            )
        # Many: one ListDatabases (every database of the project at once), then each one's
        # backup schedules, those calls in flight together.
        wanted = {ID_PREFIX + raw.name.rsplit("/", 1)[-1]: raw for raw in self._list_raw()}
        found: dict[str, Any] = {}
        mine = [wanted[i] for i in ids if i in wanted]
        for raw, schedules in self.clients.pool.fan_out(lambda r: self._schedules(r.name), mine):
            resource_id = ID_PREFIX + raw.name.rsplit("/", 1)[-1]
            if isinstance(schedules, Exception):
                found[resource_id] = TRANSLATOR.typed(schedules)
                continue
            found[resource_id] = database_from(raw, privates.get(resource_id, b""), schedules)
        return found

    def _list_raw(self) -> list[Any]:
        parent = f"projects/{self.clients.project}"
        return list(self.api.list_databases(parent=parent).databases)

    def create(self, config: pb.DatabaseConfig) -> pb.Database:
        from google.cloud.firestore_admin_v1.types import Database

        try:
            location = tables.firestore_location(self.clients.region, config.multi_az)
        except KeyError:
            raise errors.InvalidArgument(
                f"no Firestore multi-region for {self.clients.region}; multi_az needs one of "
                f"{', '.join(tables.FIRESTORE_MULTI_REGIONS)}",
                attribute_path="config.multi_az",
            ) from None
        database = Database(
            location_id=location,
            type_=Database.DatabaseType.FIRESTORE_NATIVE,
            database_edition=Database.DatabaseEdition.ENTERPRISE,
        )
        request = {
            "parent": f"projects/{self.clients.project}",
            "database": database,
            "database_id": config.name,
        }
        try:
            self._settle(self.api.create_database(request=request))
        except Exception as exc:
            # No label to find a crashed create's database by: the core says when to claim it.
            if not (isinstance(typed(exc), errors.AlreadyExists) and resuming_interrupted()):
                raise
        resource_id = ID_PREFIX + config.name
        username = config.username or tables.MONGODB_DEFAULT_USER
        password, principal = self._user(resource_id, username)
        self._set_backup(resource_id, config.backup.retention_days)
        kept = {**kept_config(config, username, password), "principal": principal}
        found = self.read(resource_id, private_json(kept))
        if found is None:
            raise errors.Unavailable(f"Firestore database {config.name} vanished after create")
        return found

    def _user(self, resource_id: str, username: str) -> tuple[str, str]:
        """(password, IAM principal) of fresh user creds; existing ones get a new password."""
        parent = self._name(resource_id)
        try:
            creds = self.api.create_user_creds(
                request={"parent": parent, "user_creds": {}, "user_creds_id": username}
            )
        except Exception as exc:
            if not isinstance(typed(exc), errors.AlreadyExists):
                raise
            creds = self.api.reset_user_password(name=f"{parent}/userCreds/{username}")
        return creds.secure_password, creds.resource_identity.principal

    def _set_backup(self, resource_id: str, days: int) -> None:
        """The daily backup schedule made, changed or removed to keep `days` of backups."""
        import datetime

        from google.cloud.firestore_admin_v1.types import BackupSchedule

        parent = self._name(resource_id)
        daily = [s for s in self._schedules(parent) if "daily_recurrence" in s]
        retention = datetime.timedelta(days=days)
        if daily and not days:
            self.api.delete_backup_schedule(name=daily[0].name)
        elif daily and daily[0].retention != retention:
            wanted = BackupSchedule(name=daily[0].name, retention=retention)
            self.api.update_backup_schedule(
                backup_schedule=wanted, update_mask={"paths": ["retention"]}
            )
        elif days and not daily:
            schedule = BackupSchedule(retention=retention, daily_recurrence={})
            self.api.create_backup_schedule(parent=parent, backup_schedule=schedule)

    def update(self, request: Any) -> pb.Database:
        """The backup schedule follows retention_days; the rest is the kept config."""
        self._set_backup(request.id, request.config.backup.retention_days)
        kept = read_private(request.private)
        fresh = kept_config(request.config, kept.get("username", ""), kept.get("password", ""))
        private = private_json({**kept, **fresh, "principal": kept.get("principal", "")})
        found = self.read(request.id, private)
        if found is None:
            raise errors.NotFound(f"Firestore database {request.id} not found")
        return found

    def delete(self, resource_id: str) -> None:
        self._settle(self.api.delete_database(name=self._name(resource_id)))

    def list(self) -> Iterator[pb.Database]:
        """Discovery's mongodb databases; none where the Firestore API is not enabled
        (403), so Cloud SQL's are still listed."""
        try:
            listed = self._list_raw()
        except Exception as exc:
            if isinstance(typed(exc), errors.PermissionDenied):
                return iter(())
            raise
        return (database_from(raw) for raw in listed if _is_mongodb(raw))


def _is_mongodb(raw: Any) -> bool:
    return _enum_name(raw.mongodb_compatible_data_access_mode) == "DATA_ACCESS_MODE_ENABLED"
