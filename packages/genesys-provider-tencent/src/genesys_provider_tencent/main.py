"""Entry point of the `genesys-provider-tencent` executable.

Only the SDK's serving code and the protocol stubs load at start; the Tencent SDKs load on
the first call that needs them (plugin start stays well under 0.5 s).
"""

from __future__ import annotations

from typing import Any

from genesys_plugin_sdk import Plugin, serve
from genesys_plugin_sdk.servicers import servicers_for

from genesys_provider_tencent import __version__
from genesys_provider_tencent.clients import TencentClients, quiet_sdk_logs


def kinds_for(shared: TencentClients) -> list[Any]:
    """Every kind's handler (imported here, not at module load: plugin start stays cheap)."""
    from genesys_provider_tencent.buckets import Buckets
    from genesys_provider_tencent.cdn import Certificates, Content
    from genesys_provider_tencent.compute import Instances
    from genesys_provider_tencent.database import Databases
    from genesys_provider_tencent.layers import Layers
    from genesys_provider_tencent.load_balancers import LoadBalancers
    from genesys_provider_tencent.network import Networks, Subnets
    from genesys_provider_tencent.security_groups import SecurityGroups
    from genesys_provider_tencent.serverless import Functions
    from genesys_provider_tencent.volumes import Attachments, Volumes

    handlers = (
        Instances,
        Buckets,
        Networks,
        Subnets,
        SecurityGroups,
        Databases,
        Functions,
        Content,
        Certificates,
        Volumes,
        Attachments,
        LoadBalancers,
        Layers,
    )
    return [handler(shared) for handler in handlers]


def build_plugin(clients: TencentClients | None = None) -> Plugin:
    """The plugin with every service, all sharing one set of Tencent clients."""
    from genesys_provider_tencent.errors import TRANSLATOR
    from genesys_provider_tencent.provider import ProviderServicer
    from genesys_provider_tencent.serverless import invoke
    from genesys_provider_tencent.state_store import StateStoreServicer

    shared = clients or TencentClients()
    kinds = kinds_for(shared)
    services = servicers_for(
        kinds,
        extra={"InvokeFunction": lambda request, context: invoke(shared, request)},
        translate=TRANSLATOR,
    )
    return Plugin(
        name="tencent",
        version=__version__,
        provider=ProviderServicer(shared, kinds),
        state_store=StateStoreServicer(shared),
        # Creates block until resources are ready: give the core's parallelism room.
        max_workers=64,
        **services,
    )


def main() -> None:
    quiet_sdk_logs()
    serve(build_plugin())


if __name__ == "__main__":
    main()
