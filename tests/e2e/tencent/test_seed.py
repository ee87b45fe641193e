"""Issue 12's "done when": the seed applied on Tencent Cloud (genesys-emulator tencent) with
its state in COS.

Apply the seed, check every promise through Tencent's own SDKs (never through our plugin),
check the state object is in the versioned COS bucket and encrypted, then a no-op plan, a size
change (CVM: ResetInstancesType on a stopped instance, same instances), and a destroy that
leaves nothing behind. The TOML seed does the same.
"""

from __future__ import annotations

import json
from typing import Any

from .conftest import PASSPHRASE, Cli, Tencent, seed_toml, seed_yaml

SEED_ADDRESSES = 14  # 3 instances, vpc, 2 subnets, web-sg, bucket, db, function,
# static-site (bucket, certificate, cdn), api (function)
STATE_PREFIX = "genesys/default/"


def _ok(run: Any) -> str:
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    return str(run.stdout)


def _tags(raw: list[dict[str, str]], key: str = "Key", value: str = "Value") -> dict[str, str]:
    return {t[key]: t[value] for t in raw}


def check_instances(tc: Tencent, instance_type: str) -> list[str]:
    vpcs = tc.call("vpc", "DescribeVpcs", Filters=[{"Name": "vpc-name", "Values": ["main-vpc"]}])
    assert [v["CidrBlock"] for v in vpcs["VpcSet"]] == ["10.0.0.0/16"]
    vpc_id = vpcs["VpcSet"][0]["VpcId"]
    subnets = tc.call("vpc", "DescribeSubnets", Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    by_cidr = {s["CidrBlock"]: s["SubnetId"] for s in subnets["SubnetSet"]}
    assert sorted(by_cidr) == ["10.0.1.0/24", "10.0.2.0/24"]
    found = tc.call(
        "cvm", "DescribeInstances", Filters=[{"Name": "tag:Environment", "Values": ["production"]}]
    )
    servers = found["InstanceSet"]
    assert len(servers) == 3
    groups = tc.call(
        "vpc",
        "DescribeSecurityGroups",
        Filters=[{"Name": "security-group-name", "Values": ["web-sg"]}],
    )
    group_id = groups["SecurityGroupSet"][0]["SecurityGroupId"]
    for server in servers:
        assert server["InstanceType"] == instance_type and server["InstanceState"] == "RUNNING"
        assert server["VirtualPrivateCloud"]["VpcId"] == vpc_id
        assert server["VirtualPrivateCloud"]["SubnetId"] == by_cidr["10.0.1.0/24"]  # the first
        assert server["SecurityGroupIds"] == [group_id]
        assert _tags(server["Tags"])["Team"] == "platform"
        assert server["ImageId"] == "img-487zeit5"  # ubuntu-lts
    assert sorted(s["InstanceName"] for s in servers) == [f"web-server-{i}" for i in range(3)]
    return sorted(s["InstanceId"] for s in servers)


def check_bucket(tc: Tencent) -> None:
    cos, bucket = tc.cos(), f"app-data-{tc.appid}"  # COS bucket names carry the APPID
    assert cos.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rule = cos.get_bucket_encryption(Bucket=bucket)["Rule"]
    assert rule[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert cos.get_bucket_lifecycle(Bucket=bucket)["Rule"][0]["Expiration"]["Days"] == "90"
    tag = cos.get_bucket_tagging(Bucket=bucket)["TagSet"]["Tag"]
    tags = {t["Key"]: t["Value"] for t in (tag if isinstance(tag, list) else [tag])}
    assert tags["Purpose"] == "application-data"
    grants = cos.get_bucket_acl(Bucket=bucket)["AccessControlList"]["Grant"]
    assert all(
        "URI" not in (g.get("Grantee") or {})
        for g in (grants if isinstance(grants, list) else [grants])
    )


def check_database_and_function(tc: Tencent, spec: str) -> str:
    found = tc.call("postgres", "DescribeDBInstances")["DBInstanceSet"]
    assert len(found) == 1
    db = found[0]
    assert (db["DBInstanceName"], db["DBMajorVersion"], db["DBInstanceStatus"]) == (
        "app-db",
        "14",
        "running",
    )
    assert db["DBInstanceClass"] == spec and db["DBInstanceStorage"] == 100
    assert sorted(n["Role"] for n in db["DBNodeSet"]) == ["Primary", "Standby"]  # multi_az
    plan = tc.call("postgres", "DescribeBackupPlans", DBInstanceId=db["DBInstanceId"])["Plans"][0]
    assert plan["BaseBackupRetentionPeriod"] == 7
    assert (plan["MinBackupStartTime"], plan["MaxBackupStartTime"]) == ("03:00:00", "04:00:00")
    function = tc.call("scf", "GetFunction", FunctionName="api-handler")
    net = db["DBInstanceNetInfo"][0]
    variables = {v["Key"]: v["Value"] for v in function["Environment"]["Variables"]}
    assert variables["DB_HOST"] == f"{net['Ip']}:{net['Port']}"
    assert (function["Runtime"], function["Handler"]) == ("Python3.11", "main.handler")
    assert (function["MemorySize"], function["Timeout"]) == (512, 30)
    assert [t["Type"] for t in function["Triggers"]] == ["http"]
    return str(db["DBInstanceId"])


def check_outcomes(tc: Tencent) -> None:
    """static-site: a website bucket behind a CDN domain with an SSL certificate; api: a URL."""
    website = tc.cos().get_bucket_website(Bucket=f"example-com-{tc.appid}")
    assert website["IndexDocument"]["Suffix"] == "index.html"
    certificates = tc.call("ssl", "DescribeCertificates")["Certificates"]
    assert [c["Domain"] for c in certificates] == ["example.com"]
    domains = tc.call("cdn", "DescribeDomainsConfig")["Domains"]
    assert [d["Domain"] for d in domains] == ["example.com"] and domains[0]["Status"] == "online"
    assert domains[0]["Origin"]["Origins"] == [
        f"example-com-{tc.appid}.cos-website.ap-guangzhou.myqcloud.com"
    ]
    assert domains[0]["Https"]["CertInfo"]["CertId"] == certificates[0]["CertificateId"]
    api = tc.call("scf", "GetFunction", FunctionName="my-api")
    assert [t["Type"] for t in api["Triggers"]] == ["http"]


def check_state_in_cos(tc: Tencent, secrets: list[str]) -> None:
    cos, bucket = tc.cos(), f"genesys-state-{tc.appid}"
    assert cos.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert cos.get_bucket_encryption(Bucket=bucket)["Rule"]
    listed = cos.list_objects(Bucket=bucket)["Contents"]
    keys = [o["Key"] for o in (listed if isinstance(listed, list) else [listed])]
    assert f"{STATE_PREFIX}snapshot.json" in keys and all(k.startswith(STATE_PREFIX) for k in keys)
    for key in keys:
        body = cos.get_object(Bucket=bucket, Key=key)["Body"].get_raw_stream().read().decode()
        for secret in secrets:  # no resource id, name or address in plaintext anywhere
            assert secret not in body, f"{secret!r} readable in cos://{bucket}/{key}"
    snapshot = json.loads(
        cos.get_object(Bucket=bucket, Key=f"{STATE_PREFIX}snapshot.json")["Body"]
        .get_raw_stream()
        .read()
    )
    assert snapshot["encryption"]["algorithm"] == "AES-256-GCM" and snapshot["ciphertext"]
    assert "resources" not in snapshot
    assert f"{STATE_PREFIX}.genesys.lock" not in keys  # every run released its lock


def check_nothing_left(tc: Tencent) -> None:
    assert tc.call("cvm", "DescribeInstances")["InstanceSet"] == []
    assert [v for v in tc.call("vpc", "DescribeVpcs")["VpcSet"] if not v["IsDefault"]] == []
    assert [s for s in tc.call("vpc", "DescribeSubnets")["SubnetSet"] if not s["IsDefault"]] == []
    assert tc.call("vpc", "DescribeSecurityGroups")["SecurityGroupSet"] == []
    buckets = tc.cos().list_buckets()["Buckets"]["Bucket"]
    names = [b["Name"] for b in (buckets if isinstance(buckets, list) else [buckets])]
    assert [n for n in names if not n.startswith("genesys-state-")] == []
    assert tc.call("postgres", "DescribeDBInstances")["DBInstanceSet"] == []
    assert tc.call("scf", "ListFunctions")["Functions"] == []
    assert tc.call("cdn", "DescribeDomains")["Domains"] == []
    assert tc.call("ssl", "DescribeCertificates")["Certificates"] == []


def _resize(cli: Cli) -> None:
    config = cli.project / "genesys.yaml"
    text = config.read_text()
    for before, after in (
        ("type: medium  #", "type: large  #"),
        ("size: medium  #", "size: large  #"),
    ):
        assert text.count(before) == 1, f"the seed changed: {before!r} not found once"
        text = text.replace(before, after)
    config.write_text(text)


def test_seed_yaml_applies_on_tencent_with_state_in_cos(cli: Cli, tencent: Tencent) -> None:
    (cli.project / "genesys.yaml").write_text(seed_yaml(tencent))
    applied = _ok(cli("apply", "--auto-approve"))
    assert f"Apply complete! Resources: {SEED_ADDRESSES} added, 0 changed, 0 destroyed." in applied
    instance_ids = check_instances(tencent, "S5.MEDIUM4")
    check_bucket(tencent)
    db_id = check_database_and_function(tencent, "pg.it.medium4")
    check_outcomes(tencent)
    check_state_in_cos(tencent, [*instance_ids, db_id, "web-server", "app-db"])
    invoked = cli("invoke", "my-api")  # the api outcome: SCF runs the deployed handler
    assert invoked.returncode == 0, invoked.stderr
    assert json.loads(invoked.stdout) == {"error": "no source configured for my-api"}
    wrong = cli.env.copy()
    wrong["GENESYS_STATE_PASSPHRASE"] = "not " + PASSPHRASE
    refused = Cli(cli.project, wrong)("plan")
    assert refused.returncode == 1 and "passphrase" in refused.stderr.lower(), refused.stderr

    noop = cli("plan", "--detailed-exitcode")
    assert noop.returncode == 0, noop.stdout + noop.stderr
    assert "No changes. Your infrastructure matches the configuration." in noop.stdout

    _resize(cli)
    changed = cli("plan", "--detailed-exitcode")
    assert changed.returncode == 2, changed.stdout + changed.stderr
    assert '~ size = "medium" -> "large" (S5.MEDIUM8)' in changed.stdout
    assert '~ size = "medium" -> "large" (pg.it.medium8)' in changed.stdout
    resized = _ok(cli("apply", "--auto-approve"))
    assert "Apply complete! Resources: 0 added, 4 changed, 0 destroyed." in resized
    assert check_instances(tencent, "S5.MEDIUM8") == instance_ids  # reset in place
    check_database_and_function(tencent, "pg.it.medium8")
    assert cli("plan", "--detailed-exitcode").returncode == 0

    destroyed = _ok(cli("destroy", "--auto-approve"))
    assert (
        f"Destroy complete! Resources: 0 added, 0 changed, {SEED_ADDRESSES} destroyed." in destroyed
    )
    check_nothing_left(tencent)
    assert _ok(cli("state", "list")).strip() == ""  # the COS state is readable and empty


def test_seed_toml_applies_on_tencent(cli: Cli, tencent: Tencent) -> None:
    (cli.project / "genesys.toml").write_text(seed_toml(tencent))
    applied = _ok(cli("apply", "--auto-approve"))
    assert f"Apply complete! Resources: {SEED_ADDRESSES} added" in applied
    check_instances(tencent, "S5.MEDIUM4")
    check_bucket_toml = tencent.cos().get_bucket_versioning(Bucket=f"app-data-{tencent.appid}")
    assert check_bucket_toml["Status"] == "Enabled"
    check_database_and_function(tencent, "pg.it.medium4")
    # ${project_id} is not the APPID: the backend adds the suffix COS bucket names need.
    state_bucket = f"genesys-state-my-project-{tencent.appid}"
    assert tencent.cos().get_bucket_versioning(Bucket=state_bucket)["Status"] == "Enabled"
    assert cli("plan", "--detailed-exitcode").returncode == 0
    _ok(cli("destroy", "--auto-approve"))
    check_nothing_left(tencent)
