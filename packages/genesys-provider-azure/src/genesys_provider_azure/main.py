"""Entry point of the `genesys-provider-azure` executable."""

from __future__ import annotations

import logging

from genesys_plugin_sdk import Plugin, serve
from genesys_plugin_sdk.servicers import servicers_for

from genesys_provider_azure import __version__
from genesys_provider_azure.clients import AzureClients
from genesys_provider_azure.compute import Instances
from genesys_provider_azure.database import Databases
from genesys_provider_azure.errors import TRANSLATOR
from genesys_provider_azure.frontdoor import Cdns, Certificates, FrontDoor
from genesys_provider_azure.load_balancers import LoadBalancers
from genesys_provider_azure.network import Networks, SecurityGroups, Subnets
from genesys_provider_azure.provider import ProviderServicer
from genesys_provider_azure.serverless import Functions
from genesys_provider_azure.state_store import StateStoreServicer
from genesys_provider_azure.storage import Buckets
from genesys_provider_azure.volumes import VolumeAttachments, Volumes


def build_plugin(clients: AzureClients | None = None) -> Plugin:
    """The plugin with every service, all sharing one set of Azure clients."""
    shared = clients or AzureClients()
    functions = Functions(shared)
    front_door = FrontDoor(shared)
    kinds = [
        Instances(shared),
        Volumes(shared),
        VolumeAttachments(shared),
        Buckets(shared),
        Networks(shared),
        Subnets(shared),
        SecurityGroups(shared),
        Databases(shared),
        functions,
        LoadBalancers(shared),
        Certificates(front_door),
        Cdns(front_door),
    ]
    return Plugin(
        name="azure",
        version=__version__,
        provider=ProviderServicer(shared, kinds),
        state_store=StateStoreServicer(shared),
        # Creates block until Azure's long-running operations end: room for the core's workers.
        max_workers=64,
        **servicers_for(kinds, extra={"InvokeFunction": functions.invoke}, translate=TRANSLATOR),
    )


def quiet_sdk_logs() -> None:
    """azure-core logs every request at INFO; the core forwards plugin logs to the user."""
    for name in ("azure", "azure.core.pipeline.policies.http_logging_policy", "azure.identity"):
        logging.getLogger(name).setLevel(logging.WARNING)


def main() -> None:
    quiet_sdk_logs()
    serve(build_plugin())


if __name__ == "__main__":
    main()
