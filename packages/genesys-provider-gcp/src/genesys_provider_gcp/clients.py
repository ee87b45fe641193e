"""Google Cloud clients: settings from Configure, credentials, one cached client per API class.

The SDKs are imported lazily (GetMetadata and GetSchema stay cheap). Every client uses the
REST transport. Endpoints come from the config's `providers.gcp.endpoints` (per API:
`compute`, `sql`, `functions`, `storage`, `firestore`), which is how `genesys-emulator gcp`'s
settings point the plugin at the emulator. Credentials: `credentials: anonymous` (emulators only),
else Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's ADC file, the
metadata server).

Compute's `.result()` polls through an operations client the SDK builds itself, ignoring
client options; the plugin never uses it: `wait_operation` polls with the plugin's own
operations clients, built with the same options as every other client.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.client_cache import ClientCache
from genesys_plugin_sdk.reads import ReadPool

SERVICES = ("compute", "sql", "functions", "storage", "firestore")
SETTING_KEYS = frozenset(
    {"project", "region", "zone", "credentials", "endpoints", "poll_interval", "wait_timeout"}
)
DEFAULT_REGION = "us-central1"


@dataclass
class GcpSettings:
    project: str = ""
    region: str = DEFAULT_REGION
    zone: str = ""  # default zone for zonal resources; "" = the region's first
    anonymous: bool = False
    endpoints: dict[str, str] = field(default_factory=dict)
    poll_interval: float = 1.0
    wait_timeout: float = 900.0


def settings_from_request(request: Any) -> GcpSettings:
    """GcpSettings from a ConfigureRequest; InvalidArgument naming the setting otherwise."""
    from google.protobuf.json_format import MessageToDict

    raw = MessageToDict(request.settings) if request.HasField("settings") else {}
    unknown = sorted(set(raw) - SETTING_KEYS)
    if unknown:
        raise errors.InvalidArgument(
            f"unknown gcp provider setting {unknown[0]!r}; "
            f"known: {', '.join(sorted(SETTING_KEYS))}",
            attribute_path=f"settings.{unknown[0]}",
        )
    endpoints = {str(k): str(v) for k, v in dict(raw.get("endpoints") or {}).items()}
    endpoints.update(dict(request.endpoints))
    for service, url in endpoints.items():
        if service not in SERVICES:
            raise errors.InvalidArgument(
                f"unknown endpoint {service!r}; known: {', '.join(SERVICES)}",
                attribute_path=f"endpoints.{service}",
            )
        if not url.startswith(("http://", "https://")):
            raise errors.InvalidArgument(
                f"endpoint {url!r} must be an http:// or https:// URL",
                attribute_path=f"endpoints.{service}",
            )
    credentials = str(raw.get("credentials") or "application-default")
    if credentials not in ("anonymous", "application-default"):
        raise errors.InvalidArgument(
            "credentials must be 'application-default' (the default) or 'anonymous' "
            "(emulators only)",
            attribute_path="settings.credentials",
        )
    return GcpSettings(
        project=str(raw.get("project") or request.project or _env_project()),
        region=str(raw.get("region") or request.region or DEFAULT_REGION),
        zone=str(raw.get("zone") or ""),
        anonymous=credentials == "anonymous",
        endpoints=endpoints,
        poll_interval=_number(raw, "poll_interval", 1.0),
        wait_timeout=_number(raw, "wait_timeout", 900.0),
    )


def _number(raw: dict[str, Any], key: str, default: float) -> float:
    value = raw.get(key, default)
    if not isinstance(value, (int, float)) or value < 0:
        raise errors.InvalidArgument(
            f"setting {key!r} must be a non-negative number", attribute_path=f"settings.{key}"
        )
    return float(value)


def _preload_sdks() -> None:
    import importlib

    for module in (
        "google.cloud.compute_v1",
        "google.cloud.storage",
        "google.cloud.sqladmin_v1beta4",
        "google.cloud.functions_v2",
    ):
        try:
            importlib.import_module(module)
        except Exception:  # the call that needs it reports the problem
            return


def _env_project() -> str:
    for name in ("GOOGLE_CLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT", "GCLOUD_PROJECT"):
        if os.environ.get(name):
            return os.environ[name]
    return ""


def throttling_retry() -> Any:
    """Google's advice for 429 rateLimitExceeded: retry with exponential backoff and jitter.
    A 429 means the call was not carried out, so even an insert is safe to repeat. Done here,
    close to the call, a throttled create does not start over (token lookup, core backoff);
    after 20 s it still reaches the core as THROTTLED, which retries the whole create."""
    from google.api_core import exceptions
    from google.api_core.retry import Retry, if_exception_type

    return Retry(
        predicate=if_exception_type(exceptions.TooManyRequests),
        initial=0.05,
        maximum=2.0,
        multiplier=2.0,
        timeout=20.0,
    )


def storage_retry() -> Any:
    """google-cloud-storage's own retry (429, 5xx, connection errors) with throttling_retry's
    pace: its default waits 1 s before the first retry."""
    from google.cloud.storage.retry import DEFAULT_RETRY

    return DEFAULT_RETRY.with_delay(initial=0.05, maximum=2.0, multiplier=2.0)


class RetryingClient:
    """A Google API client whose every RPC method retries throttling (`throttling_retry`)
    unless the caller passes its own `retry=`."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._retry = throttling_retry()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name.startswith("_") or not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("retry", self._retry)
            return attribute(*args, **kwargs)

        return call


