"""Every Alibaba-specific table in one place: sizes, database classes, image aliases,
runtimes, regions and zones, and the dated price list. `genesys providers schema alibaba`
shows them.

Sizes: the burstable ecs.t6 family is Alibaba's counterpart of AWS t3; each Genesys size
takes the t6 type closest in vCPU and memory to the AWS size of the seed's table:
    small  t3.small  (2 vCPU, 2 GiB)  -> ecs.t6-c1m1.large  (2 vCPU, 2 GiB)
    medium t3.medium (2 vCPU, 4 GiB)  -> ecs.t6-c1m2.large  (2 vCPU, 4 GiB)
    large  t3.large  (2 vCPU, 8 GiB)  -> ecs.t6-c1m4.large  (2 vCPU, 8 GiB)
    xlarge t3.xlarge (4 vCPU, 16 GiB) -> ecs.t6-c1m4.xlarge (4 vCPU, 16 GiB)
Databases: RDS PostgreSQL/MySQL general-purpose classes (pg.n2.*.2c / mysql.n2.*.2c), from
1 vCPU/2 GiB (small) to 8 vCPU/16 GiB (xlarge); mongodb is ApsaraDB for MongoDB, a
three-node replica set of the dds.mongo.* class of the same vCPU and memory.
"""

from __future__ import annotations

from typing import Any

from genesys.provider.v1 import common_pb2 as pb

INSTANCE_TYPES: dict[int, str] = {
    pb.SIZE_SMALL: "ecs.t6-c1m1.large",
    pb.SIZE_MEDIUM: "ecs.t6-c1m2.large",
    pb.SIZE_LARGE: "ecs.t6-c1m4.large",
    pb.SIZE_XLARGE: "ecs.t6-c1m4.xlarge",
}
DATABASE_CLASSES: dict[str, dict[int, str]] = {
    "PostgreSQL": {
        pb.SIZE_SMALL: "pg.n2.small.2c",
        pb.SIZE_MEDIUM: "pg.n2.medium.2c",
        pb.SIZE_LARGE: "pg.n2.large.2c",
        pb.SIZE_XLARGE: "pg.n2.xlarge.2c",
    },
    "MySQL": {
        pb.SIZE_SMALL: "mysql.n2.small.2c",
        pb.SIZE_MEDIUM: "mysql.n2.medium.2c",
        pb.SIZE_LARGE: "mysql.n2.large.2c",
        pb.SIZE_XLARGE: "mysql.n2.xlarge.2c",
    },
    "MongoDB": {
        pb.SIZE_SMALL: "dds.mongo.mid",  # 1 vCPU, 2 GiB
        pb.SIZE_MEDIUM: "dds.mongo.standard",  # 2 vCPU, 4 GiB
        pb.SIZE_LARGE: "dds.mongo.large",  # 4 vCPU, 8 GiB
        pb.SIZE_XLARGE: "dds.mongo.xlarge",  # 8 vCPU, 16 GiB
    },
}
SIZE_WORDS: dict[int, str] = {
    pb.SIZE_SMALL: "small",
    pb.SIZE_MEDIUM: "medium",
    pb.SIZE_LARGE: "large",
    pb.SIZE_XLARGE: "xlarge",
}
# Genesys engine -> RDS Engine (DDS's for mongodb); version "14" -> RDS EngineVersion
# "14.0" for PostgreSQL.
ENGINES: dict[int, str] = {
    pb.DATABASE_ENGINE_POSTGRES: "PostgreSQL",
    pb.DATABASE_ENGINE_MYSQL: "MySQL",
    pb.DATABASE_ENGINE_MONGODB: "MongoDB",
}
DEFAULT_VERSIONS = {"PostgreSQL": "14.0", "MySQL": "8.0", "MongoDB": "6.0"}
MONGODB_VERSIONS = ("4.2", "4.4", "5.0", "6.0", "7.0")
DEFAULT_STORAGE_GB = 20
PORTS = {"PostgreSQL": 5432, "MySQL": 3306, "MongoDB": 3717}

