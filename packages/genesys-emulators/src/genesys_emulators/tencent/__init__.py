"""Tencent Cloud emulator: API 3.0 products on a port each, COS as an XML object store.

    sdk key   product (API version)
    cvm       CVM 2017-03-12: instances, instance types, images, zones
    cbs       CBS 2017-03-12: cloud disks and attachment
    vpc       VPC 2017-03-12: VPCs, subnets, security groups and policies
    clb       CLB 2018-03-17: load balancers, listeners, rules, targets
    postgres  TencentDB for PostgreSQL 2017-03-12
    cdb       TencentDB for MySQL 2017-03-20
    mongodb   TencentDB for MongoDB 2019-07-25: replica sets
    scf       SCF 2018-04-16: functions, HTTP triggers (function URLs), invoke
    cos       COS (XML): buckets, objects, versioning, conditional writes
    cam       CAM 2019-01-16: GetUserAppId (the APPID, `${account_id}`)
    cdn       CDN 2018-06-06: acceleration domains with a COS origin, HTTPS
    ssl       SSL Certificates 2019-12-05: free DV certificates awaiting DNS validation
    tag       Tag 2018-08-13: ModifyResourceTags, how tags of existing resources change

Every product shares one `World` (store, account, zones), so an instance sees the subnet
the VPC service made and a subnet refuses deletion while a database uses it.
"""

from __future__ import annotations

from typing import Any

from genesys_emulators.core import Emulator, FaultPlan
from genesys_emulators.tencent.api import World
from genesys_emulators.tencent.cam import Cam
from genesys_emulators.tencent.cbs import Cbs
from genesys_emulators.tencent.cdb import Cdb
from genesys_emulators.tencent.cdn import Cdn
from genesys_emulators.tencent.clb import Clb
from genesys_emulators.tencent.cos import Cos
from genesys_emulators.tencent.cvm import Cvm
from genesys_emulators.tencent.mongodb import Mongodb
from genesys_emulators.tencent.postgres import Postgres
from genesys_emulators.tencent.scf import Scf
from genesys_emulators.tencent.ssl import Ssl
from genesys_emulators.tencent.tag import Tag
from genesys_emulators.tencent.vpc import Vpc, add_default_network

REGION = "ap-guangzhou"
APPID = "1250000000"
SECRET_ID = "AKIDgenesysEmulator"
SECRET_KEY = "genesys-emulator-secret"


def build(faults: FaultPlan) -> Emulator:
    world = World(REGION, APPID)
    add_default_network(world, REGION)
    services = {
        "cvm": Cvm(faults, world),
        "cbs": Cbs(faults, world),
        "vpc": Vpc(faults, world),
        "clb": Clb(faults, world),
        "postgres": Postgres(faults, world),
        "cdb": Cdb(faults, world),
        "mongodb": Mongodb(faults, world),
        "scf": Scf(faults, world),
        "cos": Cos(faults, world),
        "cam": Cam(faults, world),
        "cdn": Cdn(faults, world),
        "ssl": Ssl(faults, world),
        "tag": Tag(faults, world),
    }
    return Emulator(
        cloud="tencent",
        region=REGION,
        account=APPID,
        services=services,
        settings_for=settings_for,
        faults=faults,
    )


def settings_for(urls: dict[str, str]) -> dict[str, Any]:
    """The config's `providers.tencent` block: endpoints per product and a fake key pair."""
    return {
        "region": REGION,
        "secret_id": SECRET_ID,
        "secret_key": SECRET_KEY,
        "poll_interval": 0.1,  # states here change within 0.1 s: poll often
        "endpoints": dict(urls),
    }
