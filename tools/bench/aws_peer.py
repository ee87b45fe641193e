"""The peer of tools/bench/aws_apply.py: a hand-written threaded boto3 script, run as a process.

    python tools/bench/aws_peer.py apply|read PREFIX INSTANCES BUCKETS [THREADS]

`apply` is what a careful engineer writes by hand to create N t3.medium instances and M
versioned, encrypted buckets as fast as boto3 allows: one SSM lookup for the AMI, one
RunInstances per instance (client token, tags in the launch) from a thread pool, then one
filtered DescribeInstances per poll for all of them until every one is running (the best
practice; boto3's own waiter would sleep 15 s); per bucket CreateBucket, PutBucketVersioning,
PutBucketEncryption. `read` reads the same resources back, as a refresh would: one filtered
DescribeInstances (pages) and per bucket GetBucketVersioning, GetBucketEncryption and whether
the bucket is public, threaded. The privacy check is the one Genesys makes (a careful engineer
checks that a private bucket stayed private): GetPublicAccessBlock, then GetBucketPolicyStatus
unless the block refuses public policies and GetBucketAcl unless it ignores public ACLs. On
moto a new bucket has no block, so both sides make all three calls; on AWS the default block
answers alone.
The endpoint comes from AWS_ENDPOINT_URL, as for the CLI.
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

REGION = "us-east-1"
AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
POLL_SECONDS = 0.2


def clients(threads: int) -> tuple[Any, Any, Any]:
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "standard"}, max_pool_connections=threads)
    session = boto3.session.Session(region_name=REGION)
    return (
        session.client("ec2", config=config),
        session.client("s3", config=config),
        session.client("ssm", config=config),
    )


def launch(ec2: Any, ami: str, name: str) -> str:
    tags = [{"Key": "Name", "Value": name}]
    made = ec2.run_instances(
        ImageId=ami,
        InstanceType="t3.medium",
        MinCount=1,
        MaxCount=1,
        ClientToken=name,
        TagSpecifications=[{"ResourceType": "instance", "Tags": tags}],
    )
    return str(made["Instances"][0]["InstanceId"])


def wait_running(ec2: Any, ids: list[str]) -> None:
    waiting = set(ids)
    while waiting:
        chunk = sorted(waiting)[:1000]
        pages = ec2.get_paginator("describe_instances").paginate(
            Filters=[{"Name": "instance-id", "Values": chunk}]
        )
        for page in pages:
            for reservation in page["Reservations"]:
                for raw in reservation["Instances"]:
                    if raw["State"]["Name"] == "running":
                        waiting.discard(raw["InstanceId"])
        if waiting:
            time.sleep(POLL_SECONDS)


def make_bucket(s3: Any, name: str) -> None:
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})


def read_bucket(s3: Any, name: str) -> None:
    s3.get_bucket_versioning(Bucket=name)
    s3.get_bucket_encryption(Bucket=name)
    is_public(s3, name)


def is_public(s3: Any, name: str) -> bool:
    try:
        block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    except s3.exceptions.ClientError as err:
        if err.response["Error"]["Code"] != "NoSuchPublicAccessBlockConfiguration":
            raise
        block = {}
    if not (block.get("BlockPublicPolicy") or block.get("RestrictPublicBuckets")):
        try:
            if s3.get_bucket_policy_status(Bucket=name)["PolicyStatus"]["IsPublic"]:
                return True
        except s3.exceptions.ClientError as err:
            if err.response["Error"]["Code"] != "NoSuchBucketPolicy":
                raise
    if block.get("IgnorePublicAcls"):
        return False
    grants = s3.get_bucket_acl(Bucket=name)["Grants"]
    return any(
        g["Grantee"].get("URI", "").endswith(("/AllUsers", "/AuthenticatedUsers")) for g in grants
    )


def apply(prefix: str, instances: int, buckets: int, threads: int) -> None:
    ec2, s3, ssm = clients(threads)
    ami = ssm.get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]
    with ThreadPoolExecutor(threads) as pool:
        made = [pool.submit(launch, ec2, ami, f"{prefix}-{n}") for n in range(instances)]
        done = [pool.submit(make_bucket, s3, f"{prefix}-b{n}") for n in range(buckets)]
        ids = [future.result() for future in made]
        wait_running(ec2, ids)
        for future in done:
            future.result()


def read(prefix: str, instances: int, buckets: int, threads: int) -> None:
    ec2, s3, _ = clients(threads)
    with ThreadPoolExecutor(threads) as pool:
        done = [pool.submit(read_bucket, s3, f"{prefix}-b{n}") for n in range(buckets)]
        pages = ec2.get_paginator("describe_instances").paginate(
            Filters=[{"Name": "tag:Name", "Values": [f"{prefix}-*"]}]
        )
        found = sum(len(r["Instances"]) for page in pages for r in page["Reservations"])
        for future in done:
            future.result()
    if found != instances:
        raise SystemExit(f"read {found} instances, expected {instances}")


if __name__ == "__main__":
    mode, prefix, count, bucket_count = sys.argv[1:5]
    threads = int(sys.argv[5]) if len(sys.argv) > 5 else 16
    (apply if mode == "apply" else read)(prefix, int(count), int(bucket_count), threads)
