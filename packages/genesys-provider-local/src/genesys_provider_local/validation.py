"""Checks of desired resources, shared by ValidateResources, PlanResources and Create*.

Each check works on the kind's *Config message and on its resource message alike (their
field names agree), and returns problems as (attribute path, message, severity). Create*
turns the first error into INVALID_ARGUMENT with attribute_path "config.<path>".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from genesys.provider.v1 import common_pb2 as pb
from google.protobuf.message import Message

from genesys_provider_local import tables
from genesys_provider_local.addressing import parse_cidr
from genesys_provider_local.kinds import is_repeated

ERROR = pb.Diagnostic.SEVERITY_ERROR
WARNING = pb.Diagnostic.SEVERITY_WARNING
Problem = tuple[str, str, int]

_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_DB_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,62}$")
_HOSTNAME = re.compile(
    r"^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
)
_HANDLER = re.compile(r"^[A-Za-z_][\w./-]*\.[A-Za-z_$][\w$]*$")
_BINARY = re.compile(r"^[A-Za-z0-9_.-]+$")  # a Go function's handler: its executable
PROTOCOLS = ("tcp", "udp", "icmp", "all")
LISTENER_PROTOCOLS = ("http", "https", "tcp")


def _has(message: Message, name: str) -> bool:
    return name in message.DESCRIPTOR.fields_by_name


def _is_reference(name: str) -> bool:
    return name.endswith(("_id", "_ids"))


def _required(kind: str, message: Message, references_known: bool) -> list[Problem]:
    found: list[Problem] = []
    for name in sorted(tables.REQUIRED.get(kind, frozenset())):
        if not _has(message, name) or (_is_reference(name) and not references_known):
            continue
        field = message.DESCRIPTOR.fields_by_name[name]
        empty = (
            not message.HasField(name)  # type: ignore[arg-type]
            if field.message_type is not None and not is_repeated(field)
            else not getattr(message, name)
        )
        if empty:
            found.append((name, f"{name} is required", ERROR))
    return found


def _bucket(m: Message) -> list[Problem]:
    name = m.name  # type: ignore[attr-defined]
    if name and (not _BUCKET_NAME.match(name) or ".." in name):
        return [
            (
                "name",
                f"bucket name {name!r} is invalid: 3-63 characters of a-z, 0-9, '.' and '-', "
                "starting and ending with a letter or digit",
                ERROR,
            )
        ]
    return []


def _instance(m: Message) -> list[Problem]:
    ptype = m.provider_type  # type: ignore[attr-defined]
    if ptype and ptype not in tables.INSTANCE_TYPE_LABELS:
        known = ", ".join(tables.INSTANCE_TYPE_LABELS)
        text = f"{ptype!r} is not a local type ({known}); it is recorded as a label only"
        return [("provider_type", text, WARNING)]
    return []  # an unspecified size means small, as on every provider


def _volume(m: Message) -> list[Problem]:
    found: list[Problem] = []
    if not 1 <= m.size_gb <= 16384:  # type: ignore[attr-defined]
        found.append(("size_gb", "size_gb must be between 1 and 16384", ERROR))
    vclass = m.volume_class  # type: ignore[attr-defined]
    if vclass and vclass not in tables.VOLUME_TYPES:
        found.append(("volume_class", f"volume_class {vclass!r} is not standard or ssd", ERROR))
    return found


def _cidr(m: Message) -> list[Problem]:
    try:
        parse_cidr(m.cidr)  # type: ignore[attr-defined]
    except ValueError as exc:
        return [("cidr", str(exc), ERROR)]
    return []


def rule_problems(path: str, rule: pb.SecurityRule) -> list[Problem]:
    found: list[Problem] = []
    if rule.protocol not in PROTOCOLS:
        found.append((f"{path}.protocol", f"protocol must be one of {', '.join(PROTOCOLS)}", ERROR))
    for end in ("from_port", "to_port"):
        if not 0 <= getattr(rule, end) <= 65535:
            found.append((f"{path}.{end}", f"{end} must be between 0 and 65535", ERROR))
    if rule.from_port > rule.to_port:
        found.append((f"{path}.from_port", "from_port must not exceed to_port", ERROR))
    for i, block in enumerate(rule.cidr_blocks):
        try:
            import ipaddress

            ipaddress.ip_network(block, strict=True)
        except ValueError as exc:
            found.append((f"{path}.cidr_blocks[{i}]", f"{block!r}: {exc}", ERROR))
    return found


def _security_group(m: Message) -> list[Problem]:
    found: list[Problem] = []
    for direction in ("ingress", "egress"):
        for i, rule in enumerate(getattr(m, direction)):
            found += rule_problems(f"{direction}[{i}]", rule)
    return found


def _load_balancer(m: Message) -> list[Problem]:
    found: list[Problem] = []
    for i, listener in enumerate(m.listeners):  # type: ignore[attr-defined]
        path = f"listeners[{i}]"
        if listener.protocol not in LISTENER_PROTOCOLS:
            found.append((f"{path}.protocol", "protocol must be http, https or tcp", ERROR))
        for end in ("port", "target_port"):
            if not 1 <= getattr(listener, end) <= 65535:
                found.append((f"{path}.{end}", f"{end} must be between 1 and 65535", ERROR))
        if listener.protocol == "https" and not listener.certificate_id:
            found.append((f"{path}.certificate_id", "an https listener needs a certificate", ERROR))
    return found


def _database(m: Message) -> list[Problem]:
    from genesys_provider_local import postgres

    engine = m.engine  # type: ignore[attr-defined]
    name = m.name  # type: ignore[attr-defined]
    found: list[Problem] = []
    if name and not _DB_NAME.match(name):
        found.append(("name", f"database name {name!r}: letters, digits, '_' and '-'", ERROR))
    if engine in (pb.DATABASE_ENGINE_MYSQL, pb.DATABASE_ENGINE_MONGODB):
        word = pb.DatabaseEngine.Name(engine).removeprefix("DATABASE_ENGINE_").lower()
        found.append(
            ("engine", f"the local provider does not offer {word}; use postgres or sqlite", ERROR)
        )
    elif engine == pb.DATABASE_ENGINE_POSTGRES:
        problem = postgres.availability_problem(m.version)  # type: ignore[attr-defined]
        if problem is not None:
            text, is_error = problem
            found.append(("engine", text, ERROR) if is_error else ("version", text, WARNING))
    elif engine != pb.DATABASE_ENGINE_SQLITE:
        found.append(("engine", "engine must be postgres or sqlite", ERROR))
    return found


def _function(m: Message) -> list[Problem]:
    from genesys_provider_local import runtimes

    found: list[Problem] = []
    runtime = m.runtime  # type: ignore[attr-defined]
    if runtime:
        try:
            note = runtimes.resolve(runtime).note
        except ValueError as exc:
            found.append(("runtime", str(exc), ERROR))
        else:
            if note:
                found.append(("runtime", note, WARNING))
    handler = m.handler  # type: ignore[attr-defined]
    if runtimes.is_go(runtime):
        if handler and (not _BINARY.match(handler) or handler in (".", "..")):
            found.append((
                "handler",
                f"handler {handler!r} must name the executable the Go build produces "
                "(letters, digits, '_', '.', '-'), e.g. bootstrap",
                ERROR,
            ))
    elif handler and not _HANDLER.match(handler):
        found.append(("handler", f"handler {handler!r} must look like module.function", ERROR))
    if not 0 <= m.timeout_s <= 900:  # type: ignore[attr-defined]
        found.append(("timeout_s", "timeout_s must be between 0 and 900", ERROR))
    if not 0 <= m.memory_mb <= 10240:  # type: ignore[attr-defined]
        found.append(("memory_mb", "memory_mb must be between 0 and 10240", ERROR))
    return found


def _layer(m: Message) -> list[Problem]:
    from genesys_provider_local import runtimes

    found: list[Problem] = []
    for i, runtime in enumerate(m.compatible_runtimes):  # type: ignore[attr-defined]
        if not runtimes.is_known(runtime):
            found.append((f"compatible_runtimes[{i}]", f"unknown runtime {runtime!r}", WARNING))
    return found


def _certificate(m: Message) -> list[Problem]:
    domain = m.domain  # type: ignore[attr-defined]
    if domain and (len(domain) > 253 or not _HOSTNAME.match(domain)):
        return [("domain", f"{domain!r} is not a valid domain name", ERROR)]
    return []


_CHECKS: dict[str, Callable[[Message], list[Problem]]] = {
    "bucket": _bucket,
    "instance": _instance,
    "volume": _volume,
    "network": _cidr,
    "subnet": _cidr,
    "security_group": _security_group,
    "load_balancer": _load_balancer,
    "database": _database,
    "function": _function,
    "layer": _layer,
    "certificate": _certificate,
}


def problems(kind: str, message: Message, references_known: bool = True) -> list[Problem]:
    """Every problem of one desired resource (errors and warnings).

    With references_known=False (ValidateResources, before apply), an empty `*_id` field is
    not reported missing: it usually holds a reference to a resource not made yet.
    """
    found = _required(kind, message, references_known)
    check = _CHECKS.get(kind)
    if check is not None:
        found += check(message)
    return found
