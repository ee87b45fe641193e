"""engine: mongodb as Azure Cosmos DB for MongoDB, through the plugin over real gRPC against
genesys-emulator azure: plan (translation, cost, what replaces), create, batch read, resize
and version upgrade in place, list, delete; the account checked through azure-mgmt-cosmosdb."""

from __future__ import annotations

import time
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.mgmt.cosmosdb import CosmosDBManagementClient
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import database_pb2, provider_pb2
from genesys_plugin_sdk import errors
from genesys_provider_azure import tables

GROUP = "plugin-tests"


class _Credential:
    def get_token(self, *scopes: str, **kwargs: object) -> AccessToken:
        return AccessToken("emulator", int(time.time()) + 3600)


class _PlainBearer(SansIOHTTPPolicy):  # type: ignore[type-arg]
    def on_request(self, request):  # type: ignore[no-untyped-def]
        request.http_request.headers["Authorization"] = "Bearer emulator"


@pytest.fixture(scope="module")
def cosmos(ready: dict[str, Any]) -> Any:
    return CosmosDBManagementClient(
        _Credential(),
        ready["settings"]["subscription_id"],
        base_url=ready["sdk"]["arm"],
        authentication_policy=_PlainBearer(),
    )


def _config(**fields: Any) -> pb.DatabaseConfig:
    base: dict[str, Any] = {
        "name": "orders-mongo",
        "engine": pb.DATABASE_ENGINE_MONGODB,
        "size": pb.SIZE_SMALL,
        "storage_gb": 20,
        "backup": pb.BackupConfig(retention_days=7),
        "tags": {"team": "shop"},
    }
    return pb.DatabaseConfig(**{**base, **fields})


def _plan(conn: Any, desired: pb.Resource, prior: pb.Resource | None = None) -> Any:
    item = provider_pb2.PlanItem(address="database.orders", desired=desired)
    if prior is not None:
        item.prior.CopyFrom(prior)
    request = provider_pb2.PlanResourcesRequest(items=[item])
    return conn.provider.PlanResources(request).resources[0]


def test_plan_translates_prices_and_replaces_only_for_zone_redundancy(conn: Any) -> None:
    small = pb.Resource(
        database=pb.Database(name="orders-mongo", engine=pb.DATABASE_ENGINE_MONGODB, size=1)
    )
    planned = _plan(conn, small)
    assert planned.translated.database.provider_class == "400 RU/s"
    assert planned.cost.monthly_usd == round(4 * tables.COSMOS_RU100_HOURLY * 730, 2)
    bigger = pb.Resource()
    bigger.CopyFrom(small)
    bigger.database.size, bigger.database.version = pb.SIZE_LARGE, "6.0"
    assert list(_plan(conn, bigger, small).requires_replace) == []  # in place on Azure
    zonal = pb.Resource()
    zonal.CopyFrom(small)
    zonal.database.multi_az = True
    assert list(_plan(conn, zonal, small).requires_replace) == ["multi_az"]
    bad = pb.Resource()
    bad.CopyFrom(small)
    bad.database.version, bad.database.name = "3.2", "Orders_Mongo"
    paths = {d.attribute_path for d in _plan(conn, bad).diagnostics if d.severity == 1}
    assert paths == {"version", "name"}


