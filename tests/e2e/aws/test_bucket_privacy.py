"""Privacy is a promise: a bucket the config keeps private that someone opens by hand (its
public access block removed, then a public policy or a public-read ACL) is drift in the plan,
and apply makes it private again. An untouched private bucket plans as a no-op."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from .conftest import AwsCli

CONFIG = """provider: aws
region: us-east-1
resources:
  storage:
    - name: by-policy
      type: bucket
    - name: by-acl
      type: bucket
    - name: untouched
      type: bucket
"""


def _open_by_policy(s3: Any, name: str) -> None:
    s3.delete_public_access_block(Bucket=name)
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{name}/*",
    }
    s3.put_bucket_policy(
        Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )


def _open_by_acl(s3: Any, name: str) -> None:
    s3.delete_public_access_block(Bucket=name)
    s3.put_bucket_acl(Bucket=name, ACL="public-read")


def test_a_private_bucket_opened_by_hand_is_drift_and_apply_closes_it(
    cli: AwsCli, aws: Callable[[str], Any]
) -> None:
    cli.config.write_text(CONFIG)
    assert cli("apply", "--auto-approve").returncode == 0
    untouched = cli("plan", "--detailed-exitcode")
    assert untouched.returncode == 0, untouched.stdout + untouched.stderr
    s3 = aws("s3")
    _open_by_policy(s3, "by-policy")
    _open_by_acl(s3, "by-acl")

    planned = cli("plan", "--detailed-exitcode")
    assert planned.returncode == 2, planned.stdout + planned.stderr
    assert planned.stdout.count("# (changed outside of Genesys: public_access)") == 2
    as_json = json.loads(cli("plan", "--json").stdout.strip().splitlines()[-1])
    drifted = {c["address"]: c.get("drift") for c in as_json["resource_changes"] if c.get("drift")}
    assert drifted == {
        "storage.by-policy": "changed outside of Genesys: public_access",
        "storage.by-acl": "changed outside of Genesys: public_access",
    }

    applied = cli("apply", "--auto-approve")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    for name in ("by-policy", "by-acl"):
        block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
        assert all(block.values()), block  # ACLs ignored, public policies refused
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchBucketPolicy"):
        s3.get_bucket_policy(Bucket="by-policy")
    closed = cli("plan", "--detailed-exitcode")
    assert closed.returncode == 0, closed.stdout + closed.stderr
