"""Every translation and price table of the GCP provider, in one place.

`genesys providers schema` shows these tables (GetSchema), the planner shows the translated
values and costs (PlanResources), discovery uses the reverse lookups. Nothing else in the
plugin hard-codes a GCP machine type, tier, image, region or price.
"""

from __future__ import annotations

import re
from typing import Any

from genesys.provider.v1 import common_pb2 as pb

# ---------------------------------------------------------------- sizes

# The seed's table: small|medium|large|xlarge -> n1-standard-1/2/4/8.
MACHINE_TYPES: dict[int, str] = {
    pb.SIZE_SMALL: "n1-standard-1",
    pb.SIZE_MEDIUM: "n1-standard-2",
    pb.SIZE_LARGE: "n1-standard-4",
    pb.SIZE_XLARGE: "n1-standard-8",
}
# Cloud SQL custom tiers with the same vCPU/memory as the machine types above.
DATABASE_TIERS: dict[int, str] = {
    pb.SIZE_SMALL: "db-custom-1-3840",
    pb.SIZE_MEDIUM: "db-custom-2-7680",
    pb.SIZE_LARGE: "db-custom-4-15360",
    pb.SIZE_XLARGE: "db-custom-8-30720",
}
SIZE_WORDS: dict[int, str] = {
    pb.SIZE_SMALL: "small",
    pb.SIZE_MEDIUM: "medium",
    pb.SIZE_LARGE: "large",
    pb.SIZE_XLARGE: "xlarge",
}
# Machine types Genesys knows (vCPUs, GB); others are refused at validate with this list.
KNOWN_MACHINE_TYPES: dict[str, tuple[int, float]] = {
    "e2-micro": (2, 1),
    "e2-small": (2, 2),
    "e2-medium": (2, 4),
    "e2-standard-2": (2, 8),
    "e2-standard-4": (4, 16),
    "n1-standard-1": (1, 3.75),
    "n1-standard-2": (2, 7.5),
    "n1-standard-4": (4, 15),
    "n1-standard-8": (8, 30),
    "n1-standard-16": (16, 60),
    "n2-standard-2": (2, 8),
    "n2-standard-4": (4, 16),
    "n2-standard-8": (8, 32),
}
_TIER = re.compile(r"^db-(f1-micro|g1-small|n1-(standard|highmem)-\d+|custom-\d+-\d+)$")


def machine_type_for(size: int, override: str = "") -> str:
    return override or MACHINE_TYPES.get(size, MACHINE_TYPES[pb.SIZE_SMALL])


def database_tier_for(size: int) -> str:
    return DATABASE_TIERS.get(size, DATABASE_TIERS[pb.SIZE_SMALL])


def is_tier(tier: str) -> bool:
    return bool(_TIER.match(tier))


def size_of_machine_type(machine_type: str) -> Any:
    return {v: k for k, v in MACHINE_TYPES.items()}.get(machine_type, pb.SIZE_UNSPECIFIED)


def size_of_tier(tier: str) -> Any:
    return {v: k for k, v in DATABASE_TIERS.items()}.get(tier, pb.SIZE_UNSPECIFIED)


# ---------------------------------------------------------------- images

# alias -> image family (project/family): the family's newest image is used at create.
IMAGE_ALIASES: dict[str, str] = {
    "ubuntu-lts": "ubuntu-os-cloud/ubuntu-2204-lts",
    "ubuntu-22.04": "ubuntu-os-cloud/ubuntu-2204-lts",
    "ubuntu-24.04": "ubuntu-os-cloud/ubuntu-2404-lts-amd64",
    "debian": "debian-cloud/debian-12",
    "debian-12": "debian-cloud/debian-12",
    "cos": "cos-cloud/cos-stable",
}


def image_source(image: str) -> str:
    """A boot disk's sourceImage for an alias, a `project/family`, or an image path/URL."""
    wanted = image or "ubuntu-lts"
    if wanted in IMAGE_ALIASES:
        project, family = IMAGE_ALIASES[wanted].split("/")
        return f"projects/{project}/global/images/family/{family}"
    if wanted.startswith(("projects/", "https://", "http://", "global/")):
        return wanted
    if wanted.count("/") == 1:  # project/family
        project, family = wanted.split("/")
        return f"projects/{project}/global/images/family/{family}"
    raise ValueError(
        f"unknown image {wanted!r}: use one of {', '.join(sorted(IMAGE_ALIASES))}, "
        "a project/family (ubuntu-os-cloud/ubuntu-2204-lts) or an image path"
    )


# ---------------------------------------------------------------- regions, zones

ZONES: dict[str, tuple[str, ...]] = {
    "us-central1": ("us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"),
    "us-east1": ("us-east1-b", "us-east1-c", "us-east1-d"),
    "europe-west1": ("europe-west1-b", "europe-west1-c", "europe-west1-d"),
}


def default_zone(region: str) -> str:
    return ZONES.get(region, (f"{region}-a",))[0]


# ---------------------------------------------------------------- databases, functions

