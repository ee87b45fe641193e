"""Helpers shared by CLI commands: the -c/--config option and default config discovery."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from genesys.errors import GenesysError

if TYPE_CHECKING:
    from genesys.config.model import Config

CONFIG_NAMES = ("genesys.yaml", "genesys.yml", "genesys.toml")


def add_config_arg(parser: argparse.ArgumentParser) -> None:
    """Adds -c/--config FILE (default: genesys.yaml, .yml or .toml in the working dir)."""
    parser.add_argument(
        "-c",
        "--config",
        metavar="FILE",
        default=None,
        help="config file (default: genesys.yaml, genesys.yml or genesys.toml here)",
    )


def find_config(cwd: Path | None = None) -> Path:
    """The one default config file in `cwd`; a clear error when there is none or several."""
    directory = Path.cwd() if cwd is None else Path(cwd)
    found = [directory / name for name in CONFIG_NAMES if (directory / name).is_file()]
    if not found:
        raise GenesysError(
            f"no config file in {directory} (looked for {', '.join(CONFIG_NAMES)}); "
            "create one with `genesys init` or pass -c FILE"
        )
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise GenesysError(
            f"several config files in {directory} ({names}): choose one with -c FILE"
        )
    return Path(display_path(found[0]))  # messages then name it as the user would


def config_path(args: argparse.Namespace) -> Path:
    """The file named by -c/--config, or the default one."""
    given = getattr(args, "config", None)
    return Path(given) if given else find_config()


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_config_from_args(args: argparse.Namespace) -> Config:
    """Loads the config the command was pointed at (a ConfigError lists every problem)."""
    from genesys.config import load_config

    return load_config(config_display_name(args))


def config_display_name(args: argparse.Namespace) -> str:
    """The config file as messages name it: as given with -c, else relative to here."""
    given = getattr(args, "config", None)
    return str(given) if given else display_path(find_config())
