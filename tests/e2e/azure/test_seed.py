"""Issue 10's "done when": the seed YAML applied on Azure (genesys-emulator azure) with its
state in Azure Blob (Azurite), every promise checked through the Azure SDKs themselves; then a
no-op plan, a size change Azure makes in place, and a destroy that leaves nothing.
"""

from __future__ import annotations

import json
from typing import Any

from .conftest import SEEDS, STATE_CONTAINER, AzureCli, providers_block

SEED_ADDRESSES = 14  # 3 VMs, network, 2 subnets, implicit web-sg, bucket, database, function,
# static-site (bucket, certificate, cdn), api (function)
STATE_PREFIX = "genesys/default/"
STATE_BLOCK = (
    "state:\n  backend: azureblob\n  storage_account: devstoreaccount1\n"
    f"  container: {STATE_CONTAINER}\n  encrypt: true\n\n"
)


def seed_for_azure(ready: dict[str, Any]) -> str:
    """The seed YAML with provider: azure, an azureblob state block and the emulator's
    providers block; everything else as the seed has it, both outcomes included."""
    text = (SEEDS / "genesys.yaml").read_text()
    text = text.replace("provider: aws  #", "provider: azure  #", 1)
    text = text.replace("region: us-east-1", "region: eastus", 1)
    start, end = text.index("state:"), text.index("# Policy guardrails")
    text = text[:start] + STATE_BLOCK + text[end:]
    return text + providers_block(ready)


def _ok(run: Any) -> str:
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    return str(run.stdout)


def check_vms(azure: Any, group: str, size: str) -> list[str]:
    vms = list(azure("compute").virtual_machines.list(group))
    assert sorted(vm.name for vm in vms) == ["web-server-0", "web-server-1", "web-server-2"]
    nics = {n.id.lower(): n for n in azure("network").network_interfaces.list(group)}
    vnet = azure("network").virtual_networks.get(group, "main-vpc")
    assert vnet.address_space.address_prefixes == ["10.0.0.0/16"]
    assert sorted(s.address_prefix for s in vnet.subnets) == ["10.0.1.0/24", "10.0.2.0/24"]
    public = next(s for s in vnet.subnets if s.name == "public")
    for vm in vms:
        assert vm.hardware_profile.vm_size == size
        assert vm.tags["Team"] == "platform" and vm.tags["Environment"] == "production"
        assert vm.storage_profile.image_reference.publisher == "Canonical"
        nic = nics[vm.network_profile.network_interfaces[0].id.lower()]
        config = nic.ip_configurations[0]
        assert config.subnet.id.lower() == public.id.lower()  # main-vpc's first subnet
        assert config.private_ip_address.startswith("10.0.1.")
        assert nic.network_security_group.id.lower().endswith("/networksecuritygroups/web-sg")
    return sorted(vm.vm_id for vm in vms)


def check_storage(azure: Any, group: str, tags: dict[str, str] | None = None) -> None:
    storage = azure("storage")
    accounts = [
        a
        for a in storage.storage_accounts.list_by_resource_group(group)
        if a.tags.get("genesys-bucket") == "app-data"
    ]
    assert len(accounts) == 1
    wanted = {"Purpose": "application-data"} if tags is None else tags
    assert {k: v for k, v in accounts[0].tags.items() if k in wanted} == wanted
    account = accounts[0].name
    assert account.startswith("appdata") and len(account) <= 24  # derived, see docs
    containers = [c.name for c in storage.blob_containers.list(group, account)]
    assert containers == ["app-data"]
    assert storage.blob_services.get_service_properties(group, account).is_versioning_enabled
    assert storage.blob_containers.get(group, account, "app-data").public_access in (None, "None")
    rules = storage.management_policies.get(group, account, "default").policy.rules
    assert [
        r.definition.actions.base_blob.delete.days_after_modification_greater_than for r in rules
    ] == [90]


def check_database_and_function(azure: Any, group: str, sku: str) -> None:
    server = azure("postgres").servers.get(group, "app-db")
    props = server.properties
    assert (props.version, props.backup.backup_retention_days) == ("14", 7)
    assert server.sku.name == sku and props.high_availability.mode == "ZoneRedundant"
    assert props.storage.storage_size_gb == 128  # 100 GB asked, rounded up to Azure's size
    fqdn = props.fully_qualified_domain_name
    assert fqdn == "app-db.postgres.database.azure.com"
    web = azure("web")
    sites = [
        s
        for s in web.web_apps.list_by_resource_group(group)
        if (s.tags or {}).get("genesys-function") == "api-handler"
    ]
    assert len(sites) == 1
    settings = web.web_apps.list_application_settings(group, sites[0].name).properties
    assert settings["DB_HOST"] == fqdn
    assert settings["FUNCTIONS_WORKER_RUNTIME"] == "python"
    # The Functions host's own storage account, made with the app.
    host_account = settings["AzureWebJobsStorage"].split("AccountName=")[1].split(";")[0]
    host = azure("storage").storage_accounts.get_properties(group, host_account)
    assert host.tags["genesys-function-storage"] == sites[0].name


