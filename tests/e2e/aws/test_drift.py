"""Drift: a change made outside of Genesys (with boto3) is named in the plan and undone."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .conftest import AwsCli

CONFIG = """provider: aws
region: us-east-1
resources:
  storage:
    - name: drifty-data
      type: bucket
      versioning: true
      encryption: true
      tags: {Team: platform}
"""


def test_changes_made_outside_are_named_and_reverted(
    cli: AwsCli, aws: Callable[[str], Any]
) -> None:
    cli.config.write_text(CONFIG)
    assert cli("apply", "--auto-approve").returncode == 0
    s3 = aws("s3")
    s3.put_bucket_tagging(
        Bucket="drifty-data", Tagging={"TagSet": [{"Key": "Team", "Value": "someone-else"}]}
    )

    planned = cli("plan", "--detailed-exitcode")
    assert planned.returncode == 2, planned.stdout + planned.stderr
    assert "# (changed outside of Genesys: tags)" in planned.stdout
    assert '~ tags = {"Team": "someone-else"} -> {"Team": "platform"}' in planned.stdout
    as_json = json.loads(cli("plan", "--json").stdout.strip().splitlines()[-1])
    (change,) = [c for c in as_json["resource_changes"] if c["address"] == "storage.drifty-data"]
    assert change["drift"] == "changed outside of Genesys: tags"

    assert cli("apply", "--auto-approve").returncode == 0
    tags = s3.get_bucket_tagging(Bucket="drifty-data")["TagSet"]
    assert {"Key": "Team", "Value": "platform"} in tags
    assert cli("plan", "--detailed-exitcode").returncode == 0


def test_discover_leaves_out_the_state_bucket(cli: AwsCli, aws: Callable[[str], Any]) -> None:
    cli.config.write_text(CONFIG + "state:\n  backend: s3\n  bucket: genesys-state-${account_id}\n")
    assert cli("apply", "--auto-approve").returncode == 0
    aws("s3").create_bucket(Bucket="made-by-hand")
    found = cli("discover", "--kind", "bucket", "--json")
    assert found.returncode == 0, found.stderr
    ids = {json.loads(line)["id"] for line in found.stdout.splitlines() if line.strip()}
    assert "made-by-hand" in ids
    assert not any(i.startswith("genesys-state-") for i in ids)
    assert "drifty-data" not in ids  # managed
