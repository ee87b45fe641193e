"""CDN (CloudFront distributions in front of a bucket) and certificates (ACM).

A distribution's origin is the bucket's website endpoint when the bucket hosts a website
(index/error documents work), else the bucket's REST endpoint. CloudFront is idempotent by
CallerReference, which is the idempotency token. Certificates use DNS validation: a create
returns at once in state pending_validation with the DNS records to publish in provider_data
(issuance waits for those records, which Genesys does not manage). CloudFront only accepts
certificates from us-east-1.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors

from genesys_provider_aws.buckets import website_host
from genesys_provider_aws.clients import AwsClients
from genesys_provider_aws.common import (
    NAME_TAG,
    arns_by_token,
    match_tag_filters,
    struct,
    tag_changes,
    tag_dict,
    tag_list,
    user_tags,
)
from genesys_provider_aws.errors import call_or_none, error_code
from genesys_provider_aws.readers import KindReader, read_each, read_one

CACHING_OPTIMIZED_POLICY = "658327ea-f89d-4fab-a63d-7e88639e58f6"  # AWS managed cache policy
HTTPS_POLICIES = ("redirect-to-https", "https-only")
LIST_FILTERS = ("name",)
_ORIGIN_BUCKET = re.compile(r"^(?P<bucket>[a-z0-9.\-]+?)\.s3[.\-]")


# ---------------------------------------------------------------- certificates


def certificate_from(raw: Mapping[str, Any], tags: dict[str, str]) -> pb.Certificate:
    records = [
        option["ResourceRecord"]
        for option in raw.get("DomainValidationOptions", [])
        if option.get("ResourceRecord")
    ]
    return pb.Certificate(
        id=raw["CertificateArn"],
        name=tags.get(NAME_TAG, ""),
        domain=raw.get("DomainName", ""),
        state=str(raw.get("Status", "")).lower(),
        tags=user_tags(tags, drop_name=True),
        provider_data=struct(
            {
                "validation_records": [
                    {"name": r.get("Name"), "type": r.get("Type"), "value": r.get("Value")}
                    for r in records
                ],
                "in_use_by": raw.get("InUseBy", []),
                "not_after": raw.get("NotAfter"),
            }
        ),
    )


def read_certificate(clients: AwsClients, arn: str) -> pb.Certificate | None:
    acm = clients.client("acm")
    described = call_or_none(
        acm.describe_certificate, "ResourceNotFoundException", CertificateArn=arn
    )
    if described is None:
        return None
    tags = acm.list_tags_for_certificate(CertificateArn=arn).get("Tags", [])
    return certificate_from(described["Certificate"], tag_dict(tags))


def read_certificates(
    clients: AwsClients, ids: list[str], privates: Mapping[str, bytes]
) -> dict[str, Any]:
    return read_each(clients, ids, lambda arn: read_certificate(clients, arn))


def find_certificate_by_token(clients: AwsClients, token: str) -> str | None:
    for arn in arns_by_token(clients, token, ["acm:certificate"]):
        return arn
    return None


CERTIFICATE_READER = KindReader(
    "certificate", "certificate", read_certificates, find_certificate_by_token
)


def create_certificate(
    clients: AwsClients, config: pb.CertificateConfig, token: str
) -> pb.Certificate:
    if not config.domain:
        raise errors.InvalidArgument("a certificate needs a domain", attribute_path="config.domain")
    arn = find_certificate_by_token(clients, token) if token else None
    if arn is None:
        args: dict[str, Any] = {
            "DomainName": config.domain,
            "ValidationMethod": "DNS",
            "Tags": tag_list(config.tags, name=config.name, token=token),
        }
        if token:  # ACM's own token: word characters, at most 32
            args["IdempotencyToken"] = re.sub(r"\W", "", token)[:32] or "genesys"
        arn = clients.client("acm").request_certificate(**args)["CertificateArn"]
    return read_one(CERTIFICATE_READER, clients, str(arn))  # type: ignore[no-any-return]


def delete_certificate(clients: AwsClients, arn: str) -> None:
    read_one(CERTIFICATE_READER, clients, arn)  # NotFound when gone
    clients.client("acm").delete_certificate(CertificateArn=arn)


def list_certificates(clients: AwsClients, filters: Mapping[str, str]) -> Iterator[pb.Certificate]:
    paginator = clients.client("acm").get_paginator("list_certificates")
    arns = [
        summary["CertificateArn"]
        for page in paginator.paginate()
        for summary in page.get("CertificateSummaryList", [])
    ]
    found = read_certificates(clients, arns, {})
    for arn in sorted(found):
        item = found[arn]
        if isinstance(item, Exception):
            raise item
        if match_tag_filters(filters, dict(item.tags), LIST_FILTERS) and (
            not filters.get("name") or item.name in filters["name"].split(",")
        ):
            yield item


# ---------------------------------------------------------------- distributions


def cdn_from(raw: Mapping[str, Any], tags: dict[str, str]) -> pb.Cdn:
    config = raw.get("DistributionConfig", {})
    origins = config.get("Origins", {}).get("Items", [])
    match = _ORIGIN_BUCKET.match(origins[0].get("DomainName", "")) if origins else None
    aliases = config.get("Aliases", {}).get("Items", []) or []
    viewer = config.get("ViewerCertificate", {})
    policy = config.get("DefaultCacheBehavior", {}).get("ViewerProtocolPolicy", "")
    return pb.Cdn(
        id=raw["Id"],
        name=tags.get(NAME_TAG, ""),
        origin_bucket_id=match.group("bucket") if match else "",
        domain=aliases[0] if aliases else "",
        certificate_id=viewer.get("ACMCertificateArn", "") or "",
        endpoint=raw.get("DomainName", ""),
        https=policy in HTTPS_POLICIES,
        tags=user_tags(tags, drop_name=True),
        provider_data=struct(
            {
                "arn": raw.get("ARN"),
                "status": raw.get("Status"),
                "enabled": config.get("Enabled"),
                "origin": origins[0].get("DomainName") if origins else None,
            }
        ),
    )


def read_cdn(clients: AwsClients, cdn_id: str) -> pb.Cdn | None:
    cloudfront = clients.client("cloudfront")
    found = call_or_none(cloudfront.get_distribution, "NoSuchDistribution", Id=cdn_id)
    if found is None:
        return None
    raw = found["Distribution"]
    tags = cloudfront.list_tags_for_resource(Resource=raw["ARN"]).get("Tags", {}).get("Items", [])
    return cdn_from(raw, tag_dict(tags))


def read_cdns(clients: AwsClients, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
    return read_each(clients, ids, lambda cdn_id: read_cdn(clients, cdn_id))


def find_cdn_by_token(clients: AwsClients, token: str) -> str | None:
    # CloudFront is global: its resources are tagged (and found) in us-east-1.
    for arn in arns_by_token(clients, token, ["cloudfront:distribution"], "us-east-1"):
        return arn.rsplit("/", 1)[-1]
    return None


CDN_READER = KindReader("cdn", "cdn", read_cdns, find_cdn_by_token)


def _origin(clients: AwsClients, bucket: str) -> dict[str, Any]:
    s3 = clients.client("s3")
    if call_or_none(s3.head_bucket, "404", "NoSuchBucket", Bucket=bucket) is None:
        raise errors.InvalidArgument(
            f"origin bucket {bucket} does not exist", attribute_path="config.origin_bucket_id"
        )
    origin: dict[str, Any] = {"Id": f"s3-{bucket}"}
    if call_or_none(s3.get_bucket_website, "NoSuchWebsiteConfiguration", Bucket=bucket):
        origin["DomainName"] = website_host(bucket, clients.region)
        origin["CustomOriginConfig"] = {
            "HTTPPort": 80,
            "HTTPSPort": 443,
            "OriginProtocolPolicy": "http-only",  # S3 website endpoints speak HTTP only
        }
    else:
        origin["DomainName"] = f"{bucket}.s3.{clients.region}.amazonaws.com"
        origin["S3OriginConfig"] = {"OriginAccessIdentity": ""}
    return origin


def distribution_config(clients: AwsClients, config: Any, reference: str) -> dict[str, Any]:
    if not config.origin_bucket_id:
        raise errors.InvalidArgument(
            "a cdn needs origin_bucket_id", attribute_path="config.origin_bucket_id"
        )
    origin = _origin(clients, config.origin_bucket_id)
    viewer: dict[str, Any] = {"CloudFrontDefaultCertificate": True}
    if config.certificate_id:
        viewer = {
            "ACMCertificateArn": config.certificate_id,
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": "TLSv1.2_2021",
        }
    aliases = [config.domain] if config.domain else []
    return {
        "CallerReference": reference,
        "Comment": config.name or "managed by genesys",
        "Enabled": True,
        "Aliases": {"Quantity": len(aliases), "Items": aliases},
        "DefaultRootObject": "index.html",
        "Origins": {"Quantity": 1, "Items": [origin]},
        "DefaultCacheBehavior": {
            "TargetOriginId": origin["Id"],
            "ViewerProtocolPolicy": "redirect-to-https" if config.https else "allow-all",
            "CachePolicyId": CACHING_OPTIMIZED_POLICY,
        },
        "ViewerCertificate": viewer,
    }


def create_cdn(clients: AwsClients, config: pb.CdnConfig, token: str) -> pb.Cdn:
    from botocore.exceptions import ClientError

    cloudfront = clients.client("cloudfront")
    wanted = distribution_config(clients, config, token or str(uuid.uuid4()))
    tags = {"Items": tag_list(config.tags, name=config.name, token=token)}
    try:
        created = cloudfront.create_distribution_with_tags(
            DistributionConfigWithTags={"DistributionConfig": wanted, "Tags": tags}
        )
        cdn_id = str(created["Distribution"]["Id"])
    except ClientError as err:
        existing = _existing_for_reference(clients, err, token)
        if existing is None:
            raise
        cdn_id = existing
    return wait_deployed(clients, cdn_id)


def _existing_for_reference(clients: AwsClients, err: Exception, token: str) -> str | None:
    """A CallerReference already used: the distribution our earlier attempt made."""
    if error_code(err) != "DistributionAlreadyExists" or not token:
        return None
    said = re.search(r"Already exists: (\w+)", str(err))
    return said.group(1) if said else find_cdn_by_token(clients, token)


def wait_deployed(clients: AwsClients, cdn_id: str) -> pb.Cdn:
    def probe() -> pb.Cdn | None:
        found = read_cdn(clients, cdn_id)
        if found is None:
            raise errors.NotFound(f"cdn {cdn_id} not found")
        return found if found.provider_data["status"] == "Deployed" else None

    return clients.wait_until(f"cdn {cdn_id} to be deployed", probe)


def update_cdn(clients: AwsClients, request: Any) -> pb.Cdn:
    cloudfront = clients.client("cloudfront")
    current = read_one(CDN_READER, clients, request.id)
    fetched = cloudfront.get_distribution_config(Id=request.id)
    old = fetched["DistributionConfig"]
    new = distribution_config(clients, request.config, old["CallerReference"])
    merged = {**old, **new, "Enabled": old.get("Enabled", True)}
    if merged != old:
        cloudfront.update_distribution(
            Id=request.id, IfMatch=fetched["ETag"], DistributionConfig=merged
        )
    arn = str(current.provider_data["arn"])
    to_set, to_remove = tag_changes(dict(current.tags), dict(request.config.tags))
    if request.config.name != current.name:
        to_set[NAME_TAG] = request.config.name
    if to_set:
        items = [{"Key": k, "Value": v} for k, v in to_set.items()]
        cloudfront.tag_resource(Resource=arn, Tags={"Items": items})
    if to_remove:
        cloudfront.untag_resource(Resource=arn, TagKeys={"Items": to_remove})
    return wait_deployed(clients, request.id)


def delete_cdn(clients: AwsClients, cdn_id: str) -> None:
    """CloudFront deletes only disabled, deployed distributions: disable, wait, delete."""
    read_one(CDN_READER, clients, cdn_id)  # NotFound when gone
    cloudfront = clients.client("cloudfront")
    fetched = cloudfront.get_distribution_config(Id=cdn_id)
    if fetched["DistributionConfig"].get("Enabled"):
        disabled = {**fetched["DistributionConfig"], "Enabled": False}
        cloudfront.update_distribution(
            Id=cdn_id, IfMatch=fetched["ETag"], DistributionConfig=disabled
        )
        wait_deployed(clients, cdn_id)
    etag = cloudfront.get_distribution_config(Id=cdn_id)["ETag"]
    cloudfront.delete_distribution(Id=cdn_id, IfMatch=etag)


def list_cdns(clients: AwsClients, filters: Mapping[str, str]) -> Iterator[pb.Cdn]:
    paginator = clients.client("cloudfront").get_paginator("list_distributions")
    ids = [
        item["Id"]
        for page in paginator.paginate()
        for item in page.get("DistributionList", {}).get("Items", []) or []
    ]
    found = read_cdns(clients, ids, {})
    for cdn_id in sorted(found):
        item = found[cdn_id]
        if isinstance(item, Exception):
            raise item
        if match_tag_filters(filters, dict(item.tags), LIST_FILTERS) and (
            not filters.get("name") or item.name in filters["name"].split(",")
        ):
            yield item
