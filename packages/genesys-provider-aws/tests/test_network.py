"""VPCs, subnets, security groups, load balancers, CloudFront and ACM through the plugin."""

from __future__ import annotations

from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import compute_pb2, network_pb2, storage_pb2
from genesys_plugin_sdk import errors


def _network(conn: Any, cidr: str, name: str) -> pb.Network:
    return conn.network.CreateNetwork(
        network_pb2.CreateNetworkRequest(config=pb.NetworkConfig(name=name, cidr=cidr))
    )


def _subnet(conn: Any, network: str, cidr: str, public: bool, zone: str = "") -> pb.Subnet:
    config = pb.SubnetConfig(
        name=f"s-{cidr}", network_id=network, cidr=cidr, public=public, zone=zone
    )
    return conn.network.CreateSubnet(network_pb2.CreateSubnetRequest(config=config))


def test_network_with_public_and_private_subnets(conn: Any, aws: Any, suffix: str) -> None:
    net = _network(conn, "10.0.0.0/16", f"main-{suffix}")
    public = _subnet(conn, net.id, "10.0.1.0/24", True)
    private = _subnet(conn, net.id, "10.0.2.0/24", False)
    ec2 = aws("ec2")
    assert ec2.describe_vpcs(VpcIds=[net.id])["Vpcs"][0]["CidrBlock"] == "10.0.0.0/16"
    raw_public = ec2.describe_subnets(SubnetIds=[public.id])["Subnets"][0]
    assert raw_public["MapPublicIpOnLaunch"] and not private.public and public.public
    gateways = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [net.id]}]
    )
    gateway = gateways["InternetGateways"][0]["InternetGatewayId"]
    tables = ec2.describe_route_tables(
        Filters=[{"Name": "association.subnet-id", "Values": [public.id]}]
    )
    routes = tables["RouteTables"][0]["Routes"]
    assert any(
        r.get("GatewayId") == gateway and r["DestinationCidrBlock"] == "0.0.0.0/0" for r in routes
    )
    assert not ec2.describe_route_tables(
        Filters=[{"Name": "association.subnet-id", "Values": [private.id]}]
    )["RouteTables"]
    read = conn.network.GetNetwork(pb.GetRequest(id=net.id))
    assert (
        sorted(read.subnet_ids) == sorted([public.id, private.id]) and read.name == f"main-{suffix}"
    )
    flipped = conn.network.UpdateSubnet(
        network_pb2.UpdateSubnetRequest(
            id=private.id,
            config=pb.SubnetConfig(
                name="s-10.0.2.0/24", network_id=net.id, cidr="10.0.2.0/24", public=True
            ),
            changed=["public"],
        )
    )
    assert (
        flipped.public
        and ec2.describe_subnets(SubnetIds=[private.id])["Subnets"][0]["MapPublicIpOnLaunch"]
    )
    with pytest.raises(errors.FailedPrecondition):  # subnets still in it
        conn.network.DeleteNetwork(pb.DeleteRequest(id=net.id))
    conn.network.DeleteSubnet(pb.DeleteRequest(id=public.id))
    conn.network.DeleteSubnet(pb.DeleteRequest(id=private.id))
    conn.network.DeleteNetwork(
        pb.DeleteRequest(id=net.id)
    )  # takes its gateway and route table along
    left = ec2.describe_internet_gateways(
        Filters=[{"Name": "internet-gateway-id", "Values": [gateway]}]
    )
    assert not left["InternetGateways"]
    with pytest.raises(errors.NotFound):
        conn.network.GetNetwork(pb.GetRequest(id=net.id))


def test_bad_cidr_is_an_invalid_argument(conn: Any) -> None:
    with pytest.raises(errors.InvalidArgument) as caught:
        _network(conn, "10.0.0.0/8", "too-big")
    assert caught.value.attribute_path == "config.cidr"
    net = _network(conn, "10.9.0.0/16", "n")
    with pytest.raises(errors.InvalidArgument):
        _subnet(
            conn, net.id, "10.10.1.0/24", False
        )  # outside the VPC: AWS says InvalidSubnet.Range


