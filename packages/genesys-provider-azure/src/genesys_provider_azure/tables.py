"""Every Azure translation, naming and price table, in one place (`genesys providers schema`
shows them).

Prices are East US pay-as-you-go list prices in USD taken on PRICES_AS_OF from the Azure
retail prices API (prices.azure.com); Linux VMs, flexible servers compute + storage, Cosmos DB
provisioned throughput + storage.
"""

from __future__ import annotations

import hashlib
import re

from genesys.provider.v1 import common_pb2 as pb

DEFAULT_LOCATION = "eastus"
PRICES_AS_OF = "2026-11-02"
PRICES_REGION = "eastus"
HOURS_PER_MONTH = 730

# Abstract size -> VM size (the seed's table).
VM_SIZES: dict[int, str] = {
    pb.SIZE_SMALL: "Standard_B1s",
    pb.SIZE_MEDIUM: "Standard_B2s",
    pb.SIZE_LARGE: "Standard_D2s_v3",
    pb.SIZE_XLARGE: "Standard_D4s_v3",
}
# Abstract size -> flexible-server (sku, tier). Small is Burstable, which Azure does not
# allow with zone-redundant high availability (multi_az): validation says so before a call.
DATABASE_SKUS: dict[int, tuple[str, str]] = {
    pb.SIZE_SMALL: ("Standard_B1ms", "Burstable"),
    pb.SIZE_MEDIUM: ("Standard_D2s_v3", "GeneralPurpose"),
    pb.SIZE_LARGE: ("Standard_D4s_v3", "GeneralPurpose"),
    pb.SIZE_XLARGE: ("Standard_D8s_v3", "GeneralPurpose"),
}
DATABASE_TIERS = {sku: tier for sku, tier in DATABASE_SKUS.values()}
DATABASE_ENGINES = {
    pb.DATABASE_ENGINE_POSTGRES: "postgres",
    pb.DATABASE_ENGINE_MYSQL: "mysql",
    pb.DATABASE_ENGINE_MONGODB: "mongodb",
}
DATABASE_VERSIONS = {
    "postgres": ("11", "12", "13", "14", "15", "16"),
    "mysql": ("5.7", "8.0.21"),
}
DATABASE_DEFAULT_VERSION = {"postgres": "16", "mysql": "8.0.21"}
DATABASE_PORTS = {"postgres": 5432, "mysql": 3306}
# PostgreSQL flexible-server storage comes in these sizes; a request is rounded up.
POSTGRES_STORAGE_GB = (32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767)
MYSQL_STORAGE_GB = (20, 16384)  # any size in this range
BACKUP_RETENTION_DAYS = {"postgres": (7, 35), "mysql": (1, 35)}
DEFAULT_DATABASE_USER = "genesysadmin"
DEFAULT_STORAGE_GB = 32

# engine: mongodb is Azure Cosmos DB for MongoDB, RU-based (a Microsoft.DocumentDB account of
# kind MongoDB holding one MongoDB database named like it). A size is the database's shared,
# manual provisioned throughput: Cosmos capacity is throughput (RU/s), billed by the hour like
# an instance class, so each size is a fixed, predictable hourly price. (vCore clusters,
# Microsoft.DocumentDB/mongoClusters, would map sizes to tiers, but azure-mgmt-cosmosdb has no
# mongoClusters operations.)
MONGO_THROUGHPUT: dict[int, int] = {
    pb.SIZE_SMALL: 400,
    pb.SIZE_MEDIUM: 1000,
    pb.SIZE_LARGE: 4000,
    pb.SIZE_XLARGE: 10000,
}
MONGO_VERSIONS = ("4.0", "4.2", "5.0", "6.0", "7.0")
MONGO_DEFAULT_VERSION = "7.0"
MONGO_PORT = 10255
MONGO_HOST_SUFFIX = "mongo.cosmos.azure.com"
# Periodic backups: every 4 hours (Azure's default), kept 8-720 hours; retention_days x 24.
MONGO_BACKUP_INTERVAL_MINUTES = 240
MONGO_BACKUP_DEFAULT_HOURS = 8
MONGO_BACKUP_MAX_DAYS = 30

# Image alias -> platform image "publisher:offer:sku:version". ubuntu-lts is the current
# Canonical Ubuntu LTS (24.04, Noble).
IMAGES = {
    "ubuntu-lts": "Canonical:ubuntu-24_04-lts:server:latest",
    "ubuntu-24.04": "Canonical:ubuntu-24_04-lts:server:latest",
    "ubuntu-22.04": "Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2:latest",
    "ubuntu-20.04": "Canonical:0001-com-ubuntu-server-focal:20_04-lts-gen2:latest",
    "debian-12": "Debian:debian-12:12-gen2:latest",
}
# A platform image found in Azure -> the alias that names it (the first one listed), so a
# discovered or adopted VM reads like a config.
IMAGE_ALIAS_OF = {urn.lower(): alias for alias, urn in reversed(IMAGES.items())}
ADMIN_USER = "genesys"
OS_DISK_GB = 30

