"""Provider service of the real plugin process: identity, schema tables, validation, plan, the
conformance kit, and typed errors for what GCP refuses."""

from __future__ import annotations

import time
from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import compute_pb2, provider_pb2
from genesys_emulators.gcp.sdk import compute_client
from genesys_plugin_sdk import errors


def test_identity_gives_project_and_account(conn: Any, ready: dict) -> None:
    identity = conn.provider.Authenticate(provider_pb2.AuthenticateRequest())
    assert identity.project_id == identity.account_id == ready["account"]
    assert identity.region == "us-central1" and identity.principal == "anonymous"


def test_schema_has_the_seed_size_table_and_dated_regional_prices(conn: Any) -> None:
    schema = conn.provider.GetSchema(provider_pb2.GetSchemaRequest())
    tables = {t.name: dict(t.entries) for t in schema.translations}
    assert tables["instance.size"] == {
        "small": "n1-standard-1",
        "medium": "n1-standard-2",
        "large": "n1-standard-4",
        "xlarge": "n1-standard-8",
    }
    assert tables["database.size"]["medium"] == "db-custom-2-7680"
    assert tables["instance.image"]["ubuntu-lts"] == "ubuntu-os-cloud/ubuntu-2204-lts"
    regions = {p.region: p for p in schema.prices}
    assert {"us-central1", "europe-west1"} <= set(regions) and regions["us-central1"].as_of
    prices = {e.item: e.usd for e in regions["us-central1"].entries}
    assert prices["instance:n1-standard-2"] == 0.095


def _resource(**instance: Any) -> pb.Resource:
    return pb.Resource(instance=pb.Instance(**instance))


def test_validation_locates_unknown_machine_types_and_unlabelable_tags(conn: Any) -> None:
    request = provider_pb2.ValidateResourcesRequest(
        resources=[
            _resource(
                name="ok",
                size=pb.SIZE_MEDIUM,
                tags={"Environment": "production", "Team": "platform"},
            ),
            _resource(name="bad", provider_type="n1-standard-3"),
            _resource(name="worse", tags={"1st-owner": "x"}),
        ]
    )
    found = {
        (d.index, d.attribute_path) for d in conn.provider.ValidateResources(request).diagnostics
    }
    assert found == {(1, "provider_type"), (2, "tags")}


def test_plan_translates_sizes_and_prices_them(conn: Any) -> None:
    item = provider_pb2.PlanItem(
        address="compute.web", desired=_resource(name="web", size=pb.SIZE_MEDIUM)
    )
    planned = conn.provider.PlanResources(
        provider_pb2.PlanResourcesRequest(items=[item])
    ).resources[0]
    assert planned.translated.instance.provider_type == "n1-standard-2"
    assert planned.translated.instance.provider_image.endswith("family/ubuntu-2204-lts")
    assert planned.cost.monthly_usd == round(0.095 * 730, 2)
    prior = _resource(name="web", size=pb.SIZE_SMALL, zone="us-central1-a")
    resized = provider_pb2.PlanItem(address="compute.web", desired=item.desired, prior=prior)
    planned = conn.provider.PlanResources(
        provider_pb2.PlanResourcesRequest(items=[resized])
    ).resources[0]
    assert list(planned.requires_replace) == []  # a size change is in place on GCP


def test_conformance_kit_passes_against_the_emulator(ready: dict) -> None:
    from genesys.conformance import run_conformance

    settings = {k: v for k, v in ready["settings"].items() if k != "endpoints"}
    report = run_conformance(
        "gcp",
        settings={**settings, "poll_interval": 0.05},
        region=ready["region"],
        endpoints=ready["settings"]["endpoints"],
    )
    assert report.ok, report.failures()


