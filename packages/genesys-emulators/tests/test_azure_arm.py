"""genesys-emulator azure, driven by the real Azure SDKs (only the endpoint and the credential
differ from a real subscription): long-running operations, Azure's refusals and codes."""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request
import zipfile

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.compute import models as cm
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.network import models as nm
from azure.mgmt.postgresqlflexibleservers import PostgreSQLManagementClient
from azure.mgmt.postgresqlflexibleservers import models as pm
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from azure.mgmt.storage import models as sm
from azure.mgmt.web import WebSiteManagementClient
from azure.mgmt.web import models as wm
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
def ready():
    with running("azure") as line:
        yield line


@pytest.fixture(scope="module")
def sdk(ready):
    sub = ready["settings"]["subscription_id"]
    options = {
        "base_url": ready["sdk"]["arm"],
        "authentication_policy": PlainBearer(),
        "polling_interval": 0,
    }

    def make(cls):  # type: ignore[no-untyped-def]
        return cls(FakeCredential(), sub, **options)

    clients = {
        name: make(cls)
        for name, cls in {
            "resource": ResourceManagementClient,
            "network": NetworkManagementClient,
            "compute": ComputeManagementClient,
            "storage": StorageManagementClient,
            "postgres": PostgreSQLManagementClient,
            "web": WebSiteManagementClient,
        }.items()
    }
    clients["resource"].resource_groups.create_or_update("rg", {"location": LOCATION})
    return clients


def _subnet(sdk, vnet="net", subnet="web", prefix="10.1.1.0/24"):  # type: ignore[no-untyped-def]
    network = sdk["network"]
    network.virtual_networks.begin_create_or_update(
        "rg",
        vnet,
        nm.VirtualNetwork(
            location=LOCATION, address_space=nm.AddressSpace(address_prefixes=["10.1.0.0/16"])
        ),
    ).result()
    return network.subnets.begin_create_or_update(
        "rg", vnet, subnet, nm.Subnet(address_prefix=prefix)
    ).result()


def _vm(name, nic_id, size="Standard_B2s", sku="server"):  # type: ignore[no-untyped-def]
    return cm.VirtualMachine(
        location=LOCATION,
        hardware_profile=cm.HardwareProfile(vm_size=size),
        storage_profile=cm.StorageProfile(
            image_reference=cm.ImageReference(
                publisher="Canonical", offer="ubuntu-24_04-lts", sku=sku, version="latest"
            ),
            os_disk=cm.OSDisk(create_option="FromImage", delete_option="Delete"),
        ),
        os_profile=cm.OSProfile(
            computer_name=name, admin_username="genesys", admin_password="S3cret-pass!"
        ),
        network_profile=cm.NetworkProfile(
            network_interfaces=[cm.NetworkInterfaceReference(id=nic_id, delete_option="Delete")]
        ),
    )


def _nic(sdk, name, subnet_id):  # type: ignore[no-untyped-def]
    return (
        sdk["network"]
        .network_interfaces.begin_create_or_update(
            "rg",
            name,
            nm.NetworkInterface(
                location=LOCATION,
                ip_configurations=[
                    nm.NetworkInterfaceIPConfiguration(
                        name="ipconfig1", subnet=nm.Subnet(id=subnet_id)
                    )
                ],
            ),
        )
        .result()
    )


def test_api_version_is_required_and_errors_have_azure_shape(ready):
    url = f"{ready['sdk']['arm']}/subscriptions/{ready['account']}/resourcegroups/rg"
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(url, timeout=5)
    body = json.loads(caught.value.read())
    assert caught.value.code == 400
    assert body["error"]["code"] == "MissingApiVersionParameter"


def test_create_polls_async_operation_then_reads_succeeded(ready, sdk):
    networks = sdk["network"].virtual_networks
    body = nm.VirtualNetwork(
        location=LOCATION, address_space=nm.AddressSpace(address_prefixes=["10.9.0.0/16"])
    )
    # the initial 201, unpolled: a polling poller's thread (interval 0) could finish the
    # 50 ms operation before poller.status() is read on a loaded machine
    initial = networks.begin_create_or_update("rg", "polled", body, polling=False).result()
    assert initial.provisioning_state == "Creating"
    poller = networks.begin_create_or_update("rg", "polled", body)  # PUT again, polled
    assert poller.result().provisioning_state == "Succeeded"


