"""Every translation and price table of the Tencent Cloud provider, in one place.

`genesys providers schema tencent` shows these tables (GetSchema); the planner shows the
translated values and costs (PlanResources); discovery uses the reverse lookups. Nothing else
in the plugin hard-codes a Tencent size, spec, image, runtime or price.
"""

from __future__ import annotations

from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk.schema import by_size_word

# ---------------------------------------------------------------- sizes

# Standard S5 closest in vCPU and memory to the seed's AWS sizes:
#   t3.small 2 vCPU/2 GiB, t3.medium 2/4, t3.large 2/8, t3.xlarge 4/16.
INSTANCE_TYPES: dict[int, str] = {
    pb.SIZE_SMALL: "S5.MEDIUM2",
    pb.SIZE_MEDIUM: "S5.MEDIUM4",
    pb.SIZE_LARGE: "S5.MEDIUM8",
    pb.SIZE_XLARGE: "S5.LARGE16",
}
# TencentDB for PostgreSQL specs (vCPU/GiB): small 1/2, medium 2/4, large 2/8, xlarge 4/16.
DATABASE_SPECS: dict[int, str] = {
    pb.SIZE_SMALL: "pg.it.small2",
    pb.SIZE_MEDIUM: "pg.it.medium4",
    pb.SIZE_LARGE: "pg.it.medium8",
    pb.SIZE_XLARGE: "pg.it.large16",
}
# spec -> (vCPU, memory GiB), what ModifyDBInstanceSpec takes
DATABASE_SPEC_SHAPES: dict[str, tuple[int, int]] = {
    "pg.it.small2": (1, 2),
    "pg.it.medium4": (2, 4),
    "pg.it.medium8": (2, 8),
    "pg.it.large8": (4, 8),
    "pg.it.large16": (4, 16),
    "pg.it.2xlarge32": (8, 32),
}


def instance_type_for(size: int, override: str = "") -> str:
    """CVM instance type for an abstract size (an explicit provider_type wins)."""
    return override or INSTANCE_TYPES.get(size, INSTANCE_TYPES[pb.SIZE_SMALL])


def database_spec_for(size: int) -> str:
    return DATABASE_SPECS.get(size, DATABASE_SPECS[pb.SIZE_SMALL])


def size_of_instance_type(instance_type: str) -> Any:
    return {v: k for k, v in INSTANCE_TYPES.items()}.get(instance_type, pb.SIZE_UNSPECIFIED)


def mysql_memory_for(size: int) -> int:
    return MYSQL_MEMORY_MB.get(size, MYSQL_MEMORY_MB[pb.SIZE_SMALL])


def size_of_mysql_memory(memory: int) -> Any:
    return {v: k for k, v in MYSQL_MEMORY_MB.items()}.get(memory, pb.SIZE_UNSPECIFIED)


def mysql_version_for(version: str) -> str:
    """ "8" and "8.0" are 8.0; empty is the newest."""
    if not version:
        return MYSQL_VERSIONS[-1]
    return version if "." in version else f"{version}.0"


def mongodb_spec_for(size: int) -> tuple[int, int]:
    """(vCPU, memory GB) of the replica set's nodes."""
    return MONGODB_SPECS.get(size, MONGODB_SPECS[pb.SIZE_SMALL])


def mongodb_class(spec: tuple[int, int]) -> str:
    return f"mongodb.{spec[0]}c{spec[1]}g"


def size_of_mongodb_spec(spec: tuple[int, int]) -> Any:
    return {v: k for k, v in MONGODB_SPECS.items()}.get(spec, pb.SIZE_UNSPECIFIED)


def mongodb_version_for(version: str) -> str | None:
    """ "6" and "6.0" are MONGO_60_WT; empty is the default; None: not sold."""
    wanted = version or DEFAULT_MONGODB_VERSION
    return MONGODB_VERSIONS.get(wanted if "." in wanted else f"{wanted}.0")


def mongodb_version_of(code: str) -> str:
    return {v: k for k, v in MONGODB_VERSIONS.items()}.get(code, code)


def size_of_database_spec(spec: str) -> Any:
    return {v: k for k, v in DATABASE_SPECS.items()}.get(spec, pb.SIZE_UNSPECIFIED)


# ---------------------------------------------------------------- images

# Alias -> public image id (Tencent's public image ids are the same in every region).
IMAGE_ALIASES: dict[str, str] = {
    "ubuntu-lts": "img-487zeit5",  # Ubuntu Server 22.04 LTS 64bit
    "ubuntu-22.04": "img-487zeit5",
    "ubuntu-20.04": "img-22trbn9x",
    "centos-7": "img-l8og963d",
    "debian-12": "img-eb30mz89",
    "windows-2022": "img-9id7emv7",
}
DEFAULT_IMAGE = "ubuntu-lts"


def is_image_id(image: str) -> bool:
    return image.startswith("img-")


def image_id_for(image: str) -> str | None:
    wanted = image or DEFAULT_IMAGE
    return wanted if is_image_id(wanted) else IMAGE_ALIASES.get(wanted)


