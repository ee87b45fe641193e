"""Alibaba Cloud clients: the old RPC SDK (aliyunsdkcore + per-product request classes) for
ECS, VPC, SLB, RDS, DDS (ApsaraDB for MongoDB), CDN and STS; oss2 for OSS;
alibabacloud_fc20230330 for Function Compute.

SDKs are imported lazily (GetMetadata and GetSchema stay cheap). Endpoints come from the
`endpoints` setting, per product key (ecs, vpc, slb, rds, dds, cdn, sts, fc, oss), e.g. the
`genesys-emulator alibaba` ready line's `settings`; otherwise each SDK's own regional
endpoint. Credentials: the settings' access_key_id/access_key_secret, else the standard
environment variables (ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET,
ALICLOUD_ACCESS_KEY / ALICLOUD_SECRET_KEY). The SDK's own retries are off: the core retries
throttling (Throttling.User) with backoff across resources.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.client_cache import ClientCache
from genesys_plugin_sdk.reads import ReadPool
from genesys_plugin_sdk.schema import number_setting, settings_dict
from genesys_plugin_sdk.waiters import WaitTiming

T = TypeVar("T")
log = logging.getLogger("genesys_provider_alibaba")
DEFAULT_REGION = "cn-hangzhou"
THROTTLE_ATTEMPTS = 4
PRODUCTS = frozenset({"ecs", "vpc", "slb", "rds", "dds", "cdn", "cas", "sts", "fc", "oss"})
# Product key -> (request package of the old SDK, API version).
RPC_PACKAGES = {
    "ecs": "aliyunsdkecs.request.v20140526",
    "vpc": "aliyunsdkvpc.request.v20160428",
    "slb": "aliyunsdkslb.request.v20140515",
    "rds": "aliyunsdkrds.request.v20140815",
    "dds": "aliyunsdkdds.request.v20151201",  # ApsaraDB for MongoDB
    "cdn": "aliyunsdkcdn.request.v20180510",
    "sts": "aliyunsdksts.request.v20150401",
}
GLOBAL_PRODUCTS = frozenset({"sts", "cdn", "cas"})  # no RegionId in their calls
# Products without a request package installed: called through the core's CommonRequest.
COMMON_PRODUCTS = {"cas": ("cas.aliyuncs.com", "2020-04-07")}
SETTING_KEYS = frozenset(
    {"access_key_id", "access_key_secret", "endpoints", "poll_interval", "wait_timeout"}
)
KEY_VARIABLES = (
    ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
    ("ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY"),
)


@dataclass
class AlibabaSettings:
    region: str = DEFAULT_REGION
    access_key_id: str = ""
    access_key_secret: str = ""
    endpoints: dict[str, str] = field(default_factory=dict)
    poll_interval: float = 2.0
    wait_timeout: float = 900.0


def settings_from_request(request: Any) -> AlibabaSettings:
    raw = settings_dict(request, SETTING_KEYS, "alibaba")
    endpoints = {str(k): str(v) for k, v in dict(raw.get("endpoints") or {}).items()}
    endpoints.update(dict(request.endpoints))
    for key, url in endpoints.items():
        if key not in PRODUCTS:
            raise errors.InvalidArgument(
                f"unknown alibaba endpoint {key!r}; known: {', '.join(sorted(PRODUCTS))}",
                attribute_path=f"settings.endpoints.{key}",
            )
        if not url.startswith(("http://", "https://")):
            raise errors.InvalidArgument(
                f"endpoint {url!r} must be an http:// or https:// URL",
                attribute_path=f"settings.endpoints.{key}",
            )
    return AlibabaSettings(
        region=request.region or os.environ.get("ALIBABA_CLOUD_REGION_ID") or DEFAULT_REGION,
        access_key_id=str(raw.get("access_key_id", "")),
        access_key_secret=str(raw.get("access_key_secret", "")),
        endpoints=endpoints,
        poll_interval=number_setting(raw, "poll_interval", 2.0),
        wait_timeout=number_setting(raw, "wait_timeout", 900.0),
    )


def _request(product: str, action: str) -> Any:
    """The SDK's request object for one action of a product."""
    if product in COMMON_PRODUCTS:
        from aliyunsdkcore.request import CommonRequest

        domain, version = COMMON_PRODUCTS[product]
        request = CommonRequest(domain=domain, version=version, action_name=action, product=product)
        request.set_method("POST")
        return request
    try:
        module = importlib.import_module(f"{RPC_PACKAGES[product]}.{action}Request")
    except ModuleNotFoundError:  # an action newer than the installed request package
        from aliyunsdkcore.request import CommonRequest

        version = RPC_PACKAGES[product].rsplit(".v", 1)[1]
        request = CommonRequest(
            domain=f"{product}.aliyuncs.com",
            version=f"{version[:4]}-{version[4:6]}-{version[6:]}",
            action_name=action,
            product=product,
        )
        request.set_method("POST")
        return request
    return getattr(module, f"{action}Request")()


