"""Alibaba Cloud's emulator: `genesys-emulator alibaba`.

One port per product, as the ready line's `sdk` keys say: ecs, vpc, slb, rds, dds
(ApsaraDB for MongoDB), fc, oss, plus sts, cdn and cas (certificates). ECS, VPC, SLB, RDS,
DDS, CDN, CAS and STS speak the RPC style (`rpc`); OSS is REST with XML (`oss`); Function
Compute 3.0 is ROA with JSON (`fc`). ECS, VPC, SLB, RDS and DDS share one store
(`network.VpcState`) because their resources refer to each other (a vSwitch in use by an
instance cannot be deleted).
"""

from __future__ import annotations

from typing import Any

from genesys_emulators.alibaba.cas import Cas
from genesys_emulators.alibaba.cdn import Cdn
from genesys_emulators.alibaba.dds import Dds
from genesys_emulators.alibaba.ecs import Ecs
from genesys_emulators.alibaba.fc import FunctionCompute
from genesys_emulators.alibaba.network import VpcState
from genesys_emulators.alibaba.oss import Oss
from genesys_emulators.alibaba.rds import Rds
from genesys_emulators.alibaba.slb import Slb
from genesys_emulators.alibaba.sts import Sts
from genesys_emulators.alibaba.vpc import Vpc
from genesys_emulators.core import Emulator, FaultPlan, ServiceApp

ACCOUNT = "1234567890123456"  # Alibaba account ids are 16 digits
REGION = "cn-hangzhou"
ACCESS_KEY = ("LTAI5tEmulatorKey0000000", "emulator-secret")  # any credential works


def settings_for(urls: dict[str, str]) -> dict[str, Any]:
    """The config's `providers.alibaba` block: endpoints per product and a fake key pair."""
    return {
        "access_key_id": ACCESS_KEY[0],
        "access_key_secret": ACCESS_KEY[1],
        "endpoints": {key: url for key, url in urls.items()},
    }


def build(faults: FaultPlan) -> Emulator:
    state = VpcState()
    services: dict[str, ServiceApp] = {
        "ecs": Ecs(state, faults),
        "vpc": Vpc(state, faults),
        "slb": Slb(state, faults),
        "rds": Rds(state, faults),
        "dds": Dds(state, faults),
        "fc": FunctionCompute(REGION, ACCOUNT, faults),
        "oss": Oss(REGION, faults),
        "sts": Sts(ACCOUNT, faults),
    }
    cas = Cas(state, faults)
    services["cdn"] = Cdn(cas, faults)
    services["cas"] = cas
    return Emulator(
        cloud="alibaba",
        region=REGION,
        account=ACCOUNT,
        services=services,
        settings_for=settings_for,
        faults=faults,
    )
