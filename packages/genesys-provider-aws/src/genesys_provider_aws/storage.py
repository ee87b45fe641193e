"""Storage service: S3 buckets (`buckets`), EBS volumes and attachments (`volumes`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import storage_pb2_grpc

from genesys_provider_aws import buckets, volumes
from genesys_provider_aws.clients import AwsClients
from genesys_provider_aws.common import ec2_list_filters
from genesys_provider_aws.errors import translate_errors
from genesys_provider_aws.readers import KindReader, read_one

READERS: dict[Any, KindReader] = {
    pb.RESOURCE_KIND_BUCKET: buckets.READER,
    pb.RESOURCE_KIND_VOLUME: volumes.VOLUME_READER,
    pb.RESOURCE_KIND_VOLUME_ATTACHMENT: volumes.ATTACHMENT_READER,
}


@translate_errors
class StorageServicer(storage_pb2_grpc.StorageServiceServicer):
    def __init__(self, clients: AwsClients) -> None:
        self.clients = clients

    # ------------------------------------------------------------ buckets

    def CreateBucket(self, request: Any, context: Any) -> pb.Bucket:
        return buckets.create_bucket(self.clients, request.config, request.idempotency_token)

    def GetBucket(self, request: Any, context: Any) -> pb.Bucket:
        return read_one(buckets.READER, self.clients, request.id)  # type: ignore[no-any-return]

    def UpdateBucket(self, request: Any, context: Any) -> pb.Bucket:
        return buckets.update_bucket(self.clients, request)

    def DeleteBucket(self, request: Any, context: Any) -> pb.DeleteResponse:
        buckets.delete_bucket(self.clients, request.id)
        return pb.DeleteResponse()

    def ListBuckets(self, request: Any, context: Any) -> Iterator[pb.Bucket]:
        yield from buckets.list_buckets(self.clients, dict(request.filters))

    def DiscoverBuckets(self, request: Any, context: Any) -> Iterator[pb.Bucket]:
        yield from buckets.list_buckets(self.clients, dict(request.filters))

    def AdoptBucket(self, request: Any, context: Any) -> pb.Bucket:
        return read_one(buckets.READER, self.clients, request.id)  # type: ignore[no-any-return]

    # ------------------------------------------------------------ volumes

    def CreateVolume(self, request: Any, context: Any) -> pb.Volume:
        return volumes.create_volume(self.clients, request.config, request.idempotency_token)

    def GetVolume(self, request: Any, context: Any) -> pb.Volume:
        return read_one(volumes.VOLUME_READER, self.clients, request.id)  # type: ignore[no-any-return]

    def UpdateVolume(self, request: Any, context: Any) -> pb.Volume:
        return volumes.update_volume(self.clients, request)

    def DeleteVolume(self, request: Any, context: Any) -> pb.DeleteResponse:
        volumes.delete_volume(self.clients, request.id)
        return pb.DeleteResponse()

    def ListVolumes(self, request: Any, context: Any) -> Iterator[pb.Volume]:
        filters = ec2_list_filters(request.filters, volumes.LIST_FILTERS)
        yield from volumes.list_volumes(self.clients, filters)

    def DiscoverVolumes(self, request: Any, context: Any) -> Iterator[pb.Volume]:
        filters = ec2_list_filters(request.filters, volumes.LIST_FILTERS)
        yield from volumes.list_volumes(self.clients, filters)

    def AdoptVolume(self, request: Any, context: Any) -> pb.Volume:
        return read_one(volumes.VOLUME_READER, self.clients, request.id)  # type: ignore[no-any-return]

    # ------------------------------------------------------------ attachments

    def AttachVolume(self, request: Any, context: Any) -> pb.VolumeAttachment:
        return volumes.attach(self.clients, request)

    def GetVolumeAttachment(self, request: Any, context: Any) -> pb.VolumeAttachment:
        return read_one(volumes.ATTACHMENT_READER, self.clients, request.id)  # type: ignore[no-any-return]

    def DetachVolume(self, request: Any, context: Any) -> pb.DeleteResponse:
        volumes.detach(self.clients, request.id)
        return pb.DeleteResponse()
