"""Where a config's state lives."""

from __future__ import annotations

from pathlib import Path

from genesys.state.backend import StateBackend
from genesys.state.local import LocalBackend

STATE_DIR_NAME = ".genesys"
DEFAULT_WORKSPACE = "default"


def local_state_directory(config_path: Path | None, workspace: str = DEFAULT_WORKSPACE) -> Path:
    """<directory of the config file, or the working directory>/.genesys/state/<workspace>."""
    base = Path(config_path).resolve().parent if config_path else Path.cwd()
    return base / STATE_DIR_NAME / "state" / workspace


def open_backend_for_config(config_path: Path | None) -> StateBackend:
    """The backend holding the state of the config at `config_path` (None: the cwd's).

    For now always the local backend beside the config; remote backends (the config's
    `state:` block) are served through a plugin's StateStore and wired in by the engine.
    """
    return LocalBackend(local_state_directory(config_path))
