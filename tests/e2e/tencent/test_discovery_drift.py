"""Discovery, adoption and drift on Tencent Cloud (the emulator), checked through the CLI and
Tencent's SDKs: what was made by hand is listed with its abstract size and adopted without a
create; a change made outside of Genesys is named in the plan and undone by apply."""

from __future__ import annotations

import json

from .conftest import Cli, Tencent

CONFIG = """provider: tencent
resources:
  network:
    - name: main
      cidr: 10.0.0.0/16
      subnets:
        - name: app
          cidr: 10.0.1.0/24
  compute:
    - name: web
      type: small
      network: main
      tags: {Team: platform}
  storage:
    - name: drifty-data
      type: bucket
      versioning: true
      encryption: true
      tags: {Team: platform}
state:
  backend: cos
  bucket: genesys-state-${account_id}
"""
ADOPTED = """    - name: legacy-web
      type: medium
      network: main
"""


def _config(tencent: Tencent, extra_compute: str = "") -> str:
    text = CONFIG.replace("  storage:\n", extra_compute + "  storage:\n")
    return text + f"providers: {json.dumps({'tencent': tencent.ready['settings']})}\n"


def _by_hand(tencent: Tencent) -> str:
    subnets = tencent.call(
        "vpc", "DescribeSubnets", Filters=[{"Name": "subnet-name", "Values": ["app"]}]
    )["SubnetSet"]
    subnet = subnets[0]
    made = tencent.call(
        "cvm",
        "RunInstances",
        Placement={"Zone": subnet["Zone"]},
        InstanceType="S5.MEDIUM4",
        ImageId="img-487zeit5",
        InstanceName="legacy-web",
        VirtualPrivateCloud={"VpcId": subnet["VpcId"], "SubnetId": subnet["SubnetId"]},
    )
    tencent.cos().create_bucket(Bucket=f"old-assets-{tencent.appid}")
    return str(made["InstanceIdSet"][0])


def test_discover_adopt_and_drift(cli: Cli, tencent: Tencent) -> None:
    config = cli.project / "genesys.yaml"
    config.write_text(_config(tencent))
    assert cli("apply", "--auto-approve").returncode == 0
    legacy = _by_hand(tencent)

    found = cli("discover", "--json")
    assert found.returncode == 0, found.stderr
    entries = {json.loads(line)["id"]: json.loads(line) for line in found.stdout.splitlines()}
    assert legacy in entries and f"old-assets-{tencent.appid}" in entries
    assert entries[legacy]["attributes"]["size"] == "medium"  # S5.MEDIUM4 reverse-translated
    assert entries[legacy]["attributes"]["image"] == "ubuntu-lts"
    managed = {line.split()[0] for line in cli("state", "list").stdout.splitlines()}
    assert "compute.web" in managed
    assert f"drifty-data-{tencent.appid}" not in entries  # managed
    assert not any(i.startswith("genesys-state-") for i in entries)  # Genesys's own state

    config.write_text(_config(tencent, ADOPTED))
    adopted = cli("adopt", "compute.legacy-web", legacy)
    assert adopted.returncode == 0, adopted.stderr
    planned = cli("plan", "--detailed-exitcode")
    assert planned.returncode == 0, planned.stdout + planned.stderr  # adopted as it is

    tencent.cos().put_bucket_tagging(
        Bucket=f"drifty-data-{tencent.appid}",
        Tagging={"TagSet": {"Tag": [{"Key": "Team", "Value": "someone-else"}]}},
    )
    drifted = cli("plan", "--detailed-exitcode")
    assert drifted.returncode == 2, drifted.stdout + drifted.stderr
    assert "# (changed outside of Genesys: tags)" in drifted.stdout
    assert cli("apply", "--auto-approve").returncode == 0
    tag = tencent.cos().get_bucket_tagging(Bucket=f"drifty-data-{tencent.appid}")["TagSet"]["Tag"]
    tags = {t["Key"]: t["Value"] for t in (tag if isinstance(tag, list) else [tag])}
    assert tags["Team"] == "platform"
    assert cli("plan", "--detailed-exitcode").returncode == 0
    assert cli("destroy", "--auto-approve").returncode == 0
    assert tencent.call("cvm", "DescribeInstances")["InstanceSet"] == []  # the adopted one too
