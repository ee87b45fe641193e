"""A data disk attached to an instance: made, attached, resized and removed through the CLI,
checked with aliyunsdkecs."""

from __future__ import annotations

from .conftest import AlibabaCli, Sdk

CONFIG = """provider: alibaba
region: us-east-1
resources:
  network:
    - name: main-vpc
      cidr: 10.0.0.0/16
      subnets:
        - name: public
          cidr: 10.0.1.0/24
      security_groups:
        - name: web-sg
          ingress:
            - {protocol: tcp, from_port: 443, to_port: 443, cidr_blocks: [0.0.0.0/0]}
  compute:
    - name: web
      type: small
      network: main-vpc
      security_groups: [web-sg]
  storage:
    - name: data
      type: volume
      size_gb: 40
      volume_class: ssd
      attach_to: web
"""


def _disks(sdk: Sdk) -> list[dict[str, object]]:
    return list(sdk.rpc("ecs", "DescribeDisks")["Disks"]["Disk"])


def test_a_data_disk_is_attached_grown_and_removed(cli: AlibabaCli, sdk: Sdk) -> None:
    path = cli.write_yaml(CONFIG)
    applied = cli("apply", "--auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    (instance,) = sdk.rpc("ecs", "DescribeInstances")["Instances"]["Instance"]
    (disk,) = _disks(sdk)
    assert (disk["Category"], disk["Size"], disk["Status"]) == ("cloud_essd", 40, "In_use")
    assert disk["InstanceId"] == instance["InstanceId"] and disk["ZoneId"] == instance["ZoneId"]
    group_id = instance["SecurityGroupIds"]["SecurityGroupId"][0]
    rules = sdk.rpc("ecs", "DescribeSecurityGroupAttribute", SecurityGroupId=group_id)
    ingress = [p for p in rules["Permissions"]["Permission"] if p["Direction"] == "ingress"]
    assert [(p["IpProtocol"], p["PortRange"], p["SourceCidrIp"]) for p in ingress] == [
        ("TCP", "443/443", "0.0.0.0/0")
    ]
    assert cli("plan", "--detailed-exitcode").returncode == 0

    path.write_text(path.read_text().replace("size_gb: 40", "size_gb: 60"))
    grown = cli("apply", "--auto-approve")
    assert grown.returncode == 0 and "1 changed" in grown.stdout, grown.stdout + grown.stderr
    assert _disks(sdk)[0]["Size"] == 60

    destroyed = cli("destroy", "--auto-approve")
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    assert _disks(sdk) == []
    assert sdk.rpc("ecs", "DescribeInstances")["Instances"]["Instance"] == []
