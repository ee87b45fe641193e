"""Which provider plugins are installed, and a readable rendering of a provider's schema.

Backs `genesys providers list` and `genesys providers schema NAME`. Listing is cheap: it
reads entry points and PATH without starting anything; `describe_installed` starts each
plugin once to ask GetMetadata (the cheap call every plugin must answer fast).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from genesys.kinds import KINDS_BY_ENUM

ENTRY_POINT_GROUP = "genesys.providers"
EXECUTABLE_PREFIX = "genesys-provider-"


@dataclass
class InstalledProvider:
    """One plugin found on this machine."""

    name: str
    package: str = ""  # distribution that declares the entry point, if any
    package_version: str = ""
    executables: list[str] = field(default_factory=list)  # genesys-provider-NAME on PATH
    # Filled by describe_installed (from GetMetadata), or the reason it could not be asked.
    version: str = ""
    protocol_version: int = 0
    kinds: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def source(self) -> str:
        if self.package:
            return f"{self.package} {self.package_version}".strip()
        return self.executables[0] if self.executables else ""


def installed_providers() -> list[InstalledProvider]:
    """Entry points in group "genesys.providers" plus genesys-provider-* on PATH, by name."""
    found: dict[str, InstalledProvider] = {}
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        provider = found.setdefault(entry.name, InstalledProvider(entry.name))
        dist = getattr(entry, "dist", None)
        if dist is not None and not provider.package:
            provider.package = dist.metadata["Name"] or ""
            provider.package_version = dist.version or ""
    for name, path in _path_executables():
        found.setdefault(name, InstalledProvider(name)).executables.append(path)
    return sorted(found.values(), key=lambda p: p.name)


def _path_executables() -> list[tuple[str, str]]:
    seen: set[str] = set()
    results = []
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        try:
            entries = sorted(Path(directory).iterdir()) if directory else []
        except OSError:
            continue
        for entry in entries:
            stem = entry.name.removesuffix(".exe")
            if not stem.startswith(EXECUTABLE_PREFIX) or len(stem) == len(EXECUTABLE_PREFIX):
                continue
            if entry.is_file() and os.access(entry, os.X_OK) and str(entry) not in seen:
                seen.add(str(entry))
                results.append((stem[len(EXECUTABLE_PREFIX) :], str(entry)))
    return results


def describe_installed(providers: list[InstalledProvider]) -> None:
    """Starts each plugin once and fills version, protocol and kinds from GetMetadata."""
    from genesys.plugins import launch_plugin

    for provider in providers:
        try:
            with launch_plugin(provider.name) as conn:
                meta = conn.metadata
        except Exception as err:  # one broken plugin must not hide the others
            provider.error = str(err).splitlines()[0] if str(err) else type(err).__name__
            continue
        provider.version = meta.version
        provider.protocol_version = meta.protocol_version
        provider.kinds = kind_names(meta.capabilities)


def kind_names(capabilities: Any) -> list[str]:
    return [KINDS_BY_ENUM[k].name for k in capabilities if k in KINDS_BY_ENUM]


# ---------------------------------------------------------------------- schema rendering


def render_schema(meta: Any, schema: Any) -> str:
    """The schema as a person reads it: translations, attribute facts, prices."""
    lines = [f"Provider {meta.name} {meta.version} (protocol {meta.protocol_version})"]
    if meta.description:
        lines.append(meta.description)
    lines.append(f"Kinds: {', '.join(kind_names(meta.capabilities)) or '(none)'}")
    lines += _render_settings(schema)
    lines += _render_translations(schema)
    lines += _render_attributes(schema)
    lines += _render_prices(schema)
    return "\n".join(lines)


def _render_settings(schema: Any) -> list[str]:
    if not schema.provider_settings:
        return []
    lines = ["", "Provider settings"]
    width = max(len(a.name) for a in schema.provider_settings)
    for attr in schema.provider_settings:
        facts = ", ".join(f for f in ("required" if attr.required else "",) if f)
        note = f"  [{facts}]" if facts else ""
        lines.append(f"  {attr.name:<{width}}  {attr.type or '-':<6}  {attr.description}{note}")
    return lines


def _render_translations(schema: Any) -> list[str]:
    lines = ["", "Translations"]
    if not schema.translations:
        return [*lines, "  (none)"]
    for table in schema.translations:
        lines.append(f"  {table.name}")
        entries = _ordered(dict(table.entries))
        width = max((len(k) for k in entries), default=0)
        lines += [f"    {key:<{width}}  ->  {value}" for key, value in entries.items()]
    return lines


def _ordered(entries: dict[str, str]) -> dict[str, str]:
    """Sizes in size order (small first), anything else alphabetically."""
    order = {"small": 0, "medium": 1, "large": 2, "xlarge": 3}
    return dict(sorted(entries.items(), key=lambda kv: (order.get(kv[0], 9), kv[0])))


def _render_attributes(schema: Any) -> list[str]:
    lines = ["", "Attributes (force_new: a change replaces the resource; sensitive: never shown)"]
    for kind_schema in schema.kinds:
        kind = KINDS_BY_ENUM.get(kind_schema.kind)
        name = kind.name if kind is not None else f"kind {kind_schema.kind}"
        force_new = [a.name for a in kind_schema.attributes if a.force_new]
        sensitive = [a.name for a in kind_schema.attributes if a.sensitive]
        lines.append(
            f"  {name:<18} force_new: {', '.join(force_new) or '-'}"
            f"   sensitive: {', '.join(sensitive) or '-'}"
        )
    return lines


def _render_prices(schema: Any) -> list[str]:
    if not schema.prices:
        return ["", "Prices: (none shipped)"]
    lines = []
    for table in schema.prices:
        region = f", {table.region}" if table.region else ""
        lines += ["", f"Prices (as of {table.as_of or 'unknown date'}{region}, USD)"]
        width = max((len(e.item) for e in table.entries), default=0)
        lines += [f"  {e.item:<{width}}  {_money(e.usd):>10} / {e.unit}" for e in table.entries]
    return lines


def _money(usd: float) -> str:
    return f"${usd:.4f}" if usd < 1 else f"${usd:,.2f}"
