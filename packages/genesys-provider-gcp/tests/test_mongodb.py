"""engine: mongodb on GCP is Firestore (Enterprise edition) with MongoDB compatibility: the real
plugin over gRPC against `genesys-emulator gcp`, checked through google-cloud-firestore's
Firestore Admin client; planning (translation, warnings, cost) through PlanResources."""

from __future__ import annotations

from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import database_pb2, provider_pb2
from genesys_emulators.gcp.sdk import firestore_admin_client
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.batching import read_results
from google.api_core import exceptions


def mongodb(name: str, **fields: Any) -> pb.DatabaseConfig:
    return pb.DatabaseConfig(
        name=name, engine=pb.DATABASE_ENGINE_MONGODB, size=pb.SIZE_SMALL, storage_gb=20, **fields
    )


def test_a_mongodb_database_is_an_enterprise_firestore_database_with_its_user(
    conn: Any, ready: dict, suffix: str
) -> None:
    config = mongodb(f"docs-{suffix}", tags={"Team": "Data"}, username="app-user")
    made = conn.database.CreateDatabase(database_pb2.CreateDatabaseRequest(config=config))
    assert made.id == f"databases/docs-{suffix}" and made.engine == pb.DATABASE_ENGINE_MONGODB
    admin = firestore_admin_client(ready["sdk"]["firestore"])
    raw = admin.get_database(name=f"projects/{ready['account']}/{made.id}")
    assert (raw.database_edition.name, raw.mongodb_compatible_data_access_mode.name) == (
        "ENTERPRISE",
        "DATA_ACCESS_MODE_ENABLED",
    )
    assert raw.location_id == "us-central1" and raw.type_.name == "FIRESTORE_NATIVE"
    assert (made.endpoint, made.port) == (f"{raw.uid}.us-central1.firestore.goog", 443)
    assert made.username == "app-user" and len(made.password) >= 16
    assert (made.size, made.storage_gb, dict(made.tags)) == (pb.SIZE_SMALL, 20, {"Team": "Data"})
    (user,) = admin.list_user_creds(parent=raw.name).user_creds
    assert user.name.endswith("/userCreds/app-user") and user.state.name == "ENABLED"
    data = made.provider_data
    assert data["connection_string"] == (
        f"mongodb://app-user:PASSWORD@{raw.uid}.us-central1.firestore.goog:443/docs-{suffix}"
        "?loadBalanced=true&authMechanism=SCRAM-SHA-256&tls=true&retryWrites=false"
    )
    assert data["user_principal"] == user.resource_identity.principal

    again = database_pb2.CreateDatabaseRequest(config=config)
    with pytest.raises(errors.AlreadyExists):  # no token marker: only a resumed create claims it
        conn.database.CreateDatabase(again)
    resumed = database_pb2.CreateDatabaseRequest(
        config=config, idempotency_token=f"t-{suffix}", resume_interrupted=True
    )
    claimed = conn.database.CreateDatabase(resumed)
    assert claimed.id == made.id and claimed.password != made.password  # a fresh password
    assert admin.get_database(name=raw.name).uid == raw.uid
    made = claimed

    config.tags["Team"] = "Search"
    update = database_pb2.UpdateDatabaseRequest(
        id=made.id, private=made.private, config=config, changed=["tags"]
    )
    updated = conn.database.UpdateDatabase(update)
    assert dict(updated.tags) == {"Team": "Search"} and updated.password == made.password
    assert admin.get_database(name=raw.name).uid == raw.uid  # in place

    conn.database.DeleteDatabase(pb.DeleteRequest(id=made.id))
    with pytest.raises(exceptions.NotFound):
        admin.get_database(name=raw.name)
    with pytest.raises(errors.NotFound):
        conn.database.GetDatabase(pb.GetRequest(id=made.id))


def test_many_mongodb_databases_are_read_in_one_batch(conn: Any, suffix: str) -> None:
    made = [
        conn.database.CreateDatabase(
            database_pb2.CreateDatabaseRequest(config=mongodb(f"batch-{suffix}-{n}"))
        )
        for n in range(3)
    ]
    refs = [
        pb.ResourceRef(kind=pb.RESOURCE_KIND_DATABASE, id=d.id, private=d.private) for d in made
    ]
    refs.append(pb.ResourceRef(kind=pb.RESOURCE_KIND_DATABASE, id=f"databases/gone-{suffix}"))
    request = provider_pb2.ReadResourcesRequest(refs=refs)
    results = {r.index: r for r in read_results(conn.provider.ReadResources(request))}
    assert [results[i].resource.database.id for i in range(3)] == [d.id for d in made]
    assert [results[i].resource.database.password for i in range(3)] == [d.password for d in made]
    assert results[3].not_found
    listed = {d.id for d in conn.database.ListDatabases(pb.ListRequest())}
    assert {d.id for d in made} <= listed
    for database in made:
        conn.database.DeleteDatabase(pb.DeleteRequest(id=database.id))


