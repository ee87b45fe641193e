"""S3 buckets: the bucket side of the storage service.

A bucket's settings live behind separate S3 APIs (versioning, encryption, public access block,
policy, lifecycle, website, tagging), so one read is several calls; batch reads run buckets in
parallel on the shared pool. Public means: public access block removed and a bucket policy
granting s3:GetObject to everyone (statement id GenesysPublicRead), what a static site needs.
Whether a bucket is public is read on every refresh, managed or not: privacy is a promise, so
a private bucket opened by hand (block removed, a public policy or ACL) is drift.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors
from genesys_plugin_sdk.handlers import resuming_interrupted

from genesys_provider_aws.batch_lookup import BatchLookup
from genesys_provider_aws.clients import AwsClients
from genesys_provider_aws.common import (
    TOKEN_TAG,
    arns_by_token,
    match_tag_filters,
    private_json,
    read_private,
    struct,
    tag_dict,
    user_tags,
)
from genesys_provider_aws.errors import call_or_none, error_code
from genesys_provider_aws.readers import KindReader, read_each

PUBLIC_SID = "GenesysPublicRead"
LIFECYCLE_RULE_ID = "genesys-expire"
ALL_ATTRIBUTES = frozenset(
    {"versioning", "encryption", "public_access", "lifecycle", "website", "tags"}
)
LIST_FILTERS = ("name", "prefix")
# Read in full when nothing records what the config manages (imported, discovered, listed).
# Public access is not among them: every refresh reads it (`_read_public_access`).
ALL_OPTIONAL_READS = ("tags", "lifecycle", "website")
# ACL grantees that make a bucket public (everyone; any AWS account).
_PUBLIC_GRANTEES = frozenset(
    {
        "http://acs.amazonaws.com/groups/global/AllUsers",
        "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
    }
)
# Regions whose website endpoints use a dash ("s3-website-us-east-1"), not a dot.
_DASH_WEBSITE_REGIONS = frozenset(
    {
        "us-east-1",
        "us-west-1",
        "us-west-2",
        "eu-west-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-northeast-1",
        "sa-east-1",
    }
)


def website_host(name: str, region: str) -> str:
    sep = "-" if region in _DASH_WEBSITE_REGIONS else "."
    return f"{name}.s3-website{sep}{region}.amazonaws.com"


def endpoint_of(clients: AwsClients, name: str, region: str, website: bool) -> str:
    override = clients.endpoint_for("s3")
    if override:
        return f"{override.rstrip('/')}/{name}"
    if website:
        return f"http://{website_host(name, region)}"
    return f"https://{name}.s3.{region}.amazonaws.com"


# ---------------------------------------------------------------- reading


def reads_private(config: pb.BucketConfig, region: str) -> bytes:
    """What a refresh of this bucket must read beyond versioning, encryption and public access
    (always read): the settings the config manages, as separate resources elsewhere are read
    only when declared. Tags when the config sets any; lifecycle and website when set. Kept
    in the record's private bytes."""
    optional = [
        setting
        for setting, managed in (
            ("tags", bool(config.tags)),
            ("lifecycle", config.lifecycle.delete_after_days > 0),
            ("website", bool(config.website.index_document)),
        )
        if managed
    ]
    return private_json({"reads": optional, "region": region})


def read_bucket(clients: AwsClients, name: str, private: bytes = b"") -> pb.Bucket | None:
    """One bucket with its settings, or None when it does not exist.

    With `private` from our own create/update, the bucket is known to exist in a recorded
    region: no HeadBucket (a missing bucket fails GetBucketVersioning with NoSuchBucket), and
    tags, lifecycle and website are read only when managed (`reads_private`). Versioning,
    encryption and public access are always read.
    """
    s3 = clients.client("s3")
    kept = read_private(private)
    optional = kept.get("reads")
    if optional is None:  # imported, discovered or recorded before: read everything
        head = call_or_none(s3.head_bucket, "404", "NoSuchBucket", "NotFound", Bucket=name)
        if head is None:
            return None
        headers = head.get("ResponseMetadata", {}).get("HTTPHeaders", {})
        region = headers.get("x-amz-bucket-region") or clients.region
    else:
        region = str(kept.get("region") or clients.region)
    raw = _read_settings(s3, name, ALL_OPTIONAL_READS if optional is None else optional)
    if raw is None:
        return None
    bucket = _bucket_from(clients, name, region, raw)
    # Without a record of what is managed, what exists now is what later reads read.
    bucket.private = private if optional is not None else _reads_found(bucket, region)
    return bucket


