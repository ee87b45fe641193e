"""`genesys-emulator gcp` Firestore Admin API: databases (Enterprise edition with the
MongoDB-compatible API, long-running operations) and user creds, through the real
google-cloud-firestore `firestore_admin_v1` client over REST; refusals as Firestore words
them."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from genesys_emulators.gcp.sdk import firestore_admin_client
from genesys_emulators.testing import running
from google.api_core import exceptions
from google.cloud.firestore_admin_v1 import types as admin

Database = admin.Database


@pytest.fixture(scope="module")
def ready():
    with running("gcp") as line:
        yield line


@pytest.fixture(scope="module")
def client(ready):
    return firestore_admin_client(ready["sdk"]["firestore"])


def enterprise(location: str = "us-central1") -> Database:
    return Database(
        location_id=location,
        type_=Database.DatabaseType.FIRESTORE_NATIVE,
        database_edition=Database.DatabaseEdition.ENTERPRISE,
    )


def test_an_enterprise_database_serves_the_mongodb_api_and_its_users(ready, client):
    parent = f"projects/{ready['account']}"
    made = client.create_database(
        request={"parent": parent, "database": enterprise(), "database_id": "orders"}
    ).result(timeout=10)
    assert made.name == f"{parent}/databases/orders"
    assert made.database_edition == Database.DatabaseEdition.ENTERPRISE
    enabled = Database.DataAccessMode.DATA_ACCESS_MODE_ENABLED
    assert made.mongodb_compatible_data_access_mode == enabled
    assert made.firestore_data_access_mode == Database.DataAccessMode.DATA_ACCESS_MODE_DISABLED
    assert made.concurrency_mode == Database.ConcurrencyMode.OPTIMISTIC
    assert len(made.uid) == 36 and made.location_id == "us-central1"
    assert client.get_database(name=made.name).uid == made.uid
    assert made.name in {d.name for d in client.list_databases(parent=parent).databases}

    user = client.create_user_creds(
        request={"parent": made.name, "user_creds": {}, "user_creds_id": "app-user"}
    )
    assert user.state == admin.UserCreds.State.ENABLED and len(user.secure_password) >= 16
    assert user.resource_identity.principal.endswith("/databases/orders/userCreds/app-user")
    read = client.get_user_creds(name=user.name)
    assert read.secure_password == ""  # only create and resetPassword return it
    reset = client.reset_user_password(name=user.name)
    assert reset.secure_password and reset.secure_password != user.secure_password
    assert client.disable_user_creds(name=user.name).state == admin.UserCreds.State.DISABLED
    assert [u.name for u in client.list_user_creds(parent=made.name).user_creds] == [user.name]
    with pytest.raises(exceptions.Conflict):
        client.create_user_creds(
            request={"parent": made.name, "user_creds": {}, "user_creds_id": "app-user"}
        )
    client.delete_user_creds(name=user.name)
    with pytest.raises(exceptions.NotFound):
        client.get_user_creds(name=user.name)

    gone = client.delete_database(name=made.name).result(timeout=10)
    assert gone.uid == made.uid
    with pytest.raises(exceptions.NotFound):
        client.get_database(name=made.name)


def test_what_firestore_refuses(ready, client):
    parent = f"projects/{ready['account']}"
    with pytest.raises(exceptions.BadRequest, match="database_id"):
        client.create_database(
            request={"parent": parent, "database": enterprise(), "database_id": "db"}
        )
    with pytest.raises(exceptions.BadRequest, match="not a Firestore location"):
        client.create_database(
            request={"parent": parent, "database": enterprise("mars1"), "database_id": "faraway"}
        )
    standard_mongo = Database(
        location_id="us-central1",
        type_=Database.DatabaseType.FIRESTORE_NATIVE,
        database_edition=Database.DatabaseEdition.STANDARD,
        mongodb_compatible_data_access_mode=Database.DataAccessMode.DATA_ACCESS_MODE_ENABLED,
    )
    with pytest.raises(exceptions.BadRequest, match="Enterprise edition"):
        client.create_database(
            request={"parent": parent, "database": standard_mongo, "database_id": "standard-mongo"}
        )
    protected = enterprise()
    protected.delete_protection_state = Database.DeleteProtectionState.DELETE_PROTECTION_ENABLED
    made = client.create_database(
        request={"parent": parent, "database": protected, "database_id": "kept"}
    ).result(timeout=10)
    with pytest.raises(exceptions.Conflict, match="already exists"):
        client.create_database(
            request={"parent": parent, "database": enterprise(), "database_id": "kept"}
        )
    with pytest.raises(exceptions.BadRequest, match="delete protected"):
        client.delete_database(name=made.name)
    update = Database(
        name=made.name,
        delete_protection_state=Database.DeleteProtectionState.DELETE_PROTECTION_DISABLED,
    )
    client.update_database(
        request={"database": update, "update_mask": {"paths": ["delete_protection_state"]}}
    ).result(timeout=10)
    moved = Database(name=made.name, location_id="us-east1")
    with pytest.raises(exceptions.BadRequest, match="cannot be updated"):
        client.update_database(
            request={"database": moved, "update_mask": {"paths": ["location_id"]}}
        )
    client.delete_database(name=made.name).result(timeout=10)


def test_standard_databases_have_no_user_creds_and_errors_carry_the_grpc_status(ready, client):
    parent = f"projects/{ready['account']}"
    standard = Database(location_id="nam5", type_=Database.DatabaseType.FIRESTORE_NATIVE)
    made = client.create_database(
        request={"parent": parent, "database": standard, "database_id": "plain"}
    ).result(timeout=10)
    assert made.database_edition == Database.DatabaseEdition.STANDARD
    with pytest.raises(exceptions.BadRequest, match="Enterprise edition"):
        client.create_user_creds(
            request={"parent": made.name, "user_creds": {}, "user_creds_id": "app"}
        )
    url = f"{ready['sdk']['firestore']}/v1/{made.name}/userCreds?userCredsId=appuser"
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(urllib.request.Request(url, data=b"{}", method="POST"))
    body = json.loads(raised.value.read())["error"]
    assert (body["code"], body["status"]) == (400, "FAILED_PRECONDITION")
    client.delete_database(name=made.name).result(timeout=10)


def test_backup_schedules_daily_and_weekly_with_the_api_rules(ready, client):
    import datetime

    parent = f"projects/{ready['account']}"
    made = client.create_database(
        request={"parent": parent, "database": enterprise(), "database_id": "backed-up"}
    ).result(timeout=10)
    week = datetime.timedelta(days=7)
    daily = client.create_backup_schedule(
        parent=made.name,
        backup_schedule=admin.BackupSchedule(retention=week, daily_recurrence={}),
    )
    assert daily.name.startswith(f"{made.name}/backupSchedules/")
    assert daily.retention == week and "daily_recurrence" in daily
    weekly = client.create_backup_schedule(
        parent=made.name,
        backup_schedule=admin.BackupSchedule(
            retention=datetime.timedelta(weeks=14), weekly_recurrence={"day": 1}
        ),
    )
    assert weekly.weekly_recurrence.day == 1  # MONDAY
    with pytest.raises(exceptions.Conflict, match="already has a daily schedule"):
        client.create_backup_schedule(
            parent=made.name,
            backup_schedule=admin.BackupSchedule(retention=week, daily_recurrence={}),
        )
    with pytest.raises(exceptions.BadRequest, match="at most 14 weeks"):
        client.create_backup_schedule(
            parent=made.name,
            backup_schedule=admin.BackupSchedule(
                retention=datetime.timedelta(weeks=15), weekly_recurrence={"day": 2}
            ),
        )
    longer = admin.BackupSchedule(name=daily.name, retention=datetime.timedelta(days=30))
    updated = client.update_backup_schedule(
        backup_schedule=longer, update_mask={"paths": ["retention"]}
    )
    assert updated.retention == datetime.timedelta(days=30)
    listed = client.list_backup_schedules(parent=made.name).backup_schedules
    assert [s.name for s in listed] == [daily.name, weekly.name]
    client.delete_backup_schedule(name=weekly.name)
    with pytest.raises(exceptions.NotFound):
        client.get_backup_schedule(name=weekly.name)
    client.delete_database(name=made.name).result(timeout=10)
    with pytest.raises(exceptions.NotFound):
        client.get_backup_schedule(name=daily.name)