def test_instance_created_in_place_resized_and_deleted_through_the_sdk(
    conn: Any, ready: dict, suffix: str
) -> None:
    from genesys.provider.v1 import network_pb2

    network = conn.network.CreateNetwork(
        network_pb2.CreateNetworkRequest(
            config=pb.NetworkConfig(name=f"n-{suffix}", cidr="10.9.0.0/16")
        )
    )
    conn.network.CreateSubnet(
        network_pb2.CreateSubnetRequest(
            config=pb.SubnetConfig(name="a", network_id=network.id, cidr="10.9.1.0/24")
        )
    )
    config = pb.InstanceConfig(
        name=f"vm-{suffix}", size=pb.SIZE_SMALL, network_id=network.id, tags={"Team": "Platform"}
    )
    made = conn.compute.CreateInstance(
        compute_pb2.CreateInstanceRequest(config=config, idempotency_token=f"t-{suffix}")
    )
    again = conn.compute.CreateInstance(
        compute_pb2.CreateInstanceRequest(config=config, idempotency_token=f"t-{suffix}")
    )
    assert again.id == made.id and made.state == "running" and made.tags == {"Team": "Platform"}
    instances = compute_client("InstancesClient", ready["sdk"]["compute"])
    zone, name = made.id.split("/")
    raw = instances.get(project=ready["account"], zone=zone, instance=name)
    assert raw.labels["team"] == "platform" and raw.machine_type.endswith("n1-standard-1")
    config.size = pb.SIZE_LARGE
    update = compute_pb2.UpdateInstanceRequest(
        id=made.id, private=made.private, config=config, changed=["size"]
    )
    resized = conn.compute.UpdateInstance(update)
    assert resized.provider_type == "n1-standard-4" and resized.state == "running"
    assert instances.get(project=ready["account"], zone=zone, instance=name).id == raw.id
    conn.compute.DeleteInstance(pb.DeleteRequest(id=made.id))
    with pytest.raises(errors.NotFound):
        conn.compute.GetInstance(pb.GetRequest(id=made.id))


def test_throttling_is_retried_then_reaches_the_core_as_throttled() -> None:
    from genesys.plugins import launch_plugin
    from genesys_emulators.testing import running

    from .conftest import configure_request

    with running("gcp", faults="throttle=1,seed=1") as line, launch_plugin("gcp") as connection:
        connection.provider.Configure(configure_request(line))
        config = pb.NetworkConfig(name="throttled", cidr="10.0.0.0/16")
        from genesys.provider.v1 import network_pb2

        started = time.monotonic()
        with pytest.raises(errors.Throttled) as throttled:
            connection.network.CreateNetwork(network_pb2.CreateNetworkRequest(config=config))
        # The plugin retried the 429s itself (backoff, ~20 s) before handing THROTTLED on.
        assert throttled.value.retry_after is not None and throttled.value.retry_after >= 1
        assert time.monotonic() - started >= 10


def test_volume_grows_attaches_and_detaches(conn: Any, ready: dict, suffix: str) -> None:
    from genesys.provider.v1 import network_pb2, storage_pb2

    network = conn.network.CreateNetwork(
        network_pb2.CreateNetworkRequest(
            config=pb.NetworkConfig(name=f"v-{suffix}", cidr="10.8.0.0/16")
        )
    )
    conn.network.CreateSubnet(
        network_pb2.CreateSubnetRequest(
            config=pb.SubnetConfig(name="a", network_id=network.id, cidr="10.8.1.0/24")
        )
    )
    vm = conn.compute.CreateInstance(
        compute_pb2.CreateInstanceRequest(
            config=pb.InstanceConfig(name=f"vv-{suffix}", network_id=network.id)
        )
    )
    config = pb.VolumeConfig(name=f"data-{suffix}", size_gb=20, volume_class="ssd", zone=vm.zone)
    volume = conn.storage.CreateVolume(storage_pb2.CreateVolumeRequest(config=config))
    assert (volume.provider_type, volume.state, volume.size_gb) == ("pd-ssd", "available", 20)
    config.size_gb = 50
    grown = conn.storage.UpdateVolume(
        storage_pb2.UpdateVolumeRequest(
            id=volume.id, private=volume.private, config=config, changed=["size_gb"]
        )
    )
    assert grown.size_gb == 50
    request = storage_pb2.AttachVolumeRequest(volume_id=volume.id, instance_id=vm.id, device="data")
    attachment = conn.storage.AttachVolume(request)
    assert conn.storage.AttachVolume(request).id == attachment.id  # idempotent per pair
    disks = compute_client("DisksClient", ready["sdk"]["compute"])
    zone, name = volume.id.split("/")
    raw = disks.get(project=ready["account"], zone=zone, disk=name)
    assert raw.size_gb == 50 and raw.users[0].endswith(vm.id.split("/")[1])
    with pytest.raises(errors.FailedPrecondition):  # in use
        conn.storage.DeleteVolume(pb.DeleteRequest(id=volume.id))
    conn.storage.DetachVolume(pb.DeleteRequest(id=attachment.id))
    conn.storage.DeleteVolume(pb.DeleteRequest(id=volume.id))
    with pytest.raises(errors.NotFound):
        conn.storage.GetVolume(pb.GetRequest(id=volume.id))


