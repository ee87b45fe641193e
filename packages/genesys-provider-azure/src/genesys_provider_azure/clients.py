"""The Azure SDK clients of one plugin process, made lazily and shared by every service.

Against genesys-emulator azure (`credential: emulator`) each management client gets a
stand-in credential and, as its `authentication_policy`, a policy that sends the bearer
token over http: the SDK's own bearer policy refuses non-TLS URLs, and a client's
`authentication_policy` keyword is the supported way to replace it. Otherwise the clients
use DefaultAzureCredential and Azure's endpoints.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.client_cache import ClientCache

from genesys_provider_azure.settings import AzureSettings

GROUP_TAG = {"genesys-managed": "true"}


class EmulatorCredential:
    """A TokenCredential that hands out a stand-in token (the emulator accepts any)."""

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken("genesys-emulator", int(time.time()) + 3600)


def plain_bearer_policy() -> Any:
    from azure.core.pipeline.policies import SansIOHTTPPolicy

    class PlainBearerPolicy(SansIOHTTPPolicy):  # type: ignore[type-arg]
        def on_request(self, request: Any) -> None:
            request.http_request.headers["Authorization"] = "Bearer genesys-emulator"

    return PlainBearerPolicy()


# client name -> (module, class)
MANAGEMENT = {
    "resource": ("azure.mgmt.resource.resources", "ResourceManagementClient"),
    "compute": ("azure.mgmt.compute", "ComputeManagementClient"),
    "network": ("azure.mgmt.network", "NetworkManagementClient"),
    "storage": ("azure.mgmt.storage", "StorageManagementClient"),
    "postgres": ("azure.mgmt.postgresqlflexibleservers", "PostgreSQLManagementClient"),
    "mysql": ("azure.mgmt.mysqlflexibleservers", "MySQLManagementClient"),
    "web": ("azure.mgmt.web", "WebSiteManagementClient"),
    "cdn": ("azure.mgmt.cdn", "CdnManagementClient"),
    "cosmos": ("azure.mgmt.cosmosdb", "CosmosDBManagementClient"),
}


class AzureClients:
    def __init__(self) -> None:
        self._settings: AzureSettings | None = None
        self.cache = ClientCache()
        self._credential: Any = None
        self._group_lock = threading.Lock()
        self._group_ready = False

    def configure(self, settings: AzureSettings) -> None:
        self._settings = settings
        self.cache.clear()
        self._credential = None
        self._group_ready = False

    @property
    def settings(self) -> AzureSettings:
        if self._settings is None:
            raise errors.FailedPrecondition("the azure provider was used before Configure")
        return self._settings

    @property
    def subscription(self) -> str:
        subscription = self.settings.subscription_id
        if not subscription:
            raise errors.Unauthenticated(
                "no Azure subscription: set providers.azure.subscription_id or "
                "AZURE_SUBSCRIPTION_ID"
            )
        return subscription

    @property
    def group(self) -> str:
        return self.settings.resource_group

    @property
    def location(self) -> str:
        return self.settings.location

    def credential(self) -> Any:
        if self._credential is None:
            if self.settings.emulator:
                self._credential = EmulatorCredential()
            else:
                from azure.identity import DefaultAzureCredential

                self._credential = DefaultAzureCredential()
        return self._credential

    def options(self) -> dict[str, Any]:
        settings = self.settings
        options: dict[str, Any] = {
            "base_url": settings.arm_endpoint,
            "polling_interval": settings.poll_interval,
            "retry_total": settings.retry_total,
        }
        if settings.emulator:
            options["authentication_policy"] = plain_bearer_policy()
        return options

    def client(self, name: str) -> Any:
        def make() -> Any:
            import importlib

            module, cls = MANAGEMENT[name]
            factory = getattr(importlib.import_module(module), cls)
            return factory(self.credential(), self.subscription, **self.options())

        return self.cache.get(name, make)

    def group_id(self) -> str:
        return f"/subscriptions/{self.subscription}/resourceGroups/{self.group}"

    def ensure_group(self) -> None:
        """The project's resource group, made once per process before the first create."""
        with self._group_lock:
            if self._group_ready:
                return
            self.client("resource").resource_groups.create_or_update(
                self.group, {"location": self.location, "tags": GROUP_TAG}
            )
            self._group_ready = True

    def close(self) -> None:
        self.cache.clear()