def test_vm_lifecycle_resize_in_place_and_cleanup(sdk):
    subnet = _subnet(sdk)
    nic = _nic(sdk, "vm1-nic", subnet.id)
    assert nic.ip_configurations[0].private_ip_address == "10.1.1.4"  # .1-.3 are Azure's
    compute = sdk["compute"]
    vm = compute.virtual_machines.begin_create_or_update("rg", "vm1", _vm("vm1", nic.id)).result()
    assert vm.provisioning_state == "Succeeded" and vm.vm_id
    os_disk = compute.disks.get("rg", vm.storage_profile.os_disk.name)
    assert os_disk.managed_by == vm.id and os_disk.disk_state == "Attached"
    vm.hardware_profile.vm_size = "Standard_D2s_v3"
    resized = compute.virtual_machines.begin_create_or_update("rg", "vm1", vm).result()
    assert resized.hardware_profile.vm_size == "Standard_D2s_v3" and resized.vm_id == vm.vm_id
    with pytest.raises(HttpResponseError) as in_use:
        sdk["network"].network_interfaces.begin_delete("rg", "vm1-nic").result()
    assert in_use.value.error.code == "NicInUse"
    with pytest.raises(HttpResponseError) as subnet_in_use:
        sdk["network"].subnets.begin_delete("rg", "net", "web").result()
    assert subnet_in_use.value.error.code == "InUseSubnetCannotBeDeleted"
    compute.virtual_machines.begin_delete("rg", "vm1").result()
    with pytest.raises(ResourceNotFoundError):
        compute.virtual_machines.get("rg", "vm1")
    # deleteOption Delete took the NIC and the OS disk with the VM
    assert not list(compute.disks.list_by_resource_group("rg"))
    with pytest.raises(ResourceNotFoundError):
        sdk["network"].network_interfaces.get("rg", "vm1-nic")


def test_vm_refusals_use_azure_codes(sdk):
    subnet = _subnet(sdk, subnet="bad", prefix="10.1.7.0/24")
    nic = _nic(sdk, "bad-nic", subnet.id)
    compute = sdk["compute"]
    with pytest.raises(HttpResponseError) as size:
        compute.virtual_machines.begin_create_or_update(
            "rg", "bad", _vm("bad", nic.id, size="Standard_Huge9")
        ).result()
    assert size.value.error.code == "InvalidParameter" and "Standard_Huge9" in str(size.value)
    with pytest.raises(ResourceNotFoundError) as image:
        compute.virtual_machines.begin_create_or_update(
            "rg", "bad", _vm("bad", nic.id, sku="no-such-sku")
        ).result()
    assert image.value.error.code == "PlatformImageNotFound"
    sizes = {s.name for s in compute.virtual_machine_sizes.list(LOCATION)}
    assert {"Standard_B1s", "Standard_B2s", "Standard_D2s_v3", "Standard_D4s_v3"} <= sizes


def test_subnet_must_lie_inside_the_network_and_not_overlap(sdk):
    _subnet(sdk, vnet="checks", subnet="a", prefix="10.1.2.0/24")
    with pytest.raises(HttpResponseError) as outside:
        sdk["network"].subnets.begin_create_or_update(
            "rg", "checks", "out", nm.Subnet(address_prefix="192.168.0.0/24")
        ).result()
    assert outside.value.error.code == "NetcfgSubnetRangeOutsideVnet"
    with pytest.raises(HttpResponseError) as overlap:
        sdk["network"].subnets.begin_create_or_update(
            "rg", "checks", "b", nm.Subnet(address_prefix="10.1.2.128/25")
        ).result()
    assert overlap.value.error.code == "NetcfgSubnetRangesOverlap"


