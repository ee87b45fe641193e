"""Issue 11's "done when": the seed YAML with `provider: alibaba` and `state: {backend: oss}`
applied against `genesys-emulator alibaba`, every promise checked through Alibaba's own SDKs
(never through our plugin); then a no-op plan, a size change applied as ECS allows
(ModifyInstanceSpec on a stopped instance, same instances), and a destroy that leaves
nothing. The seed TOML does the same.
"""

from __future__ import annotations

import json
from typing import Any

from .conftest import PASSPHRASE, SEED_DIR, AlibabaCli, Sdk

SEED_ADDRESSES = 14  # 3 instances, vpc, 2 vSwitches, implicit web-sg, bucket, db, function,
# static-site (bucket, certificate, cdn), api (function)
STATE_PREFIX = "genesys/default/"


def _ok(run: Any) -> str:
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    return str(run.stdout)


def seed_yaml() -> str:
    text = (SEED_DIR / "genesys.yaml").read_text()
    for before, after in (
        ("provider: aws  #", "provider: alibaba  #"),
        ("backend: s3  #", "backend: oss  #"),
        ("  lock_table: genesys-locks\n", ""),  # OSS locks with a lock object
    ):
        assert text.count(before) == 1, f"the seed changed: {before!r} not found once"
        text = text.replace(before, after)
    return text


def _vpc(sdk: Sdk) -> tuple[str, set[str]]:
    vpcs = sdk.rpc("vpc", "DescribeVpcs", VpcName="main-vpc")["Vpcs"]["Vpc"]
    assert [v["CidrBlock"] for v in vpcs] == ["10.0.0.0/16"]
    switches = sdk.rpc("vpc", "DescribeVSwitches", VpcId=vpcs[0]["VpcId"])["VSwitches"]["VSwitch"]
    assert sorted(s["CidrBlock"] for s in switches) == ["10.0.1.0/24", "10.0.2.0/24"]
    assert {s["ZoneId"] for s in switches} == {"us-east-1a"}  # the region's first zone
    return vpcs[0]["VpcId"], {s["VSwitchId"] for s in switches}


def check_instances(sdk: Sdk, instance_type: str) -> list[str]:
    vpc_id, switch_ids = _vpc(sdk)
    found = sdk.rpc("ecs", "DescribeInstances", VpcId=vpc_id, PageSize="100")["Instances"][
        "Instance"
    ]
    assert len(found) == 3
    groups = sdk.rpc("ecs", "DescribeSecurityGroups", VpcId=vpc_id)["SecurityGroups"][
        "SecurityGroup"
    ]
    assert [g["SecurityGroupName"] for g in groups] == ["web-sg"]
    for instance in found:
        assert (instance["InstanceType"], instance["Status"]) == (instance_type, "Running")
        assert instance["VpcAttributes"]["VSwitchId"] in switch_ids
        assert instance["SecurityGroupIds"]["SecurityGroupId"] == [groups[0]["SecurityGroupId"]]
        tags = {t["TagKey"]: t["TagValue"] for t in instance["Tags"]["Tag"]}
        assert (tags["Environment"], tags["Team"]) == ("production", "platform")
    assert sorted(i["InstanceName"] for i in found) == [
        "web-server-0",
        "web-server-1",
        "web-server-2",
    ]
    return sorted(i["InstanceId"] for i in found)


def check_bucket(sdk: Sdk, tagged: bool = True) -> None:
    bucket = sdk.bucket("app-data")
    assert bucket.get_bucket_versioning().status == "Enabled"
    assert bucket.get_bucket_encryption().sse_algorithm == "AES256"
    rules = bucket.get_bucket_lifecycle().rules
    assert [r.expiration.days for r in rules] == [90]
    if tagged:  # the YAML seed tags the bucket, the TOML seed does not
        assert bucket.get_bucket_tagging().tag_set.tagging_rule["Purpose"] == "application-data"
    assert bucket.get_bucket_acl().acl == "private"


