"""Kind-generic calls: build each kind's requests from the kind table and send them.

The kind table (`genesys.kinds`) names each kind's service and RPCs; the request message
classes are found beside the service in its generated module (`Create<Stem>Request` in
`compute_pb2`, ...), so nothing here is written out per kind.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from genesys.conformance.session import Created, Session
from genesys.kinds import Kind
from genesys.provider.v1 import common_pb2 as pb
from google.protobuf.message import Message

SERVICE_NAMES = {
    "compute": "ComputeService",
    "storage": "StorageService",
    "network": "NetworkService",
    "database": "DatabaseService",
    "serverless": "ServerlessService",
}


def service_module(kind: Kind) -> ModuleType:
    return importlib.import_module(f"genesys.provider.v1.{kind.service}_pb2")


def has_rpc(kind: Kind, verb: str) -> bool:
    """Whether the protocol defines `verb` for this kind (certificates have no update, ...)."""
    service = service_module(kind).DESCRIPTOR.services_by_name[SERVICE_NAMES[kind.service]]
    return kind.rpc(verb) in service.methods_by_name


def check_name(kind: Kind, what: str) -> str:
    return f"{kind.service}.{kind.name}: {what}"


def create(s: Session, kind: Kind, config: Message, token: str) -> Any:
    if kind.config is None:  # attachments: the "config" is the whole request
        request = type(config)()
        request.CopyFrom(config)
        request.idempotency_token = token  # type: ignore[attr-defined]
    else:
        request_class = getattr(service_module(kind), f"Create{kind.rpc_stem}Request")
        request = request_class(config=config, idempotency_token=token)
    return s.call(kind.service, kind.rpc("create"), request)


def get(s: Session, kind: Kind, resource_id: str, private: bytes = b"") -> Any:
    return s.call(kind.service, kind.rpc("get"), pb.GetRequest(id=resource_id, private=private))


def update(s: Session, made: Created, config: Message, changed: list[str]) -> Any:
    kind = made.kind
    request_class = getattr(service_module(kind), f"Update{kind.rpc_stem}Request")
    request = request_class(id=made.id, private=made.private, config=config, changed=changed)
    return s.call(kind.service, kind.rpc("update"), request)


def delete(s: Session, kind: Kind, resource_id: str, private: bytes = b"") -> Any:
    request = pb.DeleteRequest(id=resource_id, private=private)
    return s.call(kind.service, kind.rpc("delete"), request)


def list_all(s: Session, kind: Kind) -> list[Any]:
    return s.stream(kind.service, kind.rpc("list"), pb.ListRequest())


def discover(s: Session, kind: Kind) -> list[Any]:
    return s.stream(kind.service, kind.rpc("discover"), pb.DiscoverRequest())


def adopt(s: Session, kind: Kind, resource_id: str) -> Any:
    return s.call(kind.service, kind.rpc("adopt"), pb.AdoptRequest(id=resource_id))


def private_of(message: Message) -> bytes:
    return bytes(getattr(message, "private", b""))


def field_value(message: Message, name: str) -> Any:
    """A field as a plain comparable value (maps as dicts, repeated fields as lists)."""
    value = getattr(message, name)
    field = message.DESCRIPTOR.fields_by_name[name]
    if field.message_type is not None and field.message_type.GetOptions().map_entry:
        return dict(value)
    if _is_repeated(field):
        return list(value)
    return value


def _is_repeated(field: Any) -> bool:
    # protobuf >= 5 has `is_repeated`; older ones only `label`.
    is_repeated = getattr(field, "is_repeated", None)
    if is_repeated is not None:
        return bool(is_repeated)
    return bool(field.label == field.LABEL_REPEATED)


def has_field(message: Message, name: str) -> bool:
    return name in message.DESCRIPTOR.fields_by_name
