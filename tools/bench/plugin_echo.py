"""The smallest real plugin: the benchmarks' subject (GetMetadata answers from memory)."""

from __future__ import annotations

from genesys.provider.v1 import provider_pb2, provider_pb2_grpc
from genesys_plugin_sdk import Plugin, serve

METADATA = provider_pb2.ProviderMetadata(name="echo", version="0.0.0", protocol_version=1)


class EchoProvider(provider_pb2_grpc.ProviderServicer):
    def GetMetadata(self, request, context):
        return METADATA


if __name__ == "__main__":
    serve(Plugin(name="echo", version="0.0.0", provider=EchoProvider()))