# Volume class -> ECS disk category (an ECS category name is also accepted as is).
DISK_CATEGORIES = {"standard": "cloud_efficiency", "ssd": "cloud_essd"}
ECS_CATEGORIES = ("cloud_efficiency", "cloud_ssd", "cloud_essd", "cloud_auto")

# Image alias -> the public (system) image name prefix; the newest matching image is used.
IMAGE_ALIASES: dict[str, str] = {
    "ubuntu-lts": "ubuntu_22_04_x64",
    "ubuntu-22.04": "ubuntu_22_04_x64",
    "ubuntu-20.04": "ubuntu_20_04_x64",
    "debian-12": "debian_12",
    "alinux-3": "aliyun_3_x64",
    "centos-7": "centos_7_9_x64",
    "windows-2022": "win2022",
}

# Function Compute 3.0 has no python3.11: the nearest runtime it offers runs the code. A Go
# function is a custom runtime running the binary built from `source` (go_functions.py).
RUNTIMES: dict[str, str] = {
    "python3.9": "python3.9",
    "python3.10": "python3.10",
    "python3.11": "python3.10",
    "python3.12": "python3.12",
    "nodejs16": "nodejs16",
    "nodejs18": "nodejs18",
    "nodejs20": "nodejs20",
    "go1.21": "custom.debian10",
    "go1.22": "custom.debian10",
}

# Regions Genesys knows (all real Alibaba Cloud region ids). Zones are read from the cloud
# (VPC DescribeZones); a vSwitch without a `zone` takes the region's first zone in
# alphabetical order, so every run picks the same one.
REGIONS: tuple[str, ...] = (
    "cn-hangzhou",
    "cn-shanghai",
    "cn-beijing",
    "cn-shenzhen",
    "cn-hongkong",
    "ap-southeast-1",
    "ap-northeast-1",
    "eu-central-1",
    "eu-west-1",
    "us-east-1",
    "us-west-1",
)

# ---------------------------------------------------------------- prices (USD, pay-as-you-go)

PRICES_AS_OF = "2024-11-01"
PRICES_REGION = "us-east-1"
HOURS_PER_MONTH = 730
INSTANCE_HOURLY: dict[str, float] = {
    "ecs.t6-c1m1.large": 0.0226,
    "ecs.t6-c1m2.large": 0.0331,
    "ecs.t6-c1m4.large": 0.0541,
    "ecs.t6-c1m4.xlarge": 0.1082,
}
DATABASE_HOURLY: dict[str, float] = {
    "pg.n2.small.2c": 0.0520,
    "pg.n2.medium.2c": 0.1040,
    "pg.n2.large.2c": 0.2080,
    "pg.n2.xlarge.2c": 0.4160,
    "mysql.n2.small.2c": 0.0480,
    "mysql.n2.medium.2c": 0.0960,
    "mysql.n2.large.2c": 0.1920,
    "mysql.n2.xlarge.2c": 0.3840,
}
DATABASE_STORAGE_GB_MONTH = 0.115  # ESSD PL1
# ApsaraDB for MongoDB, pay-as-you-go, a three-node replica set: the hourly figure is the
# set's (all three nodes), storage per GB of the set. Dated separately: an estimate made
# when mongodb was added, scaled from the class's vCPU/memory, not read from a price API.
MONGODB_PRICES_AS_OF = "2026-12-05"
MONGODB_HOURLY: dict[str, float] = {
    "dds.mongo.mid": 0.1370,
    "dds.mongo.standard": 0.2740,
    "dds.mongo.large": 0.5480,
    "dds.mongo.xlarge": 1.0960,
}
MONGODB_STORAGE_GB_MONTH = 0.165
DISK_GB_MONTH = {
    "cloud_efficiency": 0.05,
    "cloud_ssd": 0.14,
    "cloud_essd": 0.14,
    "cloud_auto": 0.14,
}
OSS_GB_MONTH = 0.0195
FC_REQUEST_MILLION = 0.20
CDN_GB = 0.074
SLB_HOURLY = 0.0080


