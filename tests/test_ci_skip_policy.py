"""The repository's conftest.py under CI=true: a skip fails the run, unless the test is
marked real_cloud (listed at the end); xfail is untouched. Runs pytest for real, in a
scratch directory holding a copy of that conftest and a few tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"
TESTS = """
import pytest

def test_passes():
    pass

def test_skips_for_lack_of_a_tool():
    pytest.skip("postgres is not installed")

@pytest.mark.real_cloud
def test_needs_an_aws_account():
    pytest.skip("no AWS credentials")

@pytest.mark.xfail(strict=True, reason="a known leak")
def test_known_failure():
    assert False

@pytest.fixture
def service():
    pytest.skip("moto is not installed")

def test_skips_in_a_fixture(service):
    pass
"""
MODULE_SKIP = """
import pytest
pytest.skip("node is not installed", allow_module_level=True)
"""


def _run(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    shutil.copy(CONFTEST, tmp_path / "conftest.py")
    (tmp_path / "test_sample.py").write_text(TESTS)
    (tmp_path / "test_module_skip.py").write_text(MODULE_SKIP)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_in_ci_every_skip_but_real_cloud_fails(tmp_path: Path) -> None:
    run = _run(tmp_path, "true")
    out = run.stdout
    assert run.returncode == 1, out
    assert "1 failed, 1 passed, 2 skipped, 1 xfailed, 1 error" in out, out  # error: at setup
    assert "test_skips_for_lack_of_a_tool skipped under CI=true (postgres is not installed)" in out
    assert "test_skips_in_a_fixture skipped under CI=true (moto is not installed)" in out
    assert "modules skipped under CI=true: 1" in out  # the run goes on, then fails
    assert "FAILED test_module_skip.py: skipped (node is not installed)" in out
    assert "real-cloud tests skipped (credential-gated): 1" in out
    assert "test_sample.py::test_needs_an_aws_account: no AWS credentials" in out


def test_outside_ci_skips_stay_skips(tmp_path: Path) -> None:
    run = _run(tmp_path, None)
    assert run.returncode == 0, run.stdout
    assert "1 passed, 4 skipped, 1 xfailed" in run.stdout, run.stdout
    assert "real-cloud tests skipped (credential-gated): 1" in run.stdout
