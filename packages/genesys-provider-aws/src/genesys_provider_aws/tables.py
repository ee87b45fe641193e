"""Every translation and price table of the AWS provider, in one place.

`genesys providers schema` shows these tables (GetSchema), the planner shows the translated
values and costs (PlanResources), and discovery uses the reverse lookups. Nothing else in the
plugin hard-codes an AWS size, class, image or price.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from genesys.provider.v1 import common_pb2 as pb

# ---------------------------------------------------------------- sizes

# Seed table: small|medium|large|xlarge -> t3.*. SIZE_UNSPECIFIED uses the small entry.
INSTANCE_TYPES: dict[int, str] = {
    pb.SIZE_SMALL: "t3.small",
    pb.SIZE_MEDIUM: "t3.medium",
    pb.SIZE_LARGE: "t3.large",
    pb.SIZE_XLARGE: "t3.xlarge",
}

DATABASE_CLASSES: dict[int, str] = {
    pb.SIZE_SMALL: "db.t3.small",
    pb.SIZE_MEDIUM: "db.t3.medium",
    pb.SIZE_LARGE: "db.t3.large",
    pb.SIZE_XLARGE: "db.t3.xlarge",
}

SIZE_WORDS: dict[int, str] = {
    pb.SIZE_SMALL: "small",
    pb.SIZE_MEDIUM: "medium",
    pb.SIZE_LARGE: "large",
    pb.SIZE_XLARGE: "xlarge",
}


def instance_type_for(size: int, override: str = "") -> str:
    """EC2 instance type for an abstract size (explicit provider_type wins)."""
    return override or INSTANCE_TYPES.get(size, INSTANCE_TYPES[pb.SIZE_SMALL])


def database_class_for(size: int, engine: int = pb.DATABASE_ENGINE_POSTGRES) -> str:
    if engine == pb.DATABASE_ENGINE_MONGODB:
        return DOCUMENTDB_CLASSES.get(size, DOCUMENTDB_CLASSES[pb.SIZE_SMALL])
    return DATABASE_CLASSES.get(size, DATABASE_CLASSES[pb.SIZE_SMALL])


# engine: mongodb is Amazon DocumentDB (MongoDB-compatible): planned and priced; its apply
# (a DocumentDB cluster plus instances) is not implemented, and moto refuses the docdb engine.
# DocumentDB's smallest class is db.t3.medium.
DOCUMENTDB_CLASSES: dict[int, str] = {
    pb.SIZE_SMALL: "db.t3.medium",
    pb.SIZE_MEDIUM: "db.t3.medium",
    pb.SIZE_LARGE: "db.r5.large",
    pb.SIZE_XLARGE: "db.r5.xlarge",
}


def size_of_instance_type(instance_type: str) -> Any:
    """Reverse translation for discovery: t3.medium -> SIZE_MEDIUM; unknown -> UNSPECIFIED."""
    return _reverse(INSTANCE_TYPES).get(instance_type, pb.SIZE_UNSPECIFIED)


def size_of_database_class(db_class: str) -> Any:
    return _reverse(DATABASE_CLASSES).get(db_class, pb.SIZE_UNSPECIFIED)


def _reverse(table: dict[int, str]) -> dict[str, int]:
    return {value: key for key, value in table.items()}


# ---------------------------------------------------------------- images


@dataclass(frozen=True)
class ImageAlias:
    """How an image alias resolves: a public SSM parameter first, else DescribeImages."""

    alias: str
    ssm_parameter: str  # public parameter holding the current AMI id ("" = none)
    owner: str  # AMI owner account for the DescribeImages fallback
    name_pattern: str  # DescribeImages name filter; the newest match wins
    description: str


_CANONICAL = "099720109477"
_AMAZON = "137112412989"
_UBUNTU_SSM = "/aws/service/canonical/ubuntu/server/{}/stable/current/amd64/hvm/ebs-gp3/ami-id"
_AL2023_SSM = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"

IMAGE_ALIASES: dict[str, ImageAlias] = {
    a.alias: a
    for a in (
        ImageAlias(
            "ubuntu-lts",
            _UBUNTU_SSM.format("24.04"),
            _CANONICAL,
            "ubuntu/images/*ubuntu-*-amd64-server-*",
            "latest Ubuntu LTS (amd64), Canonical",
        ),
        ImageAlias(
            "ubuntu-24.04",
            _UBUNTU_SSM.format("24.04"),
            _CANONICAL,
            "ubuntu/images/*ubuntu-noble-24.04-amd64-server-*",
            "Ubuntu 24.04 LTS (amd64), Canonical",
        ),
        ImageAlias(
            "ubuntu-22.04",
            _UBUNTU_SSM.format("22.04"),
            _CANONICAL,
            "ubuntu/images/*ubuntu-jammy-22.04-amd64-server-*",
            "Ubuntu 22.04 LTS (amd64), Canonical",
        ),
        ImageAlias(
            "amazon-linux",
            _AL2023_SSM,
            _AMAZON,
            "al2023-ami-2023*-x86_64",
            "Amazon Linux 2023 (x86_64), latest",
        ),
        ImageAlias(
            "amazon-linux-2023",
            _AL2023_SSM,
            _AMAZON,
            "al2023-ami-2023*-x86_64",
            "Amazon Linux 2023 (x86_64), latest",
        ),
        ImageAlias(
            "amazon-linux-2",
            "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2",
            _AMAZON,
            "amzn2-ami-hvm-2.0.*-x86_64-gp2",
            "Amazon Linux 2 (x86_64), latest",
        ),
    )
}


def is_image_id(image: str) -> bool:
    return image.startswith("ami-")


# ---------------------------------------------------------------- volumes

# Abstract volume class -> EBS volume type. Provider types are accepted verbatim too.
VOLUME_TYPES: dict[str, str] = {"standard": "gp3", "ssd": "io2"}
EBS_VOLUME_TYPES = frozenset({"gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"})
# Provisioned IOPS the plugin asks for on io1/io2 volumes (the minimum sensible tier).
PROVISIONED_IOPS = 3000


def volume_type_for(volume_class: str) -> str:
    """EBS type for an abstract class; empty means "standard"; EBS names pass through."""
    wanted = volume_class or "standard"
    return VOLUME_TYPES.get(wanted, wanted)


def volume_class_of(volume_type: str) -> str:
    return {v: k for k, v in VOLUME_TYPES.items()}.get(volume_type, volume_type)


# ---------------------------------------------------------------- databases

DATABASE_ENGINES: dict[int, str] = {
    pb.DATABASE_ENGINE_POSTGRES: "postgres",
    pb.DATABASE_ENGINE_MYSQL: "mysql",
}
DEFAULT_ENGINE_PORTS: dict[str, int] = {"postgres": 5432, "mysql": 3306}
DEFAULT_DATABASE_USERNAME = "genesys"
DEFAULT_STORAGE_GB = 20


def engine_of(rds_engine: str) -> Any:
    return {v: k for k, v in DATABASE_ENGINES.items()}.get(
        rds_engine, pb.DATABASE_ENGINE_UNSPECIFIED
    )


# ---------------------------------------------------------------- functions

LAMBDA_RUNTIMES = frozenset(
    {
        "python3.9",
        "python3.10",
        "python3.11",
        "python3.12",
        "python3.13",
        "nodejs18.x",
        "nodejs20.x",
        "nodejs22.x",
        "java17",
        "java21",
        "ruby3.3",
        "dotnet8",
        "provided.al2023",
    }
)
# The seed's runtime words -> Lambda runtime identifiers.
RUNTIME_ALIASES: dict[str, str] = {
    "nodejs18": "nodejs18.x",
    "nodejs20": "nodejs20.x",
    "nodejs22": "nodejs22.x",
    "go1.21": "provided.al2023",
    "go1.22": "provided.al2023",
}
DEFAULT_MEMORY_MB = 128
DEFAULT_TIMEOUT_S = 3


def lambda_runtime_for(runtime: str) -> str:
    return RUNTIME_ALIASES.get(runtime, runtime)


# ---------------------------------------------------------------- prices

# On-demand list prices, us-east-1, Linux, USD. Other regions differ by a few percent; the
# plan labels every estimate with this date and region.
PRICES_AS_OF = "2024-11-01"
PRICES_REGION = "us-east-1"
HOURS_PER_MONTH = 730

INSTANCE_HOURLY: dict[str, float] = {
    "t3.nano": 0.0052,
    "t3.micro": 0.0104,
    "t3.small": 0.0208,
    "t3.medium": 0.0416,
    "t3.large": 0.0832,
    "t3.xlarge": 0.1664,
    "t3.2xlarge": 0.3328,
}
DATABASE_HOURLY: dict[tuple[str, str], float] = {
    ("postgres", "db.t3.small"): 0.036,
    ("postgres", "db.t3.medium"): 0.072,
    ("postgres", "db.t3.large"): 0.145,
    ("postgres", "db.t3.xlarge"): 0.29,
    ("mysql", "db.t3.small"): 0.034,
    ("mysql", "db.t3.medium"): 0.068,
    ("mysql", "db.t3.large"): 0.136,
    ("mysql", "db.t3.xlarge"): 0.272,
}
DATABASE_STORAGE_GB_MONTH = 0.115  # gp2, single-AZ; Multi-AZ doubles instance and storage
DOCUMENTDB_HOURLY: dict[str, float] = {
    "db.t3.medium": 0.078,
    "db.r5.large": 0.277,
    "db.r5.xlarge": 0.554,
}
DOCUMENTDB_STORAGE_GB_MONTH = 0.10  # cluster storage, shared by its instances
VOLUME_GB_MONTH: dict[str, float] = {
    "gp3": 0.08,
    "gp2": 0.10,
    "io1": 0.125,
    "io2": 0.125,
    "st1": 0.045,
    "sc1": 0.015,
    "standard": 0.05,
}
IOPS_MONTH = 0.065  # per provisioned IOPS-month on io1/io2
S3_GB_MONTH = 0.023
LOAD_BALANCER_HOURLY = 0.0225  # ALB hour, LCUs extra
LAMBDA_REQUEST_MILLION = 0.20
CLOUDFRONT_GB = 0.085


def price_entries() -> list[tuple[str, float, str]]:
    """(item, usd, unit) rows of the shipped price table, for GetSchema."""
    rows: list[tuple[str, float, str]] = []
    rows += [(f"instance:{t}", usd, "hour") for t, usd in INSTANCE_HOURLY.items()]
    rows += [(f"database:{e}:{c}", usd, "hour") for (e, c), usd in DATABASE_HOURLY.items()]
    rows.append(("database-storage:gb-month", DATABASE_STORAGE_GB_MONTH, "gb-month"))
    rows += [(f"database:docdb:{c}", usd, "hour") for c, usd in DOCUMENTDB_HOURLY.items()]
    rows.append(("docdb-storage:gb-month", DOCUMENTDB_STORAGE_GB_MONTH, "gb-month"))
    rows += [(f"volume:{t}", usd, "gb-month") for t, usd in VOLUME_GB_MONTH.items()]
    rows.append(("volume:iops-month", IOPS_MONTH, "month"))
    rows.append(("bucket:storage", S3_GB_MONTH, "gb-month"))
    rows.append(("load_balancer:application", LOAD_BALANCER_HOURLY, "hour"))
    rows.append(("function:requests", LAMBDA_REQUEST_MILLION, "request-million"))
    rows.append(("cdn:transfer", CLOUDFRONT_GB, "gb-month"))
    rows.append(("certificate:public", 0.0, "month"))
    return rows


def translation_tables() -> dict[str, dict[str, str]]:
    """Name -> entries, as GetSchema publishes them."""
    return {
        "instance.size": {SIZE_WORDS[k]: v for k, v in INSTANCE_TYPES.items()},
        "database.size": {SIZE_WORDS[k]: v for k, v in DATABASE_CLASSES.items()},
        "instance.image": {
            alias: a.ssm_parameter or f"newest {a.name_pattern} owned by {a.owner}"
            for alias, a in IMAGE_ALIASES.items()
        },
        "volume.volume_class": dict(VOLUME_TYPES),
        "database.engine": {"postgres": "postgres", "mysql": "mysql"},
        "function.runtime": dict(RUNTIME_ALIASES),
        "load_balancer": {"http/https listeners": "application", "tcp listeners": "network"},
        "cdn": {"cdn": "CloudFront distribution"},
        "certificate": {"certificate": "ACM certificate (DNS validation)"},
    }
