"""Tencent Cloud clients: settings from Configure, one SDK client per product, calls, waits.

The SDKs (tencentcloud-sdk-python-* and cos-python-sdk-v5) are imported lazily, so plugin
start and GetMetadata/GetSchema stay cheap. Endpoints come from the provider block's
`endpoints` (per product: cvm, cbs, vpc, clb, postgres, cdb, scf, cdn, ssl, cam, cos); without
one a product uses Tencent's own domain. Credentials: `secret_id`/`secret_key` settings, else
TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY (and TENCENTCLOUD_SESSION_TOKEN), else the
profile file ~/.tencentcloud/credentials. The CVM role on the metadata server is not tried:
no code path reaches a network address the user did not give.
"""

from __future__ import annotations

import importlib
import os
import random
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.client_cache import ClientCache
from genesys_plugin_sdk.reads import ReadPool
from genesys_plugin_sdk.schema import number_setting, settings_dict
from genesys_plugin_sdk.waiters import WaitTiming

from genesys_provider_tencent.errors import ApiError, api_error, error_code

T = TypeVar("T")
DEFAULT_REGION = "ap-guangzhou"
# Tencent region names: ap-guangzhou, na-siliconvalley, eu-frankfurt, ap-shenzhen-fsi, ...
REGION_NAME = re.compile(r"^[a-z]{2}-[a-z]+(-fsi)?$")
SETTING_KEYS = frozenset(
    {"region", "secret_id", "secret_key", "token", "endpoints", "poll_interval", "wait_timeout"}
)
# sdk key -> (package under tencentcloud, API version module, client class)
PRODUCTS: dict[str, tuple[str, str, str]] = {
    "cvm": ("cvm", "v20170312", "CvmClient"),
    "cbs": ("cbs", "v20170312", "CbsClient"),
    "vpc": ("vpc", "v20170312", "VpcClient"),
    "clb": ("clb", "v20180317", "ClbClient"),
    "postgres": ("postgres", "v20170312", "PostgresClient"),
    "cdb": ("cdb", "v20170320", "CdbClient"),
    "mongodb": ("mongodb", "v20190725", "MongodbClient"),
    "scf": ("scf", "v20180416", "ScfClient"),
    "cdn": ("cdn", "v20180606", "CdnClient"),
    "ssl": ("ssl", "v20191205", "SslClient"),
    "cam": ("cam", "v20190116", "CamClient"),
}
# Products whose per-product package is not installed: the SDK's CommonClient speaks them.
GENERIC_PRODUCTS: dict[str, str] = {"tag": "2018-08-13"}
TRANSIENT = (
    "SlowDown",
    "InternalError",
    "ServiceUnavailable",
    "ClientNetworkError",
    "RequestTimeout",
)
RETRIES = 8
NO_CREDENTIALS = (
    "no Tencent Cloud credentials: set providers.tencent.secret_id and secret_key, or "
    "TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or ~/.tencentcloud/credentials"
)


@dataclass
class TencentSettings:
    """What Configure set. Defaults suit the real cloud; the emulator's settings shorten waits."""

    region: str = DEFAULT_REGION
    secret_id: str = ""
    secret_key: str = ""
    token: str = ""
    endpoints: dict[str, str] = field(default_factory=dict)
    poll_interval: float = 2.0
    wait_timeout: float = 1800.0


def settings_from_request(request: Any) -> TencentSettings:
    """TencentSettings from a ConfigureRequest; InvalidArgument (with the path) on bad values.

    `providers.tencent.region` wins over the config's top-level region (which may name another
    cloud's region when one file serves several providers)."""
    raw = settings_dict(request, SETTING_KEYS, "tencent")
    endpoints = {str(k): str(v) for k, v in dict(raw.get("endpoints") or {}).items()}
    endpoints.update(dict(request.endpoints))
    for product, url in endpoints.items():
        if product not in PRODUCTS and product not in GENERIC_PRODUCTS and product != "cos":
            known = ", ".join([*PRODUCTS, *GENERIC_PRODUCTS, "cos"])
            raise errors.InvalidArgument(
                f"unknown Tencent Cloud product {product!r} in endpoints; known: {known}",
                attribute_path=f"endpoints.{product}",
            )
        if not url.startswith(("http://", "https://")):
            raise errors.InvalidArgument(
                f"endpoint {url!r} must be an http:// or https:// URL",
                attribute_path=f"endpoints.{product}",
            )
    region = str(raw.get("region") or request.region or DEFAULT_REGION)
    if not REGION_NAME.match(region):
        path = "settings.region" if raw.get("region") else "region"
        raise errors.InvalidArgument(
            f"{region!r} is not a Tencent Cloud region (e.g. ap-guangzhou, na-ashburn); set "
            "providers.tencent.region",
            attribute_path=path,
        )
    return TencentSettings(
        region=region,
        secret_id=str(raw.get("secret_id", "")),
        secret_key=str(raw.get("secret_key", "")),
        token=str(raw.get("token", "")),
        endpoints=endpoints,
        poll_interval=number_setting(raw, "poll_interval", 2.0),
        wait_timeout=number_setting(raw, "wait_timeout", 1800.0),
    )


