"""A bucket create killed between S3 CreateBucket and PutBucketTagging is resumed, not
orphaned. Through the real CLI, the real AWS plugin and moto.

The killed run is reproduced exactly rather than timed (moto answers both calls at once, so a
SIGKILL cannot be aimed between them): what it leaves is the create intent it made durable
before the call (written here through the same StateManager.begin) and a bucket with no tags
at all (made here with boto3, as the plugin had). Nothing carries the token, so recovery
cannot find the bucket by it: the next create reuses the token with `resume_interrupted`, and
the plugin may claim an untagged bucket of the requested name for it. Without such an intent,
a bucket of that name is someone's and is still refused.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from genesys_provider_aws.common import TOKEN_TAG

from .conftest import AwsCli

Aws = Callable[[str], Any]
TOKEN = "5f1c0ffee0ddba11deadbeef00c0ffee"
CONFIG = """provider: aws
region: us-east-1
resources:
  storage:
    - name: half-made
      type: bucket
      versioning: true
      tags: {Team: platform}
"""


def _leave_a_create_in_flight(project: Path) -> None:
    """The create intent the killed run made durable before asking the plugin."""
    from genesys.state import Intent, LocalBackend, StateManager, local_state_directory

    backend = LocalBackend(local_state_directory(project / "genesys.yaml"))
    state = StateManager.open(backend, operation="apply")
    try:
        state.begin(Intent("storage.half-made", "bucket", "aws", "create", TOKEN))
    finally:
        state.close()


def _tags(aws: Aws, bucket: str) -> dict[str, str]:
    tag_set = aws("s3").get_bucket_tagging(Bucket=bucket)["TagSet"]
    return {t["Key"]: t["Value"] for t in tag_set}


def test_a_bucket_made_but_not_tagged_is_resumed_and_recorded(cli: AwsCli, aws: Aws) -> None:
    cli.config.write_text(CONFIG)
    _leave_a_create_in_flight(cli.project)
    aws("s3").create_bucket(Bucket="half-made")

    planned = cli("plan", "--detailed-exitcode")
    assert planned.returncode == 2, planned.stdout + planned.stderr
    assert "# (resuming an interrupted create)" in planned.stdout
    converged = cli("apply", "--auto-approve")
    assert converged.returncode == 0, converged.stdout + converged.stderr
    assert "# (resuming an interrupted create)" in converged.stdout
    assert "Plan: 1 to add, 0 to change, 0 to destroy." in converged.stdout

    assert _tags(aws, "half-made") == {"Team": "platform", TOKEN_TAG: TOKEN}
    versioning = aws("s3").get_bucket_versioning(Bucket="half-made")
    assert versioning["Status"] == "Enabled"
    listed = cli("state", "list")
    assert listed.stdout.split() == ["storage.half-made"], listed.stdout + listed.stderr
    assert "operations were in flight" not in listed.stderr
    noop = cli("plan", "--detailed-exitcode")
    assert noop.returncode == 0, noop.stdout + noop.stderr


def test_an_untagged_bucket_with_no_create_behind_it_is_still_refused(
    cli: AwsCli, aws: Aws
) -> None:
    cli.config.write_text(CONFIG)
    aws("s3").create_bucket(Bucket="half-made")  # the user's own bucket, never ours

    refused = cli("apply", "--auto-approve")
    assert refused.returncode != 0, refused.stdout + refused.stderr
    assert "storage.half-made" in refused.stderr
    assert "bucket half-made already exists" in refused.stderr
    assert "genesys import" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert aws("s3").list_buckets()["Buckets"][0]["Name"] == "half-made"
    tagging = aws("s3").get_bucket_tagging  # left untouched: no tag was written
    try:
        tagging(Bucket="half-made")
        raise AssertionError("the user's bucket was tagged")
    except aws("s3").exceptions.ClientError as err:
        assert err.response["Error"]["Code"] == "NoSuchTagSet"
    assert cli("state", "list").stdout.split() == []


def test_an_untagged_bucket_is_not_claimed_after_the_config_dropped_it(
    cli: AwsCli, aws: Aws
) -> None:
    """An interrupted create the config no longer wants is dropped: a later create of the
    same name is a new create, and it refuses the untagged bucket as before."""
    _leave_a_create_in_flight(cli.project)
    cli.config.write_text("provider: aws\nregion: us-east-1\nresources: {}\n")
    emptied = cli("apply", "--auto-approve")
    assert emptied.returncode == 0, emptied.stdout + emptied.stderr

    aws("s3").create_bucket(Bucket="half-made")
    cli.config.write_text(CONFIG)
    refused = cli("apply", "--auto-approve")
    assert refused.returncode != 0, refused.stdout + refused.stderr
    assert "bucket half-made already exists" in refused.stderr


def test_a_bucket_made_again_under_a_deleted_ones_name_has_no_tags(aws: Aws) -> None:
    """The moto server the tests use drops a deleted bucket's tags, as S3 does (moto 5 kept
    them for the next bucket of that name, which then looked made by the old token)."""
    s3 = aws("s3")
    s3.create_bucket(Bucket="made-twice")
    s3.put_bucket_tagging(
        Bucket="made-twice", Tagging={"TagSet": [{"Key": TOKEN_TAG, "Value": TOKEN}]}
    )
    s3.delete_bucket(Bucket="made-twice")
    s3.create_bucket(Bucket="made-twice")
    try:
        s3.get_bucket_tagging(Bucket="made-twice")
        raise AssertionError("the deleted bucket's tags came back")
    except s3.exceptions.ClientError as err:
        assert err.response["Error"]["Code"] == "NoSuchTagSet"
