"""`genesys-emulator azure`: Azure Resource Manager (resource groups, compute, network,
storage, flexible servers, Cosmos DB for MongoDB, Function Apps) on one endpoint, `arm`, and
Azurite for blob data, `blob`.

Settings (the config's `providers.azure` block) name the emulator's endpoints and
`credential: emulator`, which makes the plugin send a stand-in bearer token over http.
"""

from __future__ import annotations

from typing import Any

from genesys_emulators.azure import (
    cdn,
    compute,
    cosmos,
    database,
    load_balancer,
    network,
    storage,
    web,
)
from genesys_emulators.azure.arm import Arm
from genesys_emulators.azure.azurite import ACCOUNT, ACCOUNT_KEY, azurite_child
from genesys_emulators.azure.resources import GROUP
from genesys_emulators.core import Emulator, FaultPlan

SUBSCRIPTION = "00000000-0000-4000-8000-00000000a2e0"
TENANT = "00000000-0000-4000-8000-0000000007e7"
LOCATION = "eastus"


def build_arm(faults: FaultPlan | None = None) -> Arm:
    arm = Arm(SUBSCRIPTION, TENANT, LOCATION, faults)
    arm.register((GROUP,))
    arm.register(compute.TYPES, compute.HANDLERS)
    arm.register(network.TYPES)
    arm.register(load_balancer.TYPES)
    arm.register(storage.TYPES, storage.HANDLERS)
    arm.register(database.TYPES)
    arm.register(cosmos.TYPES)
    arm.register(web.TYPES)
    arm.register(cdn.TYPES)
    arm.extra_routes.extend(web.ROUTES)
    arm.extra_routes.extend(storage.ROUTES)
    return arm


def settings_for(urls: dict[str, str]) -> dict[str, Any]:
    arm = urls["arm"]
    return {
        "subscription_id": SUBSCRIPTION,
        "tenant_id": TENANT,
        "location": LOCATION,
        "credential": "emulator",
        "poll_interval": 0.02,
        "arm_endpoint": arm,
        "kudu_endpoint": f"{arm}/kudu/{{site}}",
        "functions_endpoint": f"{arm}/functions/{{site}}",
        "blob_endpoint": urls["blob"],
        "account_blob_endpoint": f"{arm}/blobsvc/{{account}}",
        "blob_account": ACCOUNT,
        "blob_key": ACCOUNT_KEY,
    }


def build(faults: FaultPlan) -> Emulator:
    return Emulator(
        cloud="azure",
        region=LOCATION,
        account=SUBSCRIPTION,
        services={"arm": build_arm(faults)},
        settings_for=settings_for,
        children={"blob": azurite_child()},
        faults=faults,
    )
