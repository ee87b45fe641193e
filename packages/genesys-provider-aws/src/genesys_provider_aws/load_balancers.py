"""Load balancers: ELBv2 application (http/https) or network (tcp) load balancers.

Each listener forwards to its own target group (named gn-<lb hash>-<port>, so retries find it)
on the listener's target_port; every target group has all of target_instance_ids registered.
The id of a load balancer is its ARN.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.waiters import Waiter

from genesys_provider_aws.clients import AwsClients, chunked
from genesys_provider_aws.common import (
    arns_by_token,
    match_tag_filters,
    struct,
    tag_changes,
    tag_dict,
    tag_list,
    user_tags,
)
from genesys_provider_aws.errors import call_or_none, error_code
from genesys_provider_aws.readers import KindReader, read_one

APPLICATION_PROTOCOLS = {"http": "HTTP", "https": "HTTPS"}
NETWORK_PROTOCOLS = {"tcp": "TCP", "udp": "UDP", "tls": "TLS"}
LIST_FILTERS = ("name",)
FORCE_NEW = ("name", "internal", "network_id")


def lb_type(listeners: list[pb.Listener]) -> str:
    words = {(listener.protocol or "http").lower() for listener in listeners}
    if words <= set(APPLICATION_PROTOCOLS):
        return "application"
    if words <= set(NETWORK_PROTOCOLS):
        return "network"
    raise errors.InvalidArgument(
        "listeners must be all http/https (application load balancer) or all tcp/udp/tls "
        "(network load balancer)",
        attribute_path="config.listeners",
    )


def _aws_protocol(word: str) -> str:
    word = (word or "http").lower()
    return APPLICATION_PROTOCOLS.get(word) or NETWORK_PROTOCOLS[word]


def target_group_name(lb_arn: str, port: int) -> str:
    return f"gn-{hashlib.sha1(lb_arn.encode()).hexdigest()[:10]}-{port}"


# ---------------------------------------------------------------- reading


def _details(clients: AwsClients, raw: Mapping[str, Any], tags: dict[str, str]) -> pb.LoadBalancer:
    elb = clients.client("elbv2")
    arn = raw["LoadBalancerArn"]
    groups = _groups_of(clients, arn)
    ports = {g["TargetGroupArn"]: int(g.get("Port", 0)) for g in groups}
    targets: set[str] = set()
    for group in groups:
        health = elb.describe_target_health(TargetGroupArn=group["TargetGroupArn"])
        targets.update(d["Target"]["Id"] for d in health.get("TargetHealthDescriptions", []))
    listeners = [
        _listener_from(raw_listener, ports)
        for raw_listener in elb.describe_listeners(LoadBalancerArn=arn).get("Listeners", [])
    ]
    listeners.sort(key=_port)
    return pb.LoadBalancer(
        id=arn,
        name=raw.get("LoadBalancerName", ""),
        network_id=raw.get("VpcId", ""),
        subnet_ids=sorted(
            z["SubnetId"] for z in raw.get("AvailabilityZones", []) if z.get("SubnetId")
        ),
        security_group_ids=sorted(raw.get("SecurityGroups", [])),
        internal=raw.get("Scheme") == "internal",
        listeners=listeners,
        target_instance_ids=sorted(targets),
        dns_name=raw.get("DNSName", ""),
        tags=user_tags(tags),
        provider_data=struct(
            {
                "type": raw.get("Type"),
                "state": raw.get("State", {}).get("Code"),
                "hosted_zone_id": raw.get("CanonicalHostedZoneId"),
                "target_group_arns": sorted(ports),
            }
        ),
    )


def _groups_of(clients: AwsClients, lb_arn: str) -> list[dict[str, Any]]:
    """Target groups of a load balancer (moto answers TargetGroupNotFound for none)."""
    found = call_or_none(
        clients.client("elbv2").describe_target_groups,
        "TargetGroupNotFound",
        LoadBalancerArn=lb_arn,
    )
    return list((found or {}).get("TargetGroups", []))


def _port(listener: pb.Listener) -> int:
    return int(listener.port)


def _listener_from(raw: Mapping[str, Any], ports: Mapping[str, int]) -> pb.Listener:
    forward = [a for a in raw.get("DefaultActions", []) if a.get("TargetGroupArn")]
    certificates = raw.get("Certificates", [])
    return pb.Listener(
        protocol=str(raw.get("Protocol", "")).lower(),
        port=int(raw.get("Port", 0)),
        target_port=ports.get(forward[0]["TargetGroupArn"], 0) if forward else 0,
        certificate_id=certificates[0]["CertificateArn"] if certificates else "",
    )


def _all_raw(clients: AwsClients) -> Iterator[dict[str, Any]]:
    paginator = clients.client("elbv2").get_paginator("describe_load_balancers")
    for page in paginator.paginate(PaginationConfig={"PageSize": 400}):
        yield from page.get("LoadBalancers", [])


def _tags_of(clients: AwsClients, arns: list[str]) -> dict[str, dict[str, str]]:
    tags: dict[str, dict[str, str]] = {}
    for chunk in chunked(arns, 20):
        for item in clients.client("elbv2").describe_tags(ResourceArns=chunk)["TagDescriptions"]:
            tags[item["ResourceArn"]] = tag_dict(item.get("Tags"))
    return tags


def read_many(clients: AwsClients, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
    """One paged DescribeLoadBalancers (ARN lists fail whole on one missing ARN), then details."""
    wanted = set(ids)
    raws = {r["LoadBalancerArn"]: r for r in _all_raw(clients) if r["LoadBalancerArn"] in wanted}
    return _with_details(clients, raws)


def _with_details(clients: AwsClients, raws: Mapping[str, Any]) -> dict[str, Any]:
    tags = _tags_of(clients, sorted(raws))
    found: dict[str, Any] = {}
    for arn, outcome in clients.fan_out(
        lambda a: _details(clients, raws[a], tags.get(a, {})), raws
    ):
        found[arn] = outcome
    return found


def find_by_token(clients: AwsClients, token: str) -> str | None:
    for arn in arns_by_token(clients, token, ["elasticloadbalancing:loadbalancer"]):
        return arn
    return None


READER = KindReader("load_balancer", "load balancer", read_many, find_by_token)


def list_load_balancers(
    clients: AwsClients, filters: Mapping[str, str]
) -> Iterator[pb.LoadBalancer]:
    names = set(filters["name"].split(",")) if filters.get("name") else None
    raws = {
        r["LoadBalancerArn"]: r
        for r in _all_raw(clients)
        if names is None or r["LoadBalancerName"] in names
    }
    found = _with_details(clients, raws)
    for arn in sorted(found):
        item = found[arn]
        if isinstance(item, Exception):
            raise item
        if match_tag_filters(filters, dict(item.tags), LIST_FILTERS):
            yield item


# ---------------------------------------------------------------- writing


def create_load_balancer(
    clients: AwsClients, config: pb.LoadBalancerConfig, token: str
) -> pb.LoadBalancer:
    kind = lb_type(list(config.listeners))
    if not config.name:
        raise errors.InvalidArgument("a load balancer needs a name", attribute_path="config.name")
    arn = find_by_token(clients, token) if token else None
    if arn is None:
        args: dict[str, Any] = {
            "Name": config.name,
            "Subnets": list(config.subnet_ids),
            "Scheme": "internal" if config.internal else "internet-facing",
            "Type": kind,
            "Tags": tag_list(config.tags, token=token),
        }
        if config.security_group_ids and kind == "application":
            args["SecurityGroups"] = list(config.security_group_ids)
        arn = clients.client("elbv2").create_load_balancer(**args)["LoadBalancers"][0][
            "LoadBalancerArn"
        ]
    raw = _wait_active(clients, str(arn))
    vpc_id = config.network_id or raw.get("VpcId", "")
    existing_ports = {listener.port for listener in _details(clients, raw, {}).listeners}
    for listener in config.listeners:
        if listener.port not in existing_ports:
            _add_listener(clients, str(arn), vpc_id, listener, list(config.target_instance_ids))
    return read_one(READER, clients, str(arn))  # type: ignore[no-any-return]


def _state_of(raw: Mapping[str, Any]) -> str:
    return str(raw.get("State", {}).get("Code", ""))


def _waiter(clients: AwsClients) -> Waiter[Any]:
    """Every load balancer wait of the process, served by one listing per poll (describing by
    ARNs would fail as a whole once one of them is gone)."""

    def poll(arns: list[str]) -> dict[str, Any]:
        wanted = set(arns)
        return {
            raw["LoadBalancerArn"]: raw
            for raw in _all_raw(clients)
            if raw["LoadBalancerArn"] in wanted
        }

    return clients.waiter("load balancer", poll, describe=_state_of)


def _wait_active(clients: AwsClients, arn: str) -> dict[str, Any]:
    return _waiter(clients).wait_for(  # type: ignore[no-any-return]
        arn,
        ready=lambda raw: _state_of(raw) == "active",
        failed=lambda raw: _state_of(raw) == "failed",
    )


def _target_group(clients: AwsClients, lb_arn: str, vpc_id: str, listener: pb.Listener) -> str:
    elb = clients.client("elbv2")
    name = target_group_name(lb_arn, listener.port)
    protocol = _aws_protocol(listener.protocol)
    args = {
        "Name": name,
        "Protocol": "HTTP"
        if protocol in ("HTTP", "HTTPS")
        else "TCP"
        if protocol == "TLS"
        else protocol,
        "Port": listener.target_port or listener.port,
        "VpcId": vpc_id,
        "TargetType": "instance",
    }
    existing = call_or_none(elb.describe_target_groups, "TargetGroupNotFound", Names=[name])
    if existing and existing.get("TargetGroups"):
        return str(existing["TargetGroups"][0]["TargetGroupArn"])
    return str(elb.create_target_group(**args)["TargetGroups"][0]["TargetGroupArn"])


def _add_listener(
    clients: AwsClients, lb_arn: str, vpc_id: str, listener: pb.Listener, targets: list[str]
) -> None:
    elb = clients.client("elbv2")
    group_arn = _target_group(clients, lb_arn, vpc_id, listener)
    if targets:
        elb.register_targets(TargetGroupArn=group_arn, Targets=[{"Id": t} for t in targets])
    args: dict[str, Any] = {
        "LoadBalancerArn": lb_arn,
        "Protocol": _aws_protocol(listener.protocol),
        "Port": listener.port,
        "DefaultActions": [{"Type": "forward", "TargetGroupArn": group_arn}],
    }
    if listener.certificate_id:
        args["Certificates"] = [{"CertificateArn": listener.certificate_id}]
    elb.create_listener(**args)


def update_load_balancer(clients: AwsClients, request: Any) -> pb.LoadBalancer:
    blocked = sorted(set(request.changed) & set(FORCE_NEW))
    if blocked:
        raise errors.InvalidArgument(
            f"changing {blocked[0]} replaces the load balancer",
            attribute_path=f"config.{blocked[0]}",
        )
    arn, config = request.id, request.config
    current = read_one(READER, clients, arn)
    elb = clients.client("elbv2")
    if sorted(config.subnet_ids) != list(current.subnet_ids) and config.subnet_ids:
        elb.set_subnets(LoadBalancerArn=arn, Subnets=list(config.subnet_ids))
    if (
        sorted(config.security_group_ids) != list(current.security_group_ids)
        and lb_type(list(config.listeners)) == "application"
    ):
        elb.set_security_groups(LoadBalancerArn=arn, SecurityGroups=list(config.security_group_ids))
    _sync_listeners(clients, arn, current, config)
    _sync_targets(clients, arn, list(config.target_instance_ids))
    to_set, to_remove = tag_changes(dict(current.tags), dict(config.tags))
    if to_set:
        elb.add_tags(ResourceArns=[arn], Tags=[{"Key": k, "Value": v} for k, v in to_set.items()])
    if to_remove:
        elb.remove_tags(ResourceArns=[arn], TagKeys=to_remove)
    return read_one(READER, clients, arn)  # type: ignore[no-any-return]


def _sync_listeners(clients: AwsClients, arn: str, current: pb.LoadBalancer, config: Any) -> None:
    """Listeners differing in anything are recreated (with their target group)."""
    elb = clients.client("elbv2")
    wanted = {
        (
            item.port,
            item.protocol.lower() or "http",
            item.target_port or item.port,
            item.certificate_id,
        ): item
        for item in config.listeners
    }
    have = {
        (item.port, item.protocol, item.target_port, item.certificate_id)
        for item in current.listeners
    }
    stale_ports = {key[0] for key in have - set(wanted)}
    for raw in elb.describe_listeners(LoadBalancerArn=arn).get("Listeners", []):
        if raw["Port"] in stale_ports:
            elb.delete_listener(ListenerArn=raw["ListenerArn"])
            _delete_group_named(clients, target_group_name(arn, raw["Port"]))
    for key in set(wanted) - have:
        _add_listener(
            clients, arn, current.network_id, wanted[key], list(config.target_instance_ids)
        )


def _sync_targets(clients: AwsClients, arn: str, targets: list[str]) -> None:
    elb = clients.client("elbv2")
    for group in _groups_of(clients, arn):
        group_arn = group["TargetGroupArn"]
        health = elb.describe_target_health(TargetGroupArn=group_arn).get(
            "TargetHealthDescriptions", []
        )
        have = {d["Target"]["Id"] for d in health}
        if set(targets) - have:
            elb.register_targets(
                TargetGroupArn=group_arn, Targets=[{"Id": t} for t in sorted(set(targets) - have)]
            )
        if have - set(targets):
            elb.deregister_targets(
                TargetGroupArn=group_arn, Targets=[{"Id": t} for t in sorted(have - set(targets))]
            )


def _delete_group_named(clients: AwsClients, name: str) -> None:
    elb = clients.client("elbv2")
    found = call_or_none(elb.describe_target_groups, "TargetGroupNotFound", Names=[name])
    for group in (found or {}).get("TargetGroups", []):
        _delete_group(clients, group["TargetGroupArn"])


def _delete_group(clients: AwsClients, group_arn: str) -> None:
    """Deletes a target group, waiting while AWS still counts it as in use."""
    from botocore.exceptions import ClientError

    def attempt() -> bool | None:
        try:
            clients.client("elbv2").delete_target_group(TargetGroupArn=group_arn)
        except ClientError as err:
            if error_code(err) == "ResourceInUse":
                return None
            if error_code(err) == "TargetGroupNotFound":
                return True
            raise
        return True

    clients.wait_until(f"target group {group_arn} to be deleted", attempt)


def delete_load_balancer(clients: AwsClients, arn: str) -> None:
    read_one(READER, clients, arn)  # NotFound when gone
    elb = clients.client("elbv2")
    groups = [g["TargetGroupArn"] for g in _groups_of(clients, arn)]
    elb.delete_load_balancer(LoadBalancerArn=arn)
    _waiter(clients).wait_gone(arn)
    for group_arn in groups:
        _delete_group(clients, group_arn)
