"""The per-kind read interface that Get*, ReadResources and token lookups share.

Each service module registers one `KindReader` per kind it serves: AWS's way of reading many
ids (EC2/RDS: Describe* with id filters in chunks; others: one read per id on the shared
pool) and finding an id by its idempotency token. `KindReader.bind(clients)` turns it into the
SDK's reader (`genesys_plugin_sdk.handlers.KindFunctions`), which the generated servicers and
the SDK's ReadResources use; the helpers below are the SDK's, with AWS's clients passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from genesys_plugin_sdk import reads
from genesys_plugin_sdk.handlers import KindFunctions
from genesys_plugin_sdk.tags import TOKEN_TAG

from genesys_provider_aws.clients import AwsClients
from genesys_provider_aws.errors import TRANSLATOR

ReadMany = Callable[[AwsClients, list[str], Mapping[str, bytes]], dict[str, Any]]
FindByToken = Callable[[AwsClients, str], "str | None"]


@dataclass(frozen=True)
class KindReader:
    field: str  # the kind's field in pb.Resource's oneof
    label: str  # words for messages, e.g. "instance"
    read_many: ReadMany
    find_by_token: FindByToken

    def bind(self, clients: AwsClients, **verbs: Any) -> KindFunctions:
        """The SDK handler of this kind over `clients`; `verbs` adds create_fn= & co."""
        return KindFunctions(
            field=self.field,
            label_text=self.label,
            read_many_fn=partial(self.read_many, clients),
            find_by_token_fn=partial(self.find_by_token, clients),
            **verbs,
        )


def read_one(
    reader: KindReader, clients: AwsClients, resource_id: str, private: bytes = b""
) -> Any:
    """One resource by id; NotFound when it does not exist."""
    return reads.read_one(reader.bind(clients), resource_id, private)


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
        def fetch(chunk: list[str]) -> Iterable[Any]:
            return where(clients, [{"Name": id_filter, "Values": chunk}], privates)

        return reads.read_in_chunks(ids, fetch, FILTER_CHUNK)

    def find_by_token(clients: AwsClients, token: str) -> str | None:
        for message in where(clients, [{"Name": f"tag:{TOKEN_TAG}", "Values": [token]}], {}):
            return str(message.id)
        return None

    return KindReader(field, label, read_many, find_by_token)


def read_each(clients: AwsClients, ids: list[str], read: Callable[[str], Any]) -> dict[str, Any]:
    """read_many for services without a batch API: one read per id on the shared pool.

    `read` returns None for a missing resource; NotFound raised by it means the same.
    """
    return reads.read_each(clients.pool, ids, read, translate=TRANSLATOR)
