"""Fixtures: the local provider served over real gRPC, configured on a fresh root.

Every test that makes processes (instances, gateways, postgres) deletes them through the
plugin; the `root` teardown additionally stops any survivor found on disk, so a failing
test never leaks a process.
"""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from genesys.provider.v1 import provider_pb2
from genesys_plugin_sdk.testing import InProcessConnection, serve_in_process
from genesys_provider_local import daemons, postgres
from genesys_provider_local.main import build_plugin
from genesys_provider_local.registry import REGISTRY_FILE
from google.protobuf import struct_pb2


def configure_request(root: Path, **settings: Any) -> provider_pb2.ConfigureRequest:
    values = struct_pb2.Struct()
    values.update({"root": str(root), **settings})
    return provider_pb2.ConfigureRequest(settings=values, working_dir=str(root.parent))


def stop_leftovers(root: Path) -> None:
    """Stops every supervised process and postgres cluster still found under `root`."""
    if not root.exists():
        return
    for state in root.rglob("supervisor.json"):
        daemons.stop(state.parent, grace=1.0)
    for data in root.glob("databases/*/pg/data"):  # pg may link outside the root
        postgres.stop(data)


def leftovers(root: Path) -> list[str]:
    """What is under the root besides the registry's own files."""
    return sorted(
        str(p.relative_to(root)) for p in root.iterdir() if not p.name.startswith(REGISTRY_FILE)
    )


@pytest.fixture
def root(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "root"
    yield path
    stop_leftovers(path)


@pytest.fixture
def conn(root: Path) -> Iterator[InProcessConnection]:
    with serve_in_process(build_plugin()) as connection:
        connection.provider.Configure(configure_request(root))
        yield connection


def make_zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def payload(value: Any) -> bytes:
    return json.dumps(value).encode()


@contextlib.contextmanager
def served(root: Path, **settings: Any) -> Iterator[InProcessConnection]:
    """A second, independently configured plugin on `root` (e.g. a restart)."""
    with serve_in_process(build_plugin()) as connection:
        connection.provider.Configure(configure_request(root, **settings))
        yield connection
