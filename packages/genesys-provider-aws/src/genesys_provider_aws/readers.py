"""The per-kind read interface that Get*, ReadResources and token lookups share.

Each service module registers one `KindReader` per kind it serves. `read_many` reads many ids
with as few API calls as the service allows (EC2/RDS: Describe* with id filters in chunks;
others: one read per id on the shared pool) and returns, per id, the resource message or the
exception that id's read raised; ids absent from the result do not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from genesys_plugin_sdk import errors

from genesys_provider_aws.clients import AwsClients
from genesys_provider_aws.errors import map_botocore_error

ReadMany = Callable[[AwsClients, list[str], Mapping[str, bytes]], dict[str, Any]]
FindByToken = Callable[[AwsClients, str], "str | None"]


@dataclass(frozen=True)
class KindReader:
    field: str  # the kind's field in pb.Resource's oneof
    label: str  # words for messages, e.g. "instance"
    read_many: ReadMany
    find_by_token: FindByToken


def read_one(
    reader: KindReader, clients: AwsClients, resource_id: str, private: bytes = b""
) -> Any:
    """One resource by id; NotFound when it does not exist."""
    if not resource_id:
        raise errors.InvalidArgument(f"{reader.label} id is empty", attribute_path="id")
    found = reader.read_many(clients, [resource_id], {resource_id: private}).get(resource_id)
    if found is None:
        raise errors.NotFound(f"{reader.label} {resource_id} not found")
    if isinstance(found, Exception):
        raise found
    return found


def read_each(clients: AwsClients, ids: list[str], read: Callable[[str], Any]) -> dict[str, Any]:
    """read_many for services without a batch API: one read per id on the shared pool.

    `read` returns None for a missing resource; NotFound raised by it means the same.
    """
    results: dict[str, Any] = {}
    for resource_id, outcome in clients.fan_out(read, ids):
        if isinstance(outcome, Exception) and not isinstance(outcome, errors.ProviderError):
            outcome = map_botocore_error(outcome) or outcome
        if outcome is None or isinstance(outcome, errors.NotFound):
            continue
        results[resource_id] = outcome
    return results
