"""A `count` block of identical instances is one RunInstances; crashes mid-batch leak nothing.

Against the moto server through the plugin's gRPC services; what the plugin did is checked
with boto3 straight to moto.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import compute_pb2, provider_pb2
from genesys_plugin_sdk.batching import read_results
from genesys_provider_aws import compute
from genesys_provider_aws.clients import AwsClients
from genesys_provider_aws.launch_batch import BATCH_TAG, digests_in, token_digest

from .conftest import configure_request


@pytest.fixture
def slow_linger(conn: Any, plugin_clients: AwsClients) -> Iterator[None]:
    """Identical creates sent together always meet in one batch, even on a loaded machine."""
    batcher = compute.launcher(plugin_clients)
    saved, batcher.linger = batcher.linger, 2.0
    yield
    batcher.linger = saved


def _request(name: str, token: str, size: Any = pb.SIZE_SMALL, **extra: Any) -> Any:
    config = pb.InstanceConfig(name=name, size=size, image="amazon-linux", tags={"team": "web"})
    return compute_pb2.CreateInstanceRequest(config=config, idempotency_token=token, **extra)


def _tags(aws: Any, instance_id: str) -> dict[str, str]:
    found = aws("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"]
    return {t["Key"]: t["Value"] for t in found[0]["Instances"][0].get("Tags", [])}


def _launch_index(aws: Any, instance_id: str) -> int:
    found = aws("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"]
    return int(found[0]["Instances"][0]["AmiLaunchIndex"])


def _create_all(conn: Any, requests: list[Any]) -> list[Any]:
    with ThreadPoolExecutor(len(requests)) as pool:
        futures = [pool.submit(conn.compute.CreateInstance, r) for r in requests]
        return [f.result() if f.exception() is None else f.exception() for f in futures]


def test_identical_creates_are_one_run_instances_each_with_its_own_name_and_token(
    conn: Any, aws: Any, count_calls: Any, suffix: str, slow_linger: None
) -> None:
    ec2 = count_calls("ec2")
    requests = [_request(f"web-{suffix}-{n}", f"{suffix}-{n}") for n in range(8)]
    requests.append(_request(f"big-{suffix}", f"{suffix}-big", size=pb.SIZE_LARGE))
    made = _create_all(conn, requests)
    # The 8 identical ones are one launch; the differently sized one its own.
    assert ec2.calls.count("RunInstances") == 2
    assert len({m.id for m in made}) == 9 and all(m.state == "running" for m in made)
    for n, instance in enumerate(made[:8]):
        tags = _tags(aws, instance.id)
        assert tags["Name"] == instance.name == f"web-{suffix}-{n}"
        assert tags["genesys:token"] == f"{suffix}-{n}" and tags["team"] == "web"
        # The manifest lists every member's token digest; the instance's launch index is
        # where its own is.
        slots = digests_in(tags[BATCH_TAG])
        assert sorted(slots) == sorted(token_digest(f"{suffix}-{i}") for i in range(8))
        assert slots[_launch_index(aws, instance.id)] == token_digest(f"{suffix}-{n}")
        assert dict(instance.tags) == {"team": "web"}  # system tags are not the user's
    assert BATCH_TAG not in _tags(aws, made[8].id)  # launched alone: tagged in the launch
    again = conn.compute.CreateInstance(requests[5])  # a retried create finds its instance
    assert again.id == made[5].id and ec2.calls.count("RunInstances") == 2


def _fail_create_tags(**_: Any) -> None:
    raise RuntimeError("connection reset while tagging")


def test_a_batch_whose_tags_never_came_is_found_by_retry_recovery_and_resume(
    conn: Any,
    aws: Any,
    plugin_clients: AwsClients,
    count_calls: Any,
    suffix: str,
    slow_linger: None,
    moto_url: str,
) -> None:
    ec2_client = plugin_clients.client("ec2")
    ec2 = count_calls("ec2")
    requests = [_request(f"crash-{suffix}-{n}", f"c{suffix}-{n}") for n in range(3)]
    ec2_client.meta.events.register("before-call.ec2.CreateTags", _fail_create_tags)
    try:
        failed = _create_all(conn, requests)
    finally:
        ec2_client.meta.events.unregister("before-call.ec2.CreateTags", _fail_create_tags)
    assert all("connection reset while tagging" in str(f) for f in failed), failed
    assert ec2.calls.count("RunInstances") == 1
    # An in-run retry (the core retries with the same token) tags what was launched.
    retried = conn.compute.CreateInstance(requests[0])
    assert _tags(aws, retried.id)["genesys:token"] == f"c{suffix}-0"
    assert ec2.calls.count("RunInstances") == 1
    # A new plugin process (nothing remembered): crash recovery reads by token alone and
    # finds index 1 through the manifest; a resumed create of index 2 claims and tags it.
    conn.provider.Configure(configure_request(moto_url))
    ref = pb.ResourceRef(kind=pb.RESOURCE_KIND_INSTANCE, idempotency_token=f"c{suffix}-1")
    pages = conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=[ref]))
    found = [r.resource.instance for r in read_results(pages) if r.HasField("resource")]
    assert len(found) == 1 and "genesys:token" not in _tags(aws, found[0].id)
    ec2 = count_calls("ec2")  # the clients were made anew by Configure
    resumed = conn.compute.CreateInstance(_request(*_names(requests[2]), resume_interrupted=True))
    assert ec2.calls.count("RunInstances") == 0
    assert _tags(aws, resumed.id)["Name"] == f"crash-{suffix}-2"
    launched = {retried.id, found[0].id, resumed.id}
    reservation = aws("ec2").describe_instances(InstanceIds=sorted(launched))["Reservations"]
    indexes = sorted(i["AmiLaunchIndex"] for r in reservation for i in r["Instances"])
    assert len(launched) == 3 and indexes == [0, 1, 2]
    # A token no batch holds is not found (no false claim).
    ref = pb.ResourceRef(kind=pb.RESOURCE_KIND_INSTANCE, idempotency_token=f"other-{suffix}")
    pages = conn.provider.ReadResources(provider_pb2.ReadResourcesRequest(refs=[ref]))
    assert not [r for r in read_results(pages) if r.HasField("resource")]


def _names(request: Any) -> tuple[str, str]:
    return request.config.name, request.idempotency_token


def test_more_than_a_manifest_holds_are_launched_in_chunks_at_once(
    conn: Any, plugin_clients: AwsClients, count_calls: Any, suffix: str, slow_linger: None
) -> None:
    # 40 identical creates: two RunInstances (32 + 8), sent together. Each launch waits in
    # botocore's before-call for the other to have started: one after the other, the barrier
    # breaks and the launch fails.
    both_launching = threading.Barrier(2, timeout=20)
    ec2_client = plugin_clients.client("ec2")

    def meet(**_: Any) -> None:
        both_launching.wait()

    ec2 = count_calls("ec2")
    requests = [_request(f"many-{suffix}-{n}", f"m{suffix}-{n}") for n in range(40)]
    ec2_client.meta.events.register("before-call.ec2.RunInstances", meet)
    try:
        made = _create_all(conn, requests)
    finally:
        ec2_client.meta.events.unregister("before-call.ec2.RunInstances", meet)
    assert ec2.calls.count("RunInstances") == 2
    assert len({m.id for m in made}) == 40 and all(m.state == "running" for m in made)


def test_a_new_plugin_process_retrying_a_create_finds_it_by_its_token_tag(
    conn: Any, count_calls: Any, suffix: str, moto_url: str
) -> None:
    requests = [_request(f"again-{suffix}-{n}", f"a{suffix}-{n}") for n in range(3)]
    made = _create_all(conn, requests)
    conn.provider.Configure(configure_request(moto_url))  # nothing remembered any more
    ec2 = count_calls("ec2")
    again = _create_all(conn, requests)  # the core's retry with the same tokens
    assert [a.id for a in again] == [m.id for m in made]
    assert "RunInstances" not in ec2.calls
    assert ec2.calls.count("DescribeInstances") <= 3  # one lookup per batch, and the waits
