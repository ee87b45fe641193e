"""Compute: EC2 instances.

Size -> instance type and image alias -> AMI come from `tables`. The alias the user asked for
is kept in the tag `genesys:image`, so a refresh reports "ubuntu-lts" (not the AMI, which
moves as Canonical publishes) and no replacement is planned when a new AMI appears. User data
is not returned by DescribeInstances; the plugin keeps it in the resource's `private` bytes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from functools import partial
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import KindFunctions, resuming_interrupted
from genesys_plugin_sdk.waiters import Waiter

from genesys_provider_aws import tables
from genesys_provider_aws.batch_lookup import BatchLookup
from genesys_provider_aws.clients import AwsClients
from genesys_provider_aws.common import (
    IMAGE_TAG,
    NAME_TAG,
    TOKEN_TAG,
    client_token,
    ec2_filters,
    ec2_list_filters,
    ec2_tag_specs,
    private_json,
    read_private,
    retag_ec2,
    struct,
    tag_dict,
    tag_list,
    user_tags,
)
from genesys_provider_aws.errors import call_or_none
from genesys_provider_aws.launch_batch import LaunchBatcher, find_in_batches
from genesys_provider_aws.readers import filtered_reader, read_one

LIVE_STATES = ["pending", "running", "stopping", "stopped", "shutting-down"]
STATE_WORDS = {"shutting-down": "terminated"}
LIST_FILTERS = {
    "name": "tag:Name",
    "state": "instance-state-name",
    "zone": "availability-zone",
    "network_id": "vpc-id",
    "subnet_id": "subnet-id",
    "id": "instance-id",
    "instance_type": "instance-type",
}
IN_PLACE = frozenset({"name", "tags", "size", "provider_type", "security_group_ids"})
# Seconds the first token lookup of a burst of creates waits for the others to join it.
LOOKUP_LINGER = 0.01
FORCE_NEW = ("image", "zone", "subnet_id", "network_id", "key_pair", "user_data")


# ---------------------------------------------------------------- images


def resolve_image(clients: AwsClients, image: str) -> str:
    """AMI id for an alias (cached per region) or the id itself; InvalidArgument if unknown."""
    wanted = image or "ubuntu-lts"
    if tables.is_image_id(wanted):
        return wanted
    alias = tables.IMAGE_ALIASES.get(wanted)
    if alias is None:
        known = ", ".join(sorted(tables.IMAGE_ALIASES))
        raise errors.InvalidArgument(
            f"unknown image {wanted!r}: use an AMI id (ami-...) or one of {known}",
            attribute_path="config.image",
        )
    cache_key = f"ami:{clients.region}:{wanted}"
    if cache_key not in clients.cache:
        clients.cache[cache_key] = _lookup_alias(clients, alias)
    return str(clients.cache[cache_key])


def _lookup_alias(clients: AwsClients, alias: tables.ImageAlias) -> str:
    if alias.ssm_parameter:
        found = call_or_none(
            clients.client("ssm").get_parameter, "ParameterNotFound", Name=alias.ssm_parameter
        )
        if found is not None:
            return str(found["Parameter"]["Value"])
    images = clients.client("ec2").describe_images(
        Owners=[alias.owner],
        Filters=[
            {"Name": "name", "Values": [alias.name_pattern]},
            {"Name": "state", "Values": ["available"]},
        ],
    )["Images"]
    if not images:
        raise errors.InvalidArgument(
            f"no AMI found for image alias {alias.alias!r} in {clients.region}",
            attribute_path="config.image",
        )
    newest = max(images, key=lambda i: (i.get("CreationDate", ""), i.get("Name", "")))
    return str(newest["ImageId"])


def alias_of_ami(clients: AwsClients, ami: str) -> str:
    """For discovery: the alias whose current AMI this is, else the AMI id itself."""
    for alias in tables.IMAGE_ALIASES:
        try:
            if resolve_image(clients, alias) == ami:
                return alias
        except errors.InvalidArgument:
            continue
    return ami


# ---------------------------------------------------------------- reading


def instance_from(raw: Mapping[str, Any], private: bytes = b"") -> pb.Instance:
    tags = tag_dict(raw.get("Tags"))
    instance_type = raw.get("InstanceType", "")
    state = raw.get("State", {}).get("Name", "")
    kept = read_private(private)
    return pb.Instance(
        id=raw["InstanceId"],
        name=tags.get(NAME_TAG, ""),
        size=tables.size_of_instance_type(instance_type),
        provider_type=instance_type,
        # The alias asked for (tag) or adopted under (private), so refresh reads what the
        # config says; an untagged instance nobody adopted reads as its AMI id.
        image=tags.get(IMAGE_TAG) or str(kept.get("image", "")) or raw.get("ImageId", ""),
        provider_image=raw.get("ImageId", ""),
        state=STATE_WORDS.get(state, state),
        private_ip=raw.get("PrivateIpAddress", ""),
        public_ip=raw.get("PublicIpAddress", ""),
        network_id=raw.get("VpcId", ""),
        subnet_id=raw.get("SubnetId", ""),
        security_group_ids=sorted(g["GroupId"] for g in raw.get("SecurityGroups", [])),
        user_data=str(kept.get("user_data", "")),
        key_pair=raw.get("KeyName", ""),
        tags=user_tags(tags, drop_name=True),
        zone=raw.get("Placement", {}).get("AvailabilityZone", ""),
        provider_data=struct(
            {
                "architecture": raw.get("Architecture"),
                "launch_time": raw.get("LaunchTime"),
                "private_dns_name": raw.get("PrivateDnsName"),
                "public_dns_name": raw.get("PublicDnsName"),
                "aws_state": state,
            }
        ),
        private=private_json(kept) if kept else b"",
    )


def describe(clients: AwsClients, filters: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Live (not terminated) instances matching EC2 filters, across pages."""
    paginator = clients.client("ec2").get_paginator("describe_instances")
    wanted = [*filters, {"Name": "instance-state-name", "Values": LIVE_STATES}]
    for page in paginator.paginate(Filters=wanted):
        for reservation in page.get("Reservations", []):
            yield from reservation.get("Instances", [])


