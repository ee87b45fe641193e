"""Entry point of the `genesys-provider-aws` executable."""

from __future__ import annotations

from genesys_plugin_sdk import Plugin, serve

from genesys_provider_aws import __version__
from genesys_provider_aws.clients import AwsClients, quiet_sdk_logs
from genesys_provider_aws.compute import ComputeServicer
from genesys_provider_aws.database import DatabaseServicer
from genesys_provider_aws.network import NetworkServicer
from genesys_provider_aws.provider import ProviderServicer
from genesys_provider_aws.serverless import ServerlessServicer
from genesys_provider_aws.state_store import StateStoreServicer
from genesys_provider_aws.storage import StorageServicer


def build_plugin(clients: AwsClients | None = None) -> Plugin:
    """The plugin with every service, all sharing one set of AWS clients."""
    shared = clients or AwsClients()
    return Plugin(
        name="aws",
        version=__version__,
        provider=ProviderServicer(shared),
        compute=ComputeServicer(shared),
        storage=StorageServicer(shared),
        network=NetworkServicer(shared),
        database=DatabaseServicer(shared),
        serverless=ServerlessServicer(shared),
        state_store=StateStoreServicer(shared),
        # Creates block until resources are ready: give the core's parallelism room.
        max_workers=64,
    )


def main() -> None:
    quiet_sdk_logs()
    serve(build_plugin())


if __name__ == "__main__":
    main()