class TencentClients:
    """Shared by every servicer of one plugin process. Thread-safe."""

    def __init__(self, settings: TencentSettings | None = None) -> None:
        self._lock = threading.Lock()
        self._settings = settings or TencentSettings(region=_env_region())
        self._clients = ClientCache()
        self.pool = ReadPool(max_workers=16, name="tencent-read")
        self.cache = ClientCache()  # facts that hold for a run: APPID, default subnets

    @property
    def settings(self) -> TencentSettings:
        return self._settings

    @property
    def region(self) -> str:
        return self._settings.region

    def configure(self, settings: TencentSettings) -> None:
        with self._lock:
            self._settings = settings
            self._clients.clear()
            self.cache.clear()

    def timing(self) -> WaitTiming:
        poll = self._settings.poll_interval
        return WaitTiming(
            first_delay=min(poll, 0.2), max_delay=poll or 0.05, timeout=self._settings.wait_timeout
        )

    # ------------------------------------------------------------ credentials

    def credential(self) -> Any:
        from tencentcloud.common import credential

        s = self._settings
        secret_id = s.secret_id or os.environ.get("TENCENTCLOUD_SECRET_ID", "")
        secret_key = s.secret_key or os.environ.get("TENCENTCLOUD_SECRET_KEY", "")
        token = s.token or os.environ.get("TENCENTCLOUD_SESSION_TOKEN", "")
        if secret_id and secret_key:
            return credential.Credential(secret_id, secret_key, token or None)
        try:
            found = credential.ProfileCredential().get_credential()
        except Exception:  # no profile file: the SDK raises its own error; ours says more
            found = None
        if found is None or not getattr(found, "secret_id", ""):
            raise errors.Unauthenticated(NO_CREDENTIALS)
        return found

    # ------------------------------------------------------------ API 3.0 products

    def api(self, product: str) -> Any:
        return self._clients.get(("api", product), lambda: self._make_api(product))

    def _make_api(self, product: str) -> Any:
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile

        url = self._settings.endpoints.get(product, "")
        scheme, _, host = url.partition("://")
        # HttpProfile copies protocol to scheme when built: pass both at construction.
        http = HttpProfile(
            protocol=scheme or None, endpoint=host.rstrip("/") or None, reqTimeout=60
        )
        profile = ClientProfile(httpProfile=http)
        if product in GENERIC_PRODUCTS:
            from tencentcloud.common.common_client import CommonClient

            return CommonClient(
                product, GENERIC_PRODUCTS[product], self.credential(), self.region, profile
            )
        package, version, cls = PRODUCTS[product]
        module = importlib.import_module(f"tencentcloud.{package}.{version}.{package}_client")
        return getattr(module, cls)(self.credential(), self.region, profile)

    def call(
        self, product: str, action: str, params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """One API 3.0 call; its `Response` without RequestId. ApiError on a refusal."""
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )

        try:
            answer = self.api(product).call_json(action, params or {})
        except TencentCloudSDKException as exc:
            raise api_error(exc, action) from None
        response = dict(answer.get("Response") or {})
        response.pop("RequestId", None)
        return response

    def call_or_none(self, product: str, action: str, params: dict[str, Any], *codes: str) -> Any:
        """The call's answer, or None when it fails with one of `codes` (a NotFound family)."""
        try:
            return self.call(product, action, params)
        except ApiError as exc:
            if any(exc.code == c or exc.code.startswith(c + ".") for c in codes):
                return None
            raise

    def paged(
        self, product: str, action: str, params: dict[str, Any], set_key: str, limit: int = 100
    ) -> Iterator[dict[str, Any]]:
        """Every item of a Describe call, page by page (Offset/Limit; VPC takes strings)."""
        offset = 0
        as_text = product == "vpc"
        while True:
            page = {
                **params,
                "Offset": str(offset) if as_text else offset,
                "Limit": str(limit) if as_text else limit,
            }
            answer = self.call(product, action, page)
            items = answer.get(set_key) or []
            yield from items
            offset += len(items)
            total = answer.get("TotalCount")
            if not items or len(items) < limit or (total is not None and offset >= int(total)):
                return

    # ------------------------------------------------------------ COS

    def cos(self) -> Any:
        return self._clients.get(("cos",), self._make_cos)

    def _make_cos(self) -> Any:
        from qcloud_cos import CosConfig, CosS3Client

        cred = self.credential()
        args: dict[str, Any] = {
            "Region": self.region,
            "SecretId": cred.secret_id,
            "SecretKey": cred.secret_key,
        }
        if getattr(cred, "token", None):
            args["Token"] = cred.token
        url = self._settings.endpoints.get("cos", "")
        if url:
            # The emulator (or a private endpoint) at host:port: requests go there while the
            # Host header keeps <bucket>.cos.<region>.myqcloud.com (virtual-host style).
            scheme, _, rest = url.partition("://")
            host, _, port = rest.rstrip("/").partition(":")
            args.update(
                Scheme=scheme,
                IP=host,
                Port=int(port or (443 if scheme == "https" else 80)),
                ServiceDomain=rest.rstrip("/"),
            )
        # One SDK retry: the core retries throttling of resource calls, the state store its own.
        return CosS3Client(CosConfig(**args), retry=1)

    # ------------------------------------------------------------ account

    def who(self) -> dict[str, Any]:
        """GetUserAppId once per configuration: the APPID and the account's UIN."""
        return dict(self.cache.fact("who", lambda: self.call("cam", "GetUserAppId")))

    def appid(self) -> str:
        """The account's APPID (COS bucket names end with it; `${account_id}`)."""
        return str(self.who()["AppId"])

    def resource_name(self, service: str, path: str, regional: bool = True) -> str:
        """Tencent's six-segment resource name, as the Tag service wants it."""
        region = self.region if regional else ""
        return f"qcs::{service}:{region}:uin/{self.who().get('OwnerUin')}:{path}"

    def zones(self) -> list[str]:
        def available() -> list[str]:
            found = self.call("cvm", "DescribeZones").get("ZoneSet") or []
            return [z["Zone"] for z in found if z.get("ZoneState") == "AVAILABLE"]

        return list(self.cache.fact(f"zones:{self.region}", available))

    def close(self) -> None:
        self.pool.close()