def instances_where(
    clients: AwsClients, filters: list[dict[str, Any]], privates: Mapping[str, bytes]
) -> Iterator[pb.Instance]:
    for raw in describe(clients, filters):
        yield instance_from(raw, privates.get(raw["InstanceId"], b""))


def _find_by_token(clients: AwsClients, token: str) -> str | None:
    """Crash recovery's lookup: the token tag, else a batch launch's manifest."""
    found = find_by_token_batched(clients, token)
    if found is None:
        found = find_in_batches(partial(describe, clients), [token]).get(token)
    return found


INSTANCE_READER = replace(
    filtered_reader("instance", "instance", instances_where, "instance-id"),
    find_by_token=_find_by_token,
)


# ---------------------------------------------------------------- writing


def _pick_subnet(clients: AwsClients, config: pb.InstanceConfig) -> str:
    """The subnet to launch into: the one asked for, else one of the network's subnets."""
    if config.subnet_id or not config.network_id:
        return config.subnet_id
    filters = [{"Name": "vpc-id", "Values": [config.network_id]}]
    if config.zone:
        filters.append({"Name": "availability-zone", "Values": [config.zone]})
    subnets = clients.client("ec2").describe_subnets(Filters=filters)["Subnets"]
    if not subnets:
        raise errors.InvalidArgument(
            f"network {config.network_id} has no subnet to launch into"
            + (f" in {config.zone}" if config.zone else ""),
            attribute_path="config.network_id",
        )
    return str(min(subnets, key=lambda s: s["SubnetId"])["SubnetId"])


def run_arguments(clients: AwsClients, config: pb.InstanceConfig, token: str) -> dict[str, Any]:
    """RunInstances parameters for one instance of a config (size, image, subnet resolved)."""
    args = shared_run_arguments(clients, config)
    tags = tag_list(config.tags, name=config.name, token=token, extra=_image_tag(config))
    args.update(MinCount=1, MaxCount=1)
    args["TagSpecifications"] = ec2_tag_specs("instance", tags) + ec2_tag_specs("volume", tags)
    if token:
        args["ClientToken"] = client_token(token)
    return args


def _image_tag(config: pb.InstanceConfig) -> dict[str, str]:
    if config.image and not tables.is_image_id(config.image):
        return {IMAGE_TAG: config.image}
    return {}


def own_tags(config: pb.InstanceConfig, token: str) -> list[dict[str, str]]:
    """The tags that differ between instances of one `count` block: Name and the token."""
    return tag_list({}, name="" if NAME_TAG in config.tags else config.name, token=token)


