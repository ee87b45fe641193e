"""What the emulated Alibaba Cloud account offers: regions and zones, ECS instance types and
public images, RDS engines and classes, FC runtimes. A small, real subset of each list: an
unknown value is refused as the real API refuses it."""

from __future__ import annotations

# Region -> its zones (real ids). Alibaba has both us-east-1 (Virginia) and cn-hangzhou.
ZONES: dict[str, tuple[str, ...]] = {
    "cn-hangzhou": ("cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j", "cn-hangzhou-k"),
    "cn-shanghai": ("cn-shanghai-e", "cn-shanghai-f", "cn-shanghai-g"),
    "cn-beijing": ("cn-beijing-g", "cn-beijing-h", "cn-beijing-i"),
    "ap-southeast-1": ("ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"),
    "eu-central-1": ("eu-central-1a", "eu-central-1b"),
    "us-east-1": ("us-east-1a", "us-east-1b"),
    "us-west-1": ("us-west-1a", "us-west-1b"),
}
DEFAULT_REGION = "cn-hangzhou"

# InstanceTypeId -> (vCPUs, memory GiB, family).
INSTANCE_TYPES: dict[str, tuple[int, float, str]] = {
    "ecs.t6-c1m1.large": (2, 2.0, "ecs.t6"),
    "ecs.t6-c1m2.large": (2, 4.0, "ecs.t6"),
    "ecs.t6-c1m4.large": (2, 8.0, "ecs.t6"),
    "ecs.t6-c1m4.xlarge": (4, 16.0, "ecs.t6"),
    "ecs.g7.large": (2, 8.0, "ecs.g7"),
    "ecs.g7.xlarge": (4, 16.0, "ecs.g7"),
    "ecs.c7.large": (2, 4.0, "ecs.c7"),
    "ecs.c7.xlarge": (4, 8.0, "ecs.c7"),
}

# ImageId -> (ImageName/OSName, OSType).
IMAGES: dict[str, tuple[str, str]] = {
    "ubuntu_22_04_x64_20G_alibase_20240130.vhd": ("Ubuntu  22.04 64 bit", "linux"),
    "ubuntu_20_04_x64_20G_alibase_20240130.vhd": ("Ubuntu  20.04 64 bit", "linux"),
    "debian_12_4_x64_20G_alibase_20240130.vhd": ("Debian  12.4 64 bit", "linux"),
    "aliyun_3_x64_20G_alibase_20240130.vhd": ("Alibaba Cloud Linux  3.2104 LTS 64 bit", "linux"),
    "centos_7_9_x64_20G_alibase_20240130.vhd": ("CentOS  7.9 64 bit", "linux"),
    "win2022_21H2_x64_dtc_en-us_40G_alibase_20240130.vhd": (
        "Windows Server  2022 Datacenter 64bit English",
        "windows",
    ),
}

# RDS engine -> versions offered.
RDS_ENGINES: dict[str, tuple[str, ...]] = {
    "PostgreSQL": ("12.0", "13.0", "14.0", "15.0", "16.0"),
    "MySQL": ("5.7", "8.0"),
}
# DBInstanceClass -> (vCPUs, memory GiB); pg.* for PostgreSQL, mysql.* for MySQL.
RDS_CLASSES: dict[str, tuple[int, float]] = {
    "pg.n2.small.2c": (1, 2.0),
    "pg.n2.medium.2c": (2, 4.0),
    "pg.n2.large.2c": (4, 8.0),
    "pg.n2.xlarge.2c": (8, 16.0),
    "mysql.n2.small.2c": (1, 2.0),
    "mysql.n2.medium.2c": (2, 4.0),
    "mysql.n2.large.2c": (4, 8.0),
    "mysql.n2.xlarge.2c": (8, 16.0),
}

# Function Compute 3.0 built-in runtimes (it has no python3.11).
FC_RUNTIMES = ("python3.9", "python3.10", "python3.12", "nodejs16", "nodejs18", "nodejs20")


def zones_of(region: str) -> tuple[str, ...]:
    return ZONES.get(region, ())


# ApsaraDB for MongoDB: engine versions and replica-set classes -> (vCPUs, memory GiB).
DDS_VERSIONS = ("4.2", "4.4", "5.0", "6.0", "7.0")
DDS_CLASSES: dict[str, tuple[int, float]] = {
    "dds.mongo.mid": (1, 2.0),
    "dds.mongo.standard": (2, 4.0),
    "dds.mongo.large": (4, 8.0),
    "dds.mongo.xlarge": (8, 16.0),
    "dds.mongo.2xlarge": (8, 32.0),
    "dds.mongo.4xlarge": (16, 64.0),
}
