"""`genesys-emulator gcp`: Compute Engine, Cloud SQL Admin and Cloud Functions v2 emulated,
GCS served by the real fake-gcs-server started as a child.

    compute    ComputeApp   (compute.py + compute_base/instances/network.py)
    sql        SqlAdminApp  (sql.py)
    functions  FunctionsApp (functions.py)
    storage    fake-gcs-server (storage.py)

The ready line's `settings` is the config's `providers.gcp` block: the project, region and
one endpoint per service, with `credentials: anonymous` so no Google account is needed.
"""

from __future__ import annotations

from typing import Any

from genesys_emulators.core import Emulator, FaultPlan
from genesys_emulators.gcp.common import PROJECT, REGION


def settings_for(urls: dict[str, str]) -> dict[str, Any]:
    return {
        "project": PROJECT,
        "region": REGION,
        "credentials": "anonymous",
        "endpoints": dict(urls),
    }


def build(faults: FaultPlan) -> Emulator:
    from genesys_emulators.gcp.compute import ComputeApp
    from genesys_emulators.gcp.functions import FunctionsApp
    from genesys_emulators.gcp.sql import SqlAdminApp
    from genesys_emulators.gcp.storage import fake_gcs_server

    return Emulator(
        cloud="gcp",
        region=REGION,
        account=PROJECT,
        services={
            "compute": ComputeApp(faults),
            "sql": SqlAdminApp(faults),
            "functions": FunctionsApp(faults),
        },
        children={"storage": fake_gcs_server()},
        settings_for=settings_for,
        faults=faults,
    )
