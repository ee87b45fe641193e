"""genesys-emulator azure's Cosmos DB for MongoDB (Microsoft.DocumentDB), driven by the real
azure-mgmt-cosmosdb SDK (only the endpoint and the credential differ from Azure): the
account's and database's long-running operations, Azure's refusals, keys only by POST."""

from __future__ import annotations

import time
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.mgmt.cosmosdb import CosmosDBManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from genesys_emulators.testing import running

LOCATION = "eastus"


class FakeCredential:
    def get_token(self, *scopes: str, **kwargs: object) -> AccessToken:
        return AccessToken("emulator", int(time.time()) + 3600)


class PlainBearer(SansIOHTTPPolicy):  # type: ignore[type-arg]
    """The SDK's bearer policy refuses http; the emulator takes any token over http."""

    def on_request(self, request):  # type: ignore[no-untyped-def]
        request.http_request.headers["Authorization"] = "Bearer emulator"


@pytest.fixture(scope="module")
def cosmos() -> Any:
    with running("azure") as ready:
        options = {
            "base_url": ready["sdk"]["arm"],
            "authentication_policy": PlainBearer(),
            "polling_interval": 0,
        }
        sub = ready["settings"]["subscription_id"]
        groups = ResourceManagementClient(FakeCredential(), sub, **options).resource_groups
        for group in ("rg", "other"):
            groups.create_or_update(group, {"location": LOCATION})
        yield CosmosDBManagementClient(FakeCredential(), sub, **options)


def account(
    kind: str = "MongoDB", version: str = "7.0", zone_redundant: bool = False, hours: int = 168
) -> dict[str, Any]:
    return {
        "location": LOCATION,
        "kind": kind,
        "tags": {"team": "data"},
        "properties": {
            "databaseAccountOfferType": "Standard",
            "locations": [
                {"locationName": LOCATION, "failoverPriority": 0, "isZoneRedundant": zone_redundant}
            ],
            **({"apiProperties": {"serverVersion": version}} if kind == "MongoDB" else {}),
            "backupPolicy": {
                "type": "Periodic",
                "periodicModeProperties": {
                    "backupIntervalInMinutes": 240,
                    "backupRetentionIntervalInHours": hours,
                },
            },
        },
    }


def _code(call: Any) -> str:
    with pytest.raises(HttpResponseError) as raised:
        call()
    assert raised.value.status_code == 400
    return str(raised.value.error.code) + ": " + str(raised.value.error.message)


def test_account_create_answers_creating_then_the_operation_settles(cosmos: Any) -> None:
    accounts = cosmos.database_accounts
    first = accounts.begin_create_or_update("rg", "orders-db", account(), polling=False).result()
    assert first.properties.provisioning_state == "Creating"
    done = accounts.begin_create_or_update("rg", "orders-db", account()).result()
    assert done.properties.provisioning_state == "Succeeded" and done.kind == "MongoDB"
    read = accounts.get("rg", "orders-db")
    assert read.properties.api_properties.server_version == "7.0"
    assert read.properties.document_endpoint == "https://orders-db.documents.azure.com:443/"
    periodic = read.properties.backup_policy.periodic_mode_properties
    assert periodic.backup_retention_interval_in_hours == 168
    assert read.tags == {"team": "data"}
    assert "primaryMasterKey" not in str(dict(read))  # keys only through listKeys
    listed = [a.name for a in accounts.list_by_resource_group("rg")]
    assert listed == ["orders-db"]