def test_nsg_rules_are_checked_and_an_nsg_in_use_stays(sdk):
    network = sdk["network"]
    rule = nm.SecurityRule(
        name="http",
        protocol="Tcp",
        access="Allow",
        direction="Inbound",
        priority=50,
        source_address_prefix="*",
        source_port_range="*",
        destination_address_prefix="*",
        destination_port_range="80",
    )
    with pytest.raises(HttpResponseError) as priority:
        network.network_security_groups.begin_create_or_update(
            "rg", "sg", nm.NetworkSecurityGroup(location=LOCATION, security_rules=[rule])
        ).result()
    assert priority.value.error.code == "SecurityRuleInvalidPriority"
    rule.priority = 100
    sg = network.network_security_groups.begin_create_or_update(
        "rg", "sg", nm.NetworkSecurityGroup(location=LOCATION, security_rules=[rule])
    ).result()
    subnet = _subnet(sdk, vnet="guarded", subnet="s")
    subnet.network_security_group = nm.NetworkSecurityGroup(id=sg.id)
    network.subnets.begin_create_or_update("rg", "guarded", "s", subnet).result()
    with pytest.raises(HttpResponseError) as in_use:
        network.network_security_groups.begin_delete("rg", "sg").result()
    assert in_use.value.error.code == "InUseNetworkSecurityGroupCannotBeDeleted"


def test_storage_account_names_versioning_and_containers(sdk):
    storage = sdk["storage"]
    bad = storage.storage_accounts.check_name_availability(
        sm.StorageAccountCheckNameAvailabilityParameters(name="Bad_Name")
    )
    assert not bad.name_available and bad.reason == "AccountNameInvalid"
    params = sm.StorageAccountCreateParameters(
        sku=sm.Sku(name="Standard_LRS"), kind="StorageV2", location=LOCATION
    )
    with pytest.raises(HttpResponseError) as invalid:
        storage.storage_accounts.begin_create("rg", "Bad_Name", params).result()
    assert invalid.value.error.code == "AccountNameInvalid"
    account = storage.storage_accounts.begin_create("rg", "genesysdata1", params).result()
    assert account.primary_endpoints.blob == "https://genesysdata1.blob.core.windows.net/"
    taken = storage.storage_accounts.check_name_availability(
        sm.StorageAccountCheckNameAvailabilityParameters(name="genesysdata1")
    )
    assert taken.reason == "AlreadyExists"
    storage.blob_services.set_service_properties(
        "rg", "genesysdata1", sm.BlobServiceProperties(is_versioning_enabled=True)
    )
    assert storage.blob_services.get_service_properties("rg", "genesysdata1").is_versioning_enabled
    storage.blob_containers.create("rg", "genesysdata1", "app-data", sm.BlobContainer())
    assert [c.name for c in storage.blob_containers.list("rg", "genesysdata1")] == ["app-data"]


def test_postgres_flexible_server_rules(sdk):
    postgres = sdk["postgres"]

    def server(sku="Standard_D2s_v3", tier="GeneralPurpose", days=7, version="14"):  # type: ignore[no-untyped-def]
        return pm.Server(
            location=LOCATION,
            sku=pm.Sku(name=sku, tier=tier),
            version=version,
            administrator_login="genesys",
            administrator_login_password="Pw-12345678",
            storage=pm.Storage(storage_size_gb=128),
            backup=pm.Backup(backup_retention_days=days),
            high_availability=pm.HighAvailability(mode="ZoneRedundant"),
        )

    with pytest.raises(HttpResponseError) as retention:
        postgres.servers.begin_create_or_update("rg", "pg-one", server(days=3)).result()
    assert retention.value.error.code == "InvalidBackupRetentionDays"
    with pytest.raises(HttpResponseError) as burstable:
        postgres.servers.begin_create_or_update(
            "rg", "pg-one", server("Standard_B1ms", "Burstable")
        ).result()
    assert burstable.value.error.code == "HANotSupportedForBurstableSkus"
    created = postgres.servers.begin_create_or_update("rg", "pg-one", server()).result()
    assert created.fully_qualified_domain_name == "pg-one.postgres.database.azure.com"
    assert created.backup.backup_retention_days == 7 and created.version == "14"