def _plan(conn: Any, desired: pb.Database, prior: pb.Database | None = None) -> Any:
    item = provider_pb2.PlanItem(address="database.docs", desired=pb.Resource(database=desired))
    if prior is not None:
        item.prior.CopyFrom(pb.Resource(database=prior))
    request = provider_pb2.PlanResourcesRequest(items=[item])
    return conn.provider.PlanResources(request).resources[0]


def test_plan_translates_prices_and_says_what_firestore_has_no_field_for(conn: Any) -> None:
    desired = pb.Database(
        name="docs",
        engine=pb.DATABASE_ENGINE_MONGODB,
        size=pb.SIZE_SMALL,
        storage_gb=20,
        version="7.0",
        tags={"Team": "Data"},
        backup=pb.BackupConfig(retention_days=7, window="03:00-04:00"),
    )
    planned = _plan(conn, desired)
    assert planned.translated.database.provider_class == "firestore-enterprise"
    assert planned.cost.monthly_usd == round(20 * 0.0002 * 730, 2)  # 2.92
    notes = {d.attribute_path: (d.severity, d.summary) for d in planned.diagnostics}
    warning = pb.Diagnostic.SEVERITY_WARNING
    assert (
        notes["size"][0] == warning and "billed per read unit ($0.05/million)" in notes["size"][1]
    )
    assert notes["version"] == (
        warning,
        "Firestore has no MongoDB version to choose: version kept as written, not applied",
    )
    assert notes["backup.window"] == (
        warning,
        "Firestore picks the time of a scheduled backup: the window is kept, not applied",
    )
    assert notes["tags"][0] == warning and not any(
        d.severity == pb.Diagnostic.SEVERITY_ERROR for d in planned.diagnostics
    )
    multi = pb.Database(name="docs", engine=pb.DATABASE_ENGINE_MONGODB, multi_az=True)
    replanned = _plan(conn, multi, prior=desired)
    assert "multi_az" in replanned.requires_replace  # nam5 is another location
    assert replanned.cost.unknown  # no multi-region row in the price table


def test_validation_names_firestore_id_rules(conn: Any) -> None:
    bad = pb.Database(name="db", engine=pb.DATABASE_ENGINE_MONGODB, username="Admin")
    request = provider_pb2.ValidateResourcesRequest(resources=[pb.Resource(database=bad)])
    found = {
        d.attribute_path: d.summary for d in conn.provider.ValidateResources(request).diagnostics
    }
    assert found["name"].startswith("Firestore database id 'db': 4 to 63 characters")
    assert found["username"].startswith("Firestore user creds id 'Admin'")


def test_backup_retention_is_the_daily_backup_schedule(conn: Any, ready: dict, suffix: str) -> None:
    import datetime

    config = mongodb(
        f"kept-{suffix}", backup=pb.BackupConfig(retention_days=7, window="03:00-04:00")
    )
    made = conn.database.CreateDatabase(database_pb2.CreateDatabaseRequest(config=config))
    admin = firestore_admin_client(ready["sdk"]["firestore"])
    name = f"projects/{ready['account']}/{made.id}"
    (schedule,) = admin.list_backup_schedules(parent=name).backup_schedules
    assert "daily_recurrence" in schedule and schedule.retention == datetime.timedelta(days=7)
    assert (made.backup.retention_days, made.backup.window) == (7, "03:00-04:00")

    admin.update_backup_schedule(  # changed outside Genesys: a refresh sees it
        backup_schedule={"name": schedule.name, "retention": datetime.timedelta(days=3)},
        update_mask={"paths": ["retention"]},
    )
    read = conn.database.GetDatabase(pb.GetRequest(id=made.id, private=made.private))
    assert read.backup.retention_days == 3

    for days, expected in ((14, [datetime.timedelta(days=14)]), (0, [])):
        config.backup.retention_days = days
        update = database_pb2.UpdateDatabaseRequest(
            id=made.id, private=made.private, config=config, changed=["backup"]
        )
        assert conn.database.UpdateDatabase(update).backup.retention_days == days
        listed = admin.list_backup_schedules(parent=name).backup_schedules
        assert [s.retention for s in listed] == expected
    conn.database.DeleteDatabase(pb.DeleteRequest(id=made.id))
