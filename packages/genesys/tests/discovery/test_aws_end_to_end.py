"""Against moto, through the real CLI and the real AWS plugin: discover what boto3 made,
adopt it, plan (no create), destroy it; policies and the cost limit gate apply."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


def _ami(aws) -> str:
    return aws("ssm").get_parameter(Name=AL2023)["Parameter"]["Value"]


def _launch(aws, name: str, instance_type: str = "t3.medium", **tags: str) -> str:
    tag_list = [{"Key": "Name", "Value": name}] + [{"Key": k, "Value": v} for k, v in tags.items()]
    made = aws("ec2").run_instances(
        ImageId=_ami(aws), InstanceType=instance_type, MinCount=1, MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": tag_list}],
    )
    return str(made["Instances"][0]["InstanceId"])


def _instance_state(aws, instance_id: str) -> str:
    reservations = aws("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"]
    return str(reservations[0]["Instances"][0]["State"]["Name"])


def _bucket_exists(aws, name: str) -> bool:
    try:
        aws("s3").head_bucket(Bucket=name)
    except ClientError:
        return False
    return True


def _discovered(genesys, *argv: str) -> dict[str, dict]:
    code, out, err = genesys("discover", "--json", *argv)
    assert code == 0, err
    return {item["id"]: item for item in map(json.loads, out.splitlines())}


def _planned_actions(genesys) -> dict[str, str]:
    code, out, err = genesys("plan", "--json")
    assert code == 0, err
    [planned] = [json.loads(line) for line in out.splitlines()
                 if json.loads(line).get("type") == "planned_changes"]
    return {c["address"]: c["action"] for c in planned["resource_changes"]}


def test_discover_lists_what_boto3_made_with_abstract_sizes(aws, project, genesys, suffix):
    instance_id = _launch(aws, f"web-{suffix}", Team="web")
    aws("s3").create_bucket(Bucket=f"legacy-{suffix}")
    project.write("")

    found = _discovered(genesys, "--kind", "compute,storage")

    instance = found[instance_id]
    assert instance["kind"] == "instance"
    assert instance["attributes"]["size"] == "medium"
    assert instance["summary"].startswith("medium (t3.medium)")
    assert instance["suggested_address"] == f"compute.web-{suffix}"
    assert found[f"legacy-{suffix}"]["kind"] == "bucket"
    code, table, _ = genesys("discover", "--kind", "instance")
    assert code == 0 and instance_id in table and "medium (t3.medium)" in table
    assert f"legacy-{suffix}" not in table  # --kind keeps to instances


def test_adopt_then_plan_shows_no_create_and_destroy_deletes(aws, project, genesys, suffix):
    name, bucket = f"web-{suffix}", f"legacy-{suffix}"
    instance_id = _launch(aws, name, Team="web")
    aws("s3").create_bucket(Bucket=bucket)
    # The alias discovery shows for that AMI, as a user writing the block would.
    project.write(f"resources:\n  compute:\n    - name: {name}\n      type: medium\n"
                  f"      image: amazon-linux\n      tags: {{Team: web, Env: prod}}\n")

    code, out, err = genesys("adopt", f"compute.{name}", instance_id)
    assert code == 0, err
    assert f"Adopted instance {instance_id} as compute.{name}: medium (t3.medium)" in out
    assert "Nothing was changed in the cloud" in out
    code, out, err = genesys("import", f"storage.{bucket}", bucket, "--generate-config")
    assert code == 0, err
    assert f"- name: {bucket}\n      type: bucket" in project.config.read_text()

    actions = _planned_actions(genesys)
    # The handwritten block differs from reality in one tag: an update, never a create.
    assert actions == {f"compute.{name}": "update", f"storage.{bucket}": "no-op"}
    assert instance_id not in _discovered(genesys)  # managed now

    code, out, err = genesys("destroy", "--auto-approve")
    assert code == 0, err
    assert _instance_state(aws, instance_id) in ("shutting-down", "terminated")
    assert not _bucket_exists(aws, bucket)


def test_adopt_refuses_unknown_ids_and_undeclared_addresses(aws, project, genesys, suffix):
    project.write("resources:\n  storage:\n    - name: kept\n      type: bucket\n")
    code, _, err = genesys("adopt", "storage.kept", f"missing-{suffix}")
    assert code == 1 and f"no bucket with id 'missing-{suffix}'" in err
    code, _, err = genesys("adopt", "storage.other", "whatever")
    assert code == 1 and "not declared" in err and "--generate-config" in err
    code, _, err = genesys("adopt", "storage.other", f"vol-0{suffix}", "--generate-config")
    assert code == 1 and f"no bucket or volume with id 'vol-0{suffix}'" in err
    assert "storage.other" not in project.config.read_text()


POLICIES = """policies:
  - no_public_buckets: true
  - require_encryption: true
  - require_tags: [Team]