def shared_run_arguments(clients: AwsClients, config: pb.InstanceConfig) -> dict[str, Any]:
    """RunInstances parameters every instance of this config shares (no Name, no token)."""
    common = tag_list(config.tags, extra=_image_tag(config))
    args: dict[str, Any] = {
        "ImageId": resolve_image(clients, config.image),
        "InstanceType": tables.instance_type_for(config.size, config.provider_type),
        "TagSpecifications": ec2_tag_specs("instance", common) + ec2_tag_specs("volume", common),
    }
    subnet = _pick_subnet(clients, config)
    if subnet:
        args["SubnetId"] = subnet
    elif config.zone:
        args["Placement"] = {"AvailabilityZone": config.zone}
    if config.security_group_ids:
        args["SecurityGroupIds"] = list(config.security_group_ids)
    if config.key_pair:
        args["KeyName"] = config.key_pair
    if config.user_data:
        args["UserData"] = config.user_data  # boto3 base64-encodes it
    return args


def _state_of(raw: Mapping[str, Any]) -> str:
    state = raw.get("State", {}).get("Name", "")
    return STATE_WORDS.get(state, state)


def _instance_waiter(clients: AwsClients) -> Waiter[Any]:
    """Every instance wait of the process, served by one DescribeInstances per poll."""

    def poll(ids: list[str]) -> dict[str, Any]:
        return {
            raw["InstanceId"]: raw for raw in describe(clients, ec2_filters(ids, "instance-id"))
        }

    return clients.waiter("instance", poll, describe=_state_of)


def wait_state(clients: AwsClients, instance_id: str, wanted: str, private: bytes) -> pb.Instance:
    """Waits until the instance reaches `wanted`; FailedPrecondition if it dies instead.

    Not yet visible counts as not ready (EC2 is eventually consistent right after launch);
    gone counts as terminated.
    """
    waiter = _instance_waiter(clients)
    if wanted == "terminated":
        waiter.wait_gone(instance_id, gone=lambda raw: _state_of(raw) == "terminated")
        return pb.Instance(id=instance_id, state="terminated")
    raw = waiter.wait_for(
        instance_id,
        ready=lambda found: _state_of(found) == wanted,
        failed=lambda found: _state_of(found) == "terminated",
    )
    return instance_from(raw, private)


def _ids_by_token(clients: AwsClients, tokens: list[str]) -> dict[str, str]:
    """Live instances carrying any of these idempotency tokens: one Describe (pages)."""
    found: dict[str, str] = {}
    for raw in describe(clients, [{"Name": f"tag:{TOKEN_TAG}", "Values": tokens}]):
        token = tag_dict(raw.get("Tags")).get(TOKEN_TAG)
        if token:
            found.setdefault(token, str(raw["InstanceId"]))
    return found


def token_lookup(clients: AwsClients) -> BatchLookup[str]:
    """The process's shared token lookup: concurrent lookups share one DescribeInstances
    (EC2 takes up to 200 values per filter)."""
    lookup = clients.cache.get("instance-token-lookup")
    if lookup is None:
        fresh = BatchLookup(partial(_ids_by_token, clients), max_batch=200, linger=LOOKUP_LINGER)
        lookup = clients.cache.setdefault("instance-token-lookup", fresh)
    return lookup  # type: ignore[no-any-return]


def find_by_token_batched(clients: AwsClients, token: str) -> str | None:
    """The instance an earlier attempt with this token made."""
    return token_lookup(clients).get(token)


def launcher(clients: AwsClients) -> LaunchBatcher:
    """The process's batcher of identical launches (made on first use, per Configure)."""
    made = clients.cache.get("instance-launcher")
    if made is None:
        ec2 = clients.client("ec2")
        fresh = LaunchBatcher(
            ec2.run_instances, ec2.create_tags, find_by_tokens=token_lookup(clients).get_many
        )
        made = clients.cache.setdefault("instance-launcher", fresh)
    return made  # type: ignore[no-any-return]


def _made_before(clients: AwsClients, config: pb.InstanceConfig, token: str) -> str | None:
    """The instance an earlier attempt with this token made, when it is known before the
    launch: remembered by this process, or (resuming a crashed create, or after a launch that
    got no answer) tagged with the token or listed in a batch launch's manifest, then given
    its own tags now. Otherwise the launch looks the token up, with its whole batch."""
    batcher = launcher(clients)
    if token in batcher.launched:
        instance_id = batcher.launched[token]
        if token in batcher.untagged:
            batcher.tag(instance_id, token, own_tags(config, token))
        return instance_id
    if not (resuming_interrupted() or token in batcher.uncertain):
        return None
    found = find_by_token_batched(clients, token)
    if found is None:
        found = find_in_batches(partial(describe, clients), [token]).get(token)
        if found is not None:
            batcher.tag(found, token, own_tags(config, token))
    return found


