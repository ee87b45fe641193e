"""Which plugin versions a config accepts: its `version` constraint and genesys.lock.

Constraints use Terraform's words (`~> 1.4`, `>= 1.2, < 2`, `= 1.4.2`) and are checked
with `packaging`'s PEP 440 specifiers (`~>` is PEP 440's `~=`: same meaning).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from genesys.errors import PluginError
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

LOCK_FILE = "genesys.lock"


def _specifiers(constraint: str) -> SpecifierSet:
    clauses = []
    for clause in constraint.split(","):
        clause = clause.strip().replace("~>", "~=").lstrip("v")
        if clause.startswith("=") and not clause.startswith("=="):
            clause = "=" + clause
        elif clause[:1].isdigit():
            clause = "==" + clause
        clauses.append(clause)
    return SpecifierSet(",".join(clauses))


def satisfies(version: str, constraint: str) -> bool:
    try:
        return Version(version) in _specifiers(constraint)
    except (InvalidSpecifier, InvalidVersion):
        return False


def check_plugin_version(name: str, version: str, constraint: str | None, project: Path) -> None:
    """Refuse a plugin outside the config's constraint or different from genesys.lock."""
    if constraint and not satisfies(version, constraint):
        raise PluginError(
            f"provider {name!r} is version {version}, but providers.{name}.version asks for "
            f"{constraint!r}: install a matching genesys-provider-{name}"
        )
    locked = locked_version(project, name)
    if locked and locked != version:
        raise PluginError(
            f"provider {name!r} is version {version}, but {LOCK_FILE} records {locked}: "
            f"run `genesys init` to accept {version}, or install {locked}"
        )


def locked_version(project: Path, name: str) -> str | None:
    path = project / LOCK_FILE
    if not path.exists():
        return None
    try:
        data: dict[str, Any] = json.loads(path.read_text())
        return str(data["providers"][name]["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