def test_function_app_settings_zip_deploy_and_http_trigger(ready, sdk):
    web = sdk["web"]
    plan = web.app_service_plans.begin_create_or_update(
        "rg",
        "fn-plan",
        wm.AppServicePlan(location=LOCATION, sku=wm.SkuDescription(name="Y1"), reserved=True),
    ).result()
    site = web.web_apps.begin_create_or_update(
        "rg",
        "fn-app-1",
        wm.Site(
            location=LOCATION,
            kind="functionapp,linux",
            server_farm_id=plan.id,
            site_config=wm.SiteConfig(linux_fx_version="Python|3.11"),
        ),
    ).result()
    assert site.default_host_name == "fn-app-1.azurewebsites.net"
    storage = sdk["storage"]
    storage.storage_accounts.begin_create(
        "rg",
        "fnhost1",
        sm.StorageAccountCreateParameters(
            sku=sm.Sku(name="Standard_LRS"), kind="StorageV2", location=LOCATION
        ),
    ).result()
    key = storage.storage_accounts.list_keys("rg", "fnhost1")["keys"][0]["value"]
    host_storage = f"DefaultEndpointsProtocol=https;AccountName=fnhost1;AccountKey={key}"
    web.web_apps.update_application_settings(
        "rg",
        "fn-app-1",
        wm.StringDictionary(
            properties={
                "GENESYS_HANDLER": "main.handler",
                "GREETING": "hello",
                "AzureWebJobsStorage": host_storage.replace(key, "wrong"),
            }
        ),
    )
    settings = web.web_apps.list_application_settings("rg", "fn-app-1").properties
    assert settings["GREETING"] == "hello"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr(
            "main.py",
            "import os\ndef handler(event, context):\n"
            "    return {'greeting': os.environ['GREETING'], 'path': event['path']}\n",
        )
    kudu = ready["settings"]["kudu_endpoint"].format(site="fn-app-1")
    urllib.request.urlopen(
        urllib.request.Request(f"{kudu}/api/zipdeploy", data=archive.getvalue(), method="POST"),
        timeout=10,
    )
    url = ready["settings"]["functions_endpoint"].format(site="fn-app-1") + "/api/hello"
    with pytest.raises(urllib.error.HTTPError) as no_host:  # the host cannot reach its storage
        urllib.request.urlopen(url, timeout=30)
    assert no_host.value.code == 503
    web.web_apps.update_application_settings(
        "rg",
        "fn-app-1",
        wm.StringDictionary(
            properties={
                "GENESYS_HANDLER": "main.handler",
                "GREETING": "hello",
                "AzureWebJobsStorage": host_storage,
            }
        ),
    )
    with urllib.request.urlopen(url, timeout=30) as answer:
        assert json.loads(answer.read()) == {"greeting": "hello", "path": "/api/hello"}
    with pytest.raises(HttpResponseError) as plan_in_use:
        web.app_service_plans.delete("rg", "fn-plan")
    assert plan_in_use.value.status_code == 409


def test_group_deletion_takes_everything_in_it(sdk):
    resource = sdk["resource"]
    resource.resource_groups.create_or_update("doomed", {"location": LOCATION})
    network = sdk["network"]
    network.virtual_networks.begin_create_or_update(
        "doomed",
        "n",
        nm.VirtualNetwork(
            location=LOCATION, address_space=nm.AddressSpace(address_prefixes=["10.5.0.0/16"])
        ),
    ).result()
    resource.resource_groups.begin_delete("doomed").result()
    assert not resource.resource_groups.check_existence("doomed")
    with pytest.raises(ResourceNotFoundError) as gone:
        network.virtual_networks.get("doomed", "n")
    assert gone.value.error.code == "ResourceGroupNotFound"


