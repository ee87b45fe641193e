"""TagResources / UntagResources, one shared implementation across the RPC products, through
the real SDK (aliyunsdkcore's CommonRequest) against `genesys-emulator alibaba`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from genesys_emulators.testing import running

REGION = "us-east-1"
VERSIONS = {"ecs": "2014-05-26", "vpc": "2016-04-28"}


@pytest.fixture(scope="module")
def call() -> Iterator[Callable[..., dict[str, Any]]]:
    from aliyunsdkcore.client import AcsClient
    from aliyunsdkcore.request import CommonRequest

    with running("alibaba") as ready:
        settings = ready["settings"]
        client = AcsClient(
            settings["access_key_id"], settings["access_key_secret"], REGION, auto_retry=False
        )

        def rpc(product: str, action: str, **params: str) -> dict[str, Any]:
            request = CommonRequest(
                domain=ready["sdk"][product].removeprefix("http://"),
                version=VERSIONS[product],
                action_name=action,
            )
            request.set_protocol_type("http")
            for name, value in {"RegionId": REGION, **params}.items():
                request.add_query_param(name, value)
            return dict(json.loads(client.do_action_with_exception(request)))

        yield rpc


def test_tags_are_set_removed_and_cleared_and_unknown_ids_refused(
    call: Callable[..., dict[str, Any]],
) -> None:
    from aliyunsdkcore.acs_exception.exceptions import ServerException

    vpc = call("vpc", "CreateVpc", CidrBlock="10.0.0.0/16")["VpcId"]
    group = call("ecs", "CreateSecurityGroup", VpcId=vpc)["SecurityGroupId"]
    where = {"ResourceType": "securitygroup", "ResourceId.1": group}

    def tags() -> dict[str, str]:
        [found] = call("ecs", "DescribeSecurityGroups", SecurityGroupIds=json.dumps([group]))[
            "SecurityGroups"
        ]["SecurityGroup"]
        return {t["TagKey"]: t["TagValue"] for t in found["Tags"]["Tag"]}

    call(
        "ecs",
        "TagResources",
        **where,
        **{"Tag.1.Key": "env", "Tag.1.Value": "prod"},
        **{"Tag.2.Key": "team", "Tag.2.Value": "web"},
    )
    assert tags() == {"env": "prod", "team": "web"}
    call("ecs", "UntagResources", **where, **{"TagKey.1": "env"})
    assert tags() == {"team": "web"}
    call("ecs", "UntagResources", **where, All="true")
    assert tags() == {}
    with pytest.raises(ServerException) as refused:
        call(
            "ecs",
            "TagResources",
            ResourceType="securitygroup",
            **{"ResourceId.1": "sg-none"},
            **{"Tag.1.Key": "k", "Tag.1.Value": "v"},
        )
    assert refused.value.get_error_code() == "InvalidResourceId.NotFound"