def _read_settings(s3: Any, name: str, optional: Any) -> dict[str, Any] | None:
    """The raw answers of S3's per-setting reads; None when the bucket is gone."""
    versioning = call_or_none(s3.get_bucket_versioning, "NoSuchBucket", Bucket=name)
    if versioning is None:
        return None
    raw: dict[str, Any] = {"versioning": versioning}
    raw["encryption"] = call_or_none(
        s3.get_bucket_encryption, "ServerSideEncryptionConfigurationNotFoundError", Bucket=name
    )
    raw["public"] = _read_public_access(s3, name)
    if "lifecycle" in optional:
        raw["lifecycle"] = call_or_none(
            s3.get_bucket_lifecycle_configuration, "NoSuchLifecycleConfiguration", Bucket=name
        )
    if "website" in optional:
        raw["website"] = call_or_none(
            s3.get_bucket_website, "NoSuchWebsiteConfiguration", Bucket=name
        )
    if "tags" in optional:
        raw["tagging"] = call_or_none(s3.get_bucket_tagging, "NoSuchTagSet", Bucket=name)
    return raw


def _bucket_from(clients: AwsClients, name: str, region: str, raw: dict[str, Any]) -> pb.Bucket:
    algorithm = _algorithm(raw["encryption"])
    site = _website(raw.get("website"))
    tags = tag_dict((raw.get("tagging") or {}).get("TagSet"))
    # Tags unread (none managed): the record is ours (private bytes from our create).
    managed = TOKEN_TAG in tags if "tagging" in raw else True
    return pb.Bucket(
        id=name,
        name=name,
        region=region,
        versioning=raw["versioning"].get("Status") == "Enabled",
        encryption=bool(algorithm),
        encryption_algorithm=algorithm,
        public_access=raw["public"],
        lifecycle=pb.Lifecycle(delete_after_days=_expiry_days(raw.get("lifecycle"))),
        website=site,
        endpoint=endpoint_of(clients, name, region, bool(site.index_document)),
        tags=user_tags(tags),
        provider_data=struct({"arn": f"arn:aws:s3:::{name}", "managed": managed}),
    )


def _reads_found(bucket: pb.Bucket, region: str) -> bytes:
    config = pb.BucketConfig(
        lifecycle=bucket.lifecycle,
        website=bucket.website,
        public_access=bucket.public_access,
        tags=bucket.tags,
    )
    return reads_private(config, region)


def _read_public_access(s3: Any, name: str) -> bool:
    """Whether anyone can read the bucket, in as few calls as the answer allows.

    The public access block first: S3 gives every new bucket one blocking everything (since
    April 2023), so one call answers for a bucket nobody opened. What the block leaves in
    force is read next: the policy through GetBucketPolicyStatus (S3's own judgement of a
    policy, conditions included), then the ACL (grants to AllUsers/AuthenticatedUsers)."""
    block = call_or_none(
        s3.get_public_access_block, "NoSuchPublicAccessBlockConfiguration", Bucket=name
    )
    settings = (block or {}).get("PublicAccessBlockConfiguration", {})
    if not (settings.get("BlockPublicPolicy") or settings.get("RestrictPublicBuckets")):
        status = call_or_none(s3.get_bucket_policy_status, "NoSuchBucketPolicy", Bucket=name)
        if (status or {}).get("PolicyStatus", {}).get("IsPublic"):
            return True
    if settings.get("IgnorePublicAcls"):
        return False
    grants = s3.get_bucket_acl(Bucket=name).get("Grants", [])
    return any(g.get("Grantee", {}).get("URI") in _PUBLIC_GRANTEES for g in grants)