def test_throttling_answers_429_with_retry_after_and_the_sdk_retries():
    with running("azure", faults="throttle=0.5,seed=3") as line:
        url = (
            f"{line['sdk']['arm']}/subscriptions/{line['account']}/resourcegroups/t"
            "?api-version=2021-04-01"
        )
        codes = []
        for _ in range(12):
            request = urllib.request.Request(url, data=b'{"location": "eastus"}', method="PUT")
            try:
                codes.append(urllib.request.urlopen(request, timeout=5).status)
            except urllib.error.HTTPError as error:
                codes.append(error.code)
                assert error.headers["Retry-After"] == "1"
                assert json.loads(error.read())["error"]["code"] == "TooManyRequests"
        assert 429 in codes and any(code in (200, 201) for code in codes)
        client = ResourceManagementClient(
            FakeCredential(),
            line["account"],
            base_url=line["sdk"]["arm"],
            authentication_policy=PlainBearer(),
            polling_interval=0,
            retry_backoff_factor=0.01,
        )
        assert client.resource_groups.create_or_update("t2", {"location": LOCATION}).name == "t2"


def test_front_door_routes_domains_and_what_is_in_use(sdk, ready):
    from azure.mgmt.cdn import CdnManagementClient
    from azure.mgmt.cdn import models as fm

    cdn = CdnManagementClient(
        FakeCredential(),
        ready["account"],
        base_url=ready["sdk"]["arm"],
        authentication_policy=PlainBearer(),
        polling_interval=0,
    )
    with pytest.raises(HttpResponseError) as sku:
        cdn.profiles.begin_create(
            "rg", "fd", fm.Profile(location="global", sku=fm.Sku(name="Standard_Nothing"))
        ).result()
    assert sku.value.error.code == "InvalidSku"
    cdn.profiles.begin_create(
        "rg", "fd", fm.Profile(location="global", sku=fm.Sku(name="Standard_AzureFrontDoor"))
    ).result()
    domain = cdn.afd_custom_domains.begin_create(
        "rg",
        "fd",
        "site",
        fm.AFDDomain(
            host_name="www.example.com",
            tls_settings=fm.AFDDomainHttpsParameters(certificate_type="ManagedCertificate"),
        ),
    ).result()
    assert str(domain.domain_validation_state) in ("Pending", "DomainValidationState.PENDING")
    assert domain.validation_properties.validation_token
    endpoint = cdn.afd_endpoints.begin_create(
        "rg", "fd", "site", fm.AFDEndpoint(location="global")
    ).result()
    assert endpoint.host_name.startswith("site-") and endpoint.host_name.endswith(".azurefd.net")
    with pytest.raises(HttpResponseError) as missing:
        cdn.routes.begin_create(
            "rg",
            "fd",
            "site",
            "default",
            fm.Route(origin_group=fm.ResourceReference(id=f"{endpoint.id}/nothing")),
        ).result()
    assert missing.value.error.code == "InvalidResourceReference"
    group = cdn.afd_origin_groups.begin_create(
        "rg",
        "fd",
        "origins",
        fm.AFDOriginGroup(
            load_balancing_settings=fm.LoadBalancingSettingsParameters(
                sample_size=4, successful_samples_required=3
            )
        ),
    ).result()
    cdn.afd_origins.begin_create(
        "rg",
        "fd",
        "origins",
        "web",
        fm.AFDOrigin(host_name="genesysdata1.z13.web.core.windows.net"),
    ).result()
    cdn.routes.begin_create(
        "rg",
        "fd",
        "site",
        "default",
        fm.Route(
            origin_group=fm.ResourceReference(id=group.id),
            custom_domains=[fm.ActivatedResourceReference(id=domain.id)],
        ),
    ).result()
    with pytest.raises(HttpResponseError) as in_use:
        cdn.afd_custom_domains.begin_delete("rg", "fd", "site").result()
    assert in_use.value.status_code == 409