def _throttled(exc: Exception) -> bool:
    from genesys_provider_alibaba.errors import error_code

    return error_code(exc).startswith("Throttling")


def retry_throttled(call: Callable[[], T], attempts: int = 0) -> T:
    """call(), sent again (backoff with jitter) while the cloud answers Throttling*.

    A throttled request was refused before it did anything, so sending it again is safe even
    for creates; retrying here keeps the several calls of one create (make, tag, configure)
    together. After ATTEMPTS the error goes to the core, which retries the whole operation.
    """
    delay, attempts = 0.05, attempts or THROTTLE_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except Exception as exc:
            if attempt == attempts or not _throttled(exc):
                raise
        time.sleep(delay * (1 + random.random()))
        delay = min(delay * 2, 1.0)
    raise AssertionError("unreachable")


class Retrying:
    """An SDK client (oss2 Bucket, FC Client) whose calls go through retry_throttled."""

    def __init__(self, client: Any, attempts: int = 0) -> None:
        self._client = client
        self._attempts = attempts

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute
        return lambda *a, **kw: retry_throttled(lambda: attribute(*a, **kw), self._attempts)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


class AlibabaClients:
    """Shared by every servicer of one plugin process. Thread-safe."""

    def __init__(self, settings: AlibabaSettings | None = None) -> None:
        self._lock = threading.Lock()
        self._settings = settings or AlibabaSettings()
        self._clients = ClientCache()
        self.pool = ReadPool(max_workers=16, name="alibaba-read")
        self.cache: dict[str, Any] = {}

    @property
    def settings(self) -> AlibabaSettings:
        return self._settings

    @property
    def region(self) -> str:
        return self._settings.region

    def configure(self, settings: AlibabaSettings) -> None:
        with self._lock:
            self._settings = settings
            self._clients.clear()
            self.cache = {}

    def timing(self) -> WaitTiming:
        poll = self._settings.poll_interval
        return WaitTiming(
            first_delay=min(poll, 0.05), max_delay=poll, timeout=self._settings.wait_timeout
        )

    def credentials(self) -> tuple[str, str]:
        """The access key pair: settings, else the environment; Unauthenticated when none."""
        settings = self._settings
        if settings.access_key_id and settings.access_key_secret:
            return settings.access_key_id, settings.access_key_secret
        for key_var, secret_var in KEY_VARIABLES:
            if os.environ.get(key_var) and os.environ.get(secret_var):
                return os.environ[key_var], os.environ[secret_var]
        raise errors.Unauthenticated(
            "no Alibaba Cloud credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and "
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET, or providers.alibaba.access_key_id/access_key_secret"
        )

    def endpoint(self, product: str) -> str:
        return self._settings.endpoints.get(product, "")

    # ------------------------------------------------------------ RPC products

    def _acs(self) -> Any:
        def make() -> Any:
            from aliyunsdkcore.client import AcsClient

            key, secret = self.credentials()
            return AcsClient(key, secret, self.region, auto_retry=False, pool_size=64, timeout=60)

        return self._clients.get(("acs", self.region), make)

    def rpc(self, product: str, action: str, **params: Any) -> dict[str, Any]:
        """One RPC call through the product's own SDK request class; the parsed JSON answer.

        Parameters are given in the API's words (`VSwitchId`, `Tag.1.Key`); None is left out.
        """
        request = _request(product, action)
        request.set_accept_format("JSON")
        endpoint = self.endpoint(product)
        if endpoint:
            scheme, _, host = endpoint.partition("://")
            request.set_endpoint(host.rstrip("/"))
            request.set_protocol_type(scheme)
        if "RegionId" not in params and product not in GLOBAL_PRODUCTS:
            params["RegionId"] = self.region
        for name, value in params.items():
            if value is not None:
                request.add_query_param(name, _plain(value))
        try:
            raw = retry_throttled(lambda: self._acs().do_action_with_exception(request))
        except Exception as exc:
            exc.genesys_operation = action  # type: ignore[attr-defined]  # for error messages
            # Action and code only: parameters may hold secrets (passwords, user data).
            log.debug("%s %s refused: %s", product, action, getattr(exc, "error_code", "?"))
            raise
        answer: dict[str, Any] = json.loads(raw)
        return answer

    def pages(
        self, product: str, action: str, path: tuple[str, str], **params: Any
    ) -> Iterator[Any]:
        """Every item of a PageNumber/PageSize listing; `path` is e.g. ("Instances", "Instance")."""
        number = 1
        while True:
            answer = self.rpc(product, action, PageNumber=number, **params)
            items = answer.get(path[0], {}).get(path[1], [])
            yield from items
            size = int(answer.get("PageSize") or params.get("PageSize") or 10)
            if not items or number * size >= int(answer.get("TotalCount", 0)):
                return
            number += 1

    # ------------------------------------------------------------ OSS and FC

    def oss_bucket(self, name: str, attempts: int = 0) -> Any:
        """An oss2 Bucket; `attempts`: how often a throttled call is sent (default 4)."""

        def make() -> Any:
            import oss2

            key, secret = self.credentials()
            # An IP endpoint (the emulator) makes oss2 use path-style URLs by itself.
            endpoint = self.endpoint("oss") or f"https://oss-{self.region}.aliyuncs.com"
            bucket = oss2.Bucket(oss2.Auth(key, secret), endpoint, name, connect_timeout=30)
            return Retrying(bucket, attempts)

        return self._clients.get(("oss", name, attempts), make)

    def oss_service(self) -> Any:
        def make() -> Any:
            import oss2

            key, secret = self.credentials()
            endpoint = self.endpoint("oss") or f"https://oss-{self.region}.aliyuncs.com"
            return Retrying(oss2.Service(oss2.Auth(key, secret), endpoint, connect_timeout=30))

        return self._clients.get(("oss-service", self.region), make)

    def fc(self) -> Any:
        def make() -> Any:
            from alibabacloud_fc20230330.client import Client
            from alibabacloud_tea_openapi.models import Config

            key, secret = self.credentials()
            endpoint = self.endpoint("fc")
            scheme, _, host = endpoint.partition("://") if endpoint else ("https", "", "")
            return Retrying(
                Client(
                    Config(
                        access_key_id=key,
                        access_key_secret=secret,
                        region_id=self.region,
                        endpoint=host.rstrip("/")
                        or f"{self.account_id()}.{self.region}.fc.aliyuncs.com",
                        protocol=scheme,
                        read_timeout=120000,
                    )
                )
            )

        return self._clients.get(("fc", self.region), make)

    def account_id(self) -> str:
        if "account_id" not in self.cache:
            self.cache["account_id"] = str(self.rpc("sts", "GetCallerIdentity")["AccountId"])
        return str(self.cache["account_id"])

    def close(self) -> None:
        self.pool.close()


def quiet_sdk_logs() -> None:
    """aliyunsdkcore logs every server error at ERROR with request details: keep it quiet."""
    import logging

    for name in ("aliyunsdkcore", "oss2", "urllib3"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
