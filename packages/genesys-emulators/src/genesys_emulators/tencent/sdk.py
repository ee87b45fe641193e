"""The few lines that point Tencent's real SDKs at this emulator (tests and docs use them).

    api_client("cvm", ready["sdk"]["cvm"])   # tencentcloud.cvm.v20170312.cvm_client.CvmClient
    call(ready["sdk"]["cvm"], "cvm", "DescribeInstances", {})  # one typed call, JSON back
    cos_client(ready["sdk"]["cos"])          # qcloud_cos.CosS3Client, virtual-host style

Only the endpoint changes: the SDK still signs with TC3-HMAC-SHA256 (API 3.0) or q-sign (COS).
Imported lazily, so the emulator itself never loads an SDK.
"""

from __future__ import annotations

import importlib
from typing import Any

# sdk key → (module under tencentcloud, API version module, client class)
PRODUCTS = {
    "cvm": ("cvm", "v20170312", "CvmClient"),
    "cbs": ("cbs", "v20170312", "CbsClient"),
    "vpc": ("vpc", "v20170312", "VpcClient"),
    "postgres": ("postgres", "v20170312", "PostgresClient"),
    "scf": ("scf", "v20180416", "ScfClient"),
    "cam": ("cam", "v20190116", "CamClient"),
    "clb": ("clb", "v20180317", "ClbClient"),
    "cdb": ("cdb", "v20170320", "CdbClient"),
    "mongodb": ("mongodb", "v20190725", "MongodbClient"),
    "cdn": ("cdn", "v20180606", "CdnClient"),
    "ssl": ("ssl", "v20191205", "SslClient"),
}

GENERIC = {"tag": "2018-08-13"}


def api_client(
    product: str,
    url: str,
    region: str = "ap-guangzhou",
    secret_id: str = "AKIDtest",
    secret_key: str = "test",
) -> Any:
    from tencentcloud.common import credential
    from tencentcloud.common.common_client import CommonClient
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile

    profile = ClientProfile(httpProfile=HttpProfile(protocol="http", endpoint=url.split("://")[-1]))
    key = credential.Credential(secret_id, secret_key)
    if product in GENERIC:  # no per-product package installed: the SDK's generic client
        return CommonClient(product, GENERIC[product], key, region, profile)
    name, version, cls = PRODUCTS[product]
    module = importlib.import_module(f"tencentcloud.{name}.{version}.{name}_client")
    return getattr(module, cls)(key, region, profile)


def models(product: str) -> Any:
    name, version, _ = PRODUCTS[product]
    return importlib.import_module(f"tencentcloud.{name}.{version}.models")


def call(url: str, product: str, action: str, params: dict[str, Any]) -> dict[str, Any]:
    """One API 3.0 call through the real SDK: the typed `<Action>Request` model built from
    `params` (so a misspelt parameter fails as it would for a user), the response as JSON;
    the generic client's JSON call for products without a package (`tag`)."""
    import json

    client = api_client(product, url)
    if product in GENERIC:
        return dict(client.call_json(action, params)["Response"])
    request = getattr(models(product), f"{action}Request")()
    request.from_json_string(json.dumps(params))
    return dict(json.loads(getattr(client, action)(request).to_json_string()))


def cos_client(
    url: str,
    region: str = "ap-guangzhou",
    secret_id: str = "AKIDtest",
    secret_key: str = "test",
    retry: int = 1,
) -> Any:
    """Requests go to the emulator's IP and port; the Host header stays
    `<bucket>.cos.<region>.myqcloud.com`, which names the bucket (virtual-host style)."""
    from qcloud_cos import CosConfig, CosS3Client

    host, _, port = url.split("://")[-1].partition(":")
    config = CosConfig(
        Region=region,
        SecretId=secret_id,
        SecretKey=secret_key,
        Scheme="http",
        IP=host,
        Port=int(port),
        ServiceDomain=f"{host}:{port}",
    )
    return CosS3Client(config, retry=retry)
