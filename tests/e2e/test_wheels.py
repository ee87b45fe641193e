"""Each package is released on its own (issue 15 item 13): the wheels of the core and of one
plugin, installed into a fresh virtual environment with no workspace, validate, plan and pass
the conformance kit; and a plugin speaking only an older protocol version fails against the
current core with one message naming both versions.

Wheels are built with `uv build --package NAME`; dependencies are the versions uv.lock pins
(`uv export`), installed from the machine's package cache or registry.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("genesys-protocol", "genesys-plugin-sdk", "genesys", "genesys-provider-local")
UV = shutil.which("uv") or str(Path.home() / ".local/bin/uv")

CONFIG = """\
provider: local
providers:
  local:
    latency_ms: 0
resources:
  network:
    - name: main
      cidr: 10.0.0.0/16
  storage:
    - name: data
      type: bucket
"""

OLD_PLUGIN = """\
#!{python}
# A plugin built for protocol version 0 only (as an old release would be).
from genesys_plugin_sdk import Plugin, serve
from genesys.provider.v1 import provider_pb2, provider_pb2_grpc


class Old(provider_pb2_grpc.ProviderServicer):
    def GetMetadata(self, request, context):
        return provider_pb2.ProviderMetadata(name="oldproto", version="0.9.0", protocol_version=0)


serve(Plugin(name="oldproto", version="0.9.0", provider=Old(), protocol_versions=(0,)))
"""


def _run(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300):
    return subprocess.run(
        args,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh virtual environment holding only the four wheels and their pinned deps."""
    work = tmp_path_factory.mktemp("wheels")
    wheels = work / "dist"
    for package in PACKAGES:
        built = _run(UV, "build", "--package", package, "--wheel", "-o", str(wheels), cwd=ROOT)
        assert built.returncode == 0, built.stderr
    pins = work / "requirements.txt"
    exported = _run(
        UV,
        "export",
        "--frozen",
        "--no-dev",
        "--no-emit-workspace",
        "--no-hashes",
        "--package",
        "genesys",
        "--package",
        "genesys-provider-local",
        "-o",
        str(pins),
        cwd=ROOT,
    )
    assert exported.returncode == 0, exported.stderr
    env_dir = work / "venv"
    made = _run(UV, "venv", str(env_dir), "--python", sys.executable, cwd=work)
    assert made.returncode == 0, made.stderr
    python = str(env_dir / "bin" / "python")
    files = sorted(str(w) for w in wheels.glob("*.whl"))
    installed = _run(UV, "pip", "install", "--python", python, "-r", str(pins), *files, cwd=work)
    assert installed.returncode == 0, installed.stderr
    yield env_dir


def _env(venv: Path, extra_path: str = "") -> dict[str, str]:
    """The venv's bin first on PATH; nothing of the workspace (no VIRTUAL_ENV, PYTHONPATH)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("VIRTUAL_ENV", "PYTHONPATH", "UV_PROJECT_ENVIRONMENT")
    }
    parts = [extra_path] if extra_path else []
    env["PATH"] = os.pathsep.join([*parts, str(venv / "bin"), "/usr/local/bin", "/usr/bin", "/bin"])
    env["NO_COLOR"] = "1"
    return env


def test_only_the_four_wheels_are_installed_not_the_workspace(venv: Path) -> None:
    listed = _run(UV, "pip", "freeze", "--python", str(venv / "bin" / "python"), cwd=venv)
    ours = sorted(
        line.split("@")[0].split("==")[0].strip()
        for line in listed.stdout.splitlines()
        if line.startswith("genesys")
    )
    assert ours == sorted(PACKAGES)
    where = _run(
        str(venv / "bin" / "python"),
        "-c",
        "import genesys.cli.main, genesys_provider_local; print(genesys.cli.main.__file__); "
        "print(genesys_provider_local.__file__)",
        cwd=venv,
        env=_env(venv),
    )
    assert where.returncode == 0, where.stderr
    assert all(str(venv) in line for line in where.stdout.splitlines())  # not the src tree
    assert str(ROOT / "packages") not in where.stdout


def test_validate_plan_and_provider_test_from_the_wheels(venv: Path, tmp_path: Path) -> None:
    (tmp_path / "genesys.yaml").write_text(CONFIG)
    genesys = str(venv / "bin" / "genesys")

    validated = _run(genesys, "validate", cwd=tmp_path, env=_env(venv))
    assert validated.returncode == 0, validated.stderr
    assert "Success! The configuration is valid (2 resources)." in validated.stdout

    planned = _run(genesys, "plan", cwd=tmp_path, env=_env(venv))
    assert planned.returncode == 0, planned.stderr
    assert "2 to add, 0 to change, 0 to destroy" in planned.stdout

    tested = _run(genesys, "provider", "test", "local", cwd=tmp_path, env=_env(venv))
    lines = tested.stdout.strip().splitlines()
    assert tested.returncode == 0, "\n".join(x for x in lines if x.startswith("FAIL"))
    assert lines[-1].endswith(" passed, 0 failed") and int(lines[-1].split()[0]) > 200


def test_a_plugin_of_an_older_protocol_fails_with_both_versions_named(
    venv: Path, tmp_path: Path
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    plugin = bin_dir / "genesys-provider-oldproto"
    plugin.write_text(OLD_PLUGIN.format(python=venv / "bin" / "python"))
    plugin.chmod(0o755)
    project = tmp_path / "project"
    project.mkdir()
    (project / "genesys.yaml").write_text(CONFIG.replace("local", "oldproto"))

    planned = _run(str(venv / "bin" / "genesys"), "plan", cwd=project, env=_env(venv, str(bin_dir)))

    assert planned.returncode == 1
    errors = [line for line in planned.stderr.splitlines() if line.strip()]
    assert "Traceback" not in planned.stderr
    assert any(
        "provider 'oldproto' speaks protocol versions [0], core supports [1]" in line
        for line in errors
    ), planned.stderr
