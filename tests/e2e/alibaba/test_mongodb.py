"""`engine: mongodb` on Alibaba Cloud is ApsaraDB for MongoDB (issue 13, item 5): planned
with its class and price, applied against `genesys-emulator alibaba` into a VPC vSwitch,
checked through aliyun-python-sdk-dds (never our plugin), its connection string an output
with no password in anything printed or logged; a no-op plan, a resize applied in place
(ModifyDBInstanceSpec, same instance), a destroy that leaves nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .conftest import AlibabaCli, Sdk

CONFIG = """provider: alibaba
region: us-east-1
resources:
  network:
    - name: main-vpc
      cidr: 10.0.0.0/16
      subnets:
        - {name: private, cidr: 10.0.2.0/24}
  database:
    - name: docs
      engine: mongodb
      version: "6.0"
      size: SIZE
      storage: STORAGE
      network: main-vpc
      backup: {retention_days: 7, window: "03:00-04:00"}
      tags: {Team: data}
outputs:
  docs_uri: "mongodb://${database.docs.username}@${database.docs.endpoint}:${database.docs.port}/admin"
  docs_password: {value: "${database.docs.password}", sensitive: true}
"""


def _config(size: str, storage: int) -> str:
    return CONFIG.replace("SIZE", size).replace("STORAGE", str(storage))


def _ok(run: Any) -> str:
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    return str(run.stdout) + str(run.stderr)


def _instances(sdk: Sdk) -> list[dict[str, Any]]:
    return list(sdk.rpc("dds", "DescribeDBInstances")["DBInstances"]["DBInstance"])


def _attribute(sdk: Sdk, db_id: str) -> dict[str, Any]:
    answer = sdk.rpc("dds", "DescribeDBInstanceAttribute", DBInstanceId=db_id)
    return dict(answer["DBInstances"]["DBInstance"][0])


def _check_applied(sdk: Sdk, db_class: str, storage: int) -> dict[str, Any]:
    (db,) = _instances(sdk)
    assert (db["DBInstanceDescription"], db["Engine"], db["EngineVersion"]) == (
        "docs",
        "MongoDB",
        "6.0",
    )
    assert (db["DBInstanceClass"], db["DBInstanceStorage"], db["DBInstanceStatus"]) == (
        db_class,
        storage,
        "Running",
    )
    tags = {t["Key"]: t["Value"] for t in db["Tags"]["Tag"]}
    assert tags["Team"] == "data" and "genesys:token" in tags
    (vpc,) = sdk.rpc("vpc", "DescribeVpcs", VpcName="main-vpc")["Vpcs"]["Vpc"]
    assert (db["VpcId"], db["ZoneId"]) == (vpc["VpcId"], "us-east-1a")
    policy = sdk.rpc("dds", "DescribeBackupPolicy", DBInstanceId=db["DBInstanceId"])
    assert policy["PreferredBackupTime"] == "03:00Z-04:00Z"
    return dict(db)


def _searched(project: Path, printed: list[str], password: str) -> None:
    """The password is in nothing printed (at GENESYS_LOG=debug, the plugin's log lines
    included) and in no file of the project but the state, which holds secrets unless
    `state.encrypt` is on (docs/state.md)."""
    assert all(password not in text for text in printed)
    state = project / ".genesys" / "state"
    for path in project.rglob("*"):
        if path.is_file() and state not in path.parents:
            assert password.encode() not in path.read_bytes(), path


def test_mongodb_applies_as_apsaradb_for_mongodb(cli: AlibabaCli, sdk: Sdk) -> None:
    cli.write_yaml(_config("small", 20))
    planned = _ok(cli("plan", GENESYS_LOG="debug"))
    assert "dds.mongo.mid" in planned
    assert "ApsaraDB for MongoDB is priced from estimated rates (2026-12-05)" in planned
    costed = cli("cost", "--compare", "alibaba", "--format", "json")
    quote = json.loads(_ok(costed) and costed.stdout)["providers"]["alibaba"]
    (docs,) = [r for r in quote["resources"] if r["address"] == "database.docs"]
    # 730 hours x $0.137 (the three-node set) + 20 GB-months x $0.165
    assert (docs["providerType"], docs["monthlyCost"]) == ("dds.mongo.mid", "103.31"), docs

    printed = [planned, _ok(cli("apply", "--auto-approve", GENESYS_LOG="debug"))]
    db = _check_applied(sdk, "dds.mongo.mid", 20)
    db_id = db["DBInstanceId"]
    primary = f"{db_id}.mongodb.rds.aliyuncs.com"
    uri = cli("output", "docs_uri")
    assert uri.stdout.strip() == f"mongodb://root@{primary}:3717/admin"
    password = _ok(cli("output", "docs_password")).strip()
    assert len(password) >= 8 and password not in uri.stdout

    noop = cli("plan", "--detailed-exitcode", GENESYS_LOG="debug")
    assert noop.returncode == 0, noop.stdout + noop.stderr
    printed.append(noop.stdout + noop.stderr)

    cli.write_yaml(_config("medium", 40))
    resized = _ok(cli("apply", "--auto-approve", GENESYS_LOG="debug"))
    printed.append(resized)
    assert "dds.mongo.standard" in resized
    assert _check_applied(sdk, "dds.mongo.standard", 40)["DBInstanceId"] == db_id  # in place
    assert _ok(cli("output", "docs_password")).strip() == password

    printed.append(_ok(cli("destroy", "--auto-approve", GENESYS_LOG="debug")))
    assert _instances(sdk) == []
    assert sdk.rpc("vpc", "DescribeVpcs")["Vpcs"]["Vpc"] == []
    _searched(cli.project, printed, password)


def test_what_alibaba_refuses_for_mongodb_is_a_located_error(cli: AlibabaCli, sdk: Sdk) -> None:
    cli.write_yaml(
        "provider: alibaba\nregion: us-east-1\nresources:\n  database:\n"
        "    - {name: docs, engine: mongodb, version: '3.0', storage: 25, username: admin}\n"
    )
    planned = cli("plan")
    assert planned.returncode == 1 and "Traceback" not in planned.stderr
    for message in (
        "database.docs: ApsaraDB for MongoDB offers 4.2, 4.4, 5.0, 6.0, 7.0 (version)",
        "database.docs: ApsaraDB for MongoDB storage is 10 to 3000 GB in steps of 10",
        "database.docs: ApsaraDB for MongoDB's account is root: leave username unset",
    ):
        assert message in planned.stderr, planned.stderr
    assert _instances(sdk) == []
