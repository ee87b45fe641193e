"""Applying 500 resources against moto: the AWS plugin vs hand-written boto3 (threaded, sequential).

    uv run python tools/bench/aws_apply.py [--instances 250] [--buckets 250] [--parallelism 16]
                                           [--mode executable|inprocess] [--rounds 2]

One moto server serves every run (reset between runs, so each starts from an empty account).
The plugin run creates the resources through gRPC from a thread pool, as the engine's executor
would; the boto3 runs make exactly the calls the plugin makes for each resource (token lookup,
create, readiness read; for buckets the existence check, create, tags, encryption, public access
block), from a thread pool of the same size and from a plain loop. moto is one CPU-bound
process, so the figures measure our overhead, not AWS. Target: plugin <= 1.3 x threaded boto3.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import compute_pb2, provider_pb2, storage_pb2
from google.protobuf import struct_pb2

TARGET_RATIO = 1.3
REGION = "us-east-1"
AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}


# ---------------------------------------------------------------- moto


@contextmanager
def moto_server() -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        **ENV,
        "MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION": "1",
        "MOTO_ENABLE_AMI_VALIDATION": "1",
    }
    binary = os.path.join(os.path.dirname(sys.executable), "moto_server")
    process = subprocess.Popen(
        [binary, "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def reset(url: str) -> None:
    urllib.request.urlopen(
        urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=10
    ).close()


# ---------------------------------------------------------------- hand-written boto3


class Boto3Apply:
    """The calls the plugin makes, written directly against boto3."""

    def __init__(self, url: str) -> None:
        import boto3
        from botocore.config import Config

        config = Config(retries={"mode": "standard", "max_attempts": 2}, max_pool_connections=64)
        session = boto3.session.Session()
        self.ec2 = session.client("ec2", region_name=REGION, endpoint_url=url, config=config)
        self.s3 = session.client("s3", region_name=REGION, endpoint_url=url, config=config)
        ssm = session.client("ssm", region_name=REGION, endpoint_url=url, config=config)
        self.ami = ssm.get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]
        self.calls = 0
        for client in (self.ec2, self.s3):
            client.meta.events.register("before-call", self._count)

    def _count(self, **_: Any) -> None:
        self.calls += 1

    def instance(self, token: str) -> str:
        live = {
            "Name": "instance-state-name",
            "Values": ["pending", "running", "stopping", "stopped"],
        }
        self.ec2.describe_instances(
            Filters=[{"Name": "tag:genesys:token", "Values": [token]}, live]
        )
        tags = [{"Key": "Name", "Value": token}, {"Key": "genesys:token", "Value": token}]
        made = self.ec2.run_instances(
            ImageId=self.ami,
            InstanceType="t3.small",
            MinCount=1,
            MaxCount=1,
            ClientToken=token,
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": tags},
                {"ResourceType": "volume", "Tags": tags},
            ],
        )["Instances"][0]["InstanceId"]
        self.ec2.describe_instances(Filters=[{"Name": "instance-id", "Values": [made]}, live])
        return str(made)

    def bucket(self, name: str) -> str:
        with suppress(self.s3.exceptions.ClientError):
            self.s3.head_bucket(Bucket=name)
        self.s3.create_bucket(Bucket=name)
        self.s3.put_bucket_tagging(
            Bucket=name, Tagging={"TagSet": [{"Key": "genesys:token", "Value": name}]}
        )
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        self.s3.put_bucket_encryption(
            Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]}
        )
        flags = (
            "BlockPublicAcls",
            "IgnorePublicAcls",
            "BlockPublicPolicy",
            "RestrictPublicBuckets",
        )
        self.s3.put_public_access_block(
            Bucket=name, PublicAccessBlockConfiguration=dict.fromkeys(flags, True)
        )
        return name


# ---------------------------------------------------------------- the plugin


@contextmanager
def plugin_connection(url: str, mode: str) -> Iterator[Any]:
    settings = struct_pb2.Struct()
    settings.update({"endpoint": url, "poll_interval": 0.05})
    configure = provider_pb2.ConfigureRequest(region=REGION, settings=settings)
    if mode == "executable":
        from genesys.plugins import launch_plugin

        with launch_plugin("aws", env=ENV) as conn:
            conn.provider.Configure(configure)
            yield conn
    else:
        from genesys_plugin_sdk.testing import serve_in_process
        from genesys_provider_aws.main import build_plugin

        with serve_in_process(build_plugin()) as conn:
            conn.provider.Configure(configure)
            yield conn


def plugin_tasks(conn: Any, run: str, instances: int, buckets: int) -> list[Callable[[], Any]]:
    def instance(n: int) -> Callable[[], Any]:
        config = pb.InstanceConfig(name=f"{run}-i{n}", size=pb.SIZE_SMALL, image="amazon-linux")
        request = compute_pb2.CreateInstanceRequest(config=config, idempotency_token=f"{run}-i{n}")
        return lambda: conn.compute.CreateInstance(request)

    def bucket(n: int) -> Callable[[], Any]:
        config = pb.BucketConfig(name=f"{run}-b{n}", encryption=True)
        request = storage_pb2.CreateBucketRequest(config=config, idempotency_token=f"{run}-b{n}")
        return lambda: conn.storage.CreateBucket(request)

    return [instance(n) for n in range(instances)] + [bucket(n) for n in range(buckets)]


def boto3_tasks(
    apply: Boto3Apply, run: str, instances: int, buckets: int
) -> list[Callable[[], Any]]:
    def instance(n: int) -> Callable[[], Any]:
        return lambda: apply.instance(f"{run}-i{n}")

    def bucket(n: int) -> Callable[[], Any]:
        return lambda: apply.bucket(f"{run}-b{n}")

    return [instance(n) for n in range(instances)] + [bucket(n) for n in range(buckets)]


def timed(tasks: list[Callable[[], Any]], parallelism: int) -> float:
    started = time.perf_counter()
    if parallelism <= 1:
        for task in tasks:
            task()
    else:
        with ThreadPoolExecutor(parallelism) as pool:
            for future in [pool.submit(task) for task in tasks]:
                future.result()
    return time.perf_counter() - started


# ---------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=250)
    parser.add_argument("--buckets", type=int, default=250)
    parser.add_argument("--parallelism", type=int, default=16)
    parser.add_argument("--mode", choices=["executable", "inprocess"], default="executable")
    parser.add_argument("--rounds", type=int, default=2, help="alternating threaded/plugin rounds")
    parser.add_argument("--no-sequential", action="store_true")
    return parser.parse_args()


@dataclass
class Figures:
    plugin_s: list[float] = field(default_factory=list)
    threaded_s: list[float] = field(default_factory=list)
    sequential_s: float = 0.0
    calls_per_resource: float = 0.0


def main() -> None:
    args = parse_args()
    os.environ.update(ENV)
    total = args.instances + args.buckets
    sizes = (args.instances, args.buckets)
    figures = Figures()
    with moto_server() as url, plugin_connection(url, args.mode) as conn:
        timed(plugin_tasks(conn, f"w{uuid.uuid4().hex[:6]}", 4, 4), 4)  # AMI, clients, imports
        for round_no in range(args.rounds):
            reset(url)  # every run starts from an empty account
            apply = Boto3Apply(url)
            threaded = boto3_tasks(apply, f"t{round_no}", *sizes)
            figures.threaded_s.append(timed(threaded, args.parallelism))
            figures.calls_per_resource = apply.calls / total
            reset(url)
            figures.plugin_s.append(
                timed(plugin_tasks(conn, f"p{round_no}", *sizes), args.parallelism)
            )
        if not args.no_sequential:
            reset(url)
            figures.sequential_s = timed(boto3_tasks(Boto3Apply(url), "s", *sizes), 1)
    report(args, total, figures)


def report(args: Any, total: int, figures: Figures) -> None:
    plugin = statistics.median(figures.plugin_s)
    threaded = statistics.median(figures.threaded_s)
    print(f"apply {total} resources ({args.instances} instances + {args.buckets} buckets), moto")
    print(
        f"  parallelism {args.parallelism}, plugin mode {args.mode}, "
        f"{figures.calls_per_resource:.1f} AWS calls per resource"
    )
    line = "  {:<22}{:7.2f} s {:7.1f} resources/s   runs {}"
    print(line.format(f"plugin ({args.mode})", plugin, total / plugin, fmt(figures.plugin_s)))
    print(line.format("boto3 threaded", threaded, total / threaded, fmt(figures.threaded_s)))
    if figures.sequential_s:
        seq = figures.sequential_s
        print(line.format("boto3 sequential", seq, total / seq, fmt([seq])))
    ratio = plugin / threaded
    verdict = "OK" if ratio <= TARGET_RATIO else "OVER TARGET"
    print(f"  plugin / threaded = {ratio:.2f} (target <= {TARGET_RATIO}): {verdict}")


def fmt(samples: list[float]) -> str:
    return ", ".join(f"{s:.2f}" for s in samples)


if __name__ == "__main__":
    main()
