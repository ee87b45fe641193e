"""`genesys-emulator gcp` Compute Engine, driven through google-cloud-compute (REST transport)."""

from __future__ import annotations

import pytest
from genesys_emulators.gcp.sdk import compute_client
from genesys_emulators.testing import running
from google.api_core import exceptions

ZONE = "us-central1-a"
UBUNTU = "projects/ubuntu-os-cloud/global/images/family/ubuntu-2204-lts"


@pytest.fixture(scope="module")
def ready():
    with running("gcp") as line:
        yield line


@pytest.fixture(scope="module")
def clients(ready):
    url = ready["sdk"]["compute"]
    names = (
        "InstancesClient",
        "NetworksClient",
        "SubnetworksClient",
        "FirewallsClient",
        "DisksClient",
    )
    return {name: compute_client(name, url) for name in names} | {"project": ready["account"]}


def reason(error: exceptions.GoogleAPICallError) -> str:
    return error.errors[0]["reason"]


def make_network(clients, name: str, cidr: str) -> str:
    project = clients["project"]
    clients["NetworksClient"].insert(
        project=project,
        network_resource={"name": name, "auto_create_subnetworks": False},
    ).result(timeout=10)
    clients["SubnetworksClient"].insert(
        project=project,
        region="us-central1",
        subnetwork_resource={
            "name": f"{name}-sub",
            "network": f"global/networks/{name}",
            "ip_cidr_range": cidr,
        },
    ).result(timeout=10)
    return f"regions/us-central1/subnetworks/{name}-sub"


def instance_body(name: str, subnet: str, machine: str = "n1-standard-2", **extra) -> dict:
    return {
        "name": name,
        "machine_type": f"zones/{ZONE}/machineTypes/{machine}",
        "disks": [
            {"boot": True, "auto_delete": True, "initialize_params": {"source_image": UBUNTU}}
        ],
        "network_interfaces": [{"subnetwork": subnet}],
        **extra,
    }


def test_instance_lifecycle_with_operations_polled_until_done(clients):
    project, instances = clients["project"], clients["InstancesClient"]
    subnet = make_network(clients, "life-vpc", "10.1.0.0/24")
    operation = instances.insert(
        project=project,
        zone=ZONE,
        instance_resource=instance_body("vm-1", subnet, labels={"env": "prod"}),
    )
    operation.result(timeout=10)
    assert operation.done()
    vm = instances.get(project=project, zone=ZONE, instance="vm-1")
    assert vm.machine_type.endswith("/machineTypes/n1-standard-2")
    assert vm.network_interfaces[0].network_i_p.startswith("10.1.0.")
    assert vm.labels == {"env": "prod"}
    # A running instance cannot change machine type; stopped, it can (GCP's in-place resize).
    with pytest.raises(exceptions.BadRequest) as refused:
        instances.set_machine_type(
            project=project,
            zone=ZONE,
            instance="vm-1",
            instances_set_machine_type_request_resource={
                "machine_type": f"zones/{ZONE}/machineTypes/n1-standard-4"
            },
        )
    assert reason(refused.value) == "resourceNotReady"
    instances.stop(project=project, zone=ZONE, instance="vm-1").result(timeout=10)
    instances.set_machine_type(
        project=project,
        zone=ZONE,
        instance="vm-1",
        instances_set_machine_type_request_resource={
            "machine_type": f"zones/{ZONE}/machineTypes/n1-standard-4"
        },
    ).result(timeout=10)
    instances.start(project=project, zone=ZONE, instance="vm-1").result(timeout=10)
    vm = instances.get(project=project, zone=ZONE, instance="vm-1")
    assert vm.machine_type.endswith("n1-standard-4")
    instances.delete(project=project, zone=ZONE, instance="vm-1").result(timeout=10)
    with pytest.raises(exceptions.NotFound) as gone:
        instances.get(project=project, zone=ZONE, instance="vm-1")
    assert reason(gone.value) == "notFound"


def test_bad_input_is_refused_as_compute_refuses_it(clients):
    project, instances = clients["project"], clients["InstancesClient"]
    subnet = make_network(clients, "bad-vpc", "10.2.0.0/24")
    with pytest.raises(exceptions.BadRequest, match="n1-standard-3"):
        instances.insert(
            project=project,
            zone=ZONE,
            instance_resource=instance_body("vm-x", subnet, "n1-standard-3"),
        )
    with pytest.raises(exceptions.BadRequest, match="label"):
        instances.insert(
            project=project,
            zone=ZONE,
            instance_resource=instance_body("vm-x", subnet, labels={"Team": "x"}),
        )
    with pytest.raises(exceptions.NotFound):
        instances.insert(
            project=project,
            zone=ZONE,
            instance_resource=instance_body("vm-x", subnet)
            | {
                "disks": [
                    {
                        "boot": True,
                        "initialize_params": {
                            "source_image": "projects/ubuntu-os-cloud/global/images/family/nope"
                        },
                    }
                ]
            },
        )
    instances.insert(
        project=project, zone=ZONE, instance_resource=instance_body("vm-y", subnet)
    ).result(timeout=10)
    with pytest.raises(exceptions.Conflict) as taken:
        instances.insert(
            project=project, zone=ZONE, instance_resource=instance_body("vm-y", subnet)
        )
    assert reason(taken.value) == "alreadyExists"
    # Overlapping subnetwork, network in use.
    with pytest.raises(exceptions.BadRequest, match="conflicts"):
        clients["SubnetworksClient"].insert(
            project=project,
            region="us-central1",
            subnetwork_resource={
                "name": "again",
                "network": "global/networks/bad-vpc",
                "ip_cidr_range": "10.2.0.0/25",
            },
        )
    with pytest.raises(exceptions.BadRequest) as busy:
        clients["NetworksClient"].delete(project=project, network="bad-vpc")
    assert reason(busy.value) == "resourceInUseByAnotherResource"
    with pytest.raises(exceptions.BadRequest) as busy:
        clients["SubnetworksClient"].delete(
            project=project, region="us-central1", subnetwork="bad-vpc-sub"
        )
    assert reason(busy.value) == "resourceInUseByAnotherResource"


