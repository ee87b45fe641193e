"""The SDK is imported and the common services' models parsed after the handshake, in the
background, and the first client of the run is made from that preloaded session."""

from __future__ import annotations

import threading
from typing import Any

from botocore.utils import parse_timestamp as botocore_parse_timestamp
from genesys.provider.v1 import provider_pb2
from genesys_provider_aws import clients
from genesys_provider_aws.clients import AwsClients, AwsSettings


def test_get_metadata_starts_the_preload_and_the_first_client_uses_it(
    conn: Any, moto_url: str
) -> None:
    for warmer in [t for t in threading.enumerate() if t.name == "aws-client-warm"]:
        warmer.join(60)  # Configure's client making, which would take the session
    clients._preload.clear()  # as in a fresh plugin process
    conn.provider.GetMetadata(provider_pb2.GetMetadataRequest())
    thread = clients._preload["thread"]
    thread.join(60)
    loader = clients._preload["session"].get_component("data_loader")
    parsed = {key[1] for key in loader._cache if key[0] == "load_service_model"}
    assert {*clients.PRELOADED_SERVICES, *clients.PRELOADED_MODELS} <= parsed
    fresh = AwsClients(AwsSettings(region="us-east-1", endpoint=moto_url))
    s3 = fresh.client("s3")
    assert "session" not in clients._preload  # taken once, by the first client made
    assert s3.list_buckets()["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert fresh.client("ec2").describe_regions()["Regions"]  # made from the same session


def test_timestamps_are_read_as_botocore_reads_them(
    conn: Any, aws: Any, plugin_clients: AwsClients
) -> None:
    ec2 = plugin_clients.client("ec2")
    assert ec2._endpoint._response_parser_factory._defaults["timestamp_parser"] is (
        clients.parse_timestamp
    )
    ami = aws("ec2").describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    made = aws("ec2").run_instances(ImageId=ami, InstanceType="t3.small", MinCount=1, MaxCount=1)
    instance_id = made["Instances"][0]["InstanceId"]
    ours = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    theirs = aws("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"][0]
    assert ours["LaunchTime"] == theirs["Instances"][0]["LaunchTime"]
    assert ours["LaunchTime"].isoformat() == theirs["Instances"][0]["LaunchTime"].isoformat()
    for text in ("2026-12-05T01:20:29.000Z", "Thu, 05 Dec 2026 01:20:29 GMT", "2026-12-05"):
        assert clients.parse_timestamp(text) == botocore_parse_timestamp(text)


def test_configure_makes_the_common_clients_before_anything_asks(moto_url: str) -> None:
    from genesys_plugin_sdk.testing import serve_in_process
    from genesys_provider_aws.main import build_plugin

    from .conftest import configure_request

    fresh = AwsClients()
    with serve_in_process(build_plugin(fresh)) as connection:
        connection.provider.Configure(configure_request(moto_url))
        warmer = next(t for t in threading.enumerate() if t.name == "aws-client-warm")
        warmer.join(60)
        assert len(fresh._clients) == 3  # sts, s3 and ec2, made without a call
        assert fresh.client("s3").list_buckets()["ResponseMetadata"]["HTTPStatusCode"] == 200
