"""Fewer AWS calls, same guarantees: batched token lookups, lean bucket refreshes."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import compute_pb2, provider_pb2, storage_pb2
from genesys_plugin_sdk.batching import read_results
from genesys_provider_aws.batch_lookup import BatchLookup


def test_concurrent_creates_share_token_lookups_and_a_retry_finds_the_first(
    conn: Any, count_calls: Any, suffix: str
) -> None:
    ec2 = count_calls("ec2")

    def create(n: int) -> pb.Instance:
        config = pb.InstanceConfig(name=f"c-{suffix}-{n}", size=pb.SIZE_SMALL, image="amazon-linux")
        request = compute_pb2.CreateInstanceRequest(
            config=config, idempotency_token=f"{suffix}-{n}"
        )
        return conn.compute.CreateInstance(request)

    with ThreadPoolExecutor(12) as pool:
        made = list(pool.map(create, range(12)))
    launches = ec2.calls.count("RunInstances")
    assert launches <= 12  # identical specs may share one (tests/test_launch_batch.py)
    assert len({m.id for m in made}) == 12
    # One lookup and one poll per instance would be 24 Describes; shared ones are far fewer.
    assert ec2.calls.count("DescribeInstances") <= 12
    again = create(3)  # a retried create (same token) finds the instance, launches nothing
    assert again.id == made[3].id
    assert ec2.calls.count("RunInstances") == launches


def test_a_batch_lookup_serves_waiting_callers_with_one_fetch_and_shares_failures() -> None:
    entered, release = threading.Event(), threading.Event()
    fetched: list[list[str]] = []

    def fetch(keys: list[str]) -> dict[str, str]:
        fetched.append(keys)
        if len(fetched) == 1:
            entered.set()
            release.wait(5)
        if "bad" in keys:
            raise RuntimeError("throttled")
        return {k: k.upper() for k in keys if k != "missing"}

    lookup: BatchLookup[str] = BatchLookup(fetch)
    with ThreadPoolExecutor(6) as pool:
        first = pool.submit(lookup.get, "a")
        entered.wait(5)
        later = [pool.submit(lookup.get, k) for k in ("b", "c", "missing")]
        while sum(len(v) for v in lookup._pending.values()) < 3:
            threading.Event().wait(0.01)
        release.set()
        assert first.result() == "A"
        assert [f.result() for f in later] == ["B", "C", None]
    with pytest.raises(RuntimeError, match="throttled"):
        lookup.get("bad")  # a failed fetch raises in its callers; the next one runs anew
    assert lookup.get("d") == "D"
    assert fetched == [["a"], ["b", "c", "missing"], ["bad"], ["d"]]


def _read(conn: Any, bucket: pb.Bucket) -> pb.Bucket | None:
    ref = pb.ResourceRef(kind=pb.RESOURCE_KIND_BUCKET, id=bucket.id, private=bucket.private)
    pages = conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=[ref]))
    found = [r.resource.bucket for r in read_results(pages) if r.HasField("resource")]
    return found[0] if found else None


def test_a_refresh_reads_only_what_the_config_manages(
    conn: Any, aws: Any, count_calls: Any, suffix: str
) -> None:
    config = pb.BucketConfig(name=f"lean-{suffix}", versioning=True, encryption=True)
    made = conn.storage.CreateBucket(
        storage_pb2.CreateBucketRequest(config=config, idempotency_token=f"t-{suffix}")
    )
    s3 = count_calls("s3")
    assert _read(conn, made) == made
    # versioning, encryption and public access (always: privacy is a promise); no tags,
    # lifecycle or website managed. moto gives a new bucket no public access block, so the
    # policy status and the ACL are read too (on AWS the default block answers alone).
    assert sorted(s3.calls) == [
        "GetBucketAcl",
        "GetBucketEncryption",
        "GetBucketPolicyStatus",
        "GetBucketVersioning",
        "GetPublicAccessBlock",
    ]
    # Drift in what is always read shows; a bucket deleted out of band reads as gone.
    aws("s3").put_bucket_versioning(
        Bucket=made.name, VersioningConfiguration={"Status": "Suspended"}
    )
    drifted = _read(conn, made)
    assert drifted is not None and not drifted.versioning
    aws("s3").delete_bucket(Bucket=made.name)
    assert _read(conn, made) is None


def test_a_managed_lifecycle_is_read_back(conn: Any, aws: Any, suffix: str) -> None:
    config = pb.BucketConfig(name=f"life-{suffix}", lifecycle=pb.Lifecycle(delete_after_days=30))
    made = conn.storage.CreateBucket(
        storage_pb2.CreateBucketRequest(config=config, idempotency_token=f"t-{suffix}")
    )
    aws("s3").delete_bucket_lifecycle(Bucket=made.name)
    drifted = _read(conn, made)
    assert drifted is not None and drifted.lifecycle.delete_after_days == 0
