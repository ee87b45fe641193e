"""Issue 5's "done when": the seed YAML applied on AWS (moto) with its state in S3.

Apply the seed unchanged, check every promise through boto3 (never through our plugin), check
the state really is in the S3 bucket and encrypted, then: a no-op plan, a size change that
updates in place, and a destroy that leaves nothing behind.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from typing import Any

from .conftest import PASSPHRASE, SEED, AwsCli

Aws = Callable[[str], Any]
STATE_PREFIX = "genesys/default/"  # the s3 backend's default key prefix
SEED_ADDRESSES = 14  # 3 instances, vpc, 2 subnets, implicit web-sg, bucket, db, function,
# static-site (bucket, certificate, cdn), api (function)


def _ok(run: Any) -> str:
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    return str(run.stdout)


def _by_name(tags: list[dict[str, str]] | None) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in tags or []}


def _main_vpc(aws: Aws) -> tuple[str, set[str]]:
    ec2 = aws("ec2")
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["main-vpc"]}])["Vpcs"]
    assert [v["CidrBlock"] for v in vpcs] == ["10.0.0.0/16"]
    vpc_id = vpcs[0]["VpcId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    assert sorted(s["CidrBlock"] for s in subnets) == ["10.0.1.0/24", "10.0.2.0/24"]
    return vpc_id, {s["SubnetId"] for s in subnets}


def _web_servers(aws: Aws) -> list[dict[str, Any]]:
    filters = [
        {"Name": "tag:Environment", "Values": ["production"]},
        {"Name": "instance-state-name", "Values": ["running"]},
    ]
    pages = aws("ec2").get_paginator("describe_instances").paginate(Filters=filters)
    return [i for page in pages for r in page["Reservations"] for i in r["Instances"]]


def check_instances(aws: Aws, instance_type: str) -> list[str]:
    vpc_id, subnet_ids = _main_vpc(aws)
    servers = _web_servers(aws)
    assert len(servers) == 3
    for server in servers:
        assert server["InstanceType"] == instance_type
        assert server["VpcId"] == vpc_id and server["SubnetId"] in subnet_ids
        assert _by_name(server["Tags"])["Team"] == "platform"
        assert [g["GroupName"] for g in server["SecurityGroups"]] == ["web-sg"]
    names = sorted(_by_name(s["Tags"])["Name"] for s in servers)
    assert names == ["web-server-0", "web-server-1", "web-server-2"]
    return sorted(s["InstanceId"] for s in servers)


def check_buckets(aws: Aws) -> None:
    s3 = aws("s3")
    assert s3.get_bucket_versioning(Bucket="app-data")["Status"] == "Enabled"
    rules = s3.get_bucket_encryption(Bucket="app-data")["ServerSideEncryptionConfiguration"]
    assert rules["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    lifecycle = s3.get_bucket_lifecycle_configuration(Bucket="app-data")["Rules"]
    assert [r["Expiration"]["Days"] for r in lifecycle] == [90]
    # Private is S3's default for a new bucket (public access blocked since April 2023): no
    # write for it, and no policy grants anyone anything.
    try:
        s3.get_bucket_policy(Bucket="app-data")
        raise AssertionError("app-data has a bucket policy")
    except s3.exceptions.ClientError as err:
        assert err.response["Error"]["Code"] == "NoSuchBucketPolicy"
    assert _by_name(s3.get_bucket_tagging(Bucket="app-data")["TagSet"])["Purpose"] == (
        "application-data"
    )


def check_database_and_function(aws: Aws, db_class: str) -> None:
    db = aws("rds").describe_db_instances(DBInstanceIdentifier="app-db")["DBInstances"][0]
    assert (db["Engine"], db["EngineVersion"].split(".")[0]) == ("postgres", "14")
    assert db["MultiAZ"] is True and db["BackupRetentionPeriod"] == 7
    assert db["PreferredBackupWindow"] == "03:00-04:00"
    assert db["DBInstanceClass"] == db_class and db["AllocatedStorage"] == 100
    function = aws("lambda").get_function_configuration(FunctionName="api-handler")
    # Genesys's database endpoint is "host:port", as Terraform's aws_db_instance.endpoint.
    endpoint = f"{db['Endpoint']['Address']}:{db['Endpoint']['Port']}"
    assert function["Environment"]["Variables"]["DB_HOST"] == endpoint
    assert (function["Runtime"], function["Handler"]) == ("python3.11", "main.handler")
    assert (function["MemorySize"], function["Timeout"]) == (512, 30)
    url = aws("lambda").get_function_url_config(FunctionName="api-handler")
    assert url["AuthType"] == "NONE" and sorted(url["Cors"]["AllowMethods"]) == ["GET", "POST"]


def check_outcomes(aws: Aws) -> None:
    """static-site: website bucket behind CloudFront with an ACM certificate; api: a URL."""
    website = aws("s3").get_bucket_website(Bucket="example-com")
    assert website["IndexDocument"]["Suffix"] == "index.html"
    certificates = aws("acm").list_certificates()["CertificateSummaryList"]
    assert [c["DomainName"] for c in certificates] == ["example.com"]
    distributions = aws("cloudfront").list_distributions()["DistributionList"]["Items"]
    assert len(distributions) == 1
    distribution = distributions[0]
    assert distribution["Aliases"]["Items"] == ["example.com"]
    origin = distribution["Origins"]["Items"][0]["DomainName"]
    assert origin.startswith("example-com.s3-website")
    viewer = distribution["ViewerCertificate"]
    assert viewer["ACMCertificateArn"] == certificates[0]["CertificateArn"]
    assert distribution["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    api = aws("lambda").get_function_url_config(FunctionName="my-api")
    assert api["FunctionUrl"].startswith("https://") and api["AuthType"] == "NONE"


def check_state_in_s3(aws: Aws, secrets: list[str]) -> None:
    """State objects live in the versioned, encrypted state bucket, sealed with AES-256-GCM."""
    account = aws("sts").get_caller_identity()["Account"]
    bucket = f"genesys-state-{account}"
    s3 = aws("s3")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert f"{STATE_PREFIX}snapshot.json" in keys and all(k.startswith(STATE_PREFIX) for k in keys)
    for key in keys:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        for secret in secrets:  # no resource id, name or endpoint in plaintext anywhere
            assert secret not in body, f"{secret!r} readable in s3://{bucket}/{key}"
    snapshot = json.loads(
        s3.get_object(Bucket=bucket, Key=f"{STATE_PREFIX}snapshot.json")["Body"].read()
    )
    assert snapshot["encryption"]["algorithm"] == "AES-256-GCM" and snapshot["ciphertext"]
    assert "resources" not in snapshot
    locks = aws("dynamodb").scan(TableName="genesys-locks")["Items"]
    assert locks == []  # every run released its lock


def check_wrong_passphrase_refused(cli: AwsCli) -> None:
    wrong = cli("plan", GENESYS_STATE_PASSPHRASE="not " + PASSPHRASE)
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
    assert "passphrase" in wrong.stderr.lower(), wrong.stderr


def check_nothing_left(aws: Aws) -> None:
    ec2 = aws("ec2")
    assert _web_servers(aws) == []
    assert [v for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]] == []
    groups = ec2.describe_security_groups()["SecurityGroups"]
    assert [g["GroupName"] for g in groups] == ["default"]  # the default VPC's own
    assert ec2.describe_internet_gateways()["InternetGateways"] == []
    buckets = [b["Name"] for b in aws("s3").list_buckets()["Buckets"]]
    assert [b for b in buckets if not b.startswith("genesys-state-")] == []
    rds = aws("rds")
    assert rds.describe_db_instances()["DBInstances"] == []
    assert rds.describe_db_snapshots()["DBSnapshots"] == []
    assert rds.describe_db_subnet_groups()["DBSubnetGroups"] == []
    assert aws("lambda").list_functions()["Functions"] == []
    assert aws("iam").list_roles()["Roles"] == []
    assert aws("cloudfront").list_distributions()["DistributionList"].get("Items", []) == []
    assert aws("acm").list_certificates()["CertificateSummaryList"] == []


def _resize(cli: AwsCli) -> None:
    text = cli.config.read_text()
    for before, after in (
        ("type: medium  #", "type: large  #"),
        ("size: medium  #", "size: large  #"),
    ):
        assert text.count(before) == 1, f"the seed changed: {before!r} not found once"
        text = text.replace(before, after)
    cli.config.write_text(text)


def apply_seed_and_check(cli: AwsCli, aws: Aws) -> list[str]:
    shutil.copy(SEED, cli.config)  # unchanged
    applied = _ok(cli("apply", "--auto-approve"))
    # The gate ran: require_tags is advisory by default and 11 seed resources carry no tags.
    assert "WARN require_tags [advisory] storage.app-data" in applied
    assert f"Apply complete! Resources: {SEED_ADDRESSES} added, 0 changed, 0 destroyed." in applied
    instance_ids = check_instances(aws, "t3.medium")
    check_buckets(aws)
    check_database_and_function(aws, "db.t3.medium")
    check_outcomes(aws)
    db = aws("rds").describe_db_instances()["DBInstances"][0]
    check_state_in_s3(aws, [*instance_ids, "web-server", "app-db", db["Endpoint"]["Address"]])
    listed = _ok(cli("state", "list")).split()  # read back from S3 through the CLI
    assert len(listed) == SEED_ADDRESSES and "compute.web-server[2]" in listed
    check_wrong_passphrase_refused(cli)
    return instance_ids


def resize_and_check(cli: AwsCli, aws: Aws, instance_ids: list[str]) -> None:
    _resize(cli)
    changed = cli("plan", "--detailed-exitcode")
    assert changed.returncode == 2, changed.stdout + changed.stderr
    assert "Plan: 0 to add, 4 to change, 0 to destroy." in changed.stdout
    assert '~ size = "medium" -> "large" (t3.large)' in changed.stdout
    assert '~ size = "medium" -> "large" (db.t3.large)' in changed.stdout
    applied = _ok(cli("apply", "--auto-approve"))
    assert "Apply complete! Resources: 0 added, 4 changed, 0 destroyed." in applied
    assert check_instances(aws, "t3.large") == instance_ids  # updated in place, not replaced
    check_database_and_function(aws, "db.t3.large")


def test_seed_applies_on_aws_with_state_in_s3(cli: AwsCli, aws: Aws) -> None:
    instance_ids = apply_seed_and_check(cli, aws)
    noop = cli("plan", "--detailed-exitcode")
    assert noop.returncode == 0, noop.stdout + noop.stderr
    assert "No changes. Your infrastructure matches the configuration." in noop.stdout

    resize_and_check(cli, aws, instance_ids)
    assert cli("plan", "--detailed-exitcode").returncode == 0

    destroyed = _ok(cli("destroy", "--auto-approve"))
    done = f"Destroy complete! Resources: 0 added, 0 changed, {SEED_ADDRESSES} destroyed."
    assert done in destroyed
    check_nothing_left(aws)
    assert _ok(cli("state", "list")).strip() == ""  # the S3 state is readable and empty
