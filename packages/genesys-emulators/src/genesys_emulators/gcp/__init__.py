"""`genesys-emulator gcp`: Compute Engine, Cloud SQL Admin and Cloud Functions v2 emulated,
GCS served by the real fake-gcs-server started as a child.

    compute    ComputeApp   (compute.py: compute_base, _instances, _network, _lb)
    sql        SqlAdminApp  (sql.py)
    functions  FunctionsApp (functions.py)
    firestore  FirestoreAdminApp (firestore.py): databases and user creds (MongoDB compat)
    storage    StorageFront (storage.py) before fake-gcs-server, a child process

The ready line's `settings` is the config's `providers.gcp` block: the project, region and
one endpoint per service, with `credentials: anonymous` so no Google account is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from genesys_emulators.core import Emulator, FaultPlan
from genesys_emulators.core.children import ChildProcess
from genesys_emulators.gcp.common import PROJECT, REGION


def settings_for(urls: dict[str, str]) -> dict[str, Any]:
    return {
        "project": PROJECT,
        "region": REGION,
        "credentials": "anonymous",
        "endpoints": dict(urls),
    }


@dataclass
class GcpEmulator(Emulator):
    """Starts fake-gcs-server once the storage front's port is known (its upload URLs must
    point at the front), and stops it with the rest."""

    fake_gcs: ChildProcess | None = None

    def start(self, first_port: int = 0) -> None:
        super().start(first_port)
        if self.fake_gcs is None:
            return
        try:
            self.services["storage"].child_url = self.fake_gcs.start()  # type: ignore[attr-defined]
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        super().stop()
        if self.fake_gcs is not None:
            self.fake_gcs.stop()


def build(faults: FaultPlan) -> Emulator:
    from genesys_emulators.gcp.compute import ComputeApp
    from genesys_emulators.gcp.firestore import FirestoreAdminApp
    from genesys_emulators.gcp.functions import FunctionsApp
    from genesys_emulators.gcp.sql import SqlAdminApp
    from genesys_emulators.gcp.storage import StorageFront, fake_gcs_server

    front = StorageFront(faults)
    return GcpEmulator(
        cloud="gcp",
        region=REGION,
        account=PROJECT,
        services={
            "compute": ComputeApp(faults),
            "sql": SqlAdminApp(faults),
            "functions": FunctionsApp(faults),
            "firestore": FirestoreAdminApp(faults),
            "storage": front,
        },
        settings_for=settings_for,
        faults=faults,
        fake_gcs=fake_gcs_server(front),
    )