DATABASE_VERSIONS: dict[str, dict[str, str]] = {
    "postgres": {
        v: f"POSTGRES_{v.replace('.', '_')}" for v in ("11", "12", "13", "14", "15", "16", "17")
    },
    "mysql": {"5.7": "MYSQL_5_7", "8.0": "MYSQL_8_0", "8": "MYSQL_8_0", "8.4": "MYSQL_8_4"},
}
DEFAULT_DATABASE_VERSION = {"postgres": "16", "mysql": "8.0"}
DATABASE_PORTS = {"postgres": 5432, "mysql": 3306, "mongodb": 443}
# engine: mongodb is Firestore (Enterprise edition) with MongoDB compatibility: serverless,
# no size or version to pick; multi_az is a multi-region location (replicated across regions).
MONGODB_CLASS = "firestore-enterprise"
MONGODB_DEFAULT_USER = "admin"
FIRESTORE_MULTI_REGIONS: dict[str, str] = {
    "us-central1": "nam5",
    "us-east1": "nam5",
    "europe-west1": "eur3",
}


def firestore_location(region: str, multi_az: bool) -> str:
    """The database's locationId; KeyError for a region with no Firestore multi-region."""
    return FIRESTORE_MULTI_REGIONS[region] if multi_az else region


def mongodb_endpoint(uid: str, location: str) -> str:
    """The host of the database's MongoDB-compatible connection string."""
    return f"{uid}.{location}.firestore.goog"


def mongodb_connection_string(uid: str, location: str, database: str, username: str) -> str:
    """Firestore's base connection string with SCRAM (the password is the resource's)."""
    return (
        f"mongodb://{username}:PASSWORD@{mongodb_endpoint(uid, location)}:443/{database}"
        "?loadBalanced=true&authMechanism=SCRAM-SHA-256&tls=true&retryWrites=false"
    )


DEFAULT_STORAGE_GB = 10
# Genesys runtime words -> Cloud Functions runtime ids.
RUNTIMES: dict[str, str] = {
    **{f"python3.{minor}": f"python3{minor}" for minor in range(9, 14)},
    **{f"nodejs{major}": f"nodejs{major}" for major in (18, 20, 22)},
    "go1.21": "go121",
    "go1.22": "go122",
}


# ---------------------------------------------------------------- labels

_LABEL_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
_LABEL_VALUE = re.compile(r"^[a-z0-9_-]{0,63}$")
_REFUSED_CHARACTER = re.compile(r"[^a-z0-9_-]")


def label_key(tag: str) -> str:
    """A tag key as GCP allows a label key: lower-cased, refused characters -> '_'."""
    return _REFUSED_CHARACTER.sub("_", tag.lower())


def label_value(value: str) -> str:
    return _REFUSED_CHARACTER.sub("_", value.lower())


def labels_for(tags: dict[str, str]) -> dict[str, str]:
    """Tags as GCP labels; ValueError (naming the tag) for a tag that still can't be one."""
    labels: dict[str, str] = {}
    for key, value in tags.items():
        mapped, mapped_value = label_key(key), label_value(value)
        if not _LABEL_KEY.match(mapped):
            raise ValueError(
                f"tag {key!r} cannot be a GCP label: keys must start with a letter and have "
                "at most 63 characters"
            )
        if not _LABEL_VALUE.match(mapped_value):
            raise ValueError(f"tag {key!r}: value {value!r} is longer than a label's 63 characters")
        if mapped in labels:
            raise ValueError(f"tags {key!r} and another both become the GCP label {mapped!r}")
        labels[mapped] = mapped_value
    if len(labels) > 63:  # one label is the plugin's own token
        raise ValueError("at most 63 tags: GCP allows 64 labels per resource")
    return labels


def tags_from_labels(labels: dict[str, str], asked: dict[str, str]) -> dict[str, str]:
    """Labels read back as the tags the config wrote (so a refresh shows no drift): a label
    that is the mapping of an asked tag reads as that tag; other labels read as they are."""
    out: dict[str, str] = {}
    reverse = {label_key(k): k for k in asked}
    for key, value in labels.items():
        tag = reverse.get(key)
        if tag is not None and label_value(asked[tag]) == value:
            out[tag] = asked[tag]
        else:
            out[tag or key] = value
    return out


# ---------------------------------------------------------------- prices

