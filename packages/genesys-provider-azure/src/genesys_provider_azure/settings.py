"""The `providers.azure` block: where the subscription is and how to reach it.

Without `credential: emulator`, credentials come from azure-identity's DefaultAzureCredential
(environment, workload identity, managed identity, Azure CLI, ...), and endpoints are
Azure's own. `genesys-emulator azure` prints a block with its endpoints and
`credential: emulator`, which sends a stand-in bearer token over plain http.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.schema import number_setting, settings_dict

from genesys_provider_azure import tables

SETTINGS: tuple[tuple[str, str, str], ...] = (
    ("subscription_id", "string", "subscription (else AZURE_SUBSCRIPTION_ID)"),
    ("tenant_id", "string", "tenant (else AZURE_TENANT_ID); informational"),
    ("location", "string", "Azure location, e.g. eastus (else the config's region)"),
    ("resource_group", "string", "resource group for everything (default genesys-<project>)"),
    ("credential", "string", "default (DefaultAzureCredential) or emulator"),
    ("arm_endpoint", "string", "Resource Manager URL (default https://management.azure.com)"),
    ("kudu_endpoint", "string", "zip-deploy URL template with {site}"),
    ("functions_endpoint", "string", "Function App URL template with {site}"),
    ("blob_endpoint", "string", "blob service URL for the state backend (else the account's)"),
    ("account_blob_endpoint", "string", "a storage account's blob URL, template with {account}"),
    ("blob_account", "string", "storage account name the blob endpoint serves"),
    ("blob_key", "string", "shared key for blob_endpoint (emulator); else Entra ID"),
    ("poll_interval", "number", "seconds between long-running-operation polls (default 5)"),
    ("retry_total", "int", "SDK retries per call before the core's own retries (default 3)"),
)
KNOWN = tuple(name for name, _, _ in SETTINGS)
ARM = "https://management.azure.com"


@dataclass(frozen=True)
class AzureSettings:
    subscription_id: str
    location: str
    resource_group: str
    emulator: bool = False
    arm_endpoint: str = ARM
    kudu_endpoint: str = "https://{site}.scm.azurewebsites.net"
    functions_endpoint: str = "https://{site}.azurewebsites.net"
    blob_endpoint: str = ""
    account_blob_endpoint: str = "https://{account}.blob.core.windows.net"
    blob_account: str = ""
    blob_key: str = ""
    tenant_id: str = ""
    poll_interval: float = 5.0
    retry_total: int = 3


def from_request(request: Any) -> AzureSettings:
    """AzureSettings from a ConfigureRequest; InvalidArgument naming the setting otherwise."""
    raw = settings_dict(request, KNOWN, "azure")
    credential = str(raw.get("credential", "default"))
    if credential not in ("default", "emulator"):
        raise errors.InvalidArgument(
            f"credential must be default or emulator, not {credential!r}",
            attribute_path="settings.credential",
        )
    for name in (
        "arm_endpoint",
        "blob_endpoint",
        "kudu_endpoint",
        "functions_endpoint",
        "account_blob_endpoint",
    ):
        url = str(raw.get(name, ""))
        if url and not url.startswith(("http://", "https://")):
            raise errors.InvalidArgument(
                f"{name} {url!r} must be an http:// or https:// URL",
                attribute_path=f"settings.{name}",
            )
    if credential == "default" and str(raw.get("arm_endpoint", "")).startswith("http://"):
        raise errors.InvalidArgument(
            "a real credential's token is never sent over plain http: use an https "
            "arm_endpoint, or credential: emulator for genesys-emulator azure",
            attribute_path="settings.credential",
        )
    location = str(raw.get("location") or request.region or tables.DEFAULT_LOCATION)
    optional = {
        k: str(raw[k])
        for k in (
            "arm_endpoint",
            "kudu_endpoint",
            "functions_endpoint",
            "blob_endpoint",
            "account_blob_endpoint",
            "blob_account",
            "blob_key",
            "tenant_id",
        )
        if raw.get(k)
    }
    return AzureSettings(
        subscription_id=str(
            raw.get("subscription_id") or os.environ.get("AZURE_SUBSCRIPTION_ID", "")
        ),
        location=location.lower().replace(" ", ""),
        resource_group=str(raw.get("resource_group") or default_group(request)),
        emulator=credential == "emulator",
        poll_interval=number_setting(raw, "poll_interval", 5.0),
        retry_total=int(number_setting(raw, "retry_total", 3)),
        **optional,  # type: ignore[arg-type]
    )


def default_group(request: Any) -> str:
    """genesys-<project>: the config's project, else its directory's name, made valid."""
    project = request.project or Path(request.working_dir or ".").resolve().name or "default"
    cleaned = re.sub(r"[^-\w.()]", "-", project).strip(".")[:80] or "default"
    return f"genesys-{cleaned}"