def test_static_website_is_the_accounts_blob_service_property(sdk, ready):
    from azure.storage.blob import BlobServiceClient, StaticWebsite

    storage = sdk["storage"]
    storage.storage_accounts.begin_create(
        "rg",
        "sitedata1",
        sm.StorageAccountCreateParameters(
            sku=sm.Sku(name="Standard_LRS"), kind="StorageV2", location=LOCATION
        ),
    ).result()
    key = storage.storage_accounts.list_keys("rg", "sitedata1")["keys"][0]["value"]
    url = ready["settings"]["account_blob_endpoint"].format(account="sitedata1")
    blob = BlobServiceClient(url, credential={"account_name": "sitedata1", "account_key": key})
    assert not blob.get_service_properties()["static_website"].enabled
    blob.set_service_properties(
        static_website=StaticWebsite(
            enabled=True, index_document="index.html", error_document404_path="404.html"
        )
    )
    website = blob.get_service_properties()["static_website"]
    assert (website.enabled, website.index_document) == (True, "index.html")
    assert [c.name for c in storage.blob_containers.list("rg", "sitedata1")] == ["$web"]


def test_load_balancer_pools_rules_and_what_is_in_use(sdk):
    network = sdk["network"]
    subnet = _subnet(sdk, vnet="lbnet", subnet="lb", prefix="10.1.9.0/24")
    ip = network.public_ip_addresses.begin_create_or_update(
        "rg",
        "lb-ip",
        nm.PublicIPAddress(
            location=LOCATION,
            sku=nm.PublicIPAddressSku(name="Standard"),
            dns_settings=nm.PublicIPAddressDnsSettings(domain_name_label="lb-test"),
        ),
    ).result()
    assert ip.dns_settings.fqdn == f"lb-test.{LOCATION}.cloudapp.azure.com"
    lb_id = f"{ip.id.split('/providers/')[0]}/providers/Microsoft.Network/loadBalancers/lb"

    def balancer(probe: str):  # type: ignore[no-untyped-def]
        return nm.LoadBalancer(
            location=LOCATION,
            sku=nm.LoadBalancerSku(name="Standard"),
            frontend_ip_configurations=[
                nm.FrontendIPConfiguration(
                    name="fe", public_ip_address=nm.PublicIPAddress(id=ip.id)
                )
            ],
            backend_address_pools=[nm.BackendAddressPool(name="pool")],
            probes=[nm.Probe(name="p80", protocol="Tcp", port=80)],
            load_balancing_rules=[
                nm.LoadBalancingRule(
                    name="r",
                    protocol="Tcp",
                    frontend_port=80,
                    backend_port=80,
                    frontend_ip_configuration=nm.SubResource(
                        id=f"{lb_id}/frontendIPConfigurations/fe"
                    ),
                    backend_address_pool=nm.SubResource(id=f"{lb_id}/backendAddressPools/pool"),
                    probe=nm.SubResource(id=f"{lb_id}/probes/{probe}"),
                )
            ],
        )

    with pytest.raises(HttpResponseError) as foreign:
        network.load_balancers.begin_create_or_update("rg", "lb", balancer("nope")).result()
    assert foreign.value.error.code == "InvalidResourceReference"
    made = network.load_balancers.begin_create_or_update("rg", "lb", balancer("p80")).result()
    assert made.load_balancing_rules[0].frontend_port == 80
    nic = _nic(sdk, "lb-nic", subnet.id)
    nic.ip_configurations[0].load_balancer_backend_address_pools = [
        nm.BackendAddressPool(id=f"{lb_id}/backendAddressPools/pool")
    ]
    network.network_interfaces.begin_create_or_update("rg", "lb-nic", nic).result()
    members = network.load_balancers.get("rg", "lb").backend_address_pools[0]
    assert [c.id.split("/ipConfigurations/")[0] for c in members.backend_ip_configurations] == [
        nic.id
    ]
    with pytest.raises(HttpResponseError) as ip_in_use:
        network.public_ip_addresses.begin_delete("rg", "lb-ip").result()
    assert ip_in_use.value.error.code == "PublicIPAddressCannotBeDeleted"
    with pytest.raises(HttpResponseError) as lb_in_use:
        network.load_balancers.begin_delete("rg", "lb").result()
    assert lb_in_use.value.error.code == "LoadBalancerInUseByNetworkInterface"
