"""Provider-level checks: metadata, schema, configure/authenticate, and error mapping."""

from __future__ import annotations

import os
import re
import time
from typing import Any

from genesys.conformance import kindrpc
from genesys.conformance.crud_checks import missing_id
from genesys.conformance.samples import NETWORK_CIDR, OUTSIDE_CIDR
from genesys.conformance.session import CheckFailed, Session, error_summary, expect
from genesys.kinds import KINDS, KINDS_BY_ENUM
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import provider_pb2
from google.protobuf import struct_pb2

SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SIZES = ("small", "medium", "large", "xlarge")
METADATA_SAMPLES = 3  # best of N round trips: the first may pay for channel warm-up
METADATA_CHECKS = (
    "metadata: name",
    "metadata: version is semver",
    "metadata: protocol version",
    "metadata: capabilities",
    "metadata: answers in < 100 ms",
)
SCHEMA_CHECKS = (
    "schema: every declared kind has a KindSchema",
    "schema: attribute names are protocol fields",
)


# ---------------------------------------------------------------------- metadata


def metadata_checks(s: Session, expected_name: str) -> None:
    metadata = s.check("metadata: GetMetadata answers", lambda: _get_metadata(s))
    if metadata is None:
        s.not_run(METADATA_CHECKS, "GetMetadata failed")
        return
    s.metadata = metadata
    s.declared = {KINDS_BY_ENUM[k].name for k in metadata.capabilities if k in KINDS_BY_ENUM}
    s.check("metadata: name", lambda: _check_name(metadata, expected_name))
    s.check(
        "metadata: version is semver",
        lambda: expect(bool(SEMVER.match(metadata.version)), f"{metadata.version!r}"),
    )
    s.check(
        "metadata: protocol version",
        lambda: expect(metadata.protocol_version >= 1, f"{metadata.protocol_version}"),
    )
    s.check("metadata: capabilities", lambda: _check_capabilities(metadata))
    s.check("metadata: answers in < 100 ms", lambda: _check_metadata_latency(s))


def _get_metadata(s: Session) -> Any:
    return s.call("provider", "GetMetadata", provider_pb2.GetMetadataRequest())


def _check_name(metadata: Any, expected: str) -> None:
    expect(bool(metadata.name), "empty name")
    if expected:
        expect(metadata.name == expected, f"name {metadata.name!r}, launched as {expected!r}")


def _check_capabilities(metadata: Any) -> None:
    expect(len(metadata.capabilities) > 0, "no resource kinds declared")
    unknown = [k for k in metadata.capabilities if k not in KINDS_BY_ENUM]
    expect(not unknown, f"unknown kinds declared: {unknown}")


def _check_metadata_latency(s: Session) -> None:
    timings = []
    for _ in range(METADATA_SAMPLES):
        started = time.perf_counter()
        _get_metadata(s)
        timings.append((time.perf_counter() - started) * 1000.0)
    best = min(timings)
    limit = s.options.metadata_latency_ms
    expect(best < limit, f"best of {METADATA_SAMPLES} round trips took {best:.0f} ms")


# ---------------------------------------------------------------------- schema


def schema_checks(s: Session) -> None:
    schema = s.check(
        "schema: GetSchema answers",
        lambda: s.call("provider", "GetSchema", provider_pb2.GetSchemaRequest()),
    )
    if schema is None:
        s.not_run(SCHEMA_CHECKS, "GetSchema failed")
        return
    s.schema = schema
    s.check("schema: every declared kind has a KindSchema", lambda: _check_kind_schemas(s))
    s.check("schema: attribute names are protocol fields", lambda: _check_attribute_names(s))
    wanted = [t for t in ("instance.size", "database.size") if t.split(".")[0] in s.declared]
    if wanted:
        s.check("schema: size translation tables", lambda: _check_size_tables(s, wanted))
    if schema.prices:
        s.check("schema: price tables are dated", lambda: _check_price_dates(schema))


def _check_kind_schemas(s: Session) -> None:
    described = {KINDS_BY_ENUM[k.kind].name for k in s.schema.kinds if k.kind in KINDS_BY_ENUM}
    missing = sorted(s.declared - described)
    expect(not missing, f"no KindSchema for {', '.join(missing)}")


def _check_attribute_names(s: Session) -> None:
    unknown = []
    for kind_schema in s.schema.kinds:
        kind = KINDS_BY_ENUM.get(kind_schema.kind)
        if kind is None:
            continue
        known = kind.config_fields | kind.exported_attributes
        unknown += [
            f"{kind.name}.{a.name}"
            for a in kind_schema.attributes
            if a.name.split(".")[0] not in known
        ]
    expect(not unknown, f"not fields of the protocol's messages: {', '.join(unknown)}")


