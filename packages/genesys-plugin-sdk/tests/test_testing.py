"""serve_in_process: the plugin author's test harness."""

from __future__ import annotations

import grpc
import pytest
from genesys.provider.v1 import common_pb2, compute_pb2_grpc, provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import Plugin, errors
from genesys_plugin_sdk.testing import serve_in_process


class Provider(provider_pb2_grpc.ProviderServicer):
    def __init__(self) -> None:
        self.shutdown_calls = 0

    def GetMetadata(self, request, context):
        return provider_pb2.ProviderMetadata(name="t", version="1.2.3")

    def Shutdown(self, request, context):
        self.shutdown_calls += 1
        return provider_pb2.ShutdownResponse()


class Compute(compute_pb2_grpc.ComputeServiceServicer):
    def GetInstance(self, request, context):
        return common_pb2.Instance(id=request.id)


def test_serves_registered_services_and_leaves_the_rest_unimplemented():
    plugin = Plugin(name="t", version="1.2.3", provider=Provider(), compute=Compute())
    with serve_in_process(plugin) as conn:
        assert conn.provider.GetMetadata(provider_pb2.GetMetadataRequest()).version == "1.2.3"
        assert conn.compute.GetInstance(common_pb2.GetRequest(id="i-9")).id == "i-9"
        with pytest.raises(errors.Unimplemented):
            conn.storage.GetBucket(common_pb2.GetRequest(id="b"))
        with pytest.raises(errors.Unimplemented):  # served service, method not overridden
            conn.compute.DeleteInstance(common_pb2.DeleteRequest(id="i-9"))


def test_shutdown_runs_the_authors_hook_and_is_recorded():
    provider = Provider()
    with serve_in_process(Plugin(name="t", version="1", provider=provider)) as conn:
        conn.provider.Shutdown(provider_pb2.ShutdownRequest())
        assert conn.shutdown_requested.is_set()
        assert provider.shutdown_calls == 1


def test_shutdown_works_without_an_authors_hook():
    plain = provider_pb2_grpc.ProviderServicer()
    with serve_in_process(Plugin(name="t", version="1", provider=plain)) as conn:
        assert conn.provider.Shutdown(provider_pb2.ShutdownRequest()) is not None
        assert conn.shutdown_requested.is_set()


def test_server_is_gone_after_the_block():
    with serve_in_process(Plugin(name="t", version="1", provider=Provider())) as conn:
        stub = provider_pb2_grpc.ProviderStub(grpc.insecure_channel(conn.address))
    with pytest.raises(grpc.RpcError):
        stub.GetMetadata(provider_pb2.GetMetadataRequest(), timeout=2)


def test_large_messages_up_to_64_mib():
    class Big(provider_pb2_grpc.ProviderServicer):
        def GetMetadata(self, request, context):
            return provider_pb2.ProviderMetadata(description="x" * (20 * 1024 * 1024))

    with serve_in_process(Plugin(name="t", version="1", provider=Big())) as conn:
        meta = conn.provider.GetMetadata(provider_pb2.GetMetadataRequest())
        assert len(meta.description) == 20 * 1024 * 1024


def test_plugin_rejects_misplaced_servicers():
    with pytest.raises(ValueError, match="provider is required"):
        Plugin(name="t", version="1", provider=None)
    with pytest.raises(TypeError, match=r"Plugin\.storage must be a storage_pb2_grpc"):
        Plugin(name="t", version="1", provider=Provider(), storage=Compute())
