"""The real `genesys-provider-aws` executable, started by the core's plugin host (mTLS)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from genesys.provider.v1 import common_pb2 as pb
from genesys.provider.v1 import compute_pb2, provider_pb2

plugins = pytest.importorskip("genesys.plugins")


def test_executable_serves_through_the_core_host(moto_configure: Any, aws: Any) -> None:
    started = time.monotonic()
    with plugins.launch_plugin("aws") as conn:
        spawn_s = time.monotonic() - started
        meta = conn.provider.GetMetadata(provider_pb2.GetMetadataRequest())
        assert meta.name == "aws" and meta.version == "0.1.0"
        conn.provider.Configure(moto_configure)
        identity = conn.provider.Authenticate(provider_pb2.AuthenticateRequest())
        assert identity.account_id == "123456789012"
        made = conn.compute.CreateInstance(
            compute_pb2.CreateInstanceRequest(
                config=pb.InstanceConfig(size=pb.SIZE_LARGE, image="amazon-linux")
            )
        )
        raw = aws("ec2").describe_instances(InstanceIds=[made.id])["Reservations"][0]["Instances"][
            0
        ]
        assert raw["InstanceType"] == "t3.large"
    assert conn.process is None or conn.process.exited()  # the child has exited
    # generous: 2 shared cores (2-2.5 s measured at load 7, so ~5 s at CI's 15); the
    # benchmark tool measures it properly
    assert spawn_s < 20.0
