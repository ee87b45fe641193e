"""The few lines that point each real Google Cloud SDK client at `genesys-emulator gcp`.

Tests and benchmarks build their clients here, with the URLs of the ready line's `sdk`:

    ready = ...  # the ready line
    instances = compute_client("InstancesClient", ready["sdk"]["compute"])
    sql = sql_client("SqlInstancesServiceClient", ready["sdk"]["sql"])
    functions = functions_client(ready["sdk"]["functions"])
    firestore = firestore_admin_client(ready["sdk"]["firestore"])
    gcs = storage_client(ready["sdk"]["storage"], ready["account"])

The Google SDKs are imported here, lazily: the emulator itself never needs them.
"""

from __future__ import annotations

from typing import Any

# Compute's client classes -> the operations service their `.result()` polls.
_OPERATIONS = {"zone_operations", "region_operations", "global_operations"}


def _options(url: str) -> dict[str, Any]:
    from google.api_core.client_options import ClientOptions
    from google.auth.credentials import AnonymousCredentials

    return {
        "transport": "rest",
        "credentials": AnonymousCredentials(),
        "client_options": ClientOptions(api_endpoint=url),
    }


def compute_client(name: str, url: str) -> Any:
    """`compute_v1.<name>` against the emulator. The SDK's internal operations clients (used by
    `.result()` of an ExtendedOperation) ignore client options, so they are given ones built
    with the same options."""
    from google.cloud import compute_v1

    client = getattr(compute_v1, name)(**_options(url))
    services = client._transport._extended_operations_services
    services["zone_operations"] = compute_v1.ZoneOperationsClient(**_options(url))
    services["region_operations"] = compute_v1.RegionOperationsClient(**_options(url))
    services["global_operations"] = compute_v1.GlobalOperationsClient(**_options(url))
    return client


def sql_client(name: str, url: str) -> Any:
    """`sqladmin_v1beta4.<name>` (the google-cloud-sql release installed serves REST only for
    v1beta4; its v1 module is gRPC-only)."""
    from google.cloud import sqladmin_v1beta4

    return getattr(sqladmin_v1beta4, name)(**_options(url))


def functions_client(url: str) -> Any:
    from google.cloud import functions_v2

    return functions_v2.FunctionServiceClient(**_options(url))


def firestore_admin_client(url: str) -> Any:
    """`firestore_admin_v1.FirestoreAdminClient` (databases, user creds) over REST."""
    from google.cloud import firestore_admin_v1

    return firestore_admin_v1.FirestoreAdminClient(**_options(url))


def storage_client(url: str, project: str) -> Any:
    from google.api_core.client_options import ClientOptions
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage  # type: ignore[attr-defined]

    return storage.Client(
        project=project,
        credentials=AnonymousCredentials(),
        client_options=ClientOptions(api_endpoint=url),
    )
