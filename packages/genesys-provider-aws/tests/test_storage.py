"""S3 buckets, EBS volumes and attachments through the plugin, checked through boto3."""

from __future__ import annotations

import json
from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import compute_pb2, provider_pb2, storage_pb2
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.batching import read_results


def _bucket(conn: Any, config: pb.BucketConfig, token: str = "") -> pb.Bucket:
    return conn.storage.CreateBucket(
        storage_pb2.CreateBucketRequest(config=config, idempotency_token=token)
    )


def test_bucket_versioning_encryption_lifecycle_and_private(
    conn: Any, aws: Any, suffix: str
) -> None:
    name = f"app-data-{suffix}"
    config = pb.BucketConfig(
        name=name,
        versioning=True,
        encryption=True,
        lifecycle=pb.Lifecycle(delete_after_days=90),
        tags={"Purpose": "application-data"},
    )
    made = _bucket(conn, config, f"b-{suffix}")
    s3 = aws("s3")
    assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
    rules = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    # Private is S3's default for a new bucket (public access blocked since April 2023; moto:
    # no policy): nothing written for it, no policy granting anyone anything.
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchBucketPolicy"):
        s3.get_bucket_policy(Bucket=name)
    lifecycle = s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"][0]
    assert lifecycle["Expiration"]["Days"] == 90
    tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=name)["TagSet"]}
    assert tags == {"Purpose": "application-data", "genesys:token": f"b-{suffix}"}
    read = conn.storage.GetBucket(pb.GetRequest(id=name))
    assert read == made  # what create returned is what a read sees
    assert read.versioning and read.encryption and not read.public_access
    assert read.lifecycle.delete_after_days == 90 and read.tags == {"Purpose": "application-data"}


def test_public_website_bucket_and_update(conn: Any, aws: Any, suffix: str) -> None:
    name = f"site-{suffix}"
    config = pb.BucketConfig(
        name=name, public_access=True, website=pb.Website(index_document="index.html")
    )
    made = _bucket(conn, config)
    s3 = aws("s3")
    policy = json.loads(s3.get_bucket_policy(Bucket=name)["Policy"])
    assert policy["Statement"][0]["Principal"] == "*"
    assert s3.get_bucket_website(Bucket=name)["IndexDocument"]["Suffix"] == "index.html"
    assert made.public_access and made.website.index_document == "index.html"
    config.public_access = False
    config.versioning = True
    updated = conn.storage.UpdateBucket(
        storage_pb2.UpdateBucketRequest(
            id=name, config=config, changed=["public_access", "versioning"]
        )
    )
    assert not updated.public_access and updated.versioning
    assert s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"][
        "BlockPublicPolicy"
    ]


def test_bucket_idempotency_clash_and_delete(conn: Any, aws: Any, suffix: str) -> None:
    name = f"idem-{suffix}"
    first = _bucket(conn, pb.BucketConfig(name=name), token=f"t-{suffix}")
    assert _bucket(conn, pb.BucketConfig(name=name), token=f"t-{suffix}").id == first.id
    with pytest.raises(errors.AlreadyExists):
        _bucket(conn, pb.BucketConfig(name=name), token="someone-else")
    aws("s3").put_object(Bucket=name, Key="x", Body=b"1")
    with pytest.raises(errors.FailedPrecondition):
        conn.storage.DeleteBucket(pb.DeleteRequest(id=name))
    aws("s3").delete_object(Bucket=name, Key="x")
    conn.storage.DeleteBucket(pb.DeleteRequest(id=name))
    with pytest.raises(errors.NotFound):
        conn.storage.GetBucket(pb.GetRequest(id=name))
    with pytest.raises(errors.NotFound):
        conn.storage.DeleteBucket(pb.DeleteRequest(id=name))


def test_discover_buckets_made_by_boto3_and_read_by_token(conn: Any, aws: Any, suffix: str) -> None:
    aws("s3").create_bucket(Bucket=f"hand-{suffix}")
    found = list(
        conn.storage.DiscoverBuckets(pb.DiscoverRequest(filters={"prefix": f"hand-{suffix}"}))
    )
    assert [b.name for b in found] == [f"hand-{suffix}"]
    _bucket(conn, pb.BucketConfig(name=f"tok-{suffix}"), token=f"tok-{suffix}")
    ref = pb.ResourceRef(kind=pb.RESOURCE_KIND_BUCKET, idempotency_token=f"tok-{suffix}")
    request = provider_pb2.ReadResourcesRequest(refs=[ref])
    (result,) = read_results(conn.provider.ReadResources(request))
    assert result.resource.bucket.id == f"tok-{suffix}"


def test_volume_attach_detach_and_delete(conn: Any, aws: Any, suffix: str) -> None:
    instance = conn.compute.CreateInstance(
        compute_pb2.CreateInstanceRequest(
            config=pb.InstanceConfig(name=f"vm-{suffix}", image="amazon-linux")
        )
    )
    volume = conn.storage.CreateVolume(
        storage_pb2.CreateVolumeRequest(
            config=pb.VolumeConfig(
                name=f"data-{suffix}", size_gb=20, zone=instance.zone, encrypted=True
            ),
            idempotency_token=f"v-{suffix}",
        )
    )
    raw = aws("ec2").describe_volumes(VolumeIds=[volume.id])["Volumes"][0]
    assert (raw["Size"], raw["VolumeType"], raw["Encrypted"]) == (20, "gp3", True)
    assert volume.volume_class == "standard" and volume.state == "available"
    attached = conn.storage.AttachVolume(
        storage_pb2.AttachVolumeRequest(volume_id=volume.id, instance_id=instance.id)
    )
    assert attached.state == "attached" and attached.device == "/dev/sdf"
    again = conn.storage.AttachVolume(
        storage_pb2.AttachVolumeRequest(volume_id=volume.id, instance_id=instance.id)
    )
    assert again.id == attached.id
    with pytest.raises(errors.FailedPrecondition):
        conn.storage.DeleteVolume(pb.DeleteRequest(id=volume.id))
    grown = conn.storage.UpdateVolume(
        storage_pb2.UpdateVolumeRequest(
            id=volume.id,
            config=pb.VolumeConfig(size_gb=30, name=f"data-{suffix}"),
            changed=["size_gb"],
        )
    )
    assert grown.size_gb == 30
    conn.storage.DetachVolume(pb.DeleteRequest(id=attached.id))
    with pytest.raises(errors.NotFound):
        conn.storage.GetVolumeAttachment(pb.GetRequest(id=attached.id))
    conn.storage.DeleteVolume(pb.DeleteRequest(id=volume.id))
    with pytest.raises(errors.NotFound):
        conn.storage.GetVolume(pb.GetRequest(id=volume.id))
