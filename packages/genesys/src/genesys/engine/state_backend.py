"""Choose and open the state backend a config asks for.

`local` (the default) lives beside the config in `.genesys/state/<workspace>`; remote
backends are served by the plugin of their cloud through the protocol's StateStore service,
so the core never imports a cloud SDK.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from genesys.engine.references import resolve
from genesys.errors import StateError

# Which provider plugin serves each remote backend.
BACKEND_PLUGINS = {
    "s3": "aws",
    "gcs": "gcp",
    "azureblob": "azure",
    "oss": "alibaba",
    "cos": "tencent",
}
PASSPHRASE_ENV = "GENESYS_STATE_PASSPHRASE"
# State block keys the core acts on; the rest are the backend plugin's location settings.
CORE_KEYS = frozenset({"backend", "encrypt", "kms_key"})


def state_block(config: Any, identity: dict[str, str]) -> dict[str, Any]:
    """The config's `state:` block as a plain dict with ${account_id}-style values resolved."""
    block = config.state.as_values()
    resolved: dict[str, Any] = resolve(block, lambda _addr, attr: identity.get(attr, ""))
    resolved.setdefault("backend", "local")
    return resolved


def local_state_dir(config_path: Path, block: dict[str, Any]) -> Path:
    base = config_path.resolve().parent
    workspace = block.get("workspace") or "default"
    path = block.get("path")
    return (base / path) if path else base / ".genesys" / "state" / workspace


def make_backend(config: Any, config_path: Path, plugins: Any, identity: dict[str, str]) -> Any:
    from genesys.state import LocalBackend, RemoteBackend

    block = state_block(config, identity)
    backend = block["backend"]
    if backend == "local":
        return LocalBackend(local_state_dir(config_path, block)), block
    plugin_name = BACKEND_PLUGINS.get(backend)
    if plugin_name is None:
        known = ", ".join(["local", *BACKEND_PLUGINS])
        raise StateError(f"state.backend {backend!r} is not supported (known: {known})")
    from genesys.provider.v1 import provider_pb2
    from google.protobuf import struct_pb2

    conn = plugins.get(plugin_name)
    if plugin_name != config.provider:
        from genesys.engine.session import configure_plugin

        configure_plugin(conn, config, config.base_dir.resolve(), plugin_name)
    settings = struct_pb2.Struct()
    extra = block.pop("settings", None) or {}
    settings.update({**{k: v for k, v in block.items() if k not in CORE_KEYS}, **extra})
    location = provider_pb2.StateLocation(
        backend=backend, config=settings, workspace=block.get("workspace") or "default"
    )
    # The raw stub: RemoteBackend maps grpc errors itself (typed stubs raise ProviderError).
    return RemoteBackend(conn.state_store.raw, location), block


def key_sources(block: dict[str, Any]) -> dict[str, Any]:
    """StateManager.open's key arguments for a state block: `kms_key` (a data key wrapped
    by the backend plugin's key service) when the block names one, else the passphrase."""
    kms_key = str(block.get("kms_key") or "")
    if not block.get("encrypt"):
        if kms_key:  # the user meant the state to be encrypted: never write it in plaintext
            raise StateError("state.kms_key is set but state.encrypt is not: add `encrypt: true`")
        return {}
    if kms_key and block["backend"] == "local":
        raise StateError(
            "state.kms_key needs a remote backend whose plugin offers a key service (s3: AWS "
            f"KMS) to wrap the data key. With local state, set {PASSPHRASE_ENV} instead"
        )
    if kms_key:
        return {"kms_key": kms_key}
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if not passphrase:
        raise StateError(
            f"state.encrypt is true but no key source is set: set {PASSPHRASE_ENV} to the "
            "passphrase that protects the state, or, if the backend's plugin offers a key "
            "service (s3: AWS KMS), name a key in state.kms_key (e.g. alias/genesys-state)"
        )
    return {"passphrase": passphrase.encode()}


@contextlib.contextmanager
def open_state(
    config: Any,
    config_path: Path,
    plugins: Any,
    identity: dict[str, str],
    *,
    operation: str,
    lock: bool = True,
) -> Iterator[Any]:
    from genesys.state import StateManager

    backend, block = make_backend(config, config_path, plugins, identity)
    manager = StateManager.open(backend, operation=operation, lock=lock, **key_sources(block))
    try:
        yield manager
    finally:
        manager.close()


@contextlib.contextmanager
def fresh_state(operation: str) -> Iterator[Any]:
    """An empty state in a scratch directory, gone on exit: what a provider the config has
    never been applied on starts from (`plan --provider`). Nothing of the real state is read."""
    import tempfile

    from genesys.state import LocalBackend, StateManager

    with tempfile.TemporaryDirectory(prefix="genesys-fresh-state-") as scratch:
        manager = StateManager.open(LocalBackend(scratch), operation=operation, lock=False)
        try:
            yield manager
        finally:
            manager.close()


@contextlib.contextmanager
def backend_for_config(config_path: Path | None) -> Iterator[Any]:
    """The backend holding a config's state, for commands that only touch state (`state`,
    `output`, `force-unlock`): the config's local directory, or a remote backend served by
    its plugin (started and configured here for ${account_id}, stopped on exit). Without a
    config file: the local state beside where it would be (or the working directory)."""
    from genesys.state import open_backend_for_config

    if config_path is None or not Path(config_path).is_file():
        yield open_backend_for_config(config_path)
        return
    from genesys.config import load_config

    config = load_config(config_path)
    if state_block(config, {})["backend"] == "local":
        yield make_backend(config, Path(config_path), None, {})[0]
        return
    from genesys.engine.session import configure_plugin
    from genesys.plugins import PluginManager
    from genesys.plugins.manager import env_passthrough_of

    plugins = PluginManager(env_passthrough=env_passthrough_of(config))
    try:
        conn = plugins.get(config.plugin)
        identity = configure_plugin(conn, config, config.base_dir.resolve(), config.provider_name)
        yield make_backend(config, Path(config_path), plugins, identity)[0]
    finally:
        plugins.close()
