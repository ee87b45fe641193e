"""Networks, subnets, security groups, load balancers, CDNs and certificates."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from cryptography import x509
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import compute_pb2, network_pb2, storage_pb2
from genesys_plugin_sdk import errors

from .conftest import leftovers


def network(conn, cidr="10.0.0.0/16", name="main"):
    config = pb.NetworkConfig(name=name, cidr=cidr)
    return conn.network.CreateNetwork(network_pb2.CreateNetworkRequest(config=config))


def subnet(conn, network_id, cidr, name="sub"):
    config = pb.SubnetConfig(name=name, network_id=network_id, cidr=cidr)
    return conn.network.CreateSubnet(network_pb2.CreateSubnetRequest(config=config))


def instance(conn, subnet_id="", name="vm", **config):
    request = compute_pb2.CreateInstanceRequest(
        config=pb.InstanceConfig(name=name, size=pb.SIZE_SMALL, subnet_id=subnet_id, **config)
    )
    return conn.compute.CreateInstance(request)


def test_network_cidrs_are_checked_and_must_not_overlap(conn):
    main = network(conn)
    assert main.cidr == "10.0.0.0/16"
    with pytest.raises(errors.InvalidArgument) as caught:
        network(conn, "10.0.128.0/17", "clash")
    assert caught.value.attribute_path == "config.cidr"
    assert main.id in str(caught.value)
    with pytest.raises(errors.InvalidArgument) as caught:
        network(conn, "10.1.0.1/16", "hostbits")
    assert "did you mean 10.1.0.0/16" in str(caught.value)
    with pytest.raises(errors.InvalidArgument):
        network(conn, "not-a-cidr", "junk")
    assert network(conn, "10.1.0.0/16", "other").cidr == "10.1.0.0/16"


def test_subnets_lie_inside_their_network_without_overlapping(conn, root):
    main = network(conn)
    public = subnet(conn, main.id, "10.0.1.0/24", "public")
    assert public.available_ips == 253  # 256 minus network, gateway and broadcast
    assert public.provider_data["gateway"] == "10.0.1.1"
    for bad in ("10.0.1.128/25", "192.168.0.0/24"):
        with pytest.raises(errors.InvalidArgument) as caught:
            subnet(conn, main.id, bad, "bad")
        assert caught.value.attribute_path == "config.cidr"
    with pytest.raises(errors.InvalidArgument) as caught:
        subnet(conn, "net-missing", "10.0.2.0/24")
    assert caught.value.attribute_path == "config.network_id"
    assert list(conn.network.GetNetwork(pb.GetRequest(id=main.id)).subnet_ids) == [public.id]

    with pytest.raises(errors.FailedPrecondition):  # still has a subnet
        conn.network.DeleteNetwork(pb.DeleteRequest(id=main.id))
    conn.network.DeleteSubnet(pb.DeleteRequest(id=public.id))
    conn.network.DeleteNetwork(pb.DeleteRequest(id=main.id))
    with pytest.raises(errors.NotFound):
        conn.network.GetNetwork(pb.GetRequest(id=main.id))
    assert leftovers(root) == []


def test_instances_get_real_addresses_from_their_subnet(conn):
    main = network(conn)
    small = subnet(conn, main.id, "10.0.0.0/29", "small")  # 8 addresses, 5 assignable
    first = [instance(conn, small.id, f"vm{i}") for i in range(3)]
    assert [i.private_ip for i in first] == ["10.0.0.2", "10.0.0.3", "10.0.0.4"]
    assert all(i.network_id == main.id for i in first)
    assert conn.network.GetSubnet(pb.GetRequest(id=small.id)).available_ips == 2

    conn.compute.DeleteInstance(pb.DeleteRequest(id=first[1].id))  # frees 10.0.0.3
    refill = [instance(conn, small.id, f"new{i}") for i in range(3)]
    assert sorted(i.private_ip for i in refill) == ["10.0.0.3", "10.0.0.5", "10.0.0.6"]
    with pytest.raises(errors.FailedPrecondition):
        instance(conn, small.id, "one-too-many")
    for vm in [first[0], first[2], *refill]:
        conn.compute.DeleteInstance(pb.DeleteRequest(id=vm.id))
    assert conn.network.GetSubnet(pb.GetRequest(id=small.id)).available_ips == 5


def test_security_group_rules_are_validated(conn):
    main = network(conn)
    good = pb.SecurityRule(protocol="tcp", from_port=443, to_port=443, cidr_blocks=["0.0.0.0/0"])
    config = pb.SecurityGroupConfig(name="web", network_id=main.id, ingress=[good])
    group = conn.network.CreateSecurityGroup(network_pb2.CreateSecurityGroupRequest(config=config))
    assert group.ingress[0].to_port == 443
    bad_rules = [
        (pb.SecurityRule(protocol="tcpx", to_port=1), "ingress[0].protocol"),
        (pb.SecurityRule(protocol="tcp", from_port=0, to_port=70000), "ingress[0].to_port"),
        (pb.SecurityRule(protocol="tcp", from_port=9, to_port=8), "ingress[0].from_port"),
        (pb.SecurityRule(protocol="udp", to_port=53, cidr_blocks=["10.0.0.1/8"]),
         "ingress[0].cidr_blocks[0]"),
    ]  # fmt: skip
    for rule, path in bad_rules:
        config = pb.SecurityGroupConfig(name="bad", ingress=[rule])
        with pytest.raises(errors.InvalidArgument) as caught:
            conn.network.CreateSecurityGroup(network_pb2.CreateSecurityGroupRequest(config=config))
        assert caught.value.attribute_path == f"config.{path}"
    update = network_pb2.UpdateSecurityGroupRequest(
        id=group.id,
        config=pb.SecurityGroupConfig(name="web", network_id=main.id, egress=[good]),
        changed=["egress"],
    )
    assert len(conn.network.UpdateSecurityGroup(update).egress) == 1


def test_load_balancer_records_listeners_and_targets(conn):
    main = network(conn)
    public = subnet(conn, main.id, "10.0.1.0/24")
    vm = instance(conn, public.id)
    config = pb.LoadBalancerConfig(
        name="front",
        network_id=main.id,
        subnet_ids=[public.id],
        listeners=[pb.Listener(protocol="http", port=80, target_port=8080)],
        target_instance_ids=[vm.id],
    )
    balancer = conn.network.CreateLoadBalancer(network_pb2.CreateLoadBalancerRequest(config=config))
    assert balancer.dns_name == "front.lb.local"
    assert list(balancer.target_instance_ids) == [vm.id]
    missing = pb.LoadBalancerConfig(name="x", target_instance_ids=["i-missing"])
    with pytest.raises(errors.InvalidArgument) as caught:
        conn.network.CreateLoadBalancer(network_pb2.CreateLoadBalancerRequest(config=missing))
    assert caught.value.attribute_path == "config.target_instance_ids[0]"
    https = pb.LoadBalancerConfig(
        name="x", listeners=[pb.Listener(protocol="https", port=443, target_port=80)]
    )
    with pytest.raises(errors.InvalidArgument):
        conn.network.CreateLoadBalancer(network_pb2.CreateLoadBalancerRequest(config=https))
    conn.network.DeleteLoadBalancer(pb.DeleteRequest(id=balancer.id))
    conn.compute.DeleteInstance(pb.DeleteRequest(id=vm.id))


def test_certificate_is_a_real_self_signed_pem_and_cdn_fronts_a_bucket(conn, root):
    config = pb.CertificateConfig(name="site", domain="www.example.test")
    cert = conn.network.CreateCertificate(network_pb2.CreateCertificateRequest(config=config))
    assert cert.state == "issued"
    pem = (root / "certificates" / cert.id / "cert.pem").read_bytes()
    parsed = x509.load_pem_x509_certificate(pem)
    names = parsed.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["www.example.test"]
    assert oct((root / "certificates" / cert.id / "key.pem").stat().st_mode & 0o777) == "0o600"

    bucket_config = pb.BucketConfig(name="site", website=pb.Website(index_document="index.html"))
    conn.storage.CreateBucket(storage_pb2.CreateBucketRequest(config=bucket_config))
    cdn_config = pb.CdnConfig(
        name="site", origin_bucket_id="site", certificate_id=cert.id, https=True
    )
    cdn = conn.network.CreateCdn(network_pb2.CreateCdnRequest(config=cdn_config))
    assert cdn.endpoint == (root / "buckets" / "site").as_uri()
    assert cdn.provider_data["index_document"] == "index.html"
    with pytest.raises(errors.FailedPrecondition):  # the CDN still uses the bucket
        conn.storage.DeleteBucket(pb.DeleteRequest(id="site"))

    conn.network.DeleteCdn(pb.DeleteRequest(id=cdn.id))
    conn.network.DeleteCertificate(pb.DeleteRequest(id=cert.id))
    conn.storage.DeleteBucket(pb.DeleteRequest(id="site"))
    assert leftovers(root) == []


def test_concurrent_creates_keep_the_address_plan_consistent(conn):
    def try_network(i):
        try:
            return network(conn, "10.9.0.0/16", f"race{i}").id
        except errors.InvalidArgument:
            return None

    with ThreadPoolExecutor(8) as pool:
        winners = [n for n in pool.map(try_network, range(8)) if n]
    assert len(winners) == 1  # overlap checks are atomic with the insert

    small = subnet(conn, winners[0], "10.9.0.0/28")
    with ThreadPoolExecutor(8) as pool:
        vms = list(pool.map(lambda i: instance(conn, small.id, f"vm{i}"), range(8)))
    addresses = [vm.private_ip for vm in vms]
    assert len(set(addresses)) == 8
    for vm in vms:
        conn.compute.DeleteInstance(pb.DeleteRequest(id=vm.id))