def check_database_and_function(sdk: Sdk, db_class: str) -> dict[str, Any]:
    dbs = sdk.rpc("rds", "DescribeDBInstances")["Items"]["DBInstance"]
    assert len(dbs) == 1
    db_id = dbs[0]["DBInstanceId"]
    db = sdk.rpc("rds", "DescribeDBInstanceAttribute", DBInstanceId=db_id)["Items"][
        "DBInstanceAttribute"
    ][0]
    assert (db["Engine"], db["EngineVersion"], db["DBInstanceClass"]) == (
        "PostgreSQL",
        "14.0",
        db_class,
    )
    assert (db["DBInstanceStorage"], db["Category"], db["DBInstanceStatus"]) == (
        100,
        "HighAvailability",
        "Running",
    )
    backup = sdk.rpc("rds", "DescribeBackupPolicy", DBInstanceId=db_id)
    assert (backup["BackupRetentionPeriod"], backup["PreferredBackupTime"]) == (
        "7",
        "03:00Z-04:00Z",
    )
    from alibabacloud_fc20230330 import models

    function = sdk.fc().get_function("api-handler", models.GetFunctionRequest()).body
    assert function.environment_variables["DB_HOST"] == db["ConnectionString"]
    assert (function.handler, function.memory_size, function.timeout) == ("main.handler", 512, 30)
    assert function.runtime == "python3.10"  # FC 3.0's nearest to python3.11 (tables.RUNTIMES)
    trigger = sdk.fc().get_trigger("api-handler", "http").body
    assert json.loads(trigger.trigger_config)["methods"] == ["GET", "POST"]
    return dict(db)


def check_outcomes(sdk: Sdk) -> None:
    website = sdk.bucket("example-com").get_bucket_website()
    assert website.index_file == "index.html"
    detail = sdk.rpc("cdn", "DescribeCdnDomainDetail", DomainName="example.com")[
        "GetDomainDetailModel"
    ]
    assert detail["DomainStatus"] == "online"
    assert (
        detail["SourceModels"]["SourceModel"][0]["Content"]
        == "example-com.oss-us-east-1.aliyuncs.com"
    )
    cert = sdk.rpc("cdn", "DescribeDomainCertificateInfo", DomainName="example.com")["CertInfos"][
        "CertInfo"
    ][0]
    assert (cert["ServerCertificateStatus"], cert["CertType"], cert["CertDomainName"]) == (
        "on",
        "cas",
        "example.com",
    )
    configs = sdk.rpc("cdn", "DescribeCdnDomainConfigs", DomainName="example.com")["DomainConfigs"][
        "DomainConfig"
    ]
    assert [c["FunctionName"] for c in configs] == ["https_force"]
    from alibabacloud_fc20230330 import models

    api = sdk.fc().get_trigger("my-api", "http").body
    assert api.http_trigger.url_internet.startswith("https://")
    assert json.loads(api.trigger_config)["authType"] == "anonymous"
    assert sdk.fc().get_function("my-api", models.GetFunctionRequest()).body.runtime == "python3.10"


def check_state_in_oss(sdk: Sdk, secrets: list[str]) -> None:
    account = sdk.rpc("sts", "GetCallerIdentity")["AccountId"]
    bucket = sdk.bucket(f"genesys-state-{account}")
    assert bucket.get_bucket_versioning().status == "Enabled"
    assert bucket.get_bucket_encryption().sse_algorithm == "AES256"
    import oss2

    keys = [o.key for o in oss2.ObjectIterator(bucket)]
    assert f"{STATE_PREFIX}snapshot.json" in keys and all(k.startswith(STATE_PREFIX) for k in keys)
    for key in keys:
        body = bucket.get_object(key).read().decode()
        for secret in secrets:  # no resource id, name or endpoint in plaintext anywhere
            assert secret not in body, f"{secret!r} readable in oss://{bucket.bucket_name}/{key}"
    snapshot = json.loads(bucket.get_object(f"{STATE_PREFIX}snapshot.json").read())
    assert snapshot["encryption"]["algorithm"] == "AES-256-GCM" and snapshot["ciphertext"]
    assert "resources" not in snapshot
    assert f"{STATE_PREFIX}.genesys.lock" not in keys  # every run released its lock
    versions = bucket.list_object_versions(prefix=f"{STATE_PREFIX}snapshot.json").versions
    assert len(versions) >= 1


def check_nothing_left(sdk: Sdk) -> None:
    assert sdk.rpc("ecs", "DescribeInstances")["Instances"]["Instance"] == []
    assert sdk.rpc("ecs", "DescribeSecurityGroups")["SecurityGroups"]["SecurityGroup"] == []
    assert sdk.rpc("vpc", "DescribeVpcs")["Vpcs"]["Vpc"] == []
    assert sdk.rpc("vpc", "DescribeVSwitches")["VSwitches"]["VSwitch"] == []
    assert sdk.rpc("rds", "DescribeDBInstances")["Items"]["DBInstance"] == []
    assert sdk.rpc("cdn", "DescribeUserDomains")["Domains"]["PageData"] == []
    from alibabacloud_fc20230330 import models

    assert sdk.fc().list_functions(models.ListFunctionsRequest()).body.functions == []
    assert [b for b in sdk.buckets() if not b.startswith("genesys-state-")] == []