# ---------------------------------------------------------------- disks

SYSTEM_DISK: dict[str, Any] = {"DiskType": "CLOUD_PREMIUM", "DiskSize": 50}
VOLUME_TYPES: dict[str, str] = {"standard": "CLOUD_PREMIUM", "ssd": "CLOUD_SSD"}
CBS_TYPES = frozenset({"CLOUD_BASIC", "CLOUD_PREMIUM", "CLOUD_SSD", "CLOUD_HSSD", "CLOUD_BSSD"})


def volume_type_for(volume_class: str) -> str:
    wanted = volume_class or "standard"
    return VOLUME_TYPES.get(wanted, wanted)


def volume_class_of(disk_type: str) -> str:
    return {v: k for k, v in VOLUME_TYPES.items()}.get(disk_type, disk_type)


# ---------------------------------------------------------------- databases

POSTGRES_VERSIONS = ("10", "11", "12", "13", "14", "15", "16")
# TencentDB for MySQL sells memory sizes (MB); the CPU follows: 1/2, 2/4, 4/8, 4/16 GiB.
MYSQL_MEMORY_MB: dict[int, int] = {
    pb.SIZE_SMALL: 2000,
    pb.SIZE_MEDIUM: 4000,
    pb.SIZE_LARGE: 8000,
    pb.SIZE_XLARGE: 16000,
}
MYSQL_VERSIONS = ("5.7", "8.0")
MYSQL_PORT = 3306
DEFAULT_POSTGRES_VERSION = "14"
POSTGRES_PORT = 5432
DEFAULT_DATABASE_USERNAME = "genesys"
DEFAULT_STORAGE_GB = 20
DEFAULT_BACKUP_WINDOW = ("00:00:00", "01:00:00")

# TencentDB for MongoDB: a replica set of MONGODB_NODES nodes (one primary, two secondaries),
# sold as CPU + memory specs; the closest to the seed's AWS sizes (small 2 vCPU/2 GiB ...):
# small 1C2GB, medium 2C4GB, large 4C8GB, xlarge 4C16GB. `multi_az` spreads the same three
# nodes over three zones (no extra node). The account is always `mongouser`.
MONGODB_SPECS: dict[int, tuple[int, int]] = {
    pb.SIZE_SMALL: (1, 2),
    pb.SIZE_MEDIUM: (2, 4),
    pb.SIZE_LARGE: (4, 8),
    pb.SIZE_XLARGE: (4, 16),
}
# (vCPU, memory GB) -> the most disk (GB) the spec takes; every spec takes at least 10 GB
MONGODB_MAX_STORAGE_GB: dict[tuple[int, int], int] = {
    (1, 2): 250,
    (2, 4): 500,
    (4, 8): 1000,
    (4, 16): 1500,
}
MONGODB_MIN_STORAGE_GB = 10
MONGODB_VERSIONS: dict[str, str] = {
    "4.0": "MONGO_40_WT",
    "4.2": "MONGO_42_WT",
    "4.4": "MONGO_44_WT",
    "5.0": "MONGO_50_WT",
    "6.0": "MONGO_60_WT",
    "7.0": "MONGO_70_WT",
}
DEFAULT_MONGODB_VERSION = "6.0"
MONGODB_NODES = 3
MONGODB_MACHINE = "GE.LD.T2"  # local disk, general type II: what Tencent recommends today
MONGODB_USERNAME = "mongouser"
MONGODB_PORT = 27017
MONGODB_BACKUP_DAYS = (7, 365)

# ---------------------------------------------------------------- functions

# The seed's runtime words -> SCF runtimes.
RUNTIMES: dict[str, str] = {
    "python3.9": "Python3.9",
    "python3.10": "Python3.10",
    "python3.11": "Python3.11",
    "python3.12": "Python3.12",
    "nodejs16": "Nodejs16.13",
    "nodejs18": "Nodejs18.15",
    "nodejs20": "Nodejs20.18",
    # A web function (Type HTTP) in SCF's Go environment: the binary is built here from
    # `source` with the local Go toolchain (go_functions.py), so SCF's Go version is moot.
    "go1.21": "Go1",
}
DEFAULT_MEMORY_MB = 128
DEFAULT_TIMEOUT_S = 3
NAMESPACE = "default"


def scf_runtime_for(runtime: str) -> str | None:
    return RUNTIMES.get(runtime) or (runtime if runtime in RUNTIMES.values() else None)


def runtime_of(scf_runtime: str) -> str:
    return {v: k for k, v in RUNTIMES.items()}.get(scf_runtime, scf_runtime)


# ---------------------------------------------------------------- prices

# Pay-as-you-go list prices in USD for ap-guangzhou, read from Tencent Cloud's international
# price pages on this date (approximate: Tencent adjusts them, and other regions differ).
PRICES_AS_OF = "2024-11-01"
PRICES_REGION = "ap-guangzhou"
HOURS_PER_MONTH = 730

