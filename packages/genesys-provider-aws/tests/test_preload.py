"""The SDK is imported and the common services' models parsed after the handshake, in the
background, and the first client of the run is made from that preloaded session."""

from __future__ import annotations

from typing import Any

from genesys.provider.v1 import provider_pb2
from genesys_provider_aws import clients
from genesys_provider_aws.clients import AwsClients, AwsSettings


def test_get_metadata_starts_the_preload_and_the_first_client_uses_it(
    conn: Any, moto_url: str
) -> None:
    clients._preload.clear()  # as in a fresh plugin process
    conn.provider.GetMetadata(provider_pb2.GetMetadataRequest())
    thread = clients._preload["thread"]
    thread.join(60)
    loader = clients._preload["session"].get_component("data_loader")
    parsed = {key[1] for key in loader._cache if key[0] == "load_service_model"}
    assert set(clients.PRELOADED_SERVICES) <= parsed
    fresh = AwsClients(AwsSettings(region="us-east-1", endpoint=moto_url))
    s3 = fresh.client("s3")
    assert "session" not in clients._preload  # taken once, by the first client made
    assert s3.list_buckets()["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert fresh.client("ec2").describe_regions()["Regions"]  # made from the same session