def test_create_read_resize_upgrade_list_delete(conn: Any, cosmos: Any) -> None:
    made = conn.database.CreateDatabase(
        database_pb2.CreateDatabaseRequest(config=_config(), idempotency_token="tok-mongo-1")
    )
    assert made.engine == pb.DATABASE_ENGINE_MONGODB and made.state == "available"
    assert (made.endpoint, made.port) == ("orders-mongo.mongo.cosmos.azure.com", 10255)
    assert made.provider_class == "400 RU/s" and made.backup.retention_days == 7
    keys = cosmos.database_accounts.list_keys(GROUP, "orders-mongo")
    assert made.password == keys.primary_master_key and made.username == "orders-mongo"
    connection = made.provider_data["connection_string"]
    assert connection.startswith("mongodb://orders-mongo@orders-mongo.mongo.cosmos.azure.com:")
    assert keys.primary_master_key not in connection
    account = cosmos.database_accounts.get(GROUP, "orders-mongo")
    assert account.kind == "MongoDB" and account.tags["team"] == "shop"

    refs = [
        pb.ResourceRef(kind=pb.RESOURCE_KIND_DATABASE, id=made.id, private=made.private),
        pb.ResourceRef(kind=pb.RESOURCE_KIND_DATABASE, id=made.id.replace("orders", "gone")),
    ]
    read = [
        result
        for response in conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=refs))
        for result in response.results
    ]
    by_index = {r.index: r for r in read}
    assert by_index[0].resource.database.size == pb.SIZE_SMALL
    assert by_index[0].resource.database.storage_gb == 20 and by_index[1].not_found

    bigger = _config(size=pb.SIZE_LARGE, version="6.0")
    updated = conn.database.UpdateDatabase(
        database_pb2.UpdateDatabaseRequest(
            id=made.id, private=made.private, config=bigger, changed=["size", "version"]
        )
    )
    assert updated.size == pb.SIZE_LARGE and updated.version == "6.0"
    throughput = cosmos.mongo_db_resources.get_mongo_db_database_throughput(
        GROUP, "orders-mongo", "orders-mongo"
    )
    assert throughput.properties.resource.throughput == 4000
    assert updated.password == made.password  # kept from the create

    listed = conn.database.ListDatabases(pb.ListRequest(filters={"tag:team": "shop"}))
    assert [d.name for d in listed] == ["orders-mongo"]
    conn.database.DeleteDatabase(pb.DeleteRequest(id=made.id))
    assert [a.name for a in cosmos.database_accounts.list_by_resource_group(GROUP)] == []
    gone = conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=refs[:1]))
    assert [r.not_found for response in gone for r in response.results] == [True]


def test_a_name_taken_by_someone_else_is_refused(conn: Any, cosmos: Any) -> None:
    body = {
        "location": "eastus",
        "kind": "MongoDB",
        "properties": {
            "databaseAccountOfferType": "Standard",
            "locations": [{"locationName": "eastus", "failoverPriority": 0}],
        },
    }
    cosmos.database_accounts.begin_create_or_update(GROUP, "hand-made", body).result()
    with pytest.raises(errors.AlreadyExists):
        conn.database.CreateDatabase(
            database_pb2.CreateDatabaseRequest(config=_config(name="hand-made"))
        )
    cosmos.database_accounts.begin_delete(GROUP, "hand-made").result()


def test_a_create_stopped_after_the_account_is_finished(conn: Any, cosmos: Any) -> None:
    """The account made (with this create's token) but not its database: the retried create
    makes the database; an update of an account known without private bytes (adopted) gets
    the key and the connection string."""
    from genesys_plugin_sdk.tags import TOKEN_LABEL

    body = {
        "location": "eastus",
        "kind": "MongoDB",
        "tags": {TOKEN_LABEL: "tok-crashed"},
        "properties": {
            "databaseAccountOfferType": "Standard",
            "locations": [{"locationName": "eastus", "failoverPriority": 0}],
        },
    }
    cosmos.database_accounts.begin_create_or_update(GROUP, "half-made", body).result()
    made = conn.database.CreateDatabase(
        database_pb2.CreateDatabaseRequest(
            config=_config(name="half-made", size=pb.SIZE_MEDIUM), idempotency_token="tok-crashed"
        )
    )
    assert made.provider_class == "1000 RU/s" and made.password
    database = cosmos.mongo_db_resources.get_mongo_db_database(GROUP, "half-made", "half-made")
    assert database.properties.options.throughput == 1000
    adopted = conn.database.UpdateDatabase(
        database_pb2.UpdateDatabaseRequest(
            id=made.id, config=_config(name="half-made", size=pb.SIZE_MEDIUM), changed=["tags"]
        )
    )
    assert adopted.password == made.password and adopted.provider_data["connection_string"]
    conn.database.DeleteDatabase(pb.DeleteRequest(id=made.id))