INSTANCE_HOURLY: dict[str, float] = {
    "S5.SMALL1": 0.0139,
    "S5.SMALL2": 0.0235,
    "S5.SMALL4": 0.0426,
    "S5.MEDIUM2": 0.0278,
    "S5.MEDIUM4": 0.0470,
    "S5.MEDIUM8": 0.0852,
    "S5.LARGE8": 0.0940,
    "S5.LARGE16": 0.1704,
    "S5.2XLARGE16": 0.1880,
    "S5.2XLARGE32": 0.3408,
}
DATABASE_HOURLY: dict[str, float] = {
    "pg.it.small2": 0.0410,
    "pg.it.medium4": 0.0820,
    "pg.it.medium8": 0.1370,
    "pg.it.large8": 0.1640,
    "pg.it.large16": 0.2740,
    "pg.it.2xlarge32": 0.5480,
}
MYSQL_HOURLY: dict[int, float] = {2000: 0.0470, 4000: 0.0940, 8000: 0.1880, 16000: 0.3440}
# TencentDB for MongoDB, per node hour (x MONGODB_NODES) and per node GB-month of disk.
# ESTIMATES, not read from a price page: the per-node rates of TencentDB for MySQL of the same
# memory (the MongoDB price page was not reachable when this row was written, on this date).
MONGODB_PRICES_AS_OF = "2026-12-05"
MONGODB_NODE_HOURLY: dict[tuple[int, int], float] = {
    (1, 2): 0.0235,
    (2, 4): 0.0470,
    (4, 8): 0.0940,
    (4, 16): 0.1720,
}
MONGODB_STORAGE_GB_MONTH = 0.095
DATABASE_STORAGE_GB_MONTH = 0.095  # local SSD, per node; a standby (multi_az) doubles it
SYSTEM_DISK_GB_MONTH = 0.05  # CLOUD_PREMIUM
VOLUME_GB_MONTH: dict[str, float] = {
    "CLOUD_BASIC": 0.03,
    "CLOUD_PREMIUM": 0.05,
    "CLOUD_SSD": 0.14,
    "CLOUD_HSSD": 0.09,
    "CLOUD_BSSD": 0.07,
}
COS_GB_MONTH = 0.0186  # STANDARD storage
SCF_REQUEST_MILLION = 0.20
CDN_GB = 0.0406
CLB_HOURLY = 0.0280  # a CLB instance hour; traffic and LCUs extra


def price_entries() -> list[tuple[str, float, str]]:
    """(item, usd, unit) rows of the shipped price table, for GetSchema."""
    rows: list[tuple[str, float, str]] = []
    rows += [(f"instance:{t}", usd, "hour") for t, usd in INSTANCE_HOURLY.items()]
    rows.append(("instance:system-disk", SYSTEM_DISK_GB_MONTH, "gb-month"))
    rows += [(f"database:postgres:{s}", usd, "hour") for s, usd in DATABASE_HOURLY.items()]
    rows += [(f"database:mysql:{m}mb", usd, "hour") for m, usd in MYSQL_HOURLY.items()]
    rows += [
        (
            f"database:mongodb:{mongodb_class(s)} per node ({MONGODB_PRICES_AS_OF}, estimate)",
            usd,
            "hour",
        )
        for s, usd in MONGODB_NODE_HOURLY.items()
    ]
    rows.append(("database-storage:gb-month", DATABASE_STORAGE_GB_MONTH, "gb-month"))
    rows += [(f"volume:{t}", usd, "gb-month") for t, usd in VOLUME_GB_MONTH.items()]
    rows.append(("bucket:storage", COS_GB_MONTH, "gb-month"))
    rows.append(("function:requests", SCF_REQUEST_MILLION, "request-million"))
    rows.append(("cdn:transfer", CDN_GB, "gb-month"))
    rows.append(("load_balancer:clb", CLB_HOURLY, "hour"))
    rows.append(("certificate:free-dv", 0.0, "month"))
    return rows


def translation_tables() -> dict[str, dict[str, str]]:
    """Name -> entries, as GetSchema publishes them."""
    return {
        "instance.size": by_size_word(INSTANCE_TYPES),
        "database.size": by_size_word(DATABASE_SPECS),
        "instance.image": dict(IMAGE_ALIASES),
        "volume.volume_class": dict(VOLUME_TYPES),
        "database.engine": {
            "postgres": "TencentDB for PostgreSQL",
            "mysql": "TencentDB for MySQL",
            "mongodb": f"TencentDB for MongoDB ({MONGODB_NODES}-node replica set)",
        },
        "database.size (mysql)": {k: f"{v} MB" for k, v in by_size_word(MYSQL_MEMORY_MB).items()},
        "database.size (mongodb)": {
            k: mongodb_class(v) for k, v in by_size_word(MONGODB_SPECS).items()
        },
        "database.version (mongodb)": dict(MONGODB_VERSIONS),
        "function.runtime": dict(RUNTIMES),
        "bucket.name": {"<name>": "<name>-<APPID> (COS bucket names end with the APPID)"},
        "cdn": {"cdn": "CDN domain with a COS origin"},
        "certificate": {"certificate": "SSL free DV certificate (DNS validation)"},
    }