def test_load_balancer_http_through_backend_services_tcp_through_a_pool(
    conn: Any, ready: dict, suffix: str
) -> None:
    from genesys.provider.v1 import network_pb2

    network = conn.network.CreateNetwork(
        network_pb2.CreateNetworkRequest(
            config=pb.NetworkConfig(name=f"lb-{suffix}", cidr="10.7.0.0/16")
        )
    )
    conn.network.CreateSubnet(
        network_pb2.CreateSubnetRequest(
            config=pb.SubnetConfig(name="a", network_id=network.id, cidr="10.7.1.0/24")
        )
    )
    vms = [
        conn.compute.CreateInstance(
            compute_pb2.CreateInstanceRequest(
                config=pb.InstanceConfig(name=f"lb{i}-{suffix}", network_id=network.id)
            )
        )
        for i in range(2)
    ]
    config = pb.LoadBalancerConfig(
        name=f"front-{suffix}",
        network_id=network.id,
        listeners=[pb.Listener(protocol="http", port=80, target_port=8080)],
        target_instance_ids=[vms[0].id],
    )
    made = conn.network.CreateLoadBalancer(network_pb2.CreateLoadBalancerRequest(config=config))
    assert made.dns_name and made.target_instance_ids == [vms[0].id]
    project, url = ready["account"], ready["sdk"]["compute"]
    service = compute_client("BackendServicesClient", url).get(
        project=project, backend_service=f"front-{suffix}-b80"
    )
    assert service.port_name == "p8080" and len(service.backends) == 1
    config.target_instance_ids.append(vms[1].id)
    config.listeners.append(pb.Listener(protocol="tcp", port=5432))
    update = network_pb2.UpdateLoadBalancerRequest(id=made.id, config=config)
    changed = conn.network.UpdateLoadBalancer(update)
    assert sorted(changed.target_instance_ids) == sorted(v.id for v in vms)
    assert [(item.protocol, item.port) for item in changed.listeners] == [
        ("http", 80),
        ("tcp", 5432),
    ]
    pool = compute_client("TargetPoolsClient", url).get(
        project=project, region="us-central1", target_pool=f"front-{suffix}-pool"
    )
    assert len(pool.instances) == 2
    bad = pb.LoadBalancerConfig(
        name="udp", listeners=[pb.Listener(protocol="udp", port=53, target_port=5353)]
    )
    with pytest.raises(errors.InvalidArgument) as refused:
        conn.network.CreateLoadBalancer(network_pb2.CreateLoadBalancerRequest(config=bad))
    assert refused.value.attribute_path == "config.listeners[0].target_port"
    conn.network.DeleteLoadBalancer(pb.DeleteRequest(id=made.id))
    with pytest.raises(errors.NotFound):
        conn.network.GetLoadBalancer(pb.GetRequest(id=made.id))
    for client in ("BackendServicesClient", "UrlMapsClient", "HealthChecksClient"):
        assert list(compute_client(client, url).list(project=project)) == [], client