def test_filtered_aggregated_list_reads_many_instances_in_one_call(clients):
    project, instances = clients["project"], clients["InstancesClient"]
    subnet = make_network(clients, "list-vpc", "10.3.0.0/24")
    for index in range(3):
        body = instance_body(f"many-{index}", subnet, "n1-standard-1", labels={"batch": "b1"})
        instances.insert(project=project, zone=ZONE, instance_resource=body).result(timeout=10)
    request = {"project": project, "filter": '(name = "many-0") OR (name = "many-2")'}
    found = [
        i.name for _, scoped in instances.aggregated_list(request=request) for i in scoped.instances
    ]
    assert sorted(found) == ["many-0", "many-2"]
    by_label = instances.list(
        request={"project": project, "zone": ZONE, "filter": "labels.batch = b1"}
    )
    assert sorted(i.name for i in by_label) == ["many-0", "many-1", "many-2"]
    paged = instances.list(
        request={"project": project, "zone": ZONE, "max_results": 1, "filter": "labels.batch = b1"}
    )
    assert len(list(paged)) == 3


def test_firewall_and_disks_attach_detach(clients):
    project = clients["project"]
    subnet = make_network(clients, "fw-vpc", "10.4.0.0/24")
    firewalls = clients["FirewallsClient"]
    firewalls.insert(
        project=project,
        firewall_resource={
            "name": "web-sg",
            "network": "global/networks/fw-vpc",
            "allowed": [{"I_p_protocol": "tcp", "ports": ["80", "443"]}],
            "target_tags": ["web"],
        },
    ).result(timeout=10)
    rule = firewalls.get(project=project, firewall="web-sg")
    assert rule.allowed[0].ports == ["80", "443"] and rule.source_ranges == ["0.0.0.0/0"]
    disks, instances = clients["DisksClient"], clients["InstancesClient"]
    disks.insert(
        project=project, zone=ZONE, disk_resource={"name": "data-1", "size_gb": 20}
    ).result(timeout=10)
    instances.insert(
        project=project, zone=ZONE, instance_resource=instance_body("vm-d", subnet)
    ).result(timeout=10)
    instances.attach_disk(
        project=project,
        zone=ZONE,
        instance="vm-d",
        attached_disk_resource={"source": f"zones/{ZONE}/disks/data-1", "device_name": "data"},
    ).result(timeout=10)
    with pytest.raises(exceptions.BadRequest):
        disks.delete(project=project, zone=ZONE, disk="data-1")
    instances.detach_disk(project=project, zone=ZONE, instance="vm-d", device_name="data").result(
        timeout=10
    )
    disks.delete(project=project, zone=ZONE, disk="data-1").result(timeout=10)
    assert [
        d.name
        for d in disks.list(request={"project": project, "zone": ZONE, "filter": "name = data-1"})
    ] == []


def test_load_balancing_chain_checks_references_and_use(clients, ready):
    project, url = clients["project"], ready["sdk"]["compute"]
    buckets = compute_client("BackendBucketsClient", url)
    url_maps = compute_client("UrlMapsClient", url)
    with pytest.raises(exceptions.BadRequest, match="cannot be found"):
        url_maps.insert(
            project=project,
            url_map_resource={"name": "m", "default_service": "global/backendBuckets/none"},
        )
    buckets.insert(
        project=project,
        backend_bucket_resource={"name": "site", "bucket_name": "site", "enable_cdn": True},
    ).result(timeout=10)
    url_maps.insert(
        project=project,
        url_map_resource={"name": "m", "default_service": "global/backendBuckets/site"},
    ).result(timeout=10)
    with pytest.raises(exceptions.BadRequest) as busy:
        buckets.delete(project=project, backend_bucket="site")
    assert reason(busy.value) == "resourceInUseByAnotherResource"
    certificates = compute_client("SslCertificatesClient", url)
    certificates.insert(
        project=project,
        ssl_certificate_resource={"name": "c", "managed": {"domains": ["a.example.com"]}},
    ).result(timeout=10)
    assert certificates.get(project=project, ssl_certificate="c").managed.status in (
        "PROVISIONING",
        "ACTIVE",
    )
