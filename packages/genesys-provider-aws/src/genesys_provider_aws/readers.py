"""The per-kind read interface that Get*, ReadResources and token lookups share.

Each service module registers one `KindReader` per kind it serves. `read_many` reads many ids
with as few API calls as the service allows (EC2/RDS: Describe* with id filters in chunks;
others: one read per id on the shared pool) and returns, per id, the resource message or the
exception that id's read raised; ids absent from the result do not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from genesys_plugin_sdk import errors

from genesys_provider_aws.clients import AwsClients, chunked
from genesys_provider_aws.common import TOKEN_TAG
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


# Resources matching EC2-style Describe filters, as messages (each with an `id`); the
# privates are the ids' recorded private bytes, for kinds that keep facts there.
MessagesWhere = Callable[[AwsClients, list[dict[str, Any]], Mapping[str, bytes]], Iterable[Any]]
FILTER_CHUNK = 200  # ids per Describe call


def filtered_reader(field: str, label: str, where: MessagesWhere, id_filter: str) -> KindReader:
    """The reader of a kind whose Describe call filters: by `id_filter` (one call per
    FILTER_CHUNK ids; filters never fail on missing ids) and by the idempotency-token tag."""

    def read_many(
        clients: AwsClients, ids: list[str], privates: Mapping[str, bytes]
    ) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for chunk in chunked(sorted(set(ids)), FILTER_CHUNK):
            for message in where(clients, [{"Name": id_filter, "Values": chunk}], privates):
                found[message.id] = message
        return found

    def find_by_token(clients: AwsClients, token: str) -> str | None:
        for message in where(clients, [{"Name": f"tag:{TOKEN_TAG}", "Values": [token]}], {}):
            return str(message.id)
        return None

    return KindReader(field, label, read_many, find_by_token)


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