def instance_type_for(size: int, override: str = "") -> str:
    """Translated size; SIZE_UNSPECIFIED takes the small type."""
    return override or INSTANCE_TYPES.get(size, INSTANCE_TYPES[pb.SIZE_SMALL])


def size_of_instance_type(instance_type: str) -> Any:
    return {v: k for k, v in INSTANCE_TYPES.items()}.get(instance_type, pb.SIZE_UNSPECIFIED)


def database_class_for(engine: str, size: int) -> str:
    classes = DATABASE_CLASSES.get(engine, DATABASE_CLASSES["PostgreSQL"])
    return classes.get(size, classes[pb.SIZE_SMALL])


def size_of_database_class(db_class: str) -> Any:
    for classes in DATABASE_CLASSES.values():
        for size, name in classes.items():
            if name == db_class:
                return size
    return pb.SIZE_UNSPECIFIED


def engine_version(engine: str, version: str) -> str:
    """RDS's EngineVersion for a config's version: PostgreSQL "14" -> "14.0"."""
    if not version:
        return DEFAULT_VERSIONS[engine]
    if engine == "PostgreSQL" and "." not in version:
        return f"{version}.0"
    return version


def config_version(engine: str, rds_version: str) -> str:
    """The reverse: "14.0" reads back as "14" for PostgreSQL."""
    if engine == "PostgreSQL" and rds_version.endswith(".0"):
        return rds_version[:-2]
    return rds_version


def disk_category_for(volume_class: str) -> str | None:
    wanted = volume_class or "standard"
    if wanted in ECS_CATEGORIES:
        return wanted
    return DISK_CATEGORIES.get(wanted)


def volume_class_of(category: str) -> str:
    return {v: k for k, v in DISK_CATEGORIES.items()}.get(category, category)


def is_image_id(image: str) -> bool:
    return image.endswith(".vhd") or image.startswith("m-")


def price_entries() -> list[tuple[str, float, str]]:
    entries = [(f"instance {k}", v, "hour") for k, v in INSTANCE_HOURLY.items()]
    entries += [(f"database {k}", v, "hour") for k, v in DATABASE_HOURLY.items()]
    entries += [
        ("database storage", DATABASE_STORAGE_GB_MONTH, "GB-month"),
        *[
            (f"mongodb {k} replica set ({MONGODB_PRICES_AS_OF}, estimate)", v, "hour")
            for k, v in MONGODB_HOURLY.items()
        ],
        (
            f"mongodb storage ({MONGODB_PRICES_AS_OF}, estimate)",
            MONGODB_STORAGE_GB_MONTH,
            "GB-month",
        ),
        *[(f"disk {k}", v, "GB-month") for k, v in DISK_GB_MONTH.items()],
        ("oss storage", OSS_GB_MONTH, "GB-month"),
        ("function compute requests", FC_REQUEST_MILLION, "million requests"),
        ("cdn transfer", CDN_GB, "GB"),
        ("slb instance", SLB_HOURLY, "hour"),
    ]
    return entries


def translation_tables() -> dict[str, dict[str, str]]:
    return {
        "instance.size": {SIZE_WORDS[k]: v for k, v in INSTANCE_TYPES.items()},
        "database.size": {SIZE_WORDS[k]: v for k, v in DATABASE_CLASSES["PostgreSQL"].items()},
        "database.size (mysql)": {SIZE_WORDS[k]: v for k, v in DATABASE_CLASSES["MySQL"].items()},
        "database.size (mongodb)": {
            SIZE_WORDS[k]: v for k, v in DATABASE_CLASSES["MongoDB"].items()
        },
        "database.engine": {
            "postgres": "RDS PostgreSQL",
            "mysql": "RDS MySQL",
            "mongodb": "ApsaraDB for MongoDB (replica set, 3 nodes)",
        },
        "instance.image": dict(IMAGE_ALIASES),
        "volume.volume_class": dict(DISK_CATEGORIES),
        "function.runtime": dict(RUNTIMES),
        "layer.compatible_runtimes": dict(RUNTIMES),
        "regions": {
            region: "vSwitch zone: first of the region's zones (alphabetical) unless set"
            for region in REGIONS
        },
    }