def _check_size_tables(s: Session, wanted: list[str]) -> None:
    tables = {t.name: dict(t.entries) for t in s.schema.translations}
    problems = []
    for name in wanted:
        if name not in tables:
            problems.append(f"no {name} table")
            continue
        absent = [size for size in SIZES if not tables[name].get(size)]
        if absent:
            problems.append(f"{name} lacks {', '.join(absent)}")
    expect(not problems, "; ".join(problems))


def _check_price_dates(schema: Any) -> None:
    undated = [t.region or "(no region)" for t in schema.prices if not DATE.match(t.as_of)]
    expect(not undated, f"as_of is not YYYY-MM-DD for {', '.join(undated)}")


# ---------------------------------------------------------------------- configure


def configure_checks(s: Session) -> None:
    configured = s.check("provider: configure", lambda: _configure(s))
    if configured is None:
        # Everything after would run against an unconfigured plugin and fail for that
        # reason alone: each such check is listed as not run instead.
        s.halted = s.halted or "the provider's Configure failed"
    s.check("provider: authenticate returns an Identity", lambda: _authenticate(s))


def configure_request(s: Session) -> provider_pb2.ConfigureRequest:
    settings = struct_pb2.Struct()
    settings.update(s.options.settings)
    return provider_pb2.ConfigureRequest(
        region=s.options.region,
        project=s.options.project,
        settings=settings,
        endpoints=s.options.endpoints,
        working_dir=s.workdir or os.getcwd(),
    )


def _configure(s: Session) -> bool:
    answer = s.call("provider", "Configure", configure_request(s))
    errors = [d for d in answer.diagnostics if d.severity == pb.Diagnostic.SEVERITY_ERROR]
    expect(not errors, "; ".join(f"{d.attribute_path}: {d.summary}" for d in errors))
    return True


def _authenticate(s: Session) -> None:
    identity = s.call("provider", "Authenticate", provider_pb2.AuthenticateRequest())
    expect(isinstance(identity, provider_pb2.Identity), f"got {type(identity).__name__}")
    named = identity.account_id or identity.project_id or identity.principal
    expect(bool(named), "the Identity names no account, project or principal")


# ---------------------------------------------------------------------- error mapping


def error_mapping_checks(s: Session) -> None:
    """Invalid configs must come back as InvalidArgument naming the attribute."""
    if "network" in s.declared:
        bad = pb.NetworkConfig(name=s.resource_name(KINDS["network"], "bad"), cidr="not-a-cidr")
        s.check(
            "errors: invalid network CIDR -> InvalidArgument",
            lambda: _expect_invalid(s, "network", bad, "cidr"),
        )
    outside_name = f"errors: subnet CIDR outside its network ({NETWORK_CIDR}) -> InvalidArgument"
    if "subnet" in s.declared and "network" not in s.primary:
        s.not_run([outside_name], s.missing.get("network", "the provider declares no network"))
    elif "subnet" in s.declared:
        outside = pb.SubnetConfig(
            name=s.resource_name(KINDS["subnet"], "bad"),
            network_id=s.primary["network"].id,
            cidr=OUTSIDE_CIDR,
        )
        s.check(outside_name, lambda: _expect_invalid(s, "subnet", outside, "cidr"))
    if "network" not in s.declared and "volume" in s.declared:
        bad_volume = pb.VolumeConfig(name=s.resource_name(KINDS["volume"], "bad"), size_gb=-1)
        s.check(
            "errors: negative volume size -> InvalidArgument",
            lambda: _expect_invalid(s, "volume", bad_volume, "size_gb"),
        )


def _expect_invalid(s: Session, kind_name: str, config: Any, attribute: str) -> None:
    from genesys_plugin_sdk.errors import InvalidArgument

    kind = KINDS[kind_name]
    try:
        made = kindrpc.create(s, kind, config, s.token(kind, "invalid"))
    except InvalidArgument as err:
        expect(
            attribute in err.attribute_path,
            f"InvalidArgument without attribute_path naming {attribute!r} "
            f"(got {err.attribute_path!r})",
        )
        return
    except Exception as err:
        raise CheckFailed(f"expected InvalidArgument, got {error_summary(err)}") from err
    s.remember(kind, made, s.token(kind, "invalid"), config)
    raise CheckFailed(f"the provider accepted it and created {made.id!r}")


def unknown_ref(s: Session) -> pb.ResourceRef:
    """A reference to nothing, for batch reads that must answer not_found."""
    kind = KINDS[sorted(s.declared)[0]] if s.declared else KINDS["bucket"]
    return pb.ResourceRef(kind=kind.enum, id=missing_id(s))