def test_security_group_rules_create_update(conn: Any, aws: Any, suffix: str) -> None:
    net = _network(conn, "10.1.0.0/16", f"sg-{suffix}")
    http = pb.SecurityRule(
        protocol="tcp", from_port=80, to_port=80, cidr_blocks=["0.0.0.0/0"], description="http"
    )
    ssh = pb.SecurityRule(protocol="tcp", from_port=22, to_port=22, cidr_blocks=["10.1.0.0/16"])
    config = pb.SecurityGroupConfig(
        name=f"web-{suffix}", network_id=net.id, ingress=[http, ssh], tags={"t": "1"}
    )
    group = conn.network.CreateSecurityGroup(network_pb2.CreateSecurityGroupRequest(config=config))
    raw = aws("ec2").describe_security_groups(GroupIds=[group.id])["SecurityGroups"][0]
    ports = sorted((p["FromPort"], p["IpRanges"][0]["CidrIp"]) for p in raw["IpPermissions"])
    assert ports == [(22, "10.1.0.0/16"), (80, "0.0.0.0/0")]
    # No egress given means none: AWS's default allow-all rule is revoked.
    assert group.egress == [] and raw["IpPermissionsEgress"] == [] and len(group.ingress) == 2
    config.ingress.remove(ssh)
    config.ingress.append(
        pb.SecurityRule(protocol="udp", from_port=53, to_port=53, cidr_blocks=["10.0.0.0/8"])
    )
    config.egress.append(
        pb.SecurityRule(protocol="tcp", from_port=443, to_port=443, cidr_blocks=["0.0.0.0/0"])
    )
    updated = conn.network.UpdateSecurityGroup(
        network_pb2.UpdateSecurityGroupRequest(
            id=group.id, config=config, changed=["ingress", "egress"]
        )
    )
    raw = aws("ec2").describe_security_groups(GroupIds=[group.id])["SecurityGroups"][0]
    assert sorted(p["IpProtocol"] + str(p["FromPort"]) for p in raw["IpPermissions"]) == [
        "tcp80",
        "udp53",
    ]
    assert [(p["IpProtocol"], p.get("FromPort")) for p in raw["IpPermissionsEgress"]] == [
        ("tcp", 443)
    ]
    assert [r.from_port for r in updated.egress] == [443]
    conn.network.DeleteSecurityGroup(pb.DeleteRequest(id=group.id))
    with pytest.raises(errors.NotFound):
        conn.network.GetSecurityGroup(pb.GetRequest(id=group.id))


def test_group_reads_back_as_configured(conn: Any, aws: Any, suffix: str) -> None:
    # The core's config spells out allow-all egress for a group that declares none; a read
    # must report it as given, or every plan would show the group changing.
    net = _network(conn, "10.2.0.0/16", f"egress-{suffix}")
    allow_all = pb.SecurityRule(protocol="all", cidr_blocks=["0.0.0.0/0"])
    config = pb.SecurityGroupConfig(name=f"out-{suffix}", network_id=net.id, egress=[allow_all])
    group = conn.network.CreateSecurityGroup(network_pb2.CreateSecurityGroupRequest(config=config))
    assert list(group.egress) == [allow_all]
    raw = aws("ec2").describe_security_groups(GroupIds=[group.id])["SecurityGroups"][0]
    assert [(p["IpProtocol"], p["IpRanges"]) for p in raw["IpPermissionsEgress"]] == [
        ("-1", [{"CidrIp": "0.0.0.0/0"}])
    ]
    read = conn.network.GetSecurityGroup(pb.GetRequest(id=group.id))
    assert list(read.egress) == [allow_all]
    # No description configured: AWS needs one, so the plugin sets one and reads it back as "".
    assert raw["Description"] == "Managed by Genesys" and read.description == ""


