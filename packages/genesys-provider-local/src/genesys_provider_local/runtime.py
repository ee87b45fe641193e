"""What every servicer shares: the configured settings, the registry and the fault gate."""

from __future__ import annotations

import atexit
import random
import threading
from pathlib import Path

from genesys_plugin_sdk import errors

from genesys_provider_local.faults import Faults, TokenBucket
from genesys_provider_local.registry import REGISTRY_FILE, Registry, open_registry
from genesys_provider_local.settings import LocalSettings


class Runtime:
    def __init__(self) -> None:
        self._settings: LocalSettings | None = None
        self._registry: Registry | None = None
        self.faults = Faults()
        self.shutting_down = False
        # Ids whose create runs in this process right now (vs. intents left by a crash).
        self.in_flight: set[str] = set()
        self._lock = threading.Lock()
        atexit.register(self.close)

    def configure(self, settings: LocalSettings) -> None:
        with self._lock:
            if self._registry is not None and self._registry.path.parent != settings.root:
                self._registry.close()
                self._registry = None
            # An existing registry opens now (a bad root fails Configure); a new one only
            # when first used, so planning an empty config writes nothing to disk.
            if self._registry is None and (settings.root / REGISTRY_FILE).exists():
                self._registry = self._open(settings.root)
            self._settings = settings
            bucket = TokenBucket(settings.burst, settings.per_second) if settings.burst else None
            self.faults = Faults(
                latency_s=settings.latency_ms / 1000.0,
                bucket=bucket,
                unavailable_rate=settings.unavailable_rate,
                rng=random.Random(settings.fault_seed),
            )

    @property
    def settings(self) -> LocalSettings:
        if self._settings is None:
            raise errors.FailedPrecondition(
                "the local provider is not configured yet: the core must call Configure first"
            )
        return self._settings

    @staticmethod
    def _open(root: Path) -> Registry:
        try:
            return open_registry(root)
        except OSError as exc:
            raise errors.InvalidArgument(
                f"cannot use {root} as the local provider's root: {exc}",
                attribute_path="settings.root",
            ) from None

    @property
    def has_registry(self) -> bool:
        """Whether a registry exists yet (nothing was ever made under this root if not)."""
        return self._registry is not None

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            settings = self.settings  # raises FailedPrecondition before Configure
            with self._lock:
                if self._registry is None:
                    self._registry = self._open(settings.root)
        assert self._registry is not None
        return self._registry

    @property
    def root(self) -> Path:
        return self.settings.root

    def gate(self, mutating: bool) -> None:
        """Runs before every resource call: configured?, shutting down?, faults."""
        self.settings  # noqa: B018 - raises FailedPrecondition before Configure
        if mutating:  # opened before the fault gate, so its first opening costs no tokens
            self.registry  # noqa: B018
        if mutating and self.shutting_down:
            raise errors.Unavailable("the local provider is shutting down")
        self.faults.before_call(mutating)

    def close(self) -> None:
        with self._lock:
            if self._registry is not None:
                self._registry.close()
                self._registry = None
