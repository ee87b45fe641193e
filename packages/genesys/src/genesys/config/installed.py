"""Which provider plugins are installed, and what to install when one is not.

Only packages this project publishes are ever named: `genesys-provider-<name>` for the
providers it ships; any other name gets no invented package name.
"""

from __future__ import annotations

import shutil
from importlib import metadata

from genesys.config.vocab import KNOWN_PROVIDERS

ENTRY_POINT_GROUP = "genesys.providers"
# The provider plugin packages this project publishes (packages/genesys-provider-*).
PUBLISHED = {name: f"genesys-provider-{name}" for name in KNOWN_PROVIDERS}


def plugin_installed(name: str) -> bool:
    """An entry point of that name, or genesys-provider-<name> on PATH."""
    if any(ep.name == name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)):
        return True
    return shutil.which(f"genesys-provider-{name}") is not None


def installed_names() -> list[str]:
    """Installed provider names (entry points and PATH executables), sorted."""
    from genesys.conformance.catalog import installed_providers

    return [p.name for p in installed_providers()]


def install_hint(name: str) -> str:
    if name in PUBLISHED:
        return f"install it with `pip install {PUBLISHED[name]}` (published by this project)"
    published = ", ".join(PUBLISHED.values())
    return (f"'{name}' is not a plugin this project publishes (it publishes {published}): "
            "install that plugin's own package, or give the path to its executable")
