"""Entry point of the `genesys-provider-gcp` executable."""

from __future__ import annotations

import logging
from typing import Any

from genesys_plugin_sdk import Plugin, serve

from genesys_provider_gcp import __version__
from genesys_provider_gcp.clients import GcpClients
from genesys_provider_gcp.provider import ProviderServicer


def handlers(clients: GcpClients) -> list[Any]:
    from genesys_provider_gcp.cdn import Cdns, Certificates
    from genesys_provider_gcp.compute import Instances
    from genesys_provider_gcp.database import Databases
    from genesys_provider_gcp.load_balancers import LoadBalancers
    from genesys_provider_gcp.network import Networks, SecurityGroups, Subnets
    from genesys_provider_gcp.serverless import Functions
    from genesys_provider_gcp.storage import Buckets
    from genesys_provider_gcp.volumes import Attachments, Volumes

    kinds = (
        Instances,
        Volumes,
        Attachments,
        Buckets,
        Networks,
        Subnets,
        SecurityGroups,
        LoadBalancers,
        Databases,
        Functions,
        Cdns,
        Certificates,
    )
    return [kind(clients) for kind in kinds]


def build_plugin(clients: GcpClients | None = None) -> Plugin:
    """The plugin with every service, all sharing one set of Google clients."""
    from genesys_plugin_sdk.servicers import servicers_for

    from genesys_provider_gcp.errors import TRANSLATOR
    from genesys_provider_gcp.serverless import invoke
    from genesys_provider_gcp.state_store import StateStoreServicer

    shared = clients or GcpClients()
    kinds = handlers(shared)
    services = servicers_for(
        kinds,
        extra={"InvokeFunction": lambda request, context: invoke(shared, request)},
        translate=TRANSLATOR,
    )
    return Plugin(
        name="gcp",
        version=__version__,
        provider=ProviderServicer(shared, kinds),
        state_store=StateStoreServicer(shared),
        # Creates block until resources are ready: give the core's parallelism room.
        max_workers=64,
        **services,
    )


def main() -> None:
    # google-auth and urllib3 warn on every anonymous/emulator call; the core's log is for us.
    for name in ("google.auth", "urllib3", "google.api_core"):
        logging.getLogger(name).setLevel(logging.ERROR)
    serve(build_plugin())


if __name__ == "__main__":
    main()
