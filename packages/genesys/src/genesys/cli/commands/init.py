"""`genesys init`: start a project here (if none) and pin provider plugin versions."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from genesys.engine.versions import LOCK_FILE


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("init", help="scaffold a working example and write genesys.lock")
    parser.add_argument("directory", nargs="?", default=".", help="project directory (default .)")
    parser.add_argument("-c", "--config", help="config file to initialise (default: found in DIR)")
    parser.set_defaults(func=run)


def write_lock(directory: Path, provider: str, plugin: str | None = None) -> Path:
    """Record the plugin version in use, like .terraform.lock.hcl: commit this file.
    `plugin` is what starts it when not the name (a path to an executable)."""
    from genesys.plugins import PluginManager, find_plugin

    manager = PluginManager()
    try:
        conn = manager.get(plugin or provider)
        entry = {
            "version": conn.metadata.version,
            "protocol_version": conn.metadata.protocol_version,
            # Where it came from, by name only: the lock is committed and shared.
            "executable": Path(find_plugin(plugin or provider)[-1]).name,
        }
    finally:
        manager.close()
    path = directory / LOCK_FILE
    existing = json.loads(path.read_text()) if path.exists() else {}
    providers = existing.get("providers", {})
    providers[provider] = entry
    path.write_text(
        json.dumps({"version": 1, "providers": providers}, indent=2, sort_keys=True) + "\n"
    )
    return path


def run(args: argparse.Namespace) -> int:
    from genesys.cli.common import find_config
    from genesys.config import load_config
    from genesys.scaffold import write_project

    directory = Path(args.directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    has_config = args.config or any(
        (directory / n).exists() for n in ("genesys.yaml", "genesys.yml", "genesys.toml")
    )
    if not has_config:
        for path in write_project(directory):
            print(f"Created {path.relative_to(directory)}")
    config_path = Path(args.config) if args.config else find_config(directory)
    config = load_config(config_path)
    lock = write_lock(directory, config.provider_name, config.plugin)
    print(f"Provider {config.provider_name!r} ready; versions recorded in {lock.name}.")
    print("\nGenesys has been initialized. Next: genesys plan, then genesys apply.")
    return 0