HOURS_PER_MONTH = 730
PRICES_AS_OF = "2026-11-01"
# On-demand USD per hour, per region (Compute Engine price list, Linux).
INSTANCE_HOURLY: dict[str, dict[str, float]] = {
    "us-central1": {
        "e2-micro": 0.0084,
        "e2-small": 0.0168,
        "e2-medium": 0.0335,
        "e2-standard-2": 0.067,
        "e2-standard-4": 0.134,
        "n1-standard-1": 0.0475,
        "n1-standard-2": 0.095,
        "n1-standard-4": 0.19,
        "n1-standard-8": 0.38,
        "n1-standard-16": 0.76,
        "n2-standard-2": 0.0971,
        "n2-standard-4": 0.1942,
        "n2-standard-8": 0.3885,
    },
    "europe-west1": {
        "n1-standard-1": 0.0523,
        "n1-standard-2": 0.1046,
        "n1-standard-4": 0.2092,
        "n1-standard-8": 0.4184,
    },
}
# Cloud SQL Enterprise: per vCPU-hour and per GB-hour of memory; HA (REGIONAL) doubles them.
SQL_VCPU_HOURLY = {"us-central1": 0.0413, "europe-west1": 0.0454}
SQL_MEMORY_GB_HOURLY = {"us-central1": 0.007, "europe-west1": 0.0077}
SQL_SSD_GB_MONTH = {"us-central1": 0.17, "europe-west1": 0.187}
# Firestore Enterprise edition (us-central1, public Firestore pricing): stored data per
# GiB-hour, read units (4 KiB) and write units (1 KiB) per million. Multi-regions: no row.
FIRESTORE_STORED_GIB_HOURLY = {"us-central1": 0.0002}
FIRESTORE_READ_UNITS_MILLION = 0.05
FIRESTORE_WRITE_UNITS_MILLION = 0.26
FIRESTORE_BACKUP_GIB_HOURLY = 0.00004
GCS_STANDARD_GB_MONTH = 0.020
FUNCTIONS_INVOCATIONS_MILLION = 0.40
CDN_EGRESS_GB = 0.08
FORWARDING_RULE_HOURLY = 0.025
DISK_GB_MONTH = {"pd-standard": 0.04, "pd-balanced": 0.10, "pd-ssd": 0.17}
VOLUME_TYPES = {"standard": "pd-standard", "ssd": "pd-ssd", "": "pd-balanced"}


def instance_hourly(region: str, machine_type: str) -> float | None:
    return INSTANCE_HOURLY.get(region, {}).get(machine_type)


def tier_resources(tier: str) -> tuple[int, float] | None:
    """(vCPUs, memory GB) of a custom tier; None for shared-core or unknown tiers."""
    match = re.match(r"^db-custom-(\d+)-(\d+)$", tier)
    if match:
        return int(match.group(1)), int(match.group(2)) / 1024
    match = re.match(r"^db-n1-standard-(\d+)$", tier)
    if match:
        cpus = int(match.group(1))
        return cpus, cpus * 3.75
    return None


def translation_tables() -> dict[str, dict[str, str]]:
    words = SIZE_WORDS
    return {
        "instance.size": {words[k]: v for k, v in MACHINE_TYPES.items()},
        "database.size": {words[k]: v for k, v in DATABASE_TIERS.items()},
        "database.engine": {
            "postgres": "Cloud SQL for PostgreSQL",
            "mysql": "Cloud SQL for MySQL",
            "mongodb": "Firestore Enterprise edition with MongoDB compatibility "
            "(serverless: size ignored; multi_az -> multi-region "
            + ", ".join(f"{r}->{m}" for r, m in FIRESTORE_MULTI_REGIONS.items())
            + ")",
        },
        "instance.image": dict(IMAGE_ALIASES),
        "function.runtime": dict(RUNTIMES),
        "volume.volume_class": {k or "(default)": v for k, v in VOLUME_TYPES.items()},
        "region.zones": {region: ",".join(zones) for region, zones in ZONES.items()},
        "tags.labels": {
            "rule": "tag keys and values lower-cased; characters other than a-z 0-9 _ - become _",
            "Environment": label_key("Environment"),
        },
    }


def price_tables() -> list[tuple[str, list[tuple[str, float, str]]]]:
    """(region, [(item, usd, unit)]) per region of the price list."""
    tables = []
    for region, hourly in INSTANCE_HOURLY.items():
        entries = [(f"instance:{t}", usd, "hour") for t, usd in hourly.items()]
        if region in SQL_VCPU_HOURLY:
            entries += [
                ("database:vcpu", SQL_VCPU_HOURLY[region], "hour"),
                ("database:memory-gb", SQL_MEMORY_GB_HOURLY[region], "hour"),
                ("database:ssd", SQL_SSD_GB_MONTH[region], "gb-month"),
            ]
        if region in FIRESTORE_STORED_GIB_HOURLY:
            entries += [
                ("database:mongodb-stored", FIRESTORE_STORED_GIB_HOURLY[region], "gib-hour"),
                ("database:mongodb-read-units", FIRESTORE_READ_UNITS_MILLION, "million"),
                ("database:mongodb-write-units", FIRESTORE_WRITE_UNITS_MILLION, "million"),
                ("database:mongodb-backup", FIRESTORE_BACKUP_GIB_HOURLY, "gib-hour"),
            ]
        entries += [
            ("storage:standard", GCS_STANDARD_GB_MONTH, "gb-month"),
            ("function:invocations", FUNCTIONS_INVOCATIONS_MILLION, "request-million"),
            ("cdn:egress", CDN_EGRESS_GB, "gb"),
            ("load_balancer:forwarding-rule", FORWARDING_RULE_HOURLY, "hour"),
            *((f"volume:{k}", v, "gb-month") for k, v in DISK_GB_MONTH.items()),
        ]
        tables.append((region, entries))
    return tables