def test_account_refusals_use_cosmos_words(cosmos: Any) -> None:
    accounts = cosmos.database_accounts
    assert "is invalid" in _code(
        lambda: accounts.begin_create_or_update("rg", "Orders_DB", account()).result()
    )
    assert "Invalid server version '2.0'" in _code(
        lambda: accounts.begin_create_or_update("rg", "bad-ver", account(version="2.0")).result()
    )
    assert "outside 8-720" in _code(
        lambda: accounts.begin_create_or_update("rg", "bad-bk", account(hours=800)).result()
    )
    accounts.begin_create_or_update("rg", "fixed-db", account()).result()
    assert "already taken" in _code(
        lambda: accounts.begin_create_or_update("other", "fixed-db", account()).result()
    )
    assert "kind" in _code(
        lambda: accounts.begin_create_or_update(
            "rg", "fixed-db", account(kind="GlobalDocumentDB")
        ).result()
    )
    assert "Zone redundant" in _code(
        lambda: accounts.begin_create_or_update(
            "rg", "fixed-db", account(zone_redundant=True)
        ).result()
    )
    upgraded = accounts.begin_create_or_update("rg", "fixed-db", account(version="6.0")).result()
    assert upgraded.properties.api_properties.server_version == "6.0"


def test_mongo_database_shared_throughput_and_its_updates(cosmos: Any) -> None:
    cosmos.database_accounts.begin_create_or_update("rg", "shop-db", account()).result()
    mongo = cosmos.mongo_db_resources

    def database(throughput: int) -> dict[str, Any]:
        return {"properties": {"resource": {"id": "shop"}, "options": {"throughput": throughput}}}

    assert "manual throughput is 400-1000000" in _code(
        lambda: mongo.begin_create_update_mongo_db_database(
            "rg", "shop-db", "shop", database(350)
        ).result()
    )
    made = mongo.begin_create_update_mongo_db_database(
        "rg", "shop-db", "shop", database(1000)
    ).result()
    assert made.properties.resource.id == "shop"
    assert (
        mongo.get_mongo_db_database("rg", "shop-db", "shop").properties.options.throughput == 1000
    )
    raised = mongo.begin_update_mongo_db_database_throughput(
        "rg", "shop-db", "shop", {"properties": {"resource": {"throughput": 4000}}}
    ).result()
    assert raised.properties.resource.throughput == 4000
    listed = list(mongo.list_mongo_db_databases("rg", "shop-db"))
    assert [(d.name, d.properties.options.throughput) for d in listed] == [("shop", 4000)]
    sql = account(kind="GlobalDocumentDB")
    cosmos.database_accounts.begin_create_or_update("rg", "sql-acct", sql).result()
    assert "not a MongoDB account" in _code(
        lambda: mongo.begin_create_update_mongo_db_database(
            "rg", "sql-acct", "shop", database(400)
        ).result()
    )


def test_keys_and_connection_strings_are_posts(cosmos: Any) -> None:
    accounts = cosmos.database_accounts
    accounts.begin_create_or_update("rg", "keys-db", account()).result()
    keys = accounts.list_keys("rg", "keys-db")
    assert (
        len(keys.primary_master_key) == 88 and keys.primary_master_key != keys.secondary_master_key
    )
    strings = accounts.list_connection_strings("rg", "keys-db").connection_strings
    primary = strings[0]
    assert primary.description == "Primary MongoDB Connection String"
    assert primary.connection_string.startswith(
        f"mongodb://keys-db:{keys.primary_master_key}@keys-db.mongo.cosmos.azure.com:10255/"
    )


def test_account_delete_is_long_running_and_takes_its_databases(cosmos: Any) -> None:
    accounts, mongo = cosmos.database_accounts, cosmos.mongo_db_resources
    accounts.begin_create_or_update("rg", "gone-db", account()).result()
    mongo.begin_create_update_mongo_db_database(
        "rg", "gone-db", "app", {"properties": {"resource": {"id": "app"}}}
    ).result()
    # unpolled: a polling poller's thread could finish it before the read on a loaded machine
    accounts.begin_delete("rg", "gone-db", polling=False)
    assert accounts.get("rg", "gone-db").properties.provisioning_state == "Deleting"
    accounts.begin_delete("rg", "gone-db").result()  # DELETE again (idempotent), polled to its end
    with pytest.raises(ResourceNotFoundError):
        accounts.get("rg", "gone-db")
    with pytest.raises(ResourceNotFoundError):
        mongo.get_mongo_db_database("rg", "gone-db", "app")