def create(clients: AwsClients, config: pb.InstanceConfig, token: str) -> pb.Instance:
    private = private_json({"user_data": config.user_data}) if config.user_data else b""
    existing = _made_before(clients, config, token) if token else None
    if existing is None and token:
        # Identical concurrent creates (a `count` block) share one RunInstances.
        existing = launcher(clients).launch(
            shared_run_arguments(clients, config), own_tags(config, token), token
        )
    elif existing is None:
        launched = clients.client("ec2").run_instances(**run_arguments(clients, config, token))
        existing = launched["Instances"][0]["InstanceId"]
    return wait_state(clients, str(existing), "running", private)


def update(clients: AwsClients, request: Any) -> pb.Instance:
    instance_id, config = request.id, request.config
    changed = set(request.changed) or IN_PLACE
    blocked = sorted(changed & set(FORCE_NEW))
    if blocked:
        raise errors.InvalidArgument(
            f"changing {blocked[0]} replaces the instance; it cannot be updated in place",
            attribute_path=f"config.{blocked[0]}",
        )
    current = read_one(INSTANCE_READER, clients, instance_id, request.private)
    ec2 = clients.client("ec2")
    if changed & {"name", "tags"}:
        retag_ec2(ec2, instance_id, current, config)
    if "security_group_ids" in changed and config.security_group_ids:
        ec2.modify_instance_attribute(
            InstanceId=instance_id, Groups=list(config.security_group_ids)
        )
    wanted_type = tables.instance_type_for(config.size, config.provider_type)
    if changed & {"size", "provider_type"} and wanted_type != current.provider_type:
        _change_type(clients, instance_id, wanted_type, request.private)
    elif changed & {"size", "provider_type"} and current.state in ("stopping", "stopped"):
        # A resize interrupted after the modify (the core retries the update): finish it.
        wait_state(clients, instance_id, "stopped", request.private)
        ec2.start_instances(InstanceIds=[instance_id])
        wait_state(clients, instance_id, "running", request.private)
    return read_one(INSTANCE_READER, clients, instance_id, request.private)


def _change_type(clients: AwsClients, instance_id: str, instance_type: str, private: bytes) -> None:
    """EC2 changes the type of a stopped instance only: stop, modify, start."""
    ec2 = clients.client("ec2")
    ec2.stop_instances(InstanceIds=[instance_id])
    wait_state(clients, instance_id, "stopped", private)
    ec2.modify_instance_attribute(InstanceId=instance_id, InstanceType={"Value": instance_type})
    ec2.start_instances(InstanceIds=[instance_id])
    wait_state(clients, instance_id, "running", private)


def delete(clients: AwsClients, instance_id: str) -> None:
    read_one(INSTANCE_READER, clients, instance_id)  # NotFound when gone
    clients.client("ec2").terminate_instances(InstanceIds=[instance_id])
    wait_state(clients, instance_id, "terminated", b"")


def for_adoption(clients: AwsClients, instance: pb.Instance) -> pb.Instance:
    """Fills what discovery needs beyond a read: the image alias and the user data."""
    if not instance.image or tables.is_image_id(instance.image):
        instance.image = alias_of_ami(clients, instance.provider_image)
    attribute = clients.client("ec2").describe_instance_attribute(
        InstanceId=instance.id, Attribute="userData"
    )
    encoded = attribute.get("UserData", {}).get("Value", "")
    kept: dict[str, Any] = {"image": instance.image}
    if encoded:
        import base64

        instance.user_data = base64.b64decode(encoded).decode("utf-8", "replace")
        kept["user_data"] = instance.user_data
    instance.private = private_json(kept)
    return instance


# ---------------------------------------------------------------- the kind


def list_instances(clients: AwsClients, filters: Mapping[str, str]) -> Iterator[pb.Instance]:
    for raw in describe(clients, ec2_list_filters(filters, LIST_FILTERS)):
        yield instance_from(raw)


def discover_instances(clients: AwsClients, filters: Mapping[str, str]) -> Iterator[pb.Instance]:
    for instance in list_instances(clients, filters):
        yield for_adoption(clients, instance)


def adopt_instance(clients: AwsClients, instance_id: str) -> pb.Instance:
    return for_adoption(clients, read_one(INSTANCE_READER, clients, instance_id))


def kinds(clients: AwsClients) -> list[KindFunctions]:
    """The compute service's kinds (the SDK generates the servicer from them)."""
    return [
        INSTANCE_READER.bind(
            clients,
            create_fn=partial(create, clients),
            update_fn=partial(update, clients),
            delete_fn=partial(delete, clients),
            list_fn=partial(list_instances, clients),
            discover_fn=partial(discover_instances, clients),
            adopt_fn=partial(adopt_instance, clients),
        )
    ]