def _algorithm(encryption: Mapping[str, Any] | None) -> str:
    rules = (encryption or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    for rule in rules:
        algorithm = rule.get("ApplyServerSideEncryptionByDefault", {}).get("SSEAlgorithm")
        if algorithm:
            return str(algorithm)
    return ""


def _website(website: Mapping[str, Any] | None) -> pb.Website:
    if not website:
        return pb.Website()
    return pb.Website(
        index_document=website.get("IndexDocument", {}).get("Suffix", ""),
        error_document=website.get("ErrorDocument", {}).get("Key", ""),
    )


def _expiry_days(lifecycle: Mapping[str, Any] | None) -> int:
    rules = (lifecycle or {}).get("Rules", [])
    ours = [r for r in rules if r.get("ID") == LIFECYCLE_RULE_ID] or rules
    for rule in ours:
        days = rule.get("Expiration", {}).get("Days")
        if rule.get("Status") == "Enabled" and days:
            return int(days)
    return 0


def read_many(clients: AwsClients, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
    return read_each(clients, ids, lambda name: read_bucket(clients, name, privates.get(name, b"")))


def find_by_token(clients: AwsClients, token: str) -> str | None:
    for arn in arns_by_token(clients, token, ["s3"]):
        return arn.rsplit(":", 1)[-1]
    return None


READER = KindReader("bucket", "bucket", read_many, find_by_token)


def list_buckets(clients: AwsClients, filters: Mapping[str, str]) -> Iterator[pb.Bucket]:
    prefix = filters.get("prefix", "")
    wanted = set(filters["name"].split(",")) if filters.get("name") else None
    match_tag_filters({k: v for k, v in filters.items() if k != "prefix"}, {}, LIST_FILTERS)
    names = [
        b["Name"]
        for b in clients.client("s3").list_buckets().get("Buckets", [])
        if b["Name"].startswith(prefix) and (wanted is None or b["Name"] in wanted)
    ]
    found = read_many(clients, names, {})
    for name in sorted(found):
        bucket = found[name]
        if isinstance(bucket, Exception):
            raise bucket
        if match_tag_filters(filters, dict(bucket.tags), LIST_FILTERS):
            yield bucket


# ---------------------------------------------------------------- writing


def create_bucket(clients: AwsClients, config: pb.BucketConfig, token: str) -> pb.Bucket:
    name = config.name
    if not name:
        raise errors.InvalidArgument("a bucket needs a name", attribute_path="config.name")
    s3 = clients.client("s3")
    made: dict[str, str] = clients.cache.setdefault("buckets-made", {})
    if made.get(name) != token or not token:
        if _owned_already(clients, name) or not _make_bucket(clients, name):
            _claim_existing(s3, name, token)
        if token:  # an in-run retry of this create claims it even before its tags exist
            made[name] = token
    apply_settings(clients, name, config, token, ALL_ATTRIBUTES, creating=True)
    return bucket_from_config(clients, config)


def _owned_already(clients: AwsClients, name: str) -> bool:
    """Whether this account already has a bucket of that name, asked only in us-east-1.

    Elsewhere CreateBucket answers BucketAlreadyOwnedByYou; in us-east-1 it answers 200 for
    a bucket we own (legacy behaviour), so a re-create would silently take over a bucket made
    outside this create. Concurrent creates share one ListBuckets (not a HeadBucket each);
    without s3:ListAllMyBuckets, HeadBucket."""
    if clients.region != "us-east-1":
        return False
    lookup = clients.cache.get("bucket-owned-lookup")
    if lookup is None:
        fresh = BatchLookup(partial(_owned_among, clients), max_batch=1000, linger=0.01)
        lookup = clients.cache.setdefault("bucket-owned-lookup", fresh)
    return bool(lookup.get(name))


def _owned_among(clients: AwsClients, names: list[str]) -> dict[str, bool]:
    from botocore.exceptions import ClientError

    s3 = clients.client("s3")
    try:
        owned = _all_bucket_names(s3)
    except ClientError as err:
        if error_code(err) not in ("AccessDenied", "403"):
            raise
        head = partial(call_or_none, s3.head_bucket, "404", "NoSuchBucket", "NotFound")
        return {name: head(Bucket=name) is not None for name in names}
    return {name: name in owned for name in names}


def _all_bucket_names(s3: Any) -> set[str]:
    names: set[str] = set()
    kwargs: dict[str, Any] = {}
    while True:
        page = s3.list_buckets(**kwargs)
        names.update(b["Name"] for b in page.get("Buckets", []))
        if not page.get("ContinuationToken"):
            return names
        kwargs["ContinuationToken"] = page["ContinuationToken"]


def _claim_existing(s3: Any, name: str, token: str) -> None:
    """A bucket of that name exists: ours from an earlier attempt with this token, or a clash."""
    tagging = call_or_none(s3.get_bucket_tagging, "NoSuchTagSet", Bucket=name)
    if token and tag_dict((tagging or {}).get("TagSet")).get(TOKEN_TAG) == token:
        return
    # A run killed between CreateBucket and PutBucketTagging (S3 cannot tag at creation
    # everywhere) leaves a bucket with no tags at all. Only the core resuming that very
    # create (same token, resume_interrupted) may claim it; otherwise it may be the user's.
    if token and not (tagging or {}).get("TagSet") and resuming_interrupted():
        return
    raise errors.AlreadyExists(
        f"bucket {name} already exists and carries no {TOKEN_TAG} tag of this run; if an "
        f"interrupted Genesys run made it, adopt it with `genesys import ADDRESS {name}`",
        attribute_path="config.name",
    )


def _make_bucket(clients: AwsClients, name: str) -> bool:
    """Creates the bucket; False when this account already owns one of that name."""
    from botocore.exceptions import ClientError

    args: dict[str, Any] = {"Bucket": name}
    if clients.region != "us-east-1":
        args["CreateBucketConfiguration"] = {"LocationConstraint": clients.region}
    try:
        clients.client("s3").create_bucket(**args)
        return True
    except ClientError as err:
        if error_code(err) == "BucketAlreadyOwnedByYou":
            return False
        if error_code(err) == "BucketAlreadyExists":
            raise errors.AlreadyExists(
                f"bucket name {name} is taken (bucket names are global across AWS)",
                attribute_path="config.name",
                provider_code="BucketAlreadyExists",
            ) from err
        raise


def bucket_from_config(clients: AwsClients, config: pb.BucketConfig) -> pb.Bucket:
    """What a create made, without reading it back (the settings were just written)."""
    return pb.Bucket(
        id=config.name,
        name=config.name,
        region=clients.region,
        versioning=config.versioning,
        encryption=config.encryption,
        encryption_algorithm="AES256" if config.encryption else "",
        public_access=config.public_access,
        lifecycle=pb.Lifecycle(delete_after_days=config.lifecycle.delete_after_days),
        website=pb.Website(
            index_document=config.website.index_document,
            error_document=config.website.error_document if config.website.index_document else "",
        ),
        endpoint=endpoint_of(
            clients, config.name, clients.region, bool(config.website.index_document)
        ),
        tags=dict(config.tags),
        provider_data=struct({"arn": f"arn:aws:s3:::{config.name}", "managed": True}),
        private=reads_private(config, clients.region),
    )


def apply_settings(
    clients: AwsClients,
    name: str,
    config: pb.BucketConfig,
    token: str,
    changed: frozenset[str] | set[str],
    *,
    creating: bool = False,
) -> None:
    """Writes the `changed` settings. On create, settings at their S3 default are skipped.

    S3 has one call per setting, so a new bucket's settings, its tags among them, are written
    at once on the shared pool. The token tag need not go first: a retry in this process
    knows the bucket it made (`create_bucket`), and a crash before the tag is resumed
    (resume_interrupted claims the untagged bucket).
    """
    s3 = clients.client("s3")
    writes = _setting_writes(s3, name, config, changed, creating)
    if "tags" in changed:
        writes.insert(0, partial(_put_tags, s3, name, dict(config.tags), token))
    if not creating or len(writes) < 2:
        for write in writes:
            write()
        return
    for _, result in clients.fan_out(lambda write: write(), writes):
        if isinstance(result, Exception):
            raise result


def _setting_writes(
    s3: Any, name: str, config: pb.BucketConfig, changed: frozenset[str] | set[str], creating: bool
) -> list[Callable[[], None]]:
    writes: list[Callable[[], None]] = []
    if "versioning" in changed and (config.versioning or not creating):
        status = "Enabled" if config.versioning else "Suspended"
        writes.append(
            partial(
                s3.put_bucket_versioning, Bucket=name, VersioningConfiguration={"Status": status}
            )
        )
    if "encryption" in changed and (config.encryption or not creating):
        writes.append(partial(_put_encryption, s3, name, config.encryption))
    # New buckets block public access (S3's default since April 2023): private needs no write.
    if "public_access" in changed and (config.public_access or not creating):
        writes.append(partial(_put_public_access, s3, name, config.public_access, creating))
    if "lifecycle" in changed and (config.lifecycle.delete_after_days or not creating):
        writes.append(partial(_put_lifecycle, s3, name, config.lifecycle.delete_after_days))
    if "website" in changed and (config.website.index_document or not creating):
        writes.append(partial(_put_website, s3, name, config.website))
    return writes


def _put_tags(s3: Any, name: str, tags: dict[str, str], token: str) -> None:
    if token:
        tags[TOKEN_TAG] = token
    if tags:
        tag_set = [{"Key": k, "Value": v} for k, v in tags.items()]
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_set})
    else:
        s3.delete_bucket_tagging(Bucket=name)


