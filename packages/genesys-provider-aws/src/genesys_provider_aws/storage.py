"""Storage service: S3 buckets (`buckets`), EBS volumes and attachments (`volumes`).

Only declarations: which function serves which verb of which kind. The SDK generates the
StorageService servicer from `kinds(clients)` (see genesys_plugin_sdk.servicers).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk.handlers import KindFunctions

from genesys_provider_aws import buckets, volumes
from genesys_provider_aws.clients import AwsClients
from genesys_provider_aws.common import ec2_list_filters


def _list_volumes(clients: AwsClients, filters: Mapping[str, str]) -> Iterator[pb.Volume]:
    return volumes.list_volumes(clients, ec2_list_filters(filters, volumes.LIST_FILTERS))


def kinds(clients: AwsClients) -> list[KindFunctions]:
    return [
        buckets.READER.bind(
            clients,
            create_fn=partial(buckets.create_bucket, clients),
            update_fn=partial(buckets.update_bucket, clients),
            delete_fn=partial(buckets.delete_bucket, clients),
            list_fn=partial(buckets.list_buckets, clients),
        ),
        volumes.VOLUME_READER.bind(
            clients,
            create_fn=partial(volumes.create_volume, clients),
            update_fn=partial(volumes.update_volume, clients),
            delete_fn=partial(volumes.delete_volume, clients),
            list_fn=partial(_list_volumes, clients),
        ),
        volumes.ATTACHMENT_READER.bind(
            clients,
            # AttachVolume has no config message: the SDK passes the whole request.
            create_fn=lambda request, token: volumes.attach(clients, request),
            delete_fn=partial(volumes.detach, clients),
        ),
    ]
