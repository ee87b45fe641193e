"""Entry point of the `genesys-provider-local` executable (started by the genesys core)."""

from __future__ import annotations

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import Plugin, serve

from genesys_provider_local import __version__
from genesys_provider_local.compute import ComputeServicer
from genesys_provider_local.database import DatabaseServicer
from genesys_provider_local.network import NetworkServicer
from genesys_provider_local.provider import MAX_PARALLELISM, Observer, ProviderServicer
from genesys_provider_local.runtime import Runtime
from genesys_provider_local.serverless import ServerlessServicer
from genesys_provider_local.storage import StorageServicer


def build_plugin() -> Plugin:
    """The plugin with all six services over one shared runtime (settings + registry)."""
    rt = Runtime()
    compute = ComputeServicer(rt)
    storage = StorageServicer(rt)
    network = NetworkServicer(rt)
    database = DatabaseServicer(rt)
    serverless = ServerlessServicer(rt)
    observers: dict[int, Observer] = {
        pb.RESOURCE_KIND_INSTANCE: compute.instances,
        pb.RESOURCE_KIND_BUCKET: storage.buckets,
        pb.RESOURCE_KIND_VOLUME: storage.volumes,
        pb.RESOURCE_KIND_VOLUME_ATTACHMENT: storage.attachments,
        pb.RESOURCE_KIND_NETWORK: network.networks,
        pb.RESOURCE_KIND_SUBNET: network.subnets,
        pb.RESOURCE_KIND_SECURITY_GROUP: network.security_groups,
        pb.RESOURCE_KIND_LOAD_BALANCER: network.load_balancers,
        pb.RESOURCE_KIND_CDN: network.cdns,
        pb.RESOURCE_KIND_CERTIFICATE: network.certificates,
        pb.RESOURCE_KIND_DATABASE: database.databases,
        pb.RESOURCE_KIND_FUNCTION: serverless.functions,
        pb.RESOURCE_KIND_LAYER: serverless.layers,
    }
    return Plugin(
        name="local",
        version=__version__,
        provider=ProviderServicer(rt, observers),
        compute=compute,
        storage=storage,
        network=network,
        database=database,
        serverless=serverless,
        # Enough workers for the core's parallelism plus batch reads and invocations.
        max_workers=max(32, MAX_PARALLELISM * 2),
    )


def main() -> None:
    serve(build_plugin())


if __name__ == "__main__":
    main()