def _resize(cli: AlibabaCli) -> None:
    path = cli.project / "genesys.yaml"
    text = path.read_text()
    for before, after in (
        ("type: medium  #", "type: large  #"),
        ("size: medium  #", "size: large  #"),
    ):
        assert text.count(before) == 1, f"the seed changed: {before!r} not found once"
        text = text.replace(before, after)
    path.write_text(text)


def test_seed_yaml_applies_on_alibaba_with_state_in_oss(cli: AlibabaCli, sdk: Sdk) -> None:
    cli.write_yaml(seed_yaml())
    applied = _ok(cli("apply", "--auto-approve"))
    assert f"Apply complete! Resources: {SEED_ADDRESSES} added, 0 changed, 0 destroyed." in applied
    instance_ids = check_instances(sdk, "ecs.t6-c1m2.large")
    check_bucket(sdk)
    db = check_database_and_function(sdk, "pg.n2.medium.2c")
    check_outcomes(sdk)
    check_state_in_oss(
        sdk, [*instance_ids, "web-server", db["DBInstanceId"], db["ConnectionString"]]
    )
    invoked = _ok(cli("invoke", "api-handler", "--payload", "{}"))
    assert "no source configured for api-handler" in invoked  # the placeholder handler's answer
    wrong = cli("plan", GENESYS_STATE_PASSPHRASE="not " + PASSPHRASE)
    assert wrong.returncode == 1 and "passphrase" in wrong.stderr.lower(), wrong.stderr

    noop = cli("plan", "--detailed-exitcode")
    assert noop.returncode == 0, noop.stdout + noop.stderr
    assert "No changes. Your infrastructure matches the configuration." in noop.stdout

    _resize(cli)
    changed = cli("plan", "--detailed-exitcode")
    assert changed.returncode == 2, changed.stdout + changed.stderr
    assert '~ size = "medium" -> "large" (ecs.t6-c1m4.large)' in changed.stdout
    assert '~ size = "medium" -> "large" (pg.n2.large.2c)' in changed.stdout
    applied = _ok(cli("apply", "--auto-approve"))
    assert "Apply complete! Resources: 0 added, 4 changed, 0 destroyed." in applied
    assert check_instances(sdk, "ecs.t6-c1m4.large") == instance_ids  # same instances
    check_database_and_function(sdk, "pg.n2.large.2c")
    assert cli("plan", "--detailed-exitcode").returncode == 0

    destroyed = _ok(cli("destroy", "--auto-approve"))
    assert (
        f"Destroy complete! Resources: 0 added, 0 changed, {SEED_ADDRESSES} destroyed." in destroyed
    )
    check_nothing_left(sdk)
    assert _ok(cli("state", "list")).strip() == ""


def seed_toml(endpoints: dict[str, str]) -> str:
    text = (SEED_DIR / "genesys.toml").read_text()
    for before, after in (
        ('provider = "gcp"', 'provider = "alibaba"'),
        ('project = "my-project"\n', ""),
        ('region = "us-central1"', 'region = "us-east-1"'),
        ('backend = "gcs"', 'backend = "oss"'),
        ("genesys-state-${project_id}", "genesys-state-${account_id}"),
    ):
        assert text.count(before) == 1, f"the seed changed: {before!r} not found once"
        text = text.replace(before, after)
    table = "\n".join(f'{key} = "{url}"' for key, url in sorted(endpoints.items()))
    return f"{text}\n[providers.alibaba.endpoints]\n{table}\n"


def test_seed_toml_applies_on_alibaba(cli: AlibabaCli, sdk: Sdk) -> None:
    (cli.project / "genesys.toml").write_text(seed_toml(cli.endpoints))
    applied = _ok(cli("apply", "--auto-approve"))
    assert f"Apply complete! Resources: {SEED_ADDRESSES} added, 0 changed, 0 destroyed." in applied
    check_instances(sdk, "ecs.t6-c1m2.large")
    check_bucket(sdk, tagged=False)
    check_database_and_function(sdk, "pg.n2.medium.2c")
    from alibabacloud_fc20230330 import models

    api = sdk.fc().get_function("my-api", models.GetFunctionRequest()).body
    assert (api.runtime, api.memory_size, api.timeout) == ("nodejs18", 256, 60)
    assert cli("plan", "--detailed-exitcode").returncode == 0
    _ok(cli("destroy", "--auto-approve"))
    check_nothing_left(sdk)
