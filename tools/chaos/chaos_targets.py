"""What a chaos trial runs against: the config variants, and the provider's inventory.

A lane is one project directory that trials chain through: nothing → variant A (create) →
variant B (update: tags and versioning change in place, some subnets are replaced) → A → ...
or → nothing again (destroy). Every resource name starts with the lane's prefix, so on a
shared moto account each lane sees only its own resources.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

INVENTORY_KINDS = ("network", "subnet", "bucket")


@dataclass(frozen=True)
class Faults:
    """The local provider's injected faults for one command (all off: a clean run)."""

    latency_ms: int = 0
    burst: int = 0  # token bucket over mutating calls; 0: no throttling
    per_second: float = 0.0
    unavailable_rate: float = 0.0
    seed: int = 0

    @property
    def active(self) -> bool:
        return bool(self.latency_ms or self.burst or self.unavailable_rate)

    def describe(self) -> str:
        if not self.active:
            return "-"
        parts = [f"{self.latency_ms}ms"]
        if self.burst:
            parts.append(f"throttle {self.burst}/{self.per_second:g}s")
        if self.unavailable_rate:
            parts.append(f"5xx {self.unavailable_rate:.0%}")
        return " ".join(parts)


@dataclass(frozen=True)
class Shape:
    provider: str  # "local" or "aws"
    resources: int  # networks + subnets + buckets

    @property
    def networks(self) -> int:
        return max(1, self.resources // 10)

    @property
    def buckets(self) -> int:
        return self.resources - 2 * self.networks


def render_config(shape: Shape, prefix: str, variant: str, faults: Faults) -> str:
    """The lane's config for variant "A" or "B"."""
    lines = [f"provider: {shape.provider}"]
    lines += _provider_block(shape, faults)
    lines.append("resources:")
    lines += _networks(shape, prefix, variant)
    lines += _buckets(shape, prefix, variant)
    lines += _state_block(shape, prefix)
    return "\n".join(lines) + "\n"


def _provider_block(shape: Shape, faults: Faults) -> list[str]:
    if shape.provider == "aws":
        return ["region: us-east-1"]
    if not faults.active:
        return []
    lines = ["providers:", "  local:", f"    latency_ms: {faults.latency_ms}"]
    if faults.burst:
        lines.append(f"    rate_limit: {{burst: {faults.burst}, per_second: {faults.per_second}}}")
    if faults.unavailable_rate:
        lines.append(f"    unavailable_rate: {faults.unavailable_rate}")
        lines.append(f"    fault_seed: {faults.seed}")
    return lines


def _networks(shape: Shape, prefix: str, variant: str) -> list[str]:
    lines = ["  network:"]
    for i in range(shape.networks):
        # Variant B moves every other subnet: cidr forces a replacement (delete + create).
        third = 2 if variant == "B" and i % 2 == 0 else 1
        lines += [
            f"    - name: {prefix}net-{i}",
            f"      cidr: 10.{i}.0.0/16",
            "      subnets:",
            f"        - name: {prefix}sub-{i}",
            f"          cidr: 10.{i}.{third}.0/24",
        ]
    return lines


def _buckets(shape: Shape, prefix: str, variant: str) -> list[str]:
    lines = ["  storage:"]
    for i in range(shape.buckets):
        lines += [
            f"    - name: {prefix}bucket-{i}",
            "      type: bucket",
            f"      versioning: {'true' if variant == 'B' else 'false'}",
            f"      tags: {{chaos: variant-{variant.lower()}}}",
        ]
    return lines


def _state_block(shape: Shape, prefix: str) -> list[str]:
    if shape.provider != "aws":
        return []
    return [
        "state:",
        "  backend: s3",
        "  bucket: chaos-state-${account_id}",
        f"  prefix: {prefix.rstrip('-')}",
    ]


def inventory(config_path: Path, prefix: str) -> set[str]:
    """Ids of the lane's resources as the provider lists them (its own List RPCs)."""
    from genesys.kinds import KINDS
    from genesys.provider.v1 import common_pb2

    ids: set[str] = set()
    with _configured_plugin(config_path) as conn:
        for name in INVENTORY_KINDS:
            kind = KINDS[name]
            method = getattr(getattr(conn, kind.service), kind.rpc("list"))
            for item in method(common_pb2.ListRequest()):
                if item.name.startswith(prefix):
                    ids.add(item.id)
    return ids


@contextlib.contextmanager
def _configured_plugin(config_path: Path) -> Iterator[Any]:
    from genesys.config import load_config
    from genesys.engine.session import configure_plugin
    from genesys.plugins import launch_plugin

    config = load_config(config_path)
    with launch_plugin(config.provider) as conn:
        configure_plugin(conn, config, config_path.parent, config.provider)
        yield conn


def recorded(config_path: Path) -> tuple[set[str], dict[str, str]]:
    """(ids recorded in the lane's state, operation of each intent in flight by address).
    Loads it as `state list` would: without the lock, through the config's backend."""
    from genesys.engine.state_backend import backend_for_config
    from genesys.state import StateManager

    with (
        backend_for_config(config_path) as backend,
        StateManager.open(backend, operation="chaos-check", lock=False) as state,
    ):
        ids = {record.id for record in state.resources.values()}
        intents = {address: intent.operation for address, intent in state.intents.items()}
    return ids, intents
