from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def memory_plugin() -> str:
    """A correct in-memory plugin (network, subnet, bucket) run as a child process."""
    return str(FIXTURES / "memory_plugin.py")


@pytest.fixture
def broken_plugin() -> str:
    """The memory plugin with broken idempotency and UNKNOWN instead of NOT_FOUND."""
    return str(FIXTURES / "broken_plugin.py")


@pytest.fixture
def sloppy_handshake_plugin() -> str:
    """The memory plugin that accepts a missing cookie and hangs on unknown versions."""
    return str(FIXTURES / "sloppy_handshake_plugin.py")


@pytest.fixture
def plugin_fixture():
    """The path of a fixture plugin by file name."""
    return lambda name: str(FIXTURES / name)


@pytest.fixture
def memory_plugin_with(tmp_path_factory):
    """The memory plugin started with `env` in its own environment (the core scrubs the
    environment it passes to plugins, so a wrapper script sets it): `memory_plugin_with(
    MEMORY_PLUGIN_BUGS="no_health")` is the path of such a plugin."""

    def make(**env: str) -> str:
        wrapper = tmp_path_factory.mktemp("plugin") / "memory_with_env.py"
        wrapper.write_text(
            "import os, sys\n"
            f"os.environ.update({env!r})\n"
            f"sys.path.insert(0, {str(FIXTURES)!r})\n"
            "from memory_plugin import main\n"
            "main()\n"
        )
        return str(wrapper)

    return make