"""


def _buckets(suffix: str, *, fixed: bool) -> str:
    public = "false" if fixed else "true"
    encrypted = "true" if fixed else "false"
    tags = "{Team: data}" if fixed else "{}"
    return (f"resources:\n  storage:\n"
            f"    - name: pub-{suffix}\n      type: bucket\n      public_access: {public}\n"
            f"      encryption: true\n      tags: {{Team: web}}\n"
            f"    - name: plain-{suffix}\n      type: bucket\n      encryption: {encrypted}\n"
            f"      tags: {{Team: data}}\n"
            f"    - name: notag-{suffix}\n      type: bucket\n      encryption: true\n"
            f"      tags: {tags}\n" + POLICIES)


def test_policy_violations_fail_check_and_apply_naming_each_address(aws, project, genesys,
                                                                   suffix):
    project.write(_buckets(suffix, fixed=False))
    addresses = [f"storage.pub-{suffix}", f"storage.plain-{suffix}", f"storage.notag-{suffix}"]

    code, out, _ = genesys("policy", "check")
    assert code == 1
    assert all(a in out for a in addresses)
    assert out.splitlines()[-1].startswith("6 passed, 3 failed")

    code, out, err = genesys("apply", "--auto-approve")
    assert code == 1
    assert all(a in out + err for a in addresses)
    assert not any(_bucket_exists(aws, a.split(".", 1)[1]) for a in addresses)

    project.write(_buckets(suffix, fixed=True))
    assert genesys("policy", "check")[0] == 0
    code, out, err = genesys("apply", "--auto-approve")
    assert code == 0, err
    assert all(_bucket_exists(aws, a.split(".", 1)[1]) for a in addresses)
    assert genesys("destroy", "--auto-approve")[0] == 0


def test_max_cost_blocks_three_xlarge_instances_and_prints_the_cost(aws, project, genesys,
                                                                   suffix):
    project.write(f"resources:\n  compute:\n    - name: big-{suffix}\n      type: xlarge\n"
                  f"      image: amazon-linux\n      count: 3\n"
                  "policies:\n  - max_cost_per_month: 10\n")

    code, out, err = genesys("cost", "--format", "json")
    assert code == 0, err
    estimate = json.loads(out)
    total = float(estimate["totalMonthlyCost"])
    assert total == pytest.approx(3 * 0.1664 * 730, abs=0.05)  # t3.xlarge, 730 h, x3
    assert estimate["pastTotalMonthlyCost"] == "0"
    assert estimate["diffTotalMonthlyCost"] == estimate["totalMonthlyCost"]

    code, out, err = genesys("apply", "--auto-approve")
    assert code == 1
    assert f"${total:,.2f}/month exceeds the limit $10.00" in out + err
    running = aws("ec2").describe_instances(
        Filters=[{"Name": "tag:Name", "Values": [f"big-{suffix}-*"]}])["Reservations"]
    assert running == []

