"""Drift (a change made outside of Genesys with Alibaba's SDK is named in the plan and
undone), discovery of what Genesys does not manage, and adoption of it."""

from __future__ import annotations

import json

from .conftest import AlibabaCli, Sdk

CONFIG = """provider: alibaba
region: us-east-1
resources:
  storage:
    - name: drifty-data
      type: bucket
      versioning: true
      encryption: true
      tags: {Team: platform}
state:
  backend: oss
  bucket: genesys-state-${account_id}
"""


def _tag(sdk: Sdk, bucket: str, **tags: str) -> None:
    from oss2 import models

    rules = models.TaggingRule()
    for key, value in tags.items():
        rules.add(key, value)
    sdk.bucket(bucket).put_bucket_tagging(models.Tagging(rules))


def test_changes_made_outside_are_named_and_reverted(cli: AlibabaCli, sdk: Sdk) -> None:
    cli.write_yaml(CONFIG)
    assert cli("apply", "--auto-approve").returncode == 0
    _tag(sdk, "drifty-data", Team="someone-else")
    from oss2 import models

    sdk.bucket("drifty-data").put_bucket_versioning(models.BucketVersioningConfig("Suspended"))

    planned = cli("plan", "--detailed-exitcode")
    assert planned.returncode == 2, planned.stdout + planned.stderr
    assert "# (changed outside of Genesys: tags, versioning)" in planned.stdout, planned.stdout
    assert '~ tags = {"Team": "someone-else"} -> {"Team": "platform"}' in planned.stdout

    assert cli("apply", "--auto-approve").returncode == 0
    bucket = sdk.bucket("drifty-data")
    assert bucket.get_bucket_tagging().tag_set.tagging_rule["Team"] == "platform"
    assert bucket.get_bucket_versioning().status == "Enabled"
    assert cli("plan", "--detailed-exitcode").returncode == 0


def test_discover_and_adopt_what_was_made_by_hand(cli: AlibabaCli, sdk: Sdk) -> None:
    cli.write_yaml(CONFIG)
    assert cli("apply", "--auto-approve").returncode == 0
    sdk.bucket("made-by-hand").create_bucket()
    _tag(sdk, "made-by-hand", Team="platform")
    vpc = sdk.rpc("vpc", "CreateVpc", CidrBlock="10.9.0.0/16", VpcName="hand-vpc")["VpcId"]

    found = cli("discover", "--json")
    assert found.returncode == 0, found.stderr
    rows = [json.loads(line) for line in found.stdout.splitlines() if line.strip().startswith("{")]
    ids = {row.get("id") for row in rows}
    assert {"made-by-hand", vpc} <= ids, rows
    assert not any(str(i).startswith("genesys-state-") for i in ids)  # Genesys's own state
    assert "drifty-data" not in ids  # managed

    adopted = cli("adopt", "storage.made-by-hand", "made-by-hand", "--generate-config")
    assert adopted.returncode == 0, adopted.stdout + adopted.stderr
    assert "storage.made-by-hand" in cli("state", "list").stdout.split()
    planned = cli("plan", "--detailed-exitcode")
    assert "storage.made-by-hand will be created" not in planned.stdout, planned.stdout
    assert planned.returncode in (0, 2), planned.stderr