class GcpClients:
    """Settings, credentials and cached SDK clients shared by every service of the plugin."""

    def __init__(self) -> None:
        self.settings = GcpSettings()
        self.cache = ClientCache()
        self.pool = ReadPool(max_workers=16, name="gcp-read")
        self._credentials: Any = None

    def configure(self, settings: GcpSettings) -> None:
        self.settings = settings
        self._credentials = None
        self.cache.clear()
        # google.cloud.compute_v1 alone takes seconds to import (one module holds every
        # Compute message): load the SDKs now, while the core is still loading the config
        # and authenticating, instead of inside the first refresh.
        threading.Thread(target=_preload_sdks, name="gcp-sdk-preload", daemon=True).start()

    def get_json(self, service: str, path: str) -> Any:
        """A GET on a Google REST API with the plugin's credentials (no service SDK needed);
        a refusal raises google-api-core's typed exception, as the SDKs do."""
        from google.api_core import exceptions

        base = self.settings.endpoints.get(service) or f"https://{service}.googleapis.com"
        response = self.http_session().get(f"{base.rstrip('/')}/{path}", timeout=60)
        if response.status_code >= 400:
            raise exceptions.from_http_response(response)
        return response.json()

    @property
    def project(self) -> str:
        if not self.settings.project:
            self.credentials()  # ADC may name the project
        if not self.settings.project:
            raise errors.InvalidArgument(
                "no GCP project: set `project` in the config (or providers.gcp.project, or "
                "GOOGLE_CLOUD_PROJECT)",
                attribute_path="project",
            )
        return self.settings.project

    @property
    def region(self) -> str:
        return self.settings.region

    def zone(self, wanted: str = "") -> str:
        from genesys_provider_gcp import tables

        return wanted or self.settings.zone or tables.default_zone(self.region)

    def credentials(self) -> Any:
        if self._credentials is not None:
            return self._credentials
        if self.settings.anonymous:
            from google.auth.credentials import AnonymousCredentials

            self._credentials = AnonymousCredentials()
            return self._credentials
        import google.auth
        from google.auth.exceptions import DefaultCredentialsError

        try:
            credentials, project = google.auth.default(
                scopes=["https://www.googleapis.com/auth/cloud-platform"]
            )
        except DefaultCredentialsError as exc:
            raise errors.Unauthenticated(
                "no Google credentials found: run `gcloud auth application-default login`, "
                "or set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file "
                f"({str(exc).splitlines()[0]})"
            ) from None
        if not self.settings.project and project:
            self.settings.project = project
        self._credentials = credentials
        return credentials

    def _options(self, service: str) -> dict[str, Any]:
        from google.api_core.client_options import ClientOptions

        options: dict[str, Any] = {"credentials": self.credentials(), "transport": "rest"}
        endpoint = self.settings.endpoints.get(service)
        if endpoint:
            options["client_options"] = ClientOptions(api_endpoint=endpoint)
        return options

    def compute(self, name: str) -> Any:
        """compute_v1.<name> (InstancesClient, ZoneOperationsClient, ...)."""

        def make() -> Any:
            from google.cloud import compute_v1

            return RetryingClient(getattr(compute_v1, name)(**self._options("compute")))

        return self.cache.get(("compute", name), make)

    def sql(self, name: str) -> Any:
        """sqladmin_v1beta4.<name>: the installed google-cloud-sql serves REST for v1beta4
        only (its v1 module is gRPC-only, which no emulator and few proxies speak)."""

        def make() -> Any:
            from google.cloud import sqladmin_v1beta4

            return RetryingClient(getattr(sqladmin_v1beta4, name)(**self._options("sql")))

        return self.cache.get(("sql", name), make)

    def functions(self) -> Any:
        def make() -> Any:
            from google.cloud import functions_v2

            return RetryingClient(functions_v2.FunctionServiceClient(**self._options("functions")))

        return self.cache.get(("functions",), make)

    def firestore_admin(self) -> Any:
        """firestore_admin_v1.FirestoreAdminClient (Firestore databases and user creds)."""

        def make() -> Any:
            from google.cloud import firestore_admin_v1

            client = firestore_admin_v1.FirestoreAdminClient(**self._options("firestore"))
            return RetryingClient(client)

        return self.cache.get(("firestore",), make)

    def storage(self) -> Any:
        def make() -> Any:
            from google.api_core.client_options import ClientOptions
            from google.cloud import storage  # type: ignore[attr-defined]

            endpoint = self.settings.endpoints.get("storage")
            options = ClientOptions(api_endpoint=endpoint) if endpoint else None
            return storage.Client(
                project=self.project, credentials=self.credentials(), client_options=options
            )

        return self.cache.get(("storage",), make)

    def http_session(self) -> Any:
        """An authorized requests session (function calls, uploads)."""

        def make() -> Any:
            from google.auth.transport.requests import AuthorizedSession

            return AuthorizedSession(self.credentials())

        return self.cache.get(("http",), make)

    # ------------------------------------------------------------ waiting

    def wait_operation(self, operation: Any, scope: tuple[str, ...] = ()) -> None:
        """Polls a Compute operation until DONE (with `wait`, which blocks server-side);
        raises its error as the typed error the operation's error code stands for."""
        from genesys_provider_gcp.errors import operation_error

        name = operation.name
        client, args = self._operations_client(operation)
        deadline = time.monotonic() + self.settings.wait_timeout
        current = operation
        while str(getattr(current.status, "name", current.status)) != "DONE":
            if time.monotonic() > deadline:
                raise errors.Unavailable(f"timed out waiting for operation {name}")
            current = client.wait(**args, operation=name)
        failure = operation_error(current)
        if failure is not None:
            raise failure

    def _operations_client(self, operation: Any) -> tuple[Any, dict[str, Any]]:
        project = self.project
        if operation.zone:
            zone = operation.zone.rsplit("/", 1)[-1]
            return self.compute("ZoneOperationsClient"), {"project": project, "zone": zone}
        if operation.region:
            region = operation.region.rsplit("/", 1)[-1]
            return self.compute("RegionOperationsClient"), {"project": project, "region": region}
        return self.compute("GlobalOperationsClient"), {"project": project}

    def wait_until(self, what: str, probe: Any) -> Any:
        """Calls probe() until it returns something; Unavailable after wait_timeout."""
        deadline = time.monotonic() + self.settings.wait_timeout
        delay = min(0.05, self.settings.poll_interval)
        while True:
            found = probe()
            if found is not None:
                return found
            if time.monotonic() > deadline:
                raise errors.Unavailable(f"timed out waiting for {what}")
            time.sleep(delay)
            delay = min(delay * 2, self.settings.poll_interval)

    def close(self) -> None:
        self.pool.close()
        self.cache.clear()
