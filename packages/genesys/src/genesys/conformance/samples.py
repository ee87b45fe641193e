"""Sample configs the kit creates, one per kind, in dependency order.

Configs are deliberately plain (smallest size, provider-default versions, aliases such as
`ubuntu-lts`) so any provider can realise them; names carry the run id so nothing collides
with what already exists in an account.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from genesys.conformance.session import Created, Session
from genesys.kinds import KINDS, Kind
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import storage_pb2
from google.protobuf.message import Message

# The payload the sample function's handler returns; `invoke` checks it comes back.
FUNCTION_RESULT = {"ok": True}
FUNCTION_SOURCE = "def handler(event, context):\n    return {'ok': True}\n"
FUNCTION_HANDLER = "handler.handler"
PYTHON_RUNTIMES = ("python3.12", "python3.11", "python3.10", "python3.13", "python3.9")

NETWORK_CIDR = "10.87.0.0/16"
SUBNET_CIDR = "10.87.1.0/24"
OUTSIDE_CIDR = "192.168.250.0/24"  # not inside NETWORK_CIDR

Parents = dict[str, Created]


@dataclass(frozen=True)
class Sample:
    """How to make one kind: the kinds it needs, those it uses if present, and its config."""

    kind: str
    build: Callable[[Session, Parents], Message]
    requires: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()


def _network(s: Session, _: Parents) -> Message:
    return pb.NetworkConfig(name=s.resource_name(_k("network")), cidr=NETWORK_CIDR, tags=s.tags())


def _subnet(s: Session, p: Parents) -> Message:
    return pb.SubnetConfig(
        name=s.resource_name(_k("subnet")),
        network_id=p["network"].id,
        cidr=SUBNET_CIDR,
        tags=s.tags(),
    )


def _security_group(s: Session, p: Parents) -> Message:
    ssh = pb.SecurityRule(protocol="tcp", from_port=22, to_port=22, cidr_blocks=["10.0.0.0/8"])
    return pb.SecurityGroupConfig(
        name=s.resource_name(_k("security_group")),
        network_id=_id(p, "network"),
        description="genesys conformance check",
        ingress=[ssh],
        tags=s.tags(),
    )


def _instance(s: Session, p: Parents) -> Message:
    return pb.InstanceConfig(
        name=s.resource_name(_k("instance")),
        size=pb.SIZE_SMALL,
        image="ubuntu-lts",
        network_id=_id(p, "network"),
        subnet_id=_id(p, "subnet"),
        security_group_ids=[p["security_group"].id] if "security_group" in p else [],
        tags=s.tags(),
    )


def _volume(s: Session, p: Parents) -> Message:
    zone = getattr(p["instance"].message, "zone", "") if "instance" in p else ""
    return pb.VolumeConfig(
        name=s.resource_name(_k("volume")),
        # The smallest size every cloud sells: Alibaba's disks start at 20 GB, GCP's and
        # Tencent's CBS at 10 (a local volume is a sparse file).
        size_gb=20,
        volume_class="standard",
        zone=zone,
        tags=s.tags(),
    )


def _volume_attachment(_: Session, p: Parents) -> Message:
    return storage_pb2.AttachVolumeRequest(volume_id=p["volume"].id, instance_id=p["instance"].id)


def _bucket(s: Session, _: Parents) -> Message:
    return pb.BucketConfig(name=s.resource_name(_k("bucket")), encryption=True, tags=s.tags())


def _database(s: Session, _: Parents) -> Message:
    return pb.DatabaseConfig(
        name=s.resource_name(_k("database")),
        engine=choose_database_engine(s),
        size=pb.SIZE_SMALL,
        storage_gb=20,  # the smallest most managed databases allow
        tags=s.tags(),
    )


def _function(s: Session, _: Parents) -> Message:
    return pb.FunctionConfig(
        name=s.resource_name(_k("function")),
        runtime=choose_python_runtime(s),
        handler=FUNCTION_HANDLER,
        memory_mb=128,
        timeout_s=30,
        code=code_zip({"handler.py": FUNCTION_SOURCE}),
        tags=s.tags(),
    )


def _layer(s: Session, _: Parents) -> Message:
    return pb.LayerConfig(
        name=s.resource_name(_k("layer")),
        compatible_runtimes=[choose_python_runtime(s)],
        code=code_zip({"python/genesys_conformance_layer.py": "VALUE = 1\n"}),
        tags=s.tags(),
    )


def _load_balancer(s: Session, p: Parents) -> Message:
    return pb.LoadBalancerConfig(
        name=s.resource_name(_k("load_balancer")),
        network_id=_id(p, "network"),
        subnet_ids=[p["subnet"].id] if "subnet" in p else [],
        security_group_ids=[p["security_group"].id] if "security_group" in p else [],
        listeners=[pb.Listener(protocol="http", port=80, target_port=8080)],
        target_instance_ids=[p["instance"].id] if "instance" in p else [],
        tags=s.tags(),
    )


def _certificate(s: Session, _: Parents) -> Message:
    return pb.CertificateConfig(
        name=s.resource_name(_k("certificate")), domain=certificate_domain(s), tags=s.tags()
    )


def _cdn(s: Session, p: Parents) -> Message:
    cert = p.get("certificate")
    return pb.CdnConfig(
        name=s.resource_name(_k("cdn")),
        origin_bucket_id=p["bucket"].id,
        domain=certificate_domain(s) if cert else "",
        certificate_id=cert.id if cert else "",
        https=cert is not None,
        tags=s.tags(),
    )


# Dependency order: every kind comes after the kinds it requires or uses.
SAMPLES: tuple[Sample, ...] = (
    Sample("network", _network),
    Sample("subnet", _subnet, requires=("network",)),
    Sample("security_group", _security_group, uses=("network",)),
    Sample("instance", _instance, uses=("network", "subnet", "security_group")),
    Sample("volume", _volume, uses=("instance",)),
    Sample("volume_attachment", _volume_attachment, requires=("volume", "instance")),
    Sample("bucket", _bucket),
    Sample("database", _database),
    Sample("layer", _layer),
    Sample("function", _function),
    Sample("load_balancer", _load_balancer, uses=("network", "subnet", "security_group")),
    Sample("certificate", _certificate),
    Sample("cdn", _cdn, requires=("bucket",), uses=("certificate",)),
)


def code_zip(files: dict[str, str]) -> pb.FunctionCode:
    """A zip archive of `files` with its sha256, as FunctionConfig.code wants it."""
    import hashlib

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in sorted(files.items()):
            info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))  # reproducible
            archive.writestr(info, text)
    data = buffer.getvalue()
    return pb.FunctionCode(zip=data, sha256=hashlib.sha256(data).hexdigest())


def certificate_domain(s: Session) -> str:
    return f"{s.run_id}.conformance.example.com"


def choose_database_engine(s: Session) -> Any:
    """SQLite when the provider accepts it (fast, no server), else PostgreSQL."""
    if "database_engine" not in s.memo:
        sqlite = pb.Database(
            name="probe", engine=pb.DATABASE_ENGINE_SQLITE, size=pb.SIZE_SMALL, storage_gb=20
        )
        s.memo["database_engine"] = (
            pb.DATABASE_ENGINE_SQLITE
            if _accepted(s, pb.Resource(database=sqlite))
            else pb.DATABASE_ENGINE_POSTGRES
        )
    return s.memo["database_engine"]


def choose_python_runtime(s: Session) -> str:
    """The first Python runtime ValidateResources accepts without a warning, else without an
    error (a warning says it would make something else, e.g. the local provider running
    python3.12 functions on the python3.11 it has)."""
    if "python_runtime" not in s.memo:
        clean = [r for r in PYTHON_RUNTIMES if _accepted(s, _function_probe(r), strict=True)]
        s.memo["python_runtime"] = next(
            iter(clean or [r for r in PYTHON_RUNTIMES if _accepted(s, _function_probe(r))]),
            PYTHON_RUNTIMES[1],
        )
    return str(s.memo["python_runtime"])


def _function_probe(runtime: str) -> pb.Resource:
    function = pb.Function(
        name="probe", runtime=runtime, handler=FUNCTION_HANDLER, memory_mb=128, timeout_s=30
    )
    return pb.Resource(function=function)


def _accepted(s: Session, resource: pb.Resource, strict: bool = False) -> bool:
    """No error diagnostic (strict: no warning either) from ValidateResources."""
    from genesys.provider.v1 import provider_pb2

    try:
        response = s.call(
            "provider",
            "ValidateResources",
            provider_pb2.ValidateResourcesRequest(resources=[resource]),
        )
    except Exception:  # a provider without validation: assume it accepts
        return True
    refused = {pb.Diagnostic.SEVERITY_ERROR}
    if strict:
        refused.add(pb.Diagnostic.SEVERITY_WARNING)
    return not any(d.severity in refused for d in response.diagnostics)


def _id(parents: Parents, kind: str) -> str:
    return parents[kind].id if kind in parents else ""


def _k(name: str) -> Kind:
    return KINDS[name]
