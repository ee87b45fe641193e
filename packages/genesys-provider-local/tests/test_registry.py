"""The registry: batch reads, reads by token, persistence across plugin restarts."""

from __future__ import annotations

import time

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import compute_pb2, network_pb2, provider_pb2, storage_pb2
from genesys_plugin_sdk.batching import read_results
from genesys_provider_local.registry import CREATING, Row, open_registry

from .conftest import leftovers, served

BUCKET = pb.RESOURCE_KIND_BUCKET


def read(conn, refs):
    request = provider_pb2.ReadResourcesRequest(refs=refs)
    results = list(read_results(conn.provider.ReadResources(request)))
    return sorted(results, key=lambda r: r.index)


def test_batch_read_of_1000_resources(conn, root):
    tokens = [f"tok-{i}" for i in range(1000)]
    for i, token in enumerate(tokens):
        config = pb.NetworkConfig(name=f"n{i}", cidr=f"10.{i // 256}.{i % 256}.0/24")
        conn.network.CreateNetwork(
            network_pb2.CreateNetworkRequest(config=config, idempotency_token=token)
        )
    ids = [n.id for n in conn.network.ListNetworks(pb.ListRequest())]
    assert len(ids) == 1000
    refs = [pb.ResourceRef(kind=pb.RESOURCE_KIND_NETWORK, id=i) for i in ids]
    refs.append(pb.ResourceRef(kind=pb.RESOURCE_KIND_NETWORK, id="net-gone"))
    started = time.perf_counter()
    results = read(conn, refs)
    elapsed = time.perf_counter() - started
    print(f"\nReadResources: {len(refs)} refs in {elapsed * 1000:.0f} ms")
    assert [r.index for r in results] == list(range(1001))
    assert all(r.resource.network.id == ids[r.index] for r in results[:1000])
    assert results[1000].not_found

    by_token = read(
        conn, [pb.ResourceRef(kind=pb.RESOURCE_KIND_NETWORK, idempotency_token="tok-7")]
    )
    assert by_token[0].resource.network.name == "n7"


def test_resources_survive_a_plugin_restart_and_disk_drift_reads_as_gone(root):
    with served(root) as first:
        config = pb.InstanceConfig(name="vm", size=pb.SIZE_SMALL)
        vm = first.compute.CreateInstance(compute_pb2.CreateInstanceRequest(config=config))
        first.storage.CreateBucket(
            storage_pb2.CreateBucketRequest(config=pb.BucketConfig(name="keep"))
        )
        first.storage.CreateBucket(
            storage_pb2.CreateBucketRequest(config=pb.BucketConfig(name="drift"))
        )
    with served(root) as second:
        refs = [
            pb.ResourceRef(kind=pb.RESOURCE_KIND_INSTANCE, id=vm.id),
            pb.ResourceRef(kind=BUCKET, id="keep"),
            pb.ResourceRef(kind=BUCKET, id="drift"),
            pb.ResourceRef(kind=pb.RESOURCE_KIND_INSTANCE, id="keep"),  # wrong kind
        ]
        (root / "buckets" / "drift").rmdir()
        results = read(second, refs)
        assert results[0].resource.instance.state == "running"
        assert results[1].resource.bucket.name == "keep"
        assert results[2].not_found and results[3].not_found
        second.compute.DeleteInstance(pb.DeleteRequest(id=vm.id))
        second.storage.DeleteBucket(pb.DeleteRequest(id="keep"))
        second.storage.DeleteBucket(pb.DeleteRequest(id="drift"))  # gone on disk: still removable
    assert leftovers(root) == []


def test_a_crashed_create_is_cleaned_and_redone_under_its_token(root):
    with served(root) as conn:
        pass  # makes the registry
    registry = open_registry(root)
    # What a plugin killed mid-create leaves: an intent row (owner long gone) and a half dir.
    registry.insert(
        Row("half", BUCKET, "half", "tok-h", CREATING, b"", {"owner_pid": 1, "owner_start": "x"})
    )
    registry.close()
    (root / "buckets" / "half").mkdir(parents=True)
    with served(root) as conn:
        refs = [pb.ResourceRef(kind=BUCKET, idempotency_token="tok-h")]
        assert read(conn, refs)[0].not_found
        request = storage_pb2.CreateBucketRequest(
            config=pb.BucketConfig(name="half"), idempotency_token="tok-h"
        )
        bucket = conn.storage.CreateBucket(request)
        assert bucket.id == "half" and (root / "buckets" / "half").is_dir()
        assert read(conn, refs)[0].resource.bucket.id == "half"
