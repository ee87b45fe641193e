"""Buckets with the calls S3 needs and no more: no HeadBucket per create (one shared
ListBuckets answers for concurrent creates in us-east-1), nothing written for a private bucket
(S3's default), and a refresh reading tags only when the config manages them. Public access is
read on every refresh, in one call when the public access block (S3's default) settles it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2, storage_pb2
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.batching import read_results


def _create(conn: Any, config: pb.BucketConfig, token: str) -> pb.Bucket:
    request = storage_pb2.CreateBucketRequest(config=config, idempotency_token=token)
    return conn.storage.CreateBucket(request)


def _read(conn: Any, bucket: pb.Bucket) -> pb.Bucket:
    ref = pb.ResourceRef(kind=pb.RESOURCE_KIND_BUCKET, id=bucket.id, private=bucket.private)
    pages = conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=[ref]))
    (result,) = read_results(pages)
    return result.resource.bucket


def test_concurrent_creates_share_one_existence_check_and_write_only_what_differs(
    conn: Any, aws: Any, count_calls: Any, suffix: str
) -> None:
    s3 = count_calls("s3")
    configs = [
        pb.BucketConfig(name=f"lean-{suffix}-{n}", versioning=True, encryption=True)
        for n in range(12)
    ]
    with ThreadPoolExecutor(12) as pool:
        made = list(pool.map(lambda c: _create(conn, c, f"t-{c.name}"), configs))
    assert [b.name for b in made] == [c.name for c in configs]
    assert "HeadBucket" not in s3.calls and "PutPublicAccessBlock" not in s3.calls
    # Shared per burst of concurrent creates; how many bursts 12 threads make depends on the
    # machine's load, so the check is the sharing itself: fewer lookups than buckets.
    assert s3.calls.count("ListBuckets") < len(configs)
    per_bucket = ["CreateBucket", "PutBucketTagging", "PutBucketVersioning", "PutBucketEncryption"]
    for call in per_bucket:
        assert s3.calls.count(call) == 12
    # Not public all the same: no policy, and the read says so.
    with pytest.raises(aws("s3").exceptions.ClientError, match="NoSuchBucketPolicy"):
        aws("s3").get_bucket_policy(Bucket=made[0].name)
    assert _read(conn, made[0]) == made[0]


def test_a_bucket_the_account_made_by_hand_is_not_taken_over(
    conn: Any, aws: Any, suffix: str
) -> None:
    # In us-east-1 CreateBucket answers 200 for a bucket we own: the ListBuckets check is
    # what keeps a create from adopting it silently.
    aws("s3").create_bucket(Bucket=f"hand-{suffix}")
    with pytest.raises(errors.AlreadyExists, match=f"hand-{suffix} already exists"):
        _create(conn, pb.BucketConfig(name=f"hand-{suffix}"), f"t-{suffix}")


def test_managed_tags_and_public_access_are_read_back_and_drift_shows(
    conn: Any, aws: Any, count_calls: Any, suffix: str
) -> None:
    tagged = _create(conn, pb.BucketConfig(name=f"tags-{suffix}", tags={"team": "a"}), "t1")
    public = _create(conn, pb.BucketConfig(name=f"pub-{suffix}", public_access=True), "t2")
    s3 = count_calls("s3")
    assert _read(conn, tagged) == tagged and _read(conn, public) == public
    assert s3.calls.count("GetBucketTagging") == 1  # the tagged one only
    assert s3.calls.count("GetPublicAccessBlock") == 2  # both: privacy is always read
    assert s3.calls.count("GetBucketPolicyStatus") == 2  # no block: the policy is in force
    assert s3.calls.count("GetBucketAcl") == 1  # the private one (its policy is not public)
    aws("s3").put_bucket_tagging(
        Bucket=tagged.name, Tagging={"TagSet": [{"Key": "team", "Value": "b"}]}
    )
    aws("s3").delete_bucket_policy(Bucket=public.name)
    assert dict(_read(conn, tagged).tags) == {"team": "b"}
    assert not _read(conn, public).public_access


def test_a_create_retried_after_its_tags_failed_claims_the_bucket_it_made(
    conn: Any, aws: Any, plugin_clients: Any, count_calls: Any, suffix: str
) -> None:
    # Tags and settings are written at once; when the tag write fails, the core's retry
    # (same token, same plugin process) finishes the bucket instead of refusing it.
    s3_client = plugin_clients.client("s3")
    failures = ["PutBucketTagging"]

    def fail_once(model: Any, **_: Any) -> None:
        if model.name in failures:
            failures.remove(model.name)
            raise RuntimeError("connection reset while tagging")

    s3 = count_calls("s3")
    config = pb.BucketConfig(name=f"retry-{suffix}", versioning=True, tags={"team": "a"})
    s3_client.meta.events.register("before-call.s3.PutBucketTagging", fail_once)
    try:
        with pytest.raises(Exception, match="connection reset while tagging"):
            _create(conn, config, f"t-{suffix}")
    finally:
        s3_client.meta.events.unregister("before-call.s3.PutBucketTagging", fail_once)
    made = _create(conn, config, f"t-{suffix}")
    assert made.name == config.name and s3.calls.count("CreateBucket") == 1
    tags = aws("s3").get_bucket_tagging(Bucket=config.name)["TagSet"]
    assert {t["Key"]: t["Value"] for t in tags} == {"team": "a", "genesys:token": f"t-{suffix}"}
    assert aws("s3").get_bucket_versioning(Bucket=config.name)["Status"] == "Enabled"


def test_a_blocked_bucket_answers_privacy_in_one_call_and_an_opened_one_is_public(
    conn: Any, aws: Any, count_calls: Any, suffix: str
) -> None:
    made = _create(conn, pb.BucketConfig(name=f"blocked-{suffix}"), "t1")
    flags = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
    # The block S3 gives a new bucket on AWS (moto gives none).
    aws("s3").put_public_access_block(
        Bucket=made.name, PublicAccessBlockConfiguration=dict.fromkeys(flags, True)
    )
    s3 = count_calls("s3")
    assert _read(conn, made) == made
    assert sorted(s3.calls) == [
        "GetBucketEncryption",
        "GetBucketVersioning",
        "GetPublicAccessBlock",
    ]
    # Opened by hand: the block's ACL flags off and a public-read ACL.
    aws("s3").put_public_access_block(
        Bucket=made.name,
        PublicAccessBlockConfiguration={**dict.fromkeys(flags, True), "IgnorePublicAcls": False},
    )
    aws("s3").put_bucket_acl(Bucket=made.name, ACL="public-read")
    assert _read(conn, made).public_access