class PatientCos:
    """The COS client, retrying throttled and transient answers with backoff.

    The core retries resource operations itself, not state-store calls: without this, one
    `SlowDown` among the many small writes and deletes of a run would fail the run. A 503
    from COS means nothing was done, so a conditional write is safe to send again. Bucket
    creates use it too for the call that marks a new bucket as theirs.
    """

    def __init__(self, cos: Any) -> None:
        self._cos = cos

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._cos, name)

        def patiently(*args: Any, **kwargs: Any) -> Any:
            for attempt in range(RETRIES):
                try:
                    return method(*args, **kwargs)
                except Exception as exc:
                    if error_code(exc) not in TRANSIENT or attempt == RETRIES - 1:
                        raise
                    time.sleep(min(0.2 * 2**attempt, 3.0) * (0.5 + random.random()))
            raise AssertionError("unreachable")

        return patiently


def _env_region() -> str:
    return os.environ.get("TENCENTCLOUD_REGION") or DEFAULT_REGION


def quiet_sdk_logs() -> None:
    """The SDKs' debug logs print request bodies (passwords, code): keep them off."""
    import logging

    for name in ("tencentcloud_sdk_common", "urllib3"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # cos-python-sdk-v5 logs every error answer at ERROR (a 404 the plugin expects included);
    # each one reaches the plugin's caller as a typed error instead.
    logging.getLogger("qcloud_cos").setLevel(logging.CRITICAL)