def check_static_site(azure: Any, emulator: dict[str, Any], group: str) -> None:
    """Storage static website behind a Front Door endpoint serving example.com with an
    Azure-managed certificate (pending its DNS validation)."""
    from azure.storage.blob import BlobServiceClient

    storage = azure("storage")
    sites = [
        a
        for a in storage.storage_accounts.list_by_resource_group(group)
        if a.tags.get("genesys-bucket") == "example-com"
    ]
    assert len(sites) == 1
    account = sites[0].name
    key = storage.storage_accounts.list_keys(group, account)["keys"][0]["value"]
    url = emulator["settings"]["account_blob_endpoint"].format(account=account)
    data_plane = BlobServiceClient(url, credential={"account_name": account, "account_key": key})
    website = data_plane.get_service_properties()["static_website"]
    assert website.enabled and website.index_document == "index.html"
    assert [c.name for c in storage.blob_containers.list(group, account)] == ["$web"]
    cdn = azure("cdn")
    profile = cdn.profiles.get(group, "genesys-frontdoor")
    assert profile.sku.name == "Standard_AzureFrontDoor"
    domains = list(cdn.afd_custom_domains.list_by_profile(group, "genesys-frontdoor"))
    assert [d.host_name for d in domains] == ["example.com"]
    assert domains[0].tls_settings.certificate_type == "ManagedCertificate"
    (endpoint,) = cdn.afd_endpoints.list_by_profile(group, "genesys-frontdoor")
    route = cdn.routes.get(group, "genesys-frontdoor", endpoint.name, "default")
    assert [r.id.lower() for r in route.custom_domains] == [domains[0].id.lower()]
    assert str(getattr(route.https_redirect, "value", route.https_redirect)) == "Enabled"
    (group_name,) = [
        g.name for g in cdn.afd_origin_groups.list_by_profile(group, "genesys-frontdoor")
    ]
    (origin,) = cdn.afd_origins.list_by_origin_group(group, "genesys-frontdoor", group_name)
    assert origin.host_name == sites[0].primary_endpoints.web.removeprefix("https://").rstrip("/")


def check_state_in_blob(blob: Any, secrets: list[str], where: str = STATE_CONTAINER) -> None:
    container = blob.get_container_client(where)
    names = [b.name for b in container.list_blobs()]
    assert f"{STATE_PREFIX}snapshot.json" in names
    assert all(n.startswith(STATE_PREFIX) for n in names)
    for name in names:
        body = container.download_blob(name).readall().decode()
        for secret in secrets:  # no resource id, name or endpoint readable anywhere
            assert secret not in body, f"{secret!r} readable in {where}/{name}"
    snapshot = json.loads(container.download_blob(f"{STATE_PREFIX}snapshot.json").readall())
    assert snapshot["encryption"]["algorithm"] == "AES-256-GCM" and snapshot["ciphertext"]
    assert f"{STATE_PREFIX}.genesys.lock" not in names  # every run released its lock
    versions = [b for b in container.list_blobs(include=["snapshots"]) if b.snapshot]
    assert versions, "each state write leaves a blob snapshot"


def check_nothing_left(azure: Any, group: str) -> None:
    left = [r.id for r in azure("resource").resources.list_by_resource_group(group)]
    assert left == []


def _resize(cli: AzureCli) -> None:
    text = cli.config.read_text()
    for before, after in (
        ("type: medium  #", "type: large  #"),
        ("size: medium  #", "size: large  #"),
    ):
        assert text.count(before) == 1, f"the seed changed: {before!r} not found once"
        text = text.replace(before, after)
    cli.config.write_text(text)


def test_seed_yaml_on_azure(cli: AzureCli, emulator: dict[str, Any], azure: Any, blob: Any) -> None:
    cli.config.write_text(seed_for_azure(emulator))
    applied = _ok(cli("apply", "--auto-approve"))
    assert f"Apply complete! Resources: {SEED_ADDRESSES} added, 0 changed, 0 destroyed." in applied
    group = cli.group
    vm_ids = check_vms(azure, group, "Standard_B2s")
    check_storage(azure, group)
    check_database_and_function(azure, group, "Standard_D2s_v3")
    check_static_site(azure, emulator, group)
    check_state_in_blob(blob, ["web-server", "app-db.postgres", emulator["account"]])
    assert len(_ok(cli("state", "list")).split()) == SEED_ADDRESSES  # read back from Azurite
    # The api outcome: a Function App whose HTTP trigger runs the deployed handler.
    invoked = _ok(cli("invoke", "my-api", "--payload", '{"hello": 1}'))
    assert json.loads(invoked) == {"error": "no source configured for my-api"}

    unchanged = cli("plan", "--detailed-exitcode")
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr

    _resize(cli)
    changed = cli("plan", "--detailed-exitcode")
    assert changed.returncode == 2, changed.stdout + changed.stderr
    assert "Plan: 0 to add, 4 to change, 0 to destroy." in changed.stdout
    assert '~ size = "medium" -> "large" (Standard_D2s_v3)' in changed.stdout
    resized = _ok(cli("apply", "--auto-approve"))
    assert "Apply complete! Resources: 0 added, 4 changed, 0 destroyed." in resized
    assert check_vms(azure, group, "Standard_D2s_v3") == vm_ids  # resized in place
    assert azure("postgres").servers.get(group, "app-db").sku.name == "Standard_D4s_v3"

    destroyed = _ok(cli("destroy", "--auto-approve"))
    assert f"Destroy complete! Resources: 0 added, 0 changed, {SEED_ADDRESSES} destroyed." in (
        destroyed
    )
    check_nothing_left(azure, group)