# Volume classes -> managed disk SKUs (an Azure disk SKU is also taken verbatim).
VOLUME_SKUS = {"standard": "StandardSSD_LRS", "ssd": "Premium_LRS"}
DISK_SKUS = ("Standard_LRS", "StandardSSD_LRS", "Premium_LRS", "StandardSSD_ZRS", "Premium_ZRS")
DISK_GB_MONTH = {
    "Standard_LRS": 0.045,
    "StandardSSD_LRS": 0.075,
    "Premium_LRS": 0.135,
    "StandardSSD_ZRS": 0.094,
    "Premium_ZRS": 0.169,
}

# Function runtimes -> (linuxFxVersion, FUNCTIONS_WORKER_RUNTIME). Go is a custom handler:
# no language stack, the host runs the built binary (go_functions.py).
GO_RUNTIMES = ("go1.21", "go1.22")
RUNTIMES = {
    "python3.9": ("Python|3.9", "python"),
    "python3.10": ("Python|3.10", "python"),
    "python3.11": ("Python|3.11", "python"),
    "python3.12": ("Python|3.12", "python"),
    "nodejs18": ("Node|18", "node"),
    "nodejs20": ("Node|20", "node"),
    **{go: ("", "custom") for go in GO_RUNTIMES},
}
FUNCTION_PLAN_SKU = "Y1"  # Consumption

LOCATIONS = (
    "eastus",
    "eastus2",
    "westus",
    "westus2",
    "westus3",
    "centralus",
    "northeurope",
    "westeurope",
    "uksouth",
    "francecentral",
    "germanywestcentral",
    "swedencentral",
    "japaneast",
    "southeastasia",
    "australiaeast",
    "canadacentral",
    "brazilsouth",
)
ZONES = ("1", "2", "3")

# Name rules per resource type: (pattern, words for the error). Checked before any call.
NAME_RULES = {
    "virtual machine": (
        r"[A-Za-z0-9][-A-Za-z0-9_.]{0,62}[A-Za-z0-9_]|[A-Za-z0-9]",
        "1-64 letters, digits, hyphens, underscores and periods, starting "
        "with a letter or digit, not ending with a hyphen or period",
    ),
    "virtual network": (
        r"[A-Za-z0-9][-\w.]{0,62}\w|[A-Za-z0-9]",
        "2-64 letters, digits, underscores, periods and hyphens, starting "
        "with a letter or digit, ending with a letter, digit or underscore",
    ),
    "subnet": (
        r"[A-Za-z0-9][-\w.]{0,78}\w|[A-Za-z0-9]",
        "1-80 letters, digits, underscores, periods and hyphens",
    ),
    "network security group": (
        r"[A-Za-z0-9][-\w.]{0,78}\w|[A-Za-z0-9]",
        "1-80 letters, digits, underscores, periods and hyphens",
    ),
    "blob container": (
        r"(?!.*--)[a-z0-9][-a-z0-9]{1,61}[a-z0-9]",
        "3-63 lower-case letters, digits and single hyphens, starting and "
        "ending with a letter or digit",
    ),
    "cosmos db account": (
        r"[a-z0-9][-a-z0-9]{1,42}[a-z0-9]",
        "3-44 lower-case letters, digits and hyphens, not starting or ending "
        "with a hyphen (it becomes a DNS name)",
    ),
    "flexible server": (
        r"[a-z0-9][-a-z0-9]{1,61}[a-z0-9]",
        "3-63 lower-case letters, digits and hyphens, not starting or ending "
        "with a hyphen (it becomes a DNS name)",
    ),
    "function app": (
        r"[A-Za-z0-9][-A-Za-z0-9]{0,49}[A-Za-z0-9]",
        "2-51 letters, digits and hyphens (Genesys adds 9 characters to make the "
        "site's DNS name unique)",
    ),
}


def name_problem(kind: str, name: str) -> str:
    pattern, words = NAME_RULES[kind]
    if re.fullmatch(pattern, name):
        return ""
    return f"Azure refuses the {kind} name {name!r}: {words}"


def _digest(*parts: str, length: int = 8) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def storage_account_name(bucket: str, subscription_id: str, group: str) -> str:
    """A bucket's storage account: its name's letters and digits (lower-cased, at most 16)
    plus 8 hex digits of sha256(subscription/group/bucket): 3-24 lower-case letters and
    digits, the same on every run, and unlikely to be taken elsewhere in Azure."""
    stem = re.sub(r"[^a-z0-9]", "", bucket.lower())[:16]
    return f"{stem}{_digest(subscription_id, group.lower(), bucket)}"


def site_name(function: str, subscription_id: str, group: str) -> str:
    """A function's Function App: its name plus 8 hex digits (site names are global DNS)."""
    return f"{function}-{_digest(subscription_id, group.lower(), function)}"


def instance_size_for(size: int, override: str = "") -> str:
    return override or VM_SIZES.get(size, "")


