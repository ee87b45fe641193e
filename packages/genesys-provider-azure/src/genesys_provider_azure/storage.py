"""Buckets: a blob container in a storage account of its own.

The account's name is derived from the bucket's (tables.storage_account_name: its letters
and digits + 8 hex digits of a hash of subscription/group/bucket), because account names are
3-24 lower-case letters and digits and unique across all of Azure; the container keeps the
bucket's name. Versioning is the blob service's, lifecycle a management policy, public
access the account's switch plus the container's level. Azure Storage always encrypts at
rest: `encryption` is recorded as asked (the plan warns when it says false).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from genesys.provider.v1 import common_pb2 as pb
from genesys_plugin_sdk import errors

from genesys_provider_azure import tables
from genesys_provider_azure.common import (
    AzureKind,
    absent,
    apply_filters,
    arm_ids,
    as_private,
    group_of,
    parse_id,
    private_json,
    sdk_models,
    system_tags,
    tags_with_token,
    token_of,
    user_tags,
)

BUCKET_TAG = "genesys-bucket"
WEBSITE_TAG = "genesys-website"
WEB_CONTAINER = "$web"  # a static website is served from this container only
LIFECYCLE_RULE = "genesys-expire"


class Buckets(AzureKind):
    field = "bucket"
    service = "storage"

    def account_for(self, bucket: str) -> str:
        return tables.storage_account_name(bucket, self.clients.subscription, self.clients.group)

    def create(self, config: pb.BucketConfig, token: str) -> pb.Bucket:
        models = sdk_models("storage")
        problem = tables.name_problem("blob container", config.name)
        if problem:
            raise errors.InvalidArgument(problem, attribute_path="config.name")
        api, group, account = self._api(), self.clients.group, self.account_for(config.name)
        existing = self.taken(
            lambda: api.storage_accounts.get_properties(group, account), token, "storage account"
        )
        if existing is None:
            api.storage_accounts.begin_create(
                group,
                account,
                models.StorageAccountCreateParameters(
                    sku=models.Sku(name="Standard_LRS"),
                    kind="StorageV2",
                    location=self.clients.location,
                    minimum_tls_version="TLS1_2",
                    enable_https_traffic_only=True,
                    allow_blob_public_access=config.public_access,
                    tags={**tags_with_token(config.tags, token), **_own_tags(config)},
                ),
            ).result()
        self._configure(group, account, config)
        return self._read(
            group, account, _container_of(config), as_private({"encryption": config.encryption})
        )

    def _configure(self, group: str, account: str, config: Any) -> None:
        models = sdk_models("storage")
        api = self._api()
        api.blob_services.set_service_properties(
            group, account, models.BlobServiceProperties(is_versioning_enabled=config.versioning)
        )
        access = "Blob" if config.public_access else "None"
        if _has_website(config):
            self._set_website(group, account, config)  # Azure makes the $web container
        else:
            api.blob_containers.create(
                group, account, config.name, models.BlobContainer(public_access=access)
            )
        days = config.lifecycle.delete_after_days if config.HasField("lifecycle") else 0
        if days:
            api.management_policies.create_or_update(
                group, account, "default", _policy(models, config.name, days)
            )
        else:
            api.management_policies.delete(group, account, "default")

    def _data_plane(self, group: str, account: str) -> Any:
        """The account's blob service (static website settings live there, not in ARM),
        with the account key: Entra ID tokens would need https against an emulator too."""
        from azure.storage.blob import BlobServiceClient

        listed_keys = self._api().storage_accounts.list_keys(group, account)
        key = listed_keys["keys"][0]["value"]
        url = self.clients.settings.account_blob_endpoint.format(account=account)
        return BlobServiceClient(
            url,
            credential={"account_name": account, "account_key": key},
            retry_total=self.clients.settings.retry_total,
        )

    def _set_website(self, group: str, account: str, config: Any) -> None:
        from azure.storage.blob import StaticWebsite

        website = config.website
        self._data_plane(group, account).set_service_properties(
            static_website=StaticWebsite(
                enabled=True,
                index_document=website.index_document,
                error_document404_path=website.error_document or None,
            )
        )

    def _website(self, group: str, account: str) -> pb.Website:
        found = self._data_plane(group, account).get_service_properties()["static_website"]
        if not found or not found.enabled:
            return pb.Website()
        return pb.Website(
            index_document=found.index_document or "",
            error_document=found.error_document404_path or "",
        )

    def read_many(self, ids: list[str], privates: Mapping[str, bytes]) -> dict[str, Any]:
        ids = arm_ids(ids)
        found: dict[str, Any] = {}
        for resource_id in ids:
            parts = parse_id(resource_id)
            if not parts.get("storageaccounts") or not parts.get("containers"):
                continue  # not a bucket's id: names nothing
            bucket = self._read_or_none(
                parts.get("resourcegroups", ""),
                parts.get("storageaccounts", ""),
                parts.get("containers", ""),
                privates.get(resource_id, b""),
            )
            if bucket is not None:
                found[resource_id] = bucket
        return found

    def _read_or_none(self, group: str, account: str, name: str, private: bytes) -> Any:
        from azure.core.exceptions import ResourceNotFoundError

        try:
            return self._read(group, account, name, private)
        except ResourceNotFoundError:
            return None

    def _read(self, group: str, account: str, name: str, private: bytes) -> pb.Bucket:
        api = self._api()
        props = api.storage_accounts.get_properties(group, account)
        container = api.blob_containers.get(group, account, name)
        website = self._website(group, account) if name == WEB_CONTAINER else pb.Website()
        endpoint = (
            props.primary_endpoints.web
            if name == WEB_CONTAINER
            else f"{props.primary_endpoints.blob}{name}"
        )
        service = api.blob_services.get_service_properties(group, account)
        policy = absent(lambda: api.management_policies.get(group, account, "default"))
        days = 0
        for rule in policy.policy.rules if policy is not None and policy.policy else []:
            delete = (
                rule.definition.actions.base_blob.delete
                if rule.definition.actions.base_blob
                else None
            )
            if rule.name == LIFECYCLE_RULE and delete is not None:
                days = int(delete.days_after_modification_greater_than or 0)
        public = bool(props.allow_blob_public_access) and container.public_access not in (
            None,
            "None",
        )
        return pb.Bucket(
            id=container.id,
            name=(props.tags or {}).get(BUCKET_TAG, name),
            region=props.location,
            versioning=bool(service.is_versioning_enabled),
            encryption=bool(private_json(private).get("encryption", True)),
            encryption_algorithm="Microsoft.Storage (AES-256, always on)",
            public_access=public,
            lifecycle=pb.Lifecycle(delete_after_days=days),
            website=website,
            endpoint=endpoint,
            tags=user_tags(props.tags),
            private=private,
        )

    def find_by_token(self, token: str) -> str | None:
        for account in self._api().storage_accounts.list_by_resource_group(self.clients.group):
            if token_of(account.tags) == token and (account.tags or {}).get(BUCKET_TAG):
                container = _container_of_tags(account.tags)
                return f"{account.id}/blobServices/default/containers/{container}"
        return None

    def update(self, request: Any) -> pb.Bucket:
        models = sdk_models("storage")
        parts = parse_id(request.id)
        group, account = parts["resourcegroups"], parts["storageaccounts"]
        config = request.config
        current = self._api().storage_accounts.get_properties(group, account)
        self._api().storage_accounts.update(
            group,
            account,
            models.StorageAccountUpdateParameters(
                allow_blob_public_access=config.public_access,
                tags={**system_tags(current.tags), **dict(config.tags), **_own_tags(config)},
            ),
        )
        self._configure(group, account, config)
        private = as_private({"encryption": config.encryption})
        return self._read(group, account, _container_of(config), private)

    def delete(self, resource_id: str) -> None:
        parts = parse_id(resource_id)
        group, account = parts.get("resourcegroups", ""), parts.get("storageaccounts", "")
        if absent(lambda: self._api().storage_accounts.get_properties(group, account)) is None:
            raise errors.NotFound(f"storage account {account} does not exist")
        # The account exists for this bucket alone: deleting it deletes the container.
        self._api().storage_accounts.delete(group, account)

    @apply_filters
    def list(self, filters: Mapping[str, str]) -> Iterable[pb.Bucket]:
        group = self.clients.group
        return [
            self._read(group, a.name, _container_of_tags(a.tags), b"")
            for a in self._api().storage_accounts.list_by_resource_group(group)
            if (a.tags or {}).get(BUCKET_TAG)
        ]


def _has_website(config: Any) -> bool:
    return config.HasField("website") and bool(config.website.index_document)


def _container_of(config: Any) -> str:
    return WEB_CONTAINER if _has_website(config) else str(config.name)


def _container_of_tags(tags: Mapping[str, str]) -> str:
    return WEB_CONTAINER if tags.get(WEBSITE_TAG) == "true" else tags[BUCKET_TAG]


def _own_tags(config: Any) -> dict[str, str]:
    tags = {BUCKET_TAG: config.name}
    if _has_website(config):
        tags[WEBSITE_TAG] = "true"
    return tags


def _policy(models: Any, container: str, days: int) -> Any:
    rule = models.ManagementPolicyRule(
        name=LIFECYCLE_RULE,
        type="Lifecycle",
        enabled=True,
        definition=models.ManagementPolicyDefinition(
            actions=models.ManagementPolicyAction(
                base_blob=models.ManagementPolicyBaseBlob(
                    delete=models.DateAfterModification(days_after_modification_greater_than=days)
                )
            ),
            filters=models.ManagementPolicyFilter(
                blob_types=["blockBlob"], prefix_match=[f"{container}/"]
            ),
        ),
    )
    return models.ManagementPolicy(policy=models.ManagementPolicySchema(rules=[rule]))


__all__ = ["Buckets", "group_of"]
