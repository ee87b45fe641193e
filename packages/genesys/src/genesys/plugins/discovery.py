"""Finding a provider plugin's executable: explicit path, entry point, or PATH."""

from __future__ import annotations

import os
import shutil
import sys
from importlib import metadata
from pathlib import Path

from genesys.errors import PluginError

ENTRY_POINT_GROUP = "genesys.providers"
EXECUTABLE_PREFIX = "genesys-provider-"


def _looks_like_path(name_or_path: str) -> bool:
    return (
        os.sep in name_or_path
        or (os.altsep or os.sep) in name_or_path
        or (Path(name_or_path).suffix in {".py", ".exe"})
    )


def provider_name_of(name_or_path: str) -> str:
    """The provider name to show in messages: "local", or "foo" for ./genesys-provider-foo."""
    if not _looks_like_path(name_or_path):
        return name_or_path
    stem = Path(name_or_path).stem
    return stem[len(EXECUTABLE_PREFIX) :] if stem.startswith(EXECUTABLE_PREFIX) else stem


def _explicit(path_text: str) -> list[str]:
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise PluginError(f"plugin executable {path_text!r} does not exist")
    if path.suffix == ".py":  # a plugin script run by this interpreter (handy in development)
        return [sys.executable, str(path.resolve())]
    if not os.access(path, os.X_OK):
        raise PluginError(f"plugin {path_text!r} is not executable (chmod +x it)")
    return [str(path.resolve())]


def _from_entry_point(name: str) -> list[str] | None:
    matches = [ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
    if not matches:
        return None
    # The installed console script starts faster and shows a clear name in `ps`.
    script = Path(sys.executable).parent / f"{EXECUTABLE_PREFIX}{name}"
    for candidate in (script, script.with_suffix(".exe")):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return [str(candidate)]
    module, _, attr = matches[0].value.partition(":")
    code = (
        "import importlib, sys\n"
        f"target = importlib.import_module({module.strip()!r})\n"
        f"for part in {attr.strip()!r}.split('.'):\n"
        "    target = getattr(target, part)\n"
        "sys.exit(target())"
    )
    return [sys.executable, "-c", code]


def find_plugin(name_or_path: str) -> list[str]:
    """The argv that starts a provider plugin.

    Looks, in order, at: an explicit path (a `.py` file runs under this interpreter); an
    installed entry point in group "genesys.providers"; `genesys-provider-<name>` on PATH.
    """
    if _looks_like_path(name_or_path):
        return _explicit(name_or_path)
    argv = _from_entry_point(name_or_path)
    if argv is not None:
        return argv
    executable = f"{EXECUTABLE_PREFIX}{name_or_path}"
    found = shutil.which(executable)
    if found:
        return [found]
    from genesys.config.installed import install_hint

    raise PluginError(
        f"provider {name_or_path!r} is not installed: no entry point {name_or_path!r} in group "
        f"{ENTRY_POINT_GROUP!r}, and no {executable!r} on PATH; {install_hint(name_or_path)}."
    )