def _put_encryption(s3: Any, name: str, enabled: bool) -> None:
    if enabled:
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]})
    else:
        s3.delete_bucket_encryption(Bucket=name)


def _put_public_access(s3: Any, name: str, public: bool, creating: bool) -> None:
    if not public:
        flags = (
            "BlockPublicAcls",
            "IgnorePublicAcls",
            "BlockPublicPolicy",
            "RestrictPublicBuckets",
        )
        s3.put_public_access_block(
            Bucket=name, PublicAccessBlockConfiguration=dict.fromkeys(flags, True)
        )
        if not creating:
            s3.delete_bucket_policy(Bucket=name)
        return
    s3.delete_public_access_block(Bucket=name)
    statement = {
        "Sid": PUBLIC_SID,
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{name}/*",
    }
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))


def _put_lifecycle(s3: Any, name: str, days: int) -> None:
    if days <= 0:
        s3.delete_bucket_lifecycle(Bucket=name)
        return
    rule = {
        "ID": LIFECYCLE_RULE_ID,
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "Expiration": {"Days": days},
        "NoncurrentVersionExpiration": {"NoncurrentDays": days},
    }
    s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": [rule]})


def _put_website(s3: Any, name: str, website: pb.Website) -> None:
    if not website.index_document:
        s3.delete_bucket_website(Bucket=name)
        return
    config: dict[str, Any] = {"IndexDocument": {"Suffix": website.index_document}}
    if website.error_document:
        config["ErrorDocument"] = {"Key": website.error_document}
    s3.put_bucket_website(Bucket=name, WebsiteConfiguration=config)


def update_bucket(clients: AwsClients, request: Any) -> pb.Bucket:
    name = request.id
    if request.config.name and request.config.name != name:
        raise errors.InvalidArgument(
            "renaming a bucket replaces it; it cannot be updated in place",
            attribute_path="config.name",
        )
    current = read_bucket(clients, name)
    if current is None:
        raise errors.NotFound(f"bucket {name} not found")
    changed = {c.split(".")[0] for c in request.changed} or set(ALL_ATTRIBUTES)
    token = tag_dict(_tag_set(clients, name)).get(TOKEN_TAG, "")
    apply_settings(clients, name, request.config, token, changed & ALL_ATTRIBUTES)
    updated = read_bucket(clients, name, reads_private(request.config, current.region))
    if updated is None:
        raise errors.NotFound(f"bucket {name} not found")
    return updated


def _tag_set(clients: AwsClients, name: str) -> list[dict[str, str]]:
    tagging = call_or_none(clients.client("s3").get_bucket_tagging, "NoSuchTagSet", Bucket=name)
    return list((tagging or {}).get("TagSet", []))


def delete_bucket(clients: AwsClients, name: str) -> None:
    from botocore.exceptions import ClientError

    try:
        clients.client("s3").delete_bucket(Bucket=name)
    except ClientError as err:
        if error_code(err) == "BucketNotEmpty":
            raise errors.FailedPrecondition(
                f"bucket {name} is not empty; empty it (all object versions) before deleting",
                provider_code="BucketNotEmpty",
            ) from err
        raise
