"""Through the real `genesys-provider-local` executable, started by the core's plugin host."""

from __future__ import annotations

import json

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import compute_pb2, provider_pb2, storage_pb2
from genesys_plugin_sdk.batching import read_results
from genesys_provider_local import processes

from .conftest import configure_request, leftovers

plugins = pytest.importorskip("genesys.plugins", reason="the core's plugin host is not installed")


def test_real_plugin_process_serves_and_instances_outlive_it(root):
    config = pb.InstanceConfig(name="vm", size=pb.SIZE_SMALL, user_data="echo up")
    with plugins.launch_plugin("local") as conn:
        assert conn.metadata.name == "local"
        conn.provider.Configure(configure_request(root))
        vm = conn.compute.CreateInstance(compute_pb2.CreateInstanceRequest(config=config))
        conn.storage.CreateBucket(
            storage_pb2.CreateBucketRequest(config=pb.BucketConfig(name="b-1"))
        )
    state = json.loads((root / "instances" / vm.id / "supervisor.json").read_text())
    assert processes.is_alive(state["pid"], state["start"])  # the plugin is gone, the VM is not

    with plugins.launch_plugin("local") as conn:
        conn.provider.Configure(configure_request(root))
        refs = [
            pb.ResourceRef(kind=pb.RESOURCE_KIND_INSTANCE, id=vm.id),
            pb.ResourceRef(kind=pb.RESOURCE_KIND_BUCKET, id="b-1"),
        ]
        request = provider_pb2.ReadResourcesRequest(refs=refs)
        results = sorted(read_results(conn.provider.ReadResources(request)), key=lambda r: r.index)
        assert results[0].resource.instance.state == "running"
        assert results[1].resource.bucket.name == "b-1"
        conn.compute.DeleteInstance(pb.DeleteRequest(id=vm.id))
        conn.storage.DeleteBucket(pb.DeleteRequest(id="b-1"))
    assert not processes.is_alive(state["pid"], state["start"])
    assert leftovers(root) == []
