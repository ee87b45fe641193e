"""Entry point of the `genesys-provider-alibaba` executable."""

from __future__ import annotations

from genesys_plugin_sdk import Plugin, serve

from genesys_provider_alibaba import __version__
from genesys_provider_alibaba.clients import AlibabaClients, quiet_sdk_logs


def build_plugin(clients: AlibabaClients | None = None) -> Plugin:
    """The plugin with every service, all sharing one set of Alibaba clients.

    The service modules (and through them the SDKs) load only here, after the handshake
    module: kind handlers hold no SDK object until their first call.
    """
    from genesys_plugin_sdk.servicers import servicers_for

    from genesys_provider_alibaba import compute, database, network, serverless, storage
    from genesys_provider_alibaba.provider import ProviderServicer
    from genesys_provider_alibaba.state_store import StateStoreServicer

    shared = clients or AlibabaClients()
    kinds = [
        handler
        for module in (compute, storage, network, database, serverless)
        for handler in module.kinds(shared)  # type: ignore[attr-defined]
    ]
    from genesys_provider_alibaba.errors import TRANSLATOR

    services = servicers_for(kinds, extra=serverless.extra_rpcs(shared), translate=TRANSLATOR)
    return Plugin(
        name="alibaba",
        version=__version__,
        provider=ProviderServicer(shared, kinds),
        state_store=StateStoreServicer(shared),
        max_workers=64,  # creates block until resources are ready
        **services,
    )


def main() -> None:
    quiet_sdk_logs()
    serve(build_plugin())


if __name__ == "__main__":
    main()