def database_sku_for(size: int) -> tuple[str, str]:
    return DATABASE_SKUS.get(size, ("", ""))


def mongo_throughput_for(size: int) -> int:
    return MONGO_THROUGHPUT.get(size or pb.SIZE_SMALL, 0)


def mongo_class(throughput: int) -> str:
    """A throughput as plans and reads name it (the database's provider_class)."""
    return f"{throughput} RU/s"


def postgres_storage_for(requested: int) -> int:
    """The smallest PostgreSQL flexible-server storage size holding `requested` GB."""
    wanted = requested or DEFAULT_STORAGE_GB
    return next((size for size in POSTGRES_STORAGE_GB if size >= wanted), 0)


# ------------------------------------------------------------------- prices (USD)

VM_HOURLY = {
    "Standard_B1s": 0.0104,
    "Standard_B1ms": 0.0207,
    "Standard_B2s": 0.0416,
    "Standard_B2ms": 0.0832,
    "Standard_D2s_v3": 0.096,
    "Standard_D4s_v3": 0.192,
    "Standard_D8s_v3": 0.384,
}
OS_DISK_MONTH = 2.40  # P4 premium SSD (32 GB), each VM's OS disk
DATABASE_HOURLY = {
    "Standard_B1ms": 0.0207,
    "Standard_B2s": 0.0832,
    "Standard_D2s_v3": 0.178,
    "Standard_D4s_v3": 0.356,
    "Standard_D8s_v3": 0.712,
}
DATABASE_STORAGE_GB_MONTH = 0.115
# Cosmos DB: standard (manual) provisioned throughput, single write region, per 100 RU/s-hour;
# zone redundancy multiplies throughput by 1.25; transactional storage per GB-month. The row
# was added on COSMOS_PRICES_AS_OF from Azure's published Cosmos DB list prices (East US).
COSMOS_PRICES_AS_OF = "2026-12-05"
COSMOS_RU100_HOURLY = 0.008
COSMOS_ZONE_REDUNDANT_FACTOR = 1.25
COSMOS_STORAGE_GB_MONTH = 0.25
BLOB_GB_MONTH = 0.0208  # hot LRS
LOAD_BALANCER_HOURLY = 0.025  # Standard, first 5 rules
FRONT_DOOR_MONTH = 35.0  # Standard profile base fee
FRONT_DOOR_GB = 0.083  # data transfer out, first 10 TB (North America/Europe)
FUNCTION_EXECUTION_MILLION = 0.20
FUNCTION_GB_SECOND = 0.000016


def price_entries() -> list[tuple[str, float, str]]:
    entries = [(f"instance:{name}", usd, "hour") for name, usd in VM_HOURLY.items()]
    entries += [(f"database:{name}", usd, "hour") for name, usd in DATABASE_HOURLY.items()]
    entries += [
        ("instance:os-disk", OS_DISK_MONTH, "month"),
        *((f"volume:{sku}", usd, "gb-month") for sku, usd in DISK_GB_MONTH.items()),
        ("database:storage", DATABASE_STORAGE_GB_MONTH, "gb-month"),
        ("database:cosmos-mongodb-100-ru-s", COSMOS_RU100_HOURLY, "hour"),
        ("database:cosmos-mongodb-storage", COSMOS_STORAGE_GB_MONTH, "gb-month"),
        ("storage:blob-hot-lrs", BLOB_GB_MONTH, "gb-month"),
        ("function:executions", FUNCTION_EXECUTION_MILLION, "request-million"),
        ("cdn:front-door-standard", FRONT_DOOR_MONTH, "month"),
        ("load_balancer:standard", LOAD_BALANCER_HOURLY, "hour"),
    ]
    return entries


def translation_tables() -> dict[str, dict[str, str]]:
    sizes = {pb.Size.Name(k).removeprefix("SIZE_").lower(): v for k, v in VM_SIZES.items()}
    db = {
        pb.Size.Name(k).removeprefix("SIZE_").lower(): f"{s} ({t})"
        for k, (s, t) in DATABASE_SKUS.items()
    }
    return {
        "instance.size": sizes,
        "database.size": db,
        "database.size (mongodb)": {
            pb.Size.Name(k).removeprefix("SIZE_").lower(): f"{mongo_class(ru)} shared throughput"
            for k, ru in MONGO_THROUGHPUT.items()
        },
        "instance.image": dict(IMAGES),
        "volume.volume_class": dict(VOLUME_SKUS),
        "database.engine": {
            "postgres": "PostgreSQL flexible server",
            "mysql": "MySQL flexible server",
            "mongodb": "Azure Cosmos DB for MongoDB (RU): account of kind MongoDB + database",
        },
        "function.runtime": {
            k: v[0] or "custom handler (Go binary, linux/amd64)" for k, v in RUNTIMES.items()
        },
        "bucket.storage_account": {
            "bucket": "letters and digits of the name (<=16) + 8 hex of "
            "sha256(subscription/group/name)"
        },
    }
