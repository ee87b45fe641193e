"""AWS clients: one boto3 session, clients cached per (service, region), settings from Configure.

boto3 is imported lazily (GetMetadata and GetSchema must stay cheap). Endpoints come from
ConfigureRequest.endpoints (per service), the `endpoint` setting (all services), or else
boto3's own AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> variables. Credentials come from
the standard chain (env, profile, SSO, instance role). botocore retries little (standard mode,
2 attempts): the core retries THROTTLED/UNAVAILABLE itself, with backoff across resources.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from genesys_plugin_sdk import errors
from genesys_plugin_sdk.client_cache import ClientCache
from genesys_plugin_sdk.reads import ReadPool, chunked
from genesys_plugin_sdk.schema import check_url, endpoint_settings, number_setting, settings_dict
from genesys_plugin_sdk.waiters import Waiter, WaitTiming

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_REGION = "us-east-1"
KNOWN_SERVICES = frozenset(
    {
        "ec2",
        "s3",
        "rds",
        "lambda",
        "iam",
        "sts",
        "ssm",
        "elbv2",
        "cloudfront",
        "acm",
        "dynamodb",
        "resourcegroupstaggingapi",
        "events",
    }
)
SETTING_KEYS = frozenset(
    {
        "profile",
        "endpoint",
        "endpoints",
        "poll_interval",
        "wait_timeout",
        "max_pool_connections",
        "max_attempts",
    }
)


@dataclass
class AwsSettings:
    """What Configure set. Defaults suit real AWS; tests shorten the waits."""

    region: str = ""
    profile: str = ""
    endpoint: str = ""  # one endpoint for every service (e.g. a moto server)
    endpoints: dict[str, str] = field(default_factory=dict)
    poll_interval: float = 2.0  # seconds between readiness polls
    wait_timeout: float = 900.0  # seconds a create/delete may wait for readiness
    max_pool_connections: int = 128  # the operations in flight (MAX_PARALLELISM)
    max_attempts: int = 2


def settings_from_request(request: Any) -> AwsSettings:
    """AwsSettings from a ConfigureRequest; InvalidArgument (with the path) on bad values."""
    raw = settings_dict(request, SETTING_KEYS, provider="aws")
    if raw.get("endpoint"):
        check_url(str(raw["endpoint"]), "settings.endpoint")
    return AwsSettings(
        region=request.region or _env_region(),
        profile=str(raw.get("profile", "")),
        endpoint=str(raw.get("endpoint", "")),
        endpoints=endpoint_settings(request, raw),
        poll_interval=number_setting(raw, "poll_interval", 2.0),
        wait_timeout=number_setting(raw, "wait_timeout", 900.0),
        max_pool_connections=int(number_setting(raw, "max_pool_connections", 128)),
        max_attempts=int(number_setting(raw, "max_attempts", 2)),
    )


def _env_region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION


# Services nearly every run calls: clients for identity (sts) and buckets (s3) are made ahead
# of Configure, while the core is still loading the config; the largest model (ec2) is parsed
# after the session is handed over, so Authenticate does not wait for it.
PRELOADED_SERVICES = ("sts", "s3")
PRELOADED_MODELS = ("ec2",)
_preload_lock = threading.Lock()
# "thread": the loader; "ready": set once "session" (its botocore session) is there, or failed
_preload: dict[str, Any] = {}


def start_preload() -> None:
    """Imports boto3 and parses the common services' models on a background thread (once).

    Called when the executable starts (and at GetMetadata, for plugins served otherwise): by
    Configure the ~0.3 s of imports and model parsing is done instead of delaying the first
    API call. The handshake does not wait for it.
    """
    with _preload_lock:
        if "thread" not in _preload:
            _preload["ready"] = threading.Event()
            _preload["thread"] = threading.Thread(
                target=_load_models, name="aws-sdk-preload", daemon=True
            )
            _preload["thread"].start()


def _load_models() -> None:
    session = _preloaded_clients()
    _preload["ready"].set()
    if session is None:
        return
    # Only the loader is touched from here on (the session may be in use already): its cache
    # is keyed per model, and a client needing ec2 meanwhile parses it itself.
    loader = session.get_component("data_loader")
    for service in PRELOADED_MODELS:
        with contextlib.suppress(Exception):
            loader.load_service_model(service, "service-2")
            loader.load_service_model(service, "endpoint-rule-set-1")


def _preloaded_clients() -> Any:
    try:
        import botocore.session

        session = botocore.session.get_session()
        for service in PRELOADED_SERVICES:
            # Explicit dummy keys: no credential chain (IMDS) is walked; no call is made.
            session.create_client(
                service,
                region_name=DEFAULT_REGION,
                aws_access_key_id="preload",
                aws_secret_access_key="preload",
            )
        _preload["session"] = session
        return session
    except Exception:  # the first real client reports whatever is wrong
        return None


def take_preloaded_session() -> Any:
    """The preloaded botocore session (waiting for it if it is loading), once; else None."""
    ready = _preload.get("ready")
    if ready is not None:
        ready.wait()
    with _preload_lock:
        return _preload.pop("session", None)


class AwsClients:
    """Shared by every servicer of one plugin process. Thread-safe."""

    def __init__(self, settings: AwsSettings | None = None) -> None:
        self._lock = threading.Lock()
        self._settings = settings or AwsSettings(region=_env_region())
        self._session: Any = None
        self._clients = ClientCache()  # per (service, region), made on first use
        # The shared pool of one-read-per-id batch reads (the SDK's read_each).
        self.pool = ReadPool(max_workers=16, name="aws-read")
        # One SDK Waiter per kind: concurrent waits share one Describe call per poll.
        self._waiters: dict[str, Waiter[Any]] = {}
        # Small caches of facts that do not change during a run (AMI ids, zones, account).
        self.cache: dict[str, Any] = {}

    @property
    def settings(self) -> AwsSettings:
        return self._settings

    @property
    def region(self) -> str:
        return self._settings.region or DEFAULT_REGION

    def configure(self, settings: AwsSettings) -> None:
        with self._lock:
            self._settings = settings
            self._session = None
            self._clients.clear()
            self.cache = {}

    def warm(self, services: Iterable[str]) -> None:
        """Makes these clients on a background thread (Configure returns at once): the
        refresh right after Authenticate then finds them made, instead of its read threads
        queueing on the client cache while the first of them builds one."""

        def make() -> None:
            for service in services:
                with contextlib.suppress(Exception):  # the call that needs it reports it
                    self.client(service)

        threading.Thread(target=make, name="aws-client-warm", daemon=True).start()

    def endpoint_for(self, service: str) -> str | None:
        """The endpoint URL for a service, or None to let boto3 decide (env vars, defaults)."""
        settings = self._settings
        return settings.endpoints.get(service) or settings.endpoint or None

    def client(self, service: str, region: str = "") -> Any:
        # The cache builds under its lock: boto3 sessions are not thread-safe while creating
        # clients.
        wanted = region or self.region
        return self._clients.get((service, wanted), lambda: self._make_client(service, wanted))

    def _make_client(self, service: str, region: str) -> Any:
        import boto3
        from botocore.config import Config

        if self._session is None:
            quiet_sdk_logs()
            self._session = boto3.session.Session(
                botocore_session=take_preloaded_session(),
                profile_name=self._settings.profile or None,
            )
            parsers = self._session._session.get_component("response_parser_factory")
            parsers.set_parser_defaults(timestamp_parser=parse_timestamp)
        config = Config(
            retries={"mode": "standard", "max_attempts": self._settings.max_attempts},
            max_pool_connections=self._settings.max_pool_connections,
            connect_timeout=10,
            read_timeout=60,
            user_agent_extra="genesys-provider-aws",
        )
        return self._session.client(
            service, region_name=region, endpoint_url=self.endpoint_for(service), config=config
        )

    # ------------------------------------------------------------ fan-out and waits

    def fan_out(
        self, fn: Callable[[T], R], items: Iterable[T]
    ) -> Iterator[tuple[T, R | Exception]]:
        """Runs fn over items on the shared pool; yields (item, result or exception) as done."""
        return self.pool.fan_out(fn, items)

    def wait_timing(self) -> WaitTiming:
        """Poll timing from the settings (read at each wait: Configure may change them)."""
        interval = self._settings.poll_interval
        return WaitTiming(
            first_delay=min(interval, 0.2) or 0.05,
            max_delay=interval or 0.05,
            timeout=self._settings.wait_timeout,
        )

    def waiter(
        self, kind: str, poll: Callable[[list[str]], Mapping[str, Any]], **options: Any
    ) -> Waiter[Any]:
        """The process's one Waiter for `kind` (made on first use with `poll`)."""
        with self._lock:
            if kind not in self._waiters:
                self._waiters[kind] = Waiter(poll, what=kind, timing=self.wait_timing, **options)
            return self._waiters[kind]

    def wait_until(self, what: str, probe: Callable[[], T | None]) -> T:
        """Polls probe() until it returns non-None; Unavailable after the wait timeout.

        The first probe runs at once: against fast APIs (and moto) most waits end there.
        """
        deadline = time.monotonic() + self._settings.wait_timeout
        delay = min(self._settings.poll_interval, 0.2)
        while True:
            result = probe()
            if result is not None:
                return result
            if time.monotonic() >= deadline:
                raise errors.Unavailable(f"timed out waiting for {what}")
            time.sleep(delay)
            delay = min(delay * 2, self._settings.poll_interval) or 0.05

    def close(self) -> None:
        self.pool.close()


def parse_timestamp(value: Any) -> Any:
    """botocore's timestamp parser, with AWS's ISO 8601 form ("2026-12-05T01:20:29.000Z")
    read by datetime itself: dateutil took ~40 us a value, most of the client CPU of parsing
    a DescribeInstances page (four timestamps an instance). Same datetimes either way."""
    import datetime

    from botocore.utils import parse_timestamp as botocore_parse

    if isinstance(value, str):
        try:
            parsed = datetime.datetime.fromisoformat(value)  # 3.11+: "Z" and any fraction
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed
    return botocore_parse(value)


def quiet_sdk_logs() -> None:
    """botocore's debug logs print request parameters (passwords, user data): keep them off."""
    import logging

    for name in ("botocore", "boto3", "urllib3"):
        logging.getLogger(name).setLevel(logging.WARNING)


__all__ = ["AwsClients", "AwsSettings", "chunked", "quiet_sdk_logs", "settings_from_request"]
