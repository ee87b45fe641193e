"""Provider service: metadata, schema tables, validation of Azure's rules before any call,
planning (translation, replacement, cost), identity; the storage-account name rule."""

from __future__ import annotations

import re
from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk import errors
from genesys_provider_azure import tables


def test_metadata_and_schema_tables(conn: Any) -> None:
    meta = conn.provider.GetMetadata(provider_pb2.GetMetadataRequest())
    assert meta.name == "azure" and list(meta.state_backends) == ["azureblob"]
    schema = conn.provider.GetSchema(provider_pb2.GetSchemaRequest())
    sizes = {t.name: dict(t.entries) for t in schema.translations}
    assert sizes["instance.size"] == {
        "small": "Standard_B1s",
        "medium": "Standard_B2s",
        "large": "Standard_D2s_v3",
        "xlarge": "Standard_D4s_v3",
    }
    assert sizes["instance.image"]["ubuntu-lts"].startswith("Canonical:ubuntu-24_04-lts:")
    assert schema.prices[0].as_of == tables.PRICES_AS_OF


def test_authenticate_gives_the_subscription(conn: Any, ready: dict[str, Any]) -> None:
    identity = conn.provider.Authenticate(provider_pb2.AuthenticateRequest())
    assert identity.account_id == ready["account"] and identity.region == "eastus"


def _diagnostics(conn: Any, resource: pb.Resource) -> list[tuple[str, str]]:
    response = conn.provider.ValidateResources(
        provider_pb2.ValidateResourcesRequest(resources=[resource])
    )
    return [
        (d.attribute_path, d.summary)
        for d in response.diagnostics
        if d.severity == pb.Diagnostic.SEVERITY_ERROR
    ]


def test_azure_rules_are_checked_before_any_call(conn: Any) -> None:
    bad_container = _diagnostics(conn, pb.Resource(bucket=pb.Bucket(name="App_Data")))
    assert bad_container and bad_container[0][0] == "name"
    assert "3-63 lower-case" in bad_container[0][1]
    burstable_ha = _diagnostics(
        conn,
        pb.Resource(
            database=pb.Database(
                name="app-db", engine=pb.DATABASE_ENGINE_POSTGRES, size=pb.SIZE_SMALL, multi_az=True
            )
        ),
    )
    assert [path for path, _ in burstable_ha] == ["multi_az"]
    two_groups = _diagnostics(
        conn,
        pb.Resource(
            instance=pb.Instance(name="vm", image="ubuntu-lts", security_group_ids=["a", "b"])
        ),
    )
    assert [path for path, _ in two_groups] == ["security_group_ids"]
    assert (
        _diagnostics(
            conn,
            pb.Resource(instance=pb.Instance(name="vm", image="ubuntu-lts", size=pb.SIZE_MEDIUM)),
        )
        == []
    )


def test_plan_translates_prices_and_replaces(conn: Any) -> None:
    desired = pb.Resource(instance=pb.Instance(name="vm", size=pb.SIZE_MEDIUM, image="ubuntu-lts"))
    prior = pb.Resource(instance=pb.Instance(name="vm", size=pb.SIZE_SMALL, image="debian-12"))
    planned = conn.provider.PlanResources(
        provider_pb2.PlanResourcesRequest(
            items=[provider_pb2.PlanItem(address="compute.vm", desired=desired, prior=prior)]
        )
    ).resources[0]
    assert planned.translated.instance.provider_type == "Standard_B2s"
    assert planned.translated.instance.provider_image == tables.IMAGES["ubuntu-lts"]
    assert list(planned.requires_replace) == ["image"]  # the size alone resizes in place
    hourly = tables.VM_HOURLY["Standard_B2s"]
    assert planned.cost.monthly_usd == round(hourly * 730 + tables.OS_DISK_MONTH, 2)


@pytest.mark.parametrize("bucket", ["app-data", "x", "A.B_C-d" * 9, "123", "genesys-state"])
def test_storage_account_names_are_valid_and_stable(bucket: str) -> None:
    name = tables.storage_account_name(bucket, "sub", "group")
    assert re.fullmatch(r"[a-z0-9]{3,24}", name)
    assert name == tables.storage_account_name(bucket, "sub", "group")
    assert name != tables.storage_account_name(bucket, "sub", "other-group")


def test_unknown_ids_read_as_not_found(conn: Any) -> None:
    with pytest.raises(errors.NotFound):
        conn.compute.GetInstance(pb.GetRequest(id="no-such-vm"))
