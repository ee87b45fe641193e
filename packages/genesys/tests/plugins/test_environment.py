"""Plugins get a scrubbed environment: what they need of the user's shell, never the state
passphrase or unrelated secrets (issue 14, item 2). Read from the real plugin process's
/proc/<pid>/environ while it serves."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from genesys.config import load_config
from genesys.errors import ConfigError
from genesys.plugins import PluginManager, launch_plugin
from genesys.plugins.manager import env_passthrough_of

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")

SHELL = {
    "GENESYS_STATE_PASSPHRASE": "state-passphrase-canary",
    "MY_SHELL_TOKEN": "shell-token-canary",
    "GITHUB_TOKEN": "ghp-canary",
    "AWS_ACCESS_KEY_ID": "AKIACANARY",
    "AWS_PROFILE": "dev",
    "GOOGLE_APPLICATION_CREDENTIALS": "/tmp/gcp.json",
    "CLOUDSDK_CORE_PROJECT": "p1",
    "HTTPS_PROXY": "http://proxy:3128",
    "no_proxy": "localhost",
    "LC_CTYPE": "C.UTF-8",
    "SSL_CERT_FILE": "/etc/ssl/ca.pem",
    "ACME_TOKEN": "acme-canary",
    "ACME_REGION_X": "r1",
    "ACMEX_OTHER": "not-passed",
}


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


def _plugin_named(tmp_path: Path, name: str) -> str:
    path = tmp_path / f"genesys-provider-{name}.py"
    shutil.copy(FIXTURES / "minimal_provider.py", path)
    return str(path)


@pytest.fixture
def shell(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in SHELL.items():
        monkeypatch.setenv(key, value)


def test_an_aws_plugin_sees_its_credential_chain_and_nothing_else(
    tmp_path: Path, shell: None
) -> None:
    with launch_plugin(_plugin_named(tmp_path, "aws")) as conn:
        assert conn.pid is not None
        seen = _environ(conn.pid)
    for kept in ("AWS_ACCESS_KEY_ID", "AWS_PROFILE", "HTTPS_PROXY", "no_proxy", "LC_CTYPE"):
        assert seen[kept] == SHELL[kept]
    assert seen["SSL_CERT_FILE"] == SHELL["SSL_CERT_FILE"] and "PATH" in seen
    for dropped in (
        "GENESYS_STATE_PASSPHRASE",
        "MY_SHELL_TOKEN",
        "GITHUB_TOKEN",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "ACME_TOKEN",
    ):
        assert dropped not in seen
    assert "GENESYS_PLUGIN_MAGIC_COOKIE" in seen  # the handshake still works


def test_a_gcp_plugin_sees_google_variables_not_aws_ones(tmp_path: Path, shell: None) -> None:
    with launch_plugin(_plugin_named(tmp_path, "gcp")) as conn:
        assert conn.pid is not None
        seen = _environ(conn.pid)
    assert seen["GOOGLE_APPLICATION_CREDENTIALS"] == "/tmp/gcp.json"
    assert seen["CLOUDSDK_CORE_PROJECT"] == "p1"
    assert "AWS_ACCESS_KEY_ID" not in seen and "GENESYS_STATE_PASSPHRASE" not in seen


def test_a_third_party_plugin_names_its_variables_in_the_config(
    tmp_path: Path, shell: None
) -> None:
    (tmp_path / "genesys.yaml").write_text(
        "provider: acme\n"
        "providers:\n"
        "  acme:\n"
        "    env_passthrough: [ACME_TOKEN, ACME_REGION_*, GENESYS_STATE_PASSPHRASE]\n"
    )
    passthrough = env_passthrough_of(load_config(tmp_path / "genesys.yaml"))
    assert passthrough == {"acme": ("ACME_TOKEN", "ACME_REGION_*", "GENESYS_STATE_PASSPHRASE")}
    with PluginManager(env_passthrough=passthrough) as plugins:
        conn = plugins.get(_plugin_named(tmp_path, "acme"))
        assert conn.pid is not None
        seen = _environ(conn.pid)
    assert seen["ACME_TOKEN"] == "acme-canary" and seen["ACME_REGION_X"] == "r1"
    assert "ACMEX_OTHER" not in seen and "AWS_PROFILE" not in seen
    assert "GENESYS_STATE_PASSPHRASE" not in seen  # never, even when asked for


def test_a_bad_passthrough_list_is_one_located_error(tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(
        "provider: acme\nproviders:\n  acme:\n    env_passthrough: [OK_*, not a name]\n"
    )
    with pytest.raises(ConfigError) as failed:
        load_config(tmp_path / "genesys.yaml")
    assert "genesys.yaml:4:" in str(failed.value)
    assert "env_passthrough[1]: invalid environment variable pattern 'not a name'" in str(
        failed.value
    )