def test_load_balancer_with_listener_and_targets(conn: Any, aws: Any, suffix: str) -> None:
    net = _network(conn, "10.2.0.0/16", f"lb-{suffix}")
    subnets = [
        _subnet(conn, net.id, f"10.2.{i}.0/24", True, f"us-east-1{z}").id
        for i, z in ((1, "a"), (2, "b"))
    ]
    instance = conn.compute.CreateInstance(
        compute_pb2.CreateInstanceRequest(
            config=pb.InstanceConfig(image="amazon-linux", subnet_id=subnets[0])
        )
    )
    config = pb.LoadBalancerConfig(
        name=f"web-{suffix}",
        network_id=net.id,
        subnet_ids=subnets,
        listeners=[pb.Listener(protocol="http", port=80, target_port=8080)],
        target_instance_ids=[instance.id],
        tags={"env": "test"},
    )
    lb = conn.network.CreateLoadBalancer(
        network_pb2.CreateLoadBalancerRequest(config=config, idempotency_token=f"lb-{suffix}")
    )
    elb = aws("elbv2")
    (listener,) = elb.describe_listeners(LoadBalancerArn=lb.id)["Listeners"]
    assert (listener["Protocol"], listener["Port"]) == ("HTTP", 80)
    group = listener["DefaultActions"][0]["TargetGroupArn"]
    assert elb.describe_target_groups(TargetGroupArns=[group])["TargetGroups"][0]["Port"] == 8080
    targets = elb.describe_target_health(TargetGroupArn=group)["TargetHealthDescriptions"]
    assert [t["Target"]["Id"] for t in targets] == [instance.id]
    assert (
        lb.dns_name and list(lb.target_instance_ids) == [instance.id] and lb.tags == {"env": "test"}
    )
    assert [(x.protocol, x.port, x.target_port) for x in lb.listeners] == [("http", 80, 8080)]
    again = conn.network.CreateLoadBalancer(
        network_pb2.CreateLoadBalancerRequest(config=config, idempotency_token=f"lb-{suffix}")
    )
    assert again.id == lb.id
    config.listeners.append(pb.Listener(protocol="http", port=8081, target_port=8081))
    updated = conn.network.UpdateLoadBalancer(
        network_pb2.UpdateLoadBalancerRequest(id=lb.id, config=config, changed=["listeners"])
    )
    assert sorted(x.port for x in updated.listeners) == [80, 8081]
    conn.network.DeleteLoadBalancer(pb.DeleteRequest(id=lb.id))
    with pytest.raises(errors.NotFound):
        conn.network.GetLoadBalancer(pb.GetRequest(id=lb.id))
    assert not [
        g for g in elb.describe_target_groups()["TargetGroups"] if g["TargetGroupArn"] == group
    ]


def test_static_site_bucket_cdn_and_certificate(conn: Any, aws: Any, suffix: str) -> None:
    bucket = conn.storage.CreateBucket(
        storage_pb2.CreateBucketRequest(
            config=pb.BucketConfig(
                name=f"www-{suffix}",
                public_access=True,
                website=pb.Website(index_document="index.html"),
            )
        )
    )
    cert = conn.network.CreateCertificate(
        network_pb2.CreateCertificateRequest(
            config=pb.CertificateConfig(name="site", domain=f"{suffix}.example.com"),
            idempotency_token=f"c-{suffix}",
        )
    )
    assert cert.state == "pending_validation" and cert.domain == f"{suffix}.example.com"
    described = aws("acm").describe_certificate(CertificateArn=cert.id)["Certificate"]
    assert described["DomainName"] == f"{suffix}.example.com"
    cdn_config = pb.CdnConfig(
        name="site",
        origin_bucket_id=bucket.id,
        domain=f"{suffix}.example.com",
        certificate_id=cert.id,
        https=True,
    )
    cdn = conn.network.CreateCdn(
        network_pb2.CreateCdnRequest(config=cdn_config, idempotency_token=f"cdn-{suffix}")
    )
    dist = aws("cloudfront").get_distribution(Id=cdn.id)["Distribution"]
    origin = dist["DistributionConfig"]["Origins"]["Items"][0]["DomainName"]
    assert origin == f"www-{suffix}.s3-website-us-east-1.amazonaws.com"
    assert dist["DistributionConfig"]["ViewerCertificate"]["ACMCertificateArn"] == cert.id
    assert cdn.endpoint == dist["DomainName"] and cdn.https and cdn.origin_bucket_id == bucket.id
    assert cdn.domain == f"{suffix}.example.com"
    again = conn.network.CreateCdn(
        network_pb2.CreateCdnRequest(config=cdn_config, idempotency_token=f"cdn-{suffix}")
    )
    assert again.id == cdn.id  # CallerReference made it idempotent
    conn.network.DeleteCdn(pb.DeleteRequest(id=cdn.id))
    with pytest.raises(errors.NotFound):
        conn.network.GetCdn(pb.GetRequest(id=cdn.id))
    conn.network.DeleteCertificate(pb.DeleteRequest(id=cert.id))
    with pytest.raises(errors.NotFound):
        conn.network.GetCertificate(pb.GetRequest(id=cert.id))
